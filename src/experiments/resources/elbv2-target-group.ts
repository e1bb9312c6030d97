import { z } from 'zod';
import { strict, text } from '../../scenario/common.js';
import { oneOfKeys } from '../../scenario/json-schema.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing } from './missing.js';

export const targetGroupSelector = strict({
  type: z.literal('elbv2-target-group'),
  arn: text.optional().meta({ description: 'Target group ARN.' }),
  name: text.optional().meta({ description: 'Target group name.' }),
})
  .superRefine((r, ctx) => {
    if ((r.arn === undefined) === (r.name === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give the target group arn or its name (one of them)', input: r });
    }
  })
  .meta({ description: 'An ALB / NLB target group.' });

export type TargetGroupSelector = z.infer<typeof targetGroupSelector>;

export interface ResolvedTargetGroup {
  name: string;
  type: 'elbv2-target-group';
  arn: string;
}

/** ARNs of a target group selector (or of the target group an instance selector goes through). */
export function targetGroupArns(ctx: PlanContext, r: { type: string } | undefined): string[] {
  if (r?.type === 'elbv2-target-group') {
    const tg = r as TargetGroupSelector;
    if (known(tg.arn)) return [tg.arn];
    if (known(tg.name)) return arns(ctx, 'elbv2', `targetgroup/${tg.name}/*`);
  }
  const viaInstances = r?.type === 'ec2-instance' ? (r as { targetGroup?: string }).targetGroup : undefined;
  if (known(viaInstances)) return [viaInstances];
  return arns(ctx, 'elbv2', 'targetgroup/*');
}

export const targetGroupResource = defineResource({
  type: 'elbv2-target-group',
  schema: targetGroupSelector,
  jsonSchema: oneOfKeys(['arn', 'name']),
  resolveFirst: true,
  async resolve(aws, name, sel): Promise<ResolvedTargetGroup> {
    const input = sel.arn ? { TargetGroupArns: [sel.arn] } : { Names: [sel.name ?? name] };
    const res = await aws.elbv2.describeTargetGroups(input).catch((err) => rethrowMissing(err, name));
    const tg = res.TargetGroups?.[0];
    if (!tg?.TargetGroupArn) throw missing(name, `target group ${sel.arn ?? sel.name} not found`);
    return { name, type: 'elbv2-target-group', arn: tg.TargetGroupArn };
  },
  describe: (r) => `target group ${r.arn ?? r.name}`,
  describeResolved: (r) => r.arn,
  arns: (ctx, sel) => targetGroupArns(ctx, sel),
});
