import { z } from 'zod';
import { describeInput, percent, strict, tagMap, text } from '../../scenario/common.js';

/** EC2 instances: by ids, by tags, or the instances registered in an ALB target group. */
export const ec2InstanceSelector = strict({
  type: z.literal('ec2-instance'),
  ids: z.array(text).min(1).optional().meta({ description: 'Instance ids, e.g. i-0123456789abcdef0.' }),
  tags: tagMap.optional().meta({ description: 'Select instances that carry all these tags.' }),
  targetGroup: text.optional().meta({ description: 'Select the instances registered in this target group (ARN).' }),
  az: text.optional().meta({ description: 'Keep only instances in this Availability Zone.' }),
  count: z.number().int().min(1).optional().meta({ description: 'Pick this many of the matching instances.' }),
  percent: percent.optional().meta({ description: 'Pick this share of the matching instances (rounded up).' }),
  state: z
    .enum(['running', 'stopped', 'pending', 'stopping'])
    .default('running')
    .meta({ description: 'Keep only instances in this state.' }),
})
  .superRefine((r, ctx) => {
    if (!r.ids && !r.tags && !r.targetGroup) {
      ctx.addIssue({
        code: 'custom',
        message: 'an ec2-instance selector selects nothing: give ids, tags or targetGroup',
        input: r,
      });
    }
    if (r.count !== undefined && r.percent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['percent'], message: 'give count or percent, not both', input: r.percent });
    }
  })
  .meta({ description: 'EC2 instances.' });

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

export const rdsInstanceSelector = strict({
  type: z.literal('rds-instance'),
  id: text.meta({ description: 'DB instance identifier.' }),
}).meta({ description: 'An RDS DB instance (Multi-AZ for failover drills).' });

export const auroraClusterSelector = strict({
  type: z.literal('aurora-cluster'),
  id: text.meta({ description: 'DB cluster identifier.' }),
}).meta({ description: 'An Aurora DB cluster.' });

export const RESOURCE_TYPES = ['ec2-instance', 'elbv2-target-group', 'rds-instance', 'aurora-cluster'] as const;

export const resourceSchema = z.discriminatedUnion(
  'type',
  [ec2InstanceSelector, targetGroupSelector, rdsInstanceSelector, auroraClusterSelector],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown resource type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${RESOURCE_TYPES.join(', ')}`
        : undefined,
  },
);

export type Resource = z.infer<typeof resourceSchema>;
export type Ec2InstanceSelector = z.infer<typeof ec2InstanceSelector>;
export type TargetGroupSelector = z.infer<typeof targetGroupSelector>;
export type RdsInstanceSelector = z.infer<typeof rdsInstanceSelector>;
export type AuroraClusterSelector = z.infer<typeof auroraClusterSelector>;
export type ResourceType = Resource['type'];
