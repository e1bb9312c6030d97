import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { arns, call, type PlanContext } from '../../plan/context.js';
import type { PlanInverse } from '../../plan/types.js';
import { defineInverse, requestIds } from '../inverse.js';
import { RUN_ID_TAG, STEP_TAG } from '../tags.js';
import { pollUntil } from '../wait.js';

export const FIS_DONE = new Set(['completed', 'stopped', 'failed', 'cancelled']);

/**
 * Stops the experiment if it still runs. Without its id (a crash between StartExperiment and
 * recording the id) it is found by the run and step tags.
 */
export const stopExperiment = defineInverse({
  action: 'fis.stop-experiment',
  params: z.object({ runId: z.string(), stepId: z.string(), experimentId: z.string().optional() }),
  async run(ctx, { experimentId, runId, stepId }) {
    let expIds: string[] = experimentId ? [experimentId] : [];
    if (!experimentId) {
      const res = await ctx.aws.fis.listExperiments({});
      expIds = (res.experiments ?? [])
        .filter((e) => e.tags?.[RUN_ID_TAG] === runId && (e.tags?.[STEP_TAG] ?? stepId) === stepId)
        .map((e) => e.id ?? '')
        .filter(Boolean);
    }
    const rids: string[] = [];
    for (const id of expIds) {
      const cur = await ctx.aws.fis.getExperiment({ id });
      if (FIS_DONE.has(cur.experiment?.state?.status ?? '')) continue;
      try {
        rids.push(...requestIds(await ctx.aws.fis.stopExperiment({ id })));
      } catch (err) {
        if (!(DrillproofError.is(err) && err.code === 'AwsResourceNotFound')) throw err;
      }
      await pollUntil(
        async () => {
          const g = await ctx.aws.fis.getExperiment({ id });
          return FIS_DONE.has(g.experiment?.state?.status ?? '') ? true : undefined;
        },
        {
          clock: ctx.clock,
          intervalMs: ctx.pollMs,
          timeoutMs: ctx.waitTimeoutMs,
          what: `FIS experiment ${id} to stop`,
        },
      );
    }
    return rids;
  },
});

export function stopExperimentSpec(o: { runId: string; stepId: string; region: string; experimentId?: string }) {
  const { runId, region, experimentId: id } = o;
  return stopExperiment.spec(
    { runId, stepId: o.stepId, ...(id ? { experimentId: id } : {}) },
    id ? `stop FIS experiment ${id}` : `stop FIS experiments tagged ${RUN_ID_TAG}=${runId}`,
    id
      ? [`aws fis stop-experiment --region ${region} --id ${id}`]
      : [
          `aws fis list-experiments --region ${region} --query "experiments[?tags.\\"${RUN_ID_TAG}\\"=='${runId}'].id"`,
          `aws fis stop-experiment --region ${region} --id <id from above>`,
        ],
  );
}

/** Deletes the experiment template drillproof created for the run. */
export const deleteTemplate = defineInverse({
  action: 'fis.delete-template',
  params: z.object({ templateId: z.string() }),
  async run(ctx, { templateId }) {
    try {
      return requestIds(await ctx.aws.fis.deleteExperimentTemplate({ id: templateId }));
    } catch (err) {
      if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') return [];
      throw err;
    }
  },
});

/** The plan's inverse: stop the experiment if still running (and delete a created template). */
export function fisInversePlan(ctx: PlanContext, creates: boolean): PlanInverse {
  const calls = [
    call('fis', 'ListExperiments', ['*'], { note: 'find the run-tagged experiment after a crash' }),
    call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'is it still running?' }),
    call('fis', 'StopExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'only if still running' }),
  ];
  if (creates) calls.push(call('fis', 'DeleteExperimentTemplate', arns(ctx, 'fis', 'experiment-template/*')));
  return {
    description: `stop the experiment if it is still running${creates ? ', delete the template drillproof created' : ''}`,
    awsCalls: calls,
  };
}
