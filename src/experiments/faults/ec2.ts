import { DrillproofError } from '../../errors.js';
import { parseDurationMs } from '../../util/units.js';
import { ASG_TAG, instancesOf } from '../preflight-resources.js';
import { dryRunCheck } from './dry-run.js';
import { waitForStates } from './ec2-state.js';
import type { FaultAction, FaultContext, FaultRuntime, FaultStep, InverseSpec } from './types.js';

const rid = (r: { $metadata: { requestId?: string } }) => (r.$metadata.requestId ? [r.$metadata.requestId] : []);

function targetsOf(step: FaultStep, ctx: FaultContext) {
  const ref = step.resource ?? '';
  return instancesOf(ctx.resources.get(ref), ref);
}

export function startInverse(ids: string[], region: string): InverseSpec {
  return {
    action: 'ec2.start-instances',
    params: { instanceIds: ids },
    description: `start ${ids.join(', ')}`,
    manualSteps: [`aws ec2 start-instances --region ${region} --instance-ids ${ids.join(' ')}`],
  };
}

/** ec2-stop: StopInstances; inverse StartInstances (and wait running). */
export const ec2StopRuntime: FaultRuntime = {
  type: 'ec2-stop',
  iamActions: ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances'],
  async prepare(step, ctx) {
    const ids = targetsOf(step, ctx).map((i) => i.id);
    const action: FaultAction = {
      stepId: step.id,
      fault: step.type,
      action: 'ec2:StopInstances',
      targets: ids,
      inverse: startInverse(ids, ctx.aws.region),
      preflight: async (c) => [
        await dryRunCheck('ec2:StopInstances', () => c.aws.ec2.stopInstances({ InstanceIds: ids, DryRun: true })),
        await dryRunCheck('ec2:StartInstances', () => c.aws.ec2.startInstances({ InstanceIds: ids, DryRun: true })),
      ],
      run: async (c) => {
        const res = await c.aws.ec2.stopInstances({ InstanceIds: ids, Force: step.force === true });
        return {
          requestIds: rid(res),
          response: {
            instances: (res.StoppingInstances ?? []).map((s) => ({ id: s.InstanceId, state: s.CurrentState?.Name })),
          },
        };
      },
      watch: [{ source: 'ec2', instanceIds: ids }, ...tgWatch(ctx, step)],
    };
    if (typeof step.startAfter === 'string') {
      // startAfter: the fault undoes itself after the duration (like FIS startInstancesAfterDuration).
      const after = parseDurationMs(step.startAfter) ?? 0;
      action.followUp = async (c) => {
        await c.clock.sleep(after, c.signal);
        await waitForStates(c, ids, ['stopped'], c.signal);
        await c.aws.ec2.startInstances({ InstanceIds: ids });
        return { ok: true, detail: `started ${ids.join(', ')} after ${step.startAfter}` };
      };
    }
    return [action];
  },
};

/** ec2-reboot: RebootInstances; nothing to undo. */
export const ec2RebootRuntime: FaultRuntime = {
  type: 'ec2-reboot',
  iamActions: ['ec2:RebootInstances', 'ec2:DescribeInstances'],
  async prepare(step, ctx) {
    const ids = targetsOf(step, ctx).map((i) => i.id);
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'ec2:RebootInstances',
        targets: ids,
        inverse: null,
        preflight: async (c) => [
          await dryRunCheck('ec2:RebootInstances', () => c.aws.ec2.rebootInstances({ InstanceIds: ids, DryRun: true })),
        ],
        run: async (c) => ({ requestIds: rid(await c.aws.ec2.rebootInstances({ InstanceIds: ids })) }),
        watch: [{ source: 'ec2', instanceIds: ids }, ...tgWatch(ctx, step)],
      },
    ];
  },
};

/**
 * ec2-terminate: TerminateInstances. Inverse: wait for the Auto Scaling group to replace the
 * instances; without a group nothing can bring them back, and the run says so.
 */
export const ec2TerminateRuntime: FaultRuntime = {
  type: 'ec2-terminate',
  iamActions: ['ec2:TerminateInstances', 'ec2:DescribeInstances'],
  async prepare(step, ctx) {
    const instances = targetsOf(step, ctx);
    const ids = instances.map((i) => i.id);
    const groups = new Set(instances.map((i) => i.asgName));
    if (groups.size > 1) {
      throw DrillproofError.user(
        'TerminateMixedGroups',
        `fault ${step.id} selects instances from several Auto Scaling groups (${[...groups].join(', ')})`,
        { hint: 'select instances of one group per ec2-terminate fault' },
      );
    }
    const asg = instances[0]?.asgName ?? null;
    let expectedRunning = 0;
    if (asg) {
      const res = await ctx.aws.ec2.describeInstances({
        Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [asg] }],
      });
      expectedRunning = (res.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name === 'running' && i.Tags?.some((t) => t.Key === ASG_TAG && t.Value === asg)).length;
    }
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'ec2:TerminateInstances',
        targets: ids,
        inverse: asg
          ? {
              action: 'ec2.await-replacement',
              params: { asgName: asg, expectedRunning, terminated: ids },
              description: `wait for Auto Scaling group ${asg} to run ${expectedRunning} instances again`,
              manualSteps: [
                `aws autoscaling describe-auto-scaling-groups --region ${ctx.aws.region} --auto-scaling-group-names ${asg}`,
                `if the group did not replace ${ids.join(', ')}: aws autoscaling set-desired-capacity --auto-scaling-group-name ${asg} --desired-capacity ${expectedRunning}`,
              ],
            }
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
        run: async (c) => ({ requestIds: rid(await c.aws.ec2.terminateInstances({ InstanceIds: ids })) }),
        watch: [{ source: 'ec2', instanceIds: ids }, ...tgWatch(ctx, step)],
      },
    ];
  },
};

function tgWatch(ctx: FaultContext, step: FaultStep) {
  const res = ctx.resources.get(step.resource ?? '');
  return res?.type === 'ec2-instance' && res.targetGroup
    ? [{ source: 'elbv2' as const, targetGroupArn: res.targetGroup }]
    : [];
}
