import { z } from 'zod';
import type { Ec2Instance } from '../../aws/apis.js';
import { percent, strict, tagMap, text } from '../../scenario/common.js';
import { anyOfKeys } from '../../scenario/json-schema.js';
import { parsePercent } from '../../util/units.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { type LoadBalancerRef, loadBalancersOf } from './load-balancers.js';
import { missing, rethrowMissing, tagsOf } from './missing.js';

/** EC2 instances: by ids, by tags, or the instances registered in an ALB target group. */
export const ec2InstanceSelector = strict({
  type: z.literal('ec2-instance'),
  ids: z.array(text).min(1).optional().meta({ description: 'Instance ids, e.g. i-0123456789abcdef0.' }),
  tags: tagMap.optional().meta({ description: 'Select instances that carry all these tags.' }),
  targetGroup: text.optional().meta({ description: 'Select the instances registered in this target group (ARN).' }),
  az: text.optional().meta({ description: 'Keep only instances in this Availability Zone.' }),
  count: z.number().int().min(1).optional().meta({ description: 'Pick this many of the matching instances.' }),
  percent: percent
    .optional()
    .meta({ description: 'Pick this share of the matching instances (rounded down, at least 1).' }),
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

export type Ec2InstanceSelector = z.infer<typeof ec2InstanceSelector>;

/** One EC2 instance as drills need it. */
export interface InstanceInfo {
  id: string;
  az: string | null;
  state: string;
  tags: Record<string, string>;
  /** Auto Scaling group (from the `aws:autoscaling:groupName` tag), when the instance is in one. */
  asgName: string | null;
}

export interface ResolvedInstances {
  name: string;
  type: 'ec2-instance';
  instances: InstanceInfo[];
  /** The target group ARN the selector went through, if any. */
  targetGroup: string | null;
  /** The load balancers routing to that target group (probe coverage). */
  loadBalancers: LoadBalancerRef[];
}

export const ASG_TAG = 'aws:autoscaling:groupName';

export function toInstanceInfo(i: Ec2Instance): InstanceInfo {
  const tags = tagsOf(i.Tags);
  return {
    id: i.InstanceId ?? '',
    az: i.Placement?.AvailabilityZone ?? null,
    state: i.State?.Name ?? 'unknown',
    tags,
    asgName: tags[ASG_TAG] ?? null,
  };
}

/** ARNs of the selected instances: exact for ids known before the run, else every instance. */
export function instanceArns(ctx: PlanContext, r: { type: string } | undefined): string[] {
  const ids = r?.type === 'ec2-instance' ? (r as Ec2InstanceSelector).ids : undefined;
  if (ids?.every(known)) return ids.flatMap((id) => arns(ctx, 'ec2', `instance/${id}`));
  return arns(ctx, 'ec2', 'instance/*');
}

export const ec2InstanceResource = defineResource({
  type: 'ec2-instance',
  schema: ec2InstanceSelector,
  jsonSchema: anyOfKeys(['ids', 'tags', 'targetGroup']),
  async resolve(aws, name, sel, resolved): Promise<ResolvedInstances> {
    let tgArn: string | null = null;
    let ids = sel.ids;
    if (sel.targetGroup) {
      const ref = resolved.get(sel.targetGroup) as { type: string; arn?: string } | undefined;
      tgArn = ref?.type === 'elbv2-target-group' && ref.arn ? ref.arn : sel.targetGroup;
      const health = await aws.elbv2
        .describeTargetHealth({ TargetGroupArn: tgArn })
        .catch((e) => rethrowMissing(e, name));
      const members = (health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id).filter((x): x is string => !!x);
      ids = ids ? ids.filter((id) => members.includes(id)) : members;
      if (ids.length === 0) throw missing(name, `no instances registered in target group ${tgArn}`);
    }
    const filters = Object.entries(sel.tags ?? {}).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
    const res = await aws.ec2
      .describeInstances({ ...(ids ? { InstanceIds: ids } : {}), ...(filters.length ? { Filters: filters } : {}) })
      .catch((err) => rethrowMissing(err, name));
    let instances = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(toInstanceInfo);
    // Filter client-side too: the answer must match the selector even if an endpoint ignores filters.
    if (ids) instances = instances.filter((i) => ids.includes(i.id));
    for (const [k, v] of Object.entries(sel.tags ?? {})) instances = instances.filter((i) => i.tags[k] === v);
    if (sel.az) instances = instances.filter((i) => i.az === sel.az);
    const state = sel.state ?? 'running';
    instances = instances.filter((i) => i.state === state);
    instances.sort((a, b) => a.id.localeCompare(b.id));
    if (ids && sel.ids) {
      const found = new Set(instances.map((i) => i.id));
      const absent = sel.ids.filter((id) => !found.has(id));
      if (absent.length) throw missing(name, `instance(s) ${absent.join(', ')} not found in state ${state}`);
    }
    if (instances.length === 0) throw missing(name, `no ${state} instance matches resource ${name}`);
    let n = instances.length;
    if (sel.count !== undefined) n = Math.min(n, sel.count);
    else if (sel.percent !== undefined) {
      n = Math.max(1, Math.floor(instances.length * (parsePercent(sel.percent) ?? 1)));
    }
    const loadBalancers = tgArn ? await loadBalancersOf(aws, [tgArn]) : [];
    return { name, type: 'ec2-instance', instances: instances.slice(0, n), targetGroup: tgArn, loadBalancers };
  },
  describe(r) {
    const from: string[] = [];
    if (r.ids) from.push(`ids ${r.ids.join(', ')}`);
    if (r.tags)
      from.push(
        `tagged ${Object.entries(r.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
    if (r.targetGroup) from.push(`registered in target group ${r.targetGroup}`);
    const az = r.az ? ` in ${r.az}` : '';
    const pick =
      r.count !== undefined ? `, pick ${r.count}` : r.percent !== undefined ? `, pick ${r.percent}` : ', all of them';
    return `EC2 instances ${from.join(' and ')}${az} (state ${r.state})${pick}`;
  },
  describeResolved: (r) => `${r.instances.map((x) => `${x.id} (${x.az ?? '?'}, ${x.state})`).join(', ')}`,
  arns: (ctx, sel) => instanceArns(ctx, sel),
});
