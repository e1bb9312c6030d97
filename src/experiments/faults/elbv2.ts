import { DrillproofError } from '../../errors.js';
import { instancesOf } from '../preflight-resources.js';
import type { FaultRuntime } from './types.js';

/** elbv2-deregister: DeregisterTargets; inverse RegisterTargets (and wait healthy). */
export const elbv2DeregisterRuntime: FaultRuntime = {
  type: 'elbv2-deregister',
  iamActions: [
    'elasticloadbalancing:DeregisterTargets',
    'elasticloadbalancing:RegisterTargets',
    'elasticloadbalancing:DescribeTargetHealth',
  ],
  async prepare(step, ctx) {
    const ref = step.resource ?? '';
    const ids = instancesOf(ctx.resources.get(ref), ref).map((i) => i.id);
    const tgRef = (step.targetGroup as string | undefined) ?? '';
    const tgRes = ctx.resources.get(tgRef);
    const fromInstances = ctx.resources.get(ref);
    const tgArn =
      tgRes?.type === 'elbv2-target-group'
        ? tgRes.arn
        : tgRef.startsWith('arn:')
          ? tgRef
          : fromInstances?.type === 'ec2-instance'
            ? fromInstances.targetGroup
            : null;
    if (!tgArn) {
      throw DrillproofError.user('TargetGroupMissing', `fault ${step.id} needs a targetGroup (resource name or ARN)`, {
        hint: 'add `targetGroup: <resource name of type elbv2-target-group>` to the fault',
      });
    }
    // Keep each target's port so the inverse registers exactly what was there.
    const health = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: tgArn });
    const targets = ids.map((id) => {
      const d = (health.TargetHealthDescriptions ?? []).find((x) => x.Target?.Id === id);
      return d?.Target?.Port ? { Id: id, Port: d.Target.Port } : { Id: id };
    });
    const portArg = (t: { Id: string; Port?: number }) => `Id=${t.Id}${t.Port ? `,Port=${t.Port}` : ''}`;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'elasticloadbalancing:DeregisterTargets',
        targets: ids,
        inverse: {
          action: 'elbv2.register-targets',
          params: { targetGroupArn: tgArn, targets },
          description: `register ${ids.join(', ')} in ${tgArn}`,
          manualSteps: [
            `aws elbv2 register-targets --region ${ctx.aws.region} --target-group-arn ${tgArn} --targets ${targets.map(portArg).join(' ')}`,
          ],
        },
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
        run: async (c) => {
          const res = await c.aws.elbv2.deregisterTargets({ TargetGroupArn: tgArn, Targets: targets });
          return { requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [] };
        },
        watch: [{ source: 'elbv2', targetGroupArn: tgArn }],
      },
    ];
  },
};
