import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { ASG_TAG } from '../../resources/ec2-instance.js';
import { defineInverse, requestIds } from '../inverse.js';
import { pollUntil } from '../wait.js';
import { describeStates, waitForStates } from './state.js';

/**
 * Starts stopped instances and waits until every one runs (ec2-stop, az-impairment, sweep).
 * `replaceable`: instances whose Auto Scaling group may replace them (`autoScaling: replace`);
 * one the group terminated is journaled, not an error.
 */
export const startInstances = defineInverse({
  action: 'ec2.start-instances',
  params: z.object({ instanceIds: z.array(z.string()).min(1), replaceable: z.array(z.string()).optional() }),
  async run(ctx, { instanceIds, replaceable = [] }) {
    // A stopping instance cannot be started yet: wait for it to settle first.
    await waitForStates(ctx, instanceIds, ['stopped', 'running', 'pending', 'terminated', 'absent']);
    const now = await describeStates(ctx.aws, instanceIds);
    const isGone = (id: string) => (now.get(id)?.state ?? 'terminated') === 'terminated';
    const replaced = instanceIds.filter((id) => isGone(id) && replaceable.includes(id));
    const gone = instanceIds.filter((id) => isGone(id) && !replaceable.includes(id));
    if (gone.length) {
      throw DrillproofError.aws('InstanceGone', `instance(s) ${gone.join(', ')} are terminated and cannot be started`);
    }
    if (replaced.length) {
      ctx.note?.(
        `instance(s) ${replaced.join(', ')} were terminated by their Auto Scaling group (replaced): not started`,
      );
    }
    const rest = instanceIds.filter((id) => !replaced.includes(id));
    const toStart = rest.filter((id) => now.get(id)?.state === 'stopped');
    const rids: string[] = [];
    if (toStart.length) rids.push(...requestIds(await ctx.aws.ec2.startInstances({ InstanceIds: toStart })));
    // The group may still terminate an instance it marked Unhealthy while this starts it.
    const settled = (id: string, s: string | undefined) =>
      s === 'running' || (replaceable.includes(id) && (s === 'terminated' || s === 'shutting-down'));
    if (rest.length) {
      await pollUntil(
        async () => {
          const st = await describeStates(ctx.aws, rest);
          return rest.every((id) => settled(id, st.get(id)?.state ?? 'terminated')) ? true : undefined;
        },
        {
          clock: ctx.clock,
          intervalMs: ctx.pollMs,
          timeoutMs: ctx.waitTimeoutMs,
          what: `${rest.join(', ')} to be running`,
        },
      );
    }
    return rids;
  },
});

export function startInstancesSpec(ids: string[], region: string, replaceable?: string[]) {
  const params = { instanceIds: ids, ...(replaceable?.length ? { replaceable } : {}) };
  return startInstances.spec(params, `start ${ids.join(', ')}`, [
    `aws ec2 start-instances --region ${region} --instance-ids ${ids.join(' ')}`,
  ]);
}

/** Waits for the Auto Scaling group to run as many instances as before (ec2-terminate). */
export const awaitReplacement = defineInverse({
  action: 'ec2.await-replacement',
  params: z.object({ asgName: z.string(), expectedRunning: z.number().int().min(0), terminated: z.array(z.string()) }),
  async run(ctx, { asgName, expectedRunning }) {
    await pollUntil(
      async () => {
        const res = await ctx.aws.ec2.describeInstances({ Filters: [{ Name: `tag:${ASG_TAG}`, Values: [asgName] }] });
        const running = (res.Reservations ?? [])
          .flatMap((r) => r.Instances ?? [])
          .filter((i) => i.State?.Name === 'running' && i.Tags?.some((t) => t.Key === ASG_TAG && t.Value === asgName));
        return running.length >= expectedRunning ? true : undefined;
      },
      {
        clock: ctx.clock,
        intervalMs: ctx.pollMs,
        timeoutMs: ctx.waitTimeoutMs,
        what: `Auto Scaling group ${asgName} to have ${expectedRunning} running instances`,
      },
    );
    return [];
  },
});
