import type { AwsApis } from '../../../aws/apis.js';
import { type InstanceInfo, toInstanceInfo } from '../../resources/ec2-instance.js';
import type { FaultContext } from '../types.js';
import { pollUntil } from '../wait.js';

/** Current state of the given instances (missing ids are absent from the map). */
export async function describeStates(aws: AwsApis, ids: string[]): Promise<Map<string, InstanceInfo>> {
  const res = await aws.ec2.describeInstances({ InstanceIds: ids });
  const out = new Map<string, InstanceInfo>();
  for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    const info = toInstanceInfo(i);
    if (ids.includes(info.id)) out.set(info.id, info);
  }
  return out;
}

/** Waits until every instance is in one of `states`. Rollbacks pass no abort signal. */
export async function waitForStates(
  ctx: Pick<FaultContext, 'aws' | 'clock' | 'pollMs' | 'waitTimeoutMs'>,
  ids: string[],
  states: string[],
  signal?: AbortSignal,
): Promise<void> {
  await pollUntil(
    async () => {
      const now = await describeStates(ctx.aws, ids);
      return ids.every((id) => states.includes(now.get(id)?.state ?? 'absent')) ? true : undefined;
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `${ids.join(', ')} to be ${states.join(' or ')}`,
    },
  );
}
