import type { Instance } from '@aws-sdk/client-ec2';
import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { parsePercent } from '../util/units.js';

/** One EC2 instance as drills need it. */
export interface InstanceInfo {
  id: string;
  az: string | null;
  state: string;
  tags: Record<string, string>;
  /** Auto Scaling group (from the `aws:autoscaling:groupName` tag), when the instance is in one. */
  asgName: string | null;
}

export type ResolvedResource =
  | { name: string; type: 'ec2-instance'; instances: InstanceInfo[]; targetGroup: string | null }
  | { name: string; type: 'elbv2-target-group'; arn: string }
  | {
      name: string;
      type: 'rds-instance';
      id: string;
      status: string;
      multiAz: boolean;
      az: string | null;
      secondaryAz: string | null;
      endpoint: { host: string; port: number } | null;
      tags: Record<string, string>;
    }
  | {
      name: string;
      type: 'aurora-cluster';
      id: string;
      status: string;
      members: { id: string; writer: boolean }[];
      endpoint: { host: string; port: number } | null;
      tags: Record<string, string>;
    };

/** A scenario resource selector (see the scenario language in docs). */
export interface ResourceSelector {
  type: string;
  ids?: string[];
  tags?: Record<string, string>;
  targetGroup?: string;
  az?: string;
  count?: number;
  percent?: string;
  state?: string;
  arn?: string;
  name?: string;
  id?: string;
}

export const ASG_TAG = 'aws:autoscaling:groupName';

/**
 * Resolves every named selector against AWS. Selection is deterministic (sorted by id, first N)
 * so a re-run hits the same targets.
 * @throws DrillproofError `ResourceMissing` (preflight failure) when a selector matches nothing.
 */
export async function resolveResources(
  aws: AwsApis,
  selectors: Record<string, ResourceSelector>,
): Promise<Map<string, ResolvedResource>> {
  const out = new Map<string, ResolvedResource>();
  // Target groups first: instance selectors may refer to them by resource name.
  for (const [name, sel] of Object.entries(selectors)) {
    if (sel.type === 'elbv2-target-group') out.set(name, await resolveTargetGroup(aws, name, sel));
  }
  for (const [name, sel] of Object.entries(selectors)) {
    if (sel.type === 'elbv2-target-group') continue;
    if (sel.type === 'ec2-instance') out.set(name, await resolveInstances(aws, name, sel, out));
    else if (sel.type === 'rds-instance') out.set(name, await resolveDbInstance(aws, name, sel));
    else if (sel.type === 'aurora-cluster') out.set(name, await resolveCluster(aws, name, sel));
    else throw DrillproofError.user('ResourceTypeUnknown', `resource ${name} has unknown type ${sel.type}`);
  }
  return out;
}

async function resolveTargetGroup(aws: AwsApis, name: string, sel: ResourceSelector): Promise<ResolvedResource> {
  const input = sel.arn ? { TargetGroupArns: [sel.arn] } : { Names: [sel.name ?? name] };
  const res = await aws.elbv2.describeTargetGroups(input).catch((err) => rethrowMissing(err, name));
  const tg = res.TargetGroups?.[0];
  if (!tg?.TargetGroupArn) throw missing(name, `target group ${sel.arn ?? sel.name} not found`);
  return { name, type: 'elbv2-target-group', arn: tg.TargetGroupArn };
}

async function resolveInstances(
  aws: AwsApis,
  name: string,
  sel: ResourceSelector,
  resolved: Map<string, ResolvedResource>,
): Promise<ResolvedResource> {
  let tgArn: string | null = null;
  let ids = sel.ids;
  if (sel.targetGroup) {
    const ref = resolved.get(sel.targetGroup);
    tgArn = ref?.type === 'elbv2-target-group' ? ref.arn : sel.targetGroup;
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
  else if (sel.percent !== undefined) n = Math.max(1, Math.floor(instances.length * (parsePercent(sel.percent) ?? 1)));
  return { name, type: 'ec2-instance', instances: instances.slice(0, n), targetGroup: tgArn };
}

export function toInstanceInfo(i: Instance): InstanceInfo {
  const tags: Record<string, string> = {};
  for (const t of i.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    id: i.InstanceId ?? '',
    az: i.Placement?.AvailabilityZone ?? null,
    state: i.State?.Name ?? 'unknown',
    tags,
    asgName: tags[ASG_TAG] ?? null,
  };
}

async function resolveDbInstance(aws: AwsApis, name: string, sel: ResourceSelector): Promise<ResolvedResource> {
  const id = sel.id ?? (sel.ids?.[0] as string);
  const res = await aws.rds.describeDBInstances({ DBInstanceIdentifier: id }).catch((err) => rethrowMissing(err, name));
  const db = res.DBInstances?.[0];
  if (!db) throw missing(name, `DB instance ${id} not found`);
  const tags: Record<string, string> = {};
  for (const t of db.TagList ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    name,
    type: 'rds-instance',
    id,
    status: db.DBInstanceStatus ?? 'unknown',
    multiAz: db.MultiAZ === true,
    az: db.AvailabilityZone ?? null,
    secondaryAz: db.SecondaryAvailabilityZone ?? null,
    endpoint: db.Endpoint?.Address ? { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 5432 } : null,
    tags,
  };
}

async function resolveCluster(aws: AwsApis, name: string, sel: ResourceSelector): Promise<ResolvedResource> {
  const id = sel.id ?? (sel.ids?.[0] as string);
  const res = await aws.rds.describeDBClusters({ DBClusterIdentifier: id }).catch((err) => rethrowMissing(err, name));
  const c = res.DBClusters?.[0];
  if (!c) throw missing(name, `DB cluster ${id} not found`);
  const tags: Record<string, string> = {};
  for (const t of c.TagList ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    name,
    type: 'aurora-cluster',
    id,
    status: c.Status ?? 'unknown',
    members: (c.DBClusterMembers ?? []).map((m) => ({
      id: m.DBInstanceIdentifier ?? '',
      writer: m.IsClusterWriter === true,
    })),
    endpoint: c.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : null,
    tags,
  };
}

function missing(name: string, what: string): DrillproofError {
  return DrillproofError.user('ResourceMissing', `resource ${name}: ${what}`, {
    exitCode: 3,
    hint: 'check the selector (ids, tags, target group, az, state) and the region of the scenario target',
  });
}

function rethrowMissing(err: unknown, name: string): never {
  if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') throw missing(name, err.message);
  throw err;
}

/** Instance ids of a resolved resource, or a user error naming the wrong type. */
export function instancesOf(res: ResolvedResource | undefined, ref: string): InstanceInfo[] {
  if (!res) throw DrillproofError.user('ResourceUnknown', `fault refers to resource ${ref}, which is not defined`);
  if (res.type !== 'ec2-instance') {
    throw DrillproofError.user('ResourceWrongType', `resource ${ref} is ${res.type}; this fault needs ec2-instance`);
  }
  return res.instances;
}
