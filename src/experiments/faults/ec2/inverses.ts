import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { ASG_TAG } from '../../resources/ec2-instance.js';
import { defineInverse, requestIds } from '../inverse.js';
import { pollUntil } from '../wait.js';
import { describeStates, waitForStates } from './state.js';

/** Starts stopped instances and waits until every one runs (ec2-stop, az-impairment, sweep). */
export const startInstances = defineInverse({
  action: 'ec2.start-instances',
  params: z.object({ instanceIds: z.array(z.string()).min(1) }),
  async run(ctx, { instanceIds }) {
    // A stopping instance cannot be started yet: wait for it to settle first.
    await waitForStates(ctx, instanceIds, ['stopped', 'running', 'pending', 'terminated', 'absent']);
    const now = await describeStates(ctx.aws, instanceIds);
    const toStart = instanceIds.filter((id) => now.get(id)?.state === 'stopped');
    const gone = instanceIds.filter((id) => (now.get(id)?.state ?? 'terminated') === 'terminated');
    if (gone.length) {
      throw DrillproofError.aws('InstanceGone', `instance(s) ${gone.join(', ')} are terminated and cannot be started`);
    }
    const rids: string[] = [];
    if (toStart.length) rids.push(...requestIds(await ctx.aws.ec2.startInstances({ InstanceIds: toStart })));
    await waitForStates(ctx, instanceIds, ['running']);
    return rids;
  },
});

export function startInstancesSpec(ids: string[], region: string) {
  return startInstances.spec({ instanceIds: ids }, `start ${ids.join(', ')}`, [
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
