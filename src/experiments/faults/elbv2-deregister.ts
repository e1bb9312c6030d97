import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { strict } from '../../scenario/common.js';
import { call } from '../plan/context.js';
import { targetGroupArns } from '../resources/elbv2-target-group.js';
import { confirmByAction, defineFault } from './definition.js';
import { instancesOfStep, resolveInstancesCalls } from './ec2/common.js';
import { targetsDeregistered } from './ec2/confirm.js';
import { resolveServiceCalls } from './ecs/stop-tasks.js';
import { defineInverse, requestIds } from './inverse.js';
import { M, planTarget, resourceName, S, stepShape } from './step.js';
import type { FaultContext } from './types.js';
import { pollUntil } from './wait.js';

export const elbv2DeregisterFault = strict({
  ...stepShape,
  type: z.literal('elbv2-deregister'),
  resource: resourceName.meta({
    description: 'ec2-instance resource (instance targets) or ecs-service resource (IP targets of its selected tasks).',
  }),
  targetGroup: resourceName.meta({ description: 'elbv2-target-group resource.' }),
}).meta({ description: 'Deregister instances or task IPs from a target group (inverse: register them again).' });

/** A target as ELBv2 names it: IP targets carry their port and Availability Zone as registered. */
const target = z.object({ Id: z.string(), Port: z.number().int().optional(), AvailabilityZone: z.string().optional() });
type Target = z.infer<typeof target>;

/** Registers the targets again and waits until they are healthy. */
export const registerTargets = defineInverse({
  action: 'elbv2.register-targets',
  params: z.object({ targetGroupArn: z.string(), targets: z.array(target).min(1) }),
  async run(ctx, { targetGroupArn, targets }) {
    const res = await ctx.aws.elbv2.registerTargets({ TargetGroupArn: targetGroupArn, Targets: targets });
    await pollUntil(
      async () => {
        const h = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: targetGroupArn });
        const mine = (h.TargetHealthDescriptions ?? []).filter((d) =>
          targets.some((t) => t.Id === d.Target?.Id && (t.Port === undefined || t.Port === d.Target?.Port)),
        );
        return mine.length === targets.length && mine.every((d) => d.TargetHealth?.State === 'healthy')
          ? true
          : undefined;
      },
      { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs, what: 'targets to be healthy' },
    );
    return requestIds(res);
  },
});

function targetGroupArnOf(step: { id: string; resource: string; targetGroup: string }, ctx: FaultContext): string {
  const tgRes = ctx.resources.get(step.targetGroup);
  const fromInstances = ctx.resources.get(step.resource);
  const tgArn =
    tgRes?.type === 'elbv2-target-group'
      ? tgRes.arn
      : step.targetGroup.startsWith('arn:')
        ? step.targetGroup
        : fromInstances?.type === 'ec2-instance'
          ? fromInstances.targetGroup
          : fromInstances?.type === 'ecs-service' && fromInstances.targetGroupArns.length === 1
            ? (fromInstances.targetGroupArns[0] as string)
            : null;
  if (!tgArn) {
    throw DrillproofError.user('TargetGroupMissing', `fault ${step.id} needs a targetGroup (resource name or ARN)`, {
      hint: 'add `targetGroup: <resource name of type elbv2-target-group>` to the fault',
    });
  }
  return tgArn;
}

/** elbv2-deregister: DeregisterTargets; inverse RegisterTargets (and wait healthy). */
export const elbv2DeregisterDefinition = defineFault({
  type: 'elbv2-deregister',
  schema: elbv2DeregisterFault,
  resourceRefs: [
    { key: 'resource', types: ['ec2-instance', 'ecs-service'] },
    { key: 'targetGroup', types: ['elbv2-target-group'] },
  ],
  plan(f, ctx) {
    const r = ctx.resources[f.resource];
    const tg = ctx.resources[f.targetGroup];
    const tgArns = targetGroupArns(ctx, tg);
    const byName = tg?.type === 'elbv2-target-group' && (tg as { name?: string }).name !== undefined;
    return {
      title: `deregister instances (${f.resource}) from ${f.targetGroup}`,
      description: 'Removes the selected instances from the target group; traffic drains away from them.',
      targets: [planTarget(ctx, f.resource), planTarget(ctx, f.targetGroup)],
      preflight: [
        ...(r?.type === 'ecs-service' ? resolveServiceCalls(ctx, r) : resolveInstancesCalls(r)),
        ...(byName ? [call('elbv2', 'DescribeTargetGroups', ['*'], { note: 'find the target group by name' })] : []),
        call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'the instances are registered and healthy' }),
      ],
      inject: [call('elbv2', 'DeregisterTargets', tgArns)],
      watch: [call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'draining / unused states' })],
      inverse: { description: 'register the instances again', awsCalls: [call('elbv2', 'RegisterTargets', tgArns)] },
      inverseActions: [registerTargets.action],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 3 * S : 10 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: ctx.lab ? { typical: 3 * S, max: 30 * S } : { typical: 30 * S, max: 3 * M },
    };
  },
  async prepare(step, ctx) {
    const res = ctx.resources.get(step.resource);
    const ids =
      res?.type === 'ecs-service'
        ? res.tasks.map((t) => t.ip).filter((x): x is string => !!x)
        : instancesOfStep(step, ctx).map((i) => i.id);
    const tgArn = targetGroupArnOf(step, ctx);
    // Keep each target's port (and an IP target's AZ) so the inverse registers exactly what was there.
    const health = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: tgArn });
    const targets = ids.flatMap((id): Target[] => {
      const found = (health.TargetHealthDescriptions ?? []).filter((x) => x.Target?.Id === id);
      if (found.length === 0) return [{ Id: id }];
      return found.map(({ Target: t }) => ({
        Id: id,
        ...(t?.Port ? { Port: t.Port } : {}),
        ...(t?.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}),
      }));
    });
    const portArg = (t: Target) =>
      `Id=${t.Id}${t.Port ? `,Port=${t.Port}` : ''}${t.AvailabilityZone ? `,AvailabilityZone=${t.AvailabilityZone}` : ''}`;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'elasticloadbalancing:DeregisterTargets',
        targets: ids,
        inverse: registerTargets.spec({ targetGroupArn: tgArn, targets }, `register ${ids.join(', ')} in ${tgArn}`, [
          `aws elbv2 register-targets --region ${ctx.aws.region} --target-group-arn ${tgArn} --targets ${targets.map(portArg).join(' ')}`,
        ]),
        preflight: async () => {
          const registered = targets.filter((t) =>
            (health.TargetHealthDescriptions ?? []).some((d) => d.Target?.Id === t.Id),
          );
          return [
            {
              check: 'targets registered',
              ok: registered.length === targets.length,
              detail: `${registered.length}/${targets.length} targets registered in ${tgArn}`,
            },
          ];
        },
        run: async (c) => ({
          requestIds: requestIds(await c.aws.elbv2.deregisterTargets({ TargetGroupArn: tgArn, Targets: targets })),
        }),
        watch: [{ source: 'elbv2', targetGroupArn: tgArn }],
        basis: () => ({ targetGroupArn: tgArn }),
      },
    ];
  },
  inverses: [registerTargets],
  affects: (step) => [step.resource, step.targetGroup],
  confirm: confirmByAction({ 'elasticloadbalancing:DeregisterTargets': targetsDeregistered }),
});
