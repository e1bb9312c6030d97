import { z } from 'zod';
import type { AwsApis, EcsService, EcsTask } from '../../aws/apis.js';
import { percent, strict, tagMap, text } from '../../scenario/common.js';
import { anyOfKeys } from '../../scenario/json-schema.js';
import { parsePercent } from '../../util/units.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { type LoadBalancerRef, loadBalancersOf } from './load-balancers.js';
import { missing, rethrowMissing } from './missing.js';

/** An ECS service (by cluster + service name, or by tags) and a choice of its running tasks. */
export const ecsServiceSelector = strict({
  type: z.literal('ecs-service'),
  cluster: text
    .optional()
    .meta({ description: 'Cluster name or ARN (default: every cluster with tags, `default` with service).' }),
  service: text.optional().meta({ description: 'Service name or ARN.' }),
  tags: tagMap.optional().meta({ description: 'Select the one service that carries all these tags.' }),
  az: text.optional().meta({ description: 'Keep only tasks in this Availability Zone.' }),
  count: z.number().int().min(1).optional().meta({ description: 'Pick this many of the running tasks.' }),
  percent: percent.optional().meta({ description: 'Pick this share of the running tasks (rounded down, at least 1).' }),
})
  .superRefine((r, ctx) => {
    if (!r.service && !r.tags) {
      ctx.addIssue({
        code: 'custom',
        message: 'an ecs-service selector selects nothing: give service or tags',
        input: r,
      });
    }
    if (r.count !== undefined && r.percent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['percent'], message: 'give count or percent, not both', input: r.percent });
    }
  })
  .meta({ description: 'An ECS service and some of its running tasks.' });

export type EcsServiceSelector = z.infer<typeof ecsServiceSelector>;

/** One running task as drills need it. */
export interface TaskInfo {
  arn: string;
  id: string;
  az: string | null;
  /** The awsvpc address (what an IP target group registers). */
  ip: string | null;
  lastStatus: string;
  /** The task's own tags (what StopTask's aws:ResourceTag condition and the required tag check). */
  tags: Record<string, string>;
}

export interface ResolvedEcsService {
  name: string;
  type: 'ecs-service';
  clusterArn: string;
  serviceName: string;
  serviceArn: string;
  desiredCount: number;
  runningCount: number;
  /** Target groups the service registers its tasks in. */
  targetGroupArns: string[];
  /** The load balancers routing to those target groups (probe coverage). */
  loadBalancers: LoadBalancerRef[];
  /** Every running task of the service. */
  running: TaskInfo[];
  /** The tasks the selector picked (sorted by ARN, first N). */
  tasks: TaskInfo[];
}

/** The short name of a cluster ARN or name. */
export const clusterNameOf = (c: string) => (c.startsWith('arn:') ? (c.split('/')[1] ?? c) : c);

export function toTaskInfo(t: EcsTask): TaskInfo {
  const arn = t.taskArn ?? '';
  const ip =
    t.attachments
      ?.flatMap((a) => a.details ?? [])
      .find((d) => d.name === 'privateIPv4Address')
      ?.value?.toString() ?? null;
  const tags = Object.fromEntries((t.tags ?? []).map((x) => [x.key ?? '', x.value ?? '']));
  return {
    arn,
    id: arn.split('/').pop() ?? arn,
    az: t.availabilityZone ?? null,
    ip,
    lastStatus: t.lastStatus ?? '?',
    tags,
  };
}

/** DescribeTasks in batches of 100 (its limit). */
export async function describeTasks(aws: AwsApis, cluster: string, arnsList: string[]): Promise<EcsTask[]> {
  const out: EcsTask[] = [];
  for (let i = 0; i < arnsList.length; i += 100) {
    const r = await aws.ecs.describeTasks({ cluster, tasks: arnsList.slice(i, i + 100), include: ['TAGS'] });
    out.push(...(r.tasks ?? []));
  }
  return out;
}

/** The one service a tag selector names: DescribeServices (10 at a time) with tags over the clusters. */
async function serviceByTags(aws: AwsApis, name: string, sel: EcsServiceSelector): Promise<EcsService> {
  const clusters = sel.cluster ? [sel.cluster] : ((await aws.ecs.listClusters({})).clusterArns ?? []);
  const found: EcsService[] = [];
  for (const cluster of clusters) {
    const list = (await aws.ecs.listServices({ cluster }).catch((e) => rethrowMissing(e, name))).serviceArns ?? [];
    for (let i = 0; i < list.length; i += 10) {
      const r = await aws.ecs.describeServices({ cluster, services: list.slice(i, i + 10), include: ['TAGS'] });
      for (const s of r.services ?? []) {
        const tags = Object.fromEntries((s.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
        if (Object.entries(sel.tags ?? {}).every(([k, v]) => tags[k] === v)) found.push(s);
      }
    }
  }
  if (found.length === 0) throw missing(name, 'no ECS service carries the tags');
  if (found.length > 1) {
    throw missing(
      name,
      `${found.length} ECS services carry the tags (${found.map((s) => s.serviceArn).join(', ')}); name one with cluster and service`,
    );
  }
  return found[0] as EcsService;
}

async function serviceByName(aws: AwsApis, name: string, sel: EcsServiceSelector): Promise<EcsService> {
  const cluster = sel.cluster ?? 'default';
  const r = await aws.ecs
    .describeServices({ cluster, services: [sel.service as string] })
    .catch((e) => rethrowMissing(e, name));
  const s = (r.services ?? []).find((x) => x.status === 'ACTIVE');
  if (!s) throw missing(name, `no active service ${sel.service} in cluster ${cluster}`);
  return s;
}

/** Picks count or percent of the tasks (sorted by ARN, first N). */
export function pickTasks(all: TaskInfo[], sel: Pick<EcsServiceSelector, 'az' | 'count' | 'percent'>): TaskInfo[] {
  const inAz = all.filter((t) => !sel.az || t.az === sel.az).sort((a, b) => a.arn.localeCompare(b.arn));
  let n = inAz.length;
  if (sel.count !== undefined) n = Math.min(n, sel.count);
  else if (sel.percent !== undefined) n = Math.max(1, Math.floor(inAz.length * (parsePercent(sel.percent) ?? 1)));
  return inAz.slice(0, n);
}

/** ARNs of the service (IAM): exact when cluster and service are known before the run. */
export function ecsServiceArns(ctx: PlanContext, r: { type: string } | undefined): string[] {
  const sel = r?.type === 'ecs-service' ? (r as EcsServiceSelector) : undefined;
  const cluster = sel?.cluster && known(sel.cluster) ? clusterNameOf(sel.cluster) : '*';
  const service = sel?.service && known(sel.service) ? (sel.service.split('/').pop() as string) : '*';
  return arns(ctx, 'ecs', `service/${cluster}/${service}`);
}

/** ARNs of the service's tasks (IAM): `task/<cluster>/*`, the ids are known only at run time. */
export function ecsTaskArns(ctx: PlanContext, r: { type: string } | undefined): string[] {
  const sel = r?.type === 'ecs-service' ? (r as EcsServiceSelector) : undefined;
  const cluster = sel?.cluster && known(sel.cluster) ? clusterNameOf(sel.cluster) : '*';
  return arns(ctx, 'ecs', `task/${cluster}/*`);
}

export const ecsServiceResource = defineResource({
  type: 'ecs-service',
  schema: ecsServiceSelector,
  jsonSchema: anyOfKeys(['service', 'tags']),
  async resolve(aws, name, sel): Promise<ResolvedEcsService> {
    const s = sel.service ? await serviceByName(aws, name, sel) : await serviceByTags(aws, name, sel);
    const clusterArn = s.clusterArn ?? sel.cluster ?? 'default';
    const serviceName = s.serviceName ?? (sel.service as string);
    const taskArns = (await aws.ecs.listTasks({ cluster: clusterArn, serviceName, desiredStatus: 'RUNNING' })).taskArns;
    const running = (taskArns?.length ? await describeTasks(aws, clusterArn, taskArns) : [])
      .filter((t) => t.lastStatus === 'RUNNING')
      .map(toTaskInfo);
    const tasks = pickTasks(running, sel);
    if (tasks.length === 0) {
      throw missing(name, `no running task of service ${serviceName}${sel.az ? ` in ${sel.az}` : ''}`);
    }
    const targetGroupArns = [
      ...new Set((s.loadBalancers ?? []).map((l) => l.targetGroupArn).filter((x): x is string => !!x)),
    ];
    return {
      name,
      type: 'ecs-service',
      clusterArn,
      serviceName,
      serviceArn: s.serviceArn ?? '',
      desiredCount: s.desiredCount ?? 0,
      runningCount: s.runningCount ?? 0,
      targetGroupArns,
      loadBalancers: await loadBalancersOf(aws, targetGroupArns),
      running: running.sort((a, b) => a.arn.localeCompare(b.arn)),
      tasks,
    };
  },
  describe(r) {
    const what = r.service
      ? `ECS service ${r.service} in cluster ${r.cluster ?? 'default'}`
      : `the ECS service tagged ${Object.entries(r.tags ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}${r.cluster ? ` in cluster ${r.cluster}` : ''}`;
    const az = r.az ? ` in ${r.az}` : '';
    const pick =
      r.count !== undefined ? `, pick ${r.count}` : r.percent !== undefined ? `, pick ${r.percent}` : ', all of them';
    return `running tasks of ${what}${az}${pick}`;
  },
  describeResolved: (r) =>
    `${r.serviceName} (${r.runningCount}/${r.desiredCount} running): ${r.tasks.map((t) => `${t.id} (${t.az ?? '?'})`).join(', ')}`,
  arns: (ctx, sel) => [...ecsServiceArns(ctx, sel), ...ecsTaskArns(ctx, sel)],
});
