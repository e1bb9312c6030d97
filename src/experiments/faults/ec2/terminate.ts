import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { strict } from '../../../scenario/common.js';
import { call, tagged } from '../../plan/context.js';
import { ASG_TAG } from '../../resources/ec2-instance.js';
import { confirmByAction, defineFault } from '../definition.js';
import { dryRunCheck } from '../dry-run.js';
import { requestIds } from '../inverse.js';
import { M, planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction, FaultContext } from '../types.js';
import {
  autoScalingOption,
  autoScalingPlanCalls,
  autoScalingScope,
  resumeProcesses,
  withAutoScaling,
} from './auto-scaling.js';
import { ec2WatchCalls, instanceArns, instancesOfStep, resolveInstancesCalls, targetGroupWatch } from './common.js';
import { instancesInState } from './confirm.js';
import { awaitReplacement } from './inverses.js';

export const ec2TerminateFault = strict({
  ...stepShape,
  type: z.literal('ec2-terminate'),
  resource: resourceName,
  autoScaling: autoScalingOption,
}).meta({
  description: 'Terminate EC2 instances. Irreversible: recovery relies on your Auto Scaling group.',
});

async function runningInGroup(ctx: FaultContext, asg: string): Promise<number> {
  const res = await ctx.aws.ec2.describeInstances({ Filters: [{ Name: `tag:${ASG_TAG}`, Values: [asg] }] });
  return (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name === 'running' && i.Tags?.some((t) => t.Key === ASG_TAG && t.Value === asg)).length;
}

/**
 * ec2-terminate: TerminateInstances. Inverse: wait for the Auto Scaling group to replace the
 * instances; without a group nothing can bring them back, and the run says so.
 */
export const ec2TerminateDefinition = defineFault({
  type: 'ec2-terminate',
  schema: ec2TerminateFault,
  resourceRefs: [{ key: 'resource', types: ['ec2-instance'] }],
  warnings: (_f, { at }) => [
    {
      code: 'FaultIrreversible',
      message: 'ec2-terminate cannot be undone: rollback cannot bring the instances back',
      path: [...at, 'type'],
      hint: 'make sure an Auto Scaling group replaces them, or use ec2-stop',
    },
  ],
  plan(f, ctx) {
    const r = ctx.resources[f.resource];
    const iArns = instanceArns(ctx, r);
    const asg = autoScalingPlanCalls(ctx, f.autoScaling);
    return {
      title: `terminate EC2 instances (${f.resource})`,
      description: 'Terminates the selected instances. Cannot be undone: recovery relies on an Auto Scaling group.',
      targets: [planTarget(ctx, f.resource)],
      preflight: [
        ...resolveInstancesCalls(r),
        ...asg.preflight,
        call('ec2', 'TerminateInstances', iArns, { ...tagged(ctx), dryRun: true, note: 'permission check' }),
      ],
      inject: [...asg.inject, call('ec2', 'TerminateInstances', iArns, tagged(ctx))],
      watch: [...ec2WatchCalls(ctx, r), ...asg.watch],
      inverse: asg.inverse.length
        ? {
            description: 'resume the Auto Scaling processes (the group then replaces the instances)',
            awsCalls: asg.inverse,
          }
        : null,
      // Only with an Auto Scaling group, known at run time: waiting for its replacements.
      inverseActions: [...(f.autoScaling === 'suspend' ? [] : [awaitReplacement.action]), ...asg.inverseActions],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 10 * S : 5 * M,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: { typical: 0, max: 0 },
      notes: ['irreversible: rollback cannot bring terminated instances back'],
    };
  },
  async prepare(step, ctx) {
    const instances = instancesOfStep(step, ctx);
    const ids = instances.map((i) => i.id);
    const scope = await autoScalingScope(step, ctx, ids);
    const groups = new Set([...scope.groups.keys(), ...instances.flatMap((i) => (i.asgName ? [i.asgName] : []))]);
    if (groups.size > 1) {
      throw DrillproofError.user(
        'TerminateMixedGroups',
        `fault ${step.id} selects instances from several Auto Scaling groups (${[...groups].join(', ')})`,
        { hint: 'select instances of one group per ec2-terminate fault' },
      );
    }
    const asg = [...groups][0] ?? null;
    const expectedRunning = asg ? await runningInGroup(ctx, asg) : 0;
    const region = ctx.aws.region;
    // With the processes suspended the group replaces nothing until rollback resumes them.
    const waits = asg !== null && scope.choice !== 'suspend';
    const action: FaultAction = {
      stepId: step.id,
      fault: step.type,
      action: 'ec2:TerminateInstances',
      targets: ids,
      inverse:
        waits && asg
          ? awaitReplacement.spec(
              { asgName: asg, expectedRunning, terminated: ids },
              `wait for Auto Scaling group ${asg} to run ${expectedRunning} instances again`,
              [
                `aws autoscaling describe-auto-scaling-groups --region ${region} --auto-scaling-group-names ${asg}`,
                `if the group did not replace ${ids.join(', ')}: aws autoscaling set-desired-capacity --auto-scaling-group-name ${asg} --desired-capacity ${expectedRunning}`,
              ],
            )
          : null,
      preflight: async (c) => [
        await dryRunCheck('ec2:TerminateInstances', () =>
          c.aws.ec2.terminateInstances({ InstanceIds: ids, DryRun: true }),
        ),
        {
          check: 'auto-scaling-replacement',
          ok: true,
          detail: asg
            ? `instances are in Auto Scaling group ${asg}; rollback waits for replacements`
            : `instances ${ids.join(', ')} are in no Auto Scaling group: terminating them is permanent`,
        },
      ],
      run: async (c) => ({ requestIds: requestIds(await c.aws.ec2.terminateInstances({ InstanceIds: ids })) }),
      watch: [{ source: 'ec2', instanceIds: ids }, ...targetGroupWatch(ctx, [step.resource])],
    };
    return [withAutoScaling(action, scope, region)];
  },
  inverses: [awaitReplacement, resumeProcesses],
  affects: (step) => [step.resource],
  // shutting-down is already one way: a terminating instance never comes back.
  confirm: confirmByAction({ 'ec2:TerminateInstances': instancesInState(['shutting-down', 'terminated']) }),
});
