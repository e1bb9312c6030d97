import { startAsgPart } from './asg/part.js';
import { startEcsPart } from './ecs/part.js';
import { startElastiCachePart } from './elasticache/part.js';
import { startLambdaPart } from './lambda/part.js';
import { type LabPart, type LabPartContext, type LabParts, mergeParts } from './part.js';

/** Starts the optional lab services the options enable (in parallel) and merges what they add. */
export async function startLabParts(ctx: LabPartContext): Promise<LabParts> {
  const o = ctx.options;
  const starting: Promise<LabPart>[] = [];
  if (o.asg) starting.push(startAsgPart(ctx));
  if (o.ecs) starting.push(startEcsPart(ctx));
  if (o.lambda) starting.push(startLambdaPart(ctx));
  if (o.redis !== 'off') starting.push(startElastiCachePart(ctx));
  const started = await Promise.allSettled(starting);
  const parts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Stop what did start, so no process outlives a failed lab start.
    await mergeParts(parts).shutdown();
    throw failed.reason;
  }
  return mergeParts(parts);
}
