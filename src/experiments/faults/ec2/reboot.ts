import { z } from 'zod';
import { strict } from '../../../scenario/common.js';
import { call, tagged } from '../../plan/context.js';
import { confirmByAction, defineFault } from '../definition.js';
import { dryRunCheck } from '../dry-run.js';
import { requestIds } from '../inverse.js';
import { planTarget, resourceName, S, stepShape } from '../step.js';
import { ec2WatchCalls, instanceArns, instancesOfStep, resolveInstancesCalls, targetGroupWatch } from './common.js';
import { rebootSeenByTargetHealth } from './confirm.js';

export const ec2RebootFault = strict({ ...stepShape, type: z.literal('ec2-reboot'), resource: resourceName }).meta({
  description: 'Reboot EC2 instances (no inverse needed).',
});

/** ec2-reboot: RebootInstances; nothing to undo. */
export const ec2RebootDefinition = defineFault({
  type: 'ec2-reboot',
  schema: ec2RebootFault,
  resourceRefs: [{ key: 'resource', types: ['ec2-instance'] }],
  plan(f, ctx) {
    const r = ctx.resources[f.resource];
    const iArns = instanceArns(ctx, r);
    return {
      title: `reboot EC2 instances (${f.resource})`,
      description: 'Reboots the selected instances; they come back by themselves.',
      targets: [planTarget(ctx, f.resource)],
      preflight: [
        ...resolveInstancesCalls(r),
        call('ec2', 'RebootInstances', iArns, { ...tagged(ctx), dryRun: true, note: 'permission check' }),
      ],
      inject: [call('ec2', 'RebootInstances', iArns, tagged(ctx))],
      watch: ec2WatchCalls(ctx, r),
      inverse: null,
      inverseActions: [],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 8 * S : 90 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: { typical: 0, max: 0 },
      notes: ['nothing to undo: rebooted instances return by themselves'],
    };
  },
  async prepare(step, ctx) {
    const ids = instancesOfStep(step, ctx).map((i) => i.id);
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
        run: async (c) => ({ requestIds: requestIds(await c.aws.ec2.rebootInstances({ InstanceIds: ids })) }),
        watch: [{ source: 'ec2', instanceIds: ids }, ...targetGroupWatch(ctx, [step.resource])],
        basis: () => {
          const r = ctx.resources.get(step.resource);
          return { targetGroupArn: r?.type === 'ec2-instance' ? r.targetGroup : null };
        },
      },
    ];
  },
  inverses: [],
  affects: (step) => [step.resource],
  confirm: confirmByAction({ 'ec2:RebootInstances': rebootSeenByTargetHealth }),
});
