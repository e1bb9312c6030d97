import type { Ec2Fleet } from '../ec2/fleet.js';
import type { RdsLab } from '../rds/lab-rds.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import type { TemplateTarget } from './types.js';

/** A resource FIS can target: its ARN, tags, and the describe-shaped object filters walk. */
export interface Resource {
  arn: string;
  id: string;
  tags: Record<string, string>;
  data: Record<string, unknown>;
}

export const instanceArn = (id: string) => `arn:aws:ec2:${LAB_REGION}:${LAB_ACCOUNT_ID}:instance/${id}`;
export const subnetArn = (id: string) => `arn:aws:ec2:${LAB_REGION}:${LAB_ACCOUNT_ID}:subnet/${id}`;

export interface TargetSources {
  fleet: Ec2Fleet;
  rds: RdsLab;
  subnets: { id: string; az: string }[];
  /** Resource types of the optional lab parts (aws:ecs:task, aws:lambda:function ...). */
  extra?: { fisResources: Record<string, () => Resource[]> };
}

export const SUPPORTED_RESOURCE_TYPES = ['aws:ec2:instance', 'aws:rds:db', 'aws:rds:cluster', 'aws:ec2:subnet'];

function resources(src: TargetSources, type: string): Resource[] {
  switch (type) {
    case 'aws:ec2:instance':
      return [...src.fleet.instances.values()].map((i) => ({
        arn: instanceArn(i.id),
        id: i.id,
        tags: i.tags,
        data: {
          InstanceId: i.id,
          State: { Name: i.state },
          Placement: { AvailabilityZone: i.az },
          SubnetId: i.subnetId,
          VpcId: 'vpc-0a1b0000000000001',
          InstanceType: 't3.micro',
        },
      }));
    case 'aws:rds:db':
      return [...src.rds.instances.values()].map((d) => ({
        arn: d.arn,
        id: d.id,
        tags: d.tags,
        data: {
          DBInstanceIdentifier: d.id,
          DBInstanceStatus: d.status,
          Engine: d.engine,
          AvailabilityZone: src.rds.placement(d).az,
          MultiAZ: d.kind === 'multi-az',
          DBClusterIdentifier: d.clusterId,
        },
      }));
    case 'aws:rds:cluster':
      return [...src.rds.clusters.values()].map((c) => ({
        arn: c.arn,
        id: c.id,
        tags: c.tags,
        data: { DBClusterIdentifier: c.id, Status: c.status, Engine: 'aurora-postgresql' },
      }));
    case 'aws:ec2:subnet':
      return src.subnets.map((s) => ({
        arn: subnetArn(s.id),
        id: s.id,
        tags: { Name: `lab-${s.az}`, drillproof: 'allowed' },
        data: { SubnetId: s.id, AvailabilityZone: s.az, VpcId: 'vpc-0a1b0000000000001' },
      }));
    default:
      return src.extra?.fisResources[type]?.() ?? [];
  }
}

/** Walks a filter path such as `State.Name` or `Placement.AvailabilityZone` (case-insensitive keys). */
function at(data: Record<string, unknown>, path: string): unknown {
  let cur: unknown = data;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const o = cur as Record<string, unknown>;
    const key = Object.keys(o).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = key === undefined ? undefined : o[key];
  }
  return cur;
}

/** `ALL`, `COUNT(n)` or `PERCENT(n)`; undefined if malformed. */
export function parseSelectionMode(
  mode: string,
): { kind: 'ALL' } | { kind: 'COUNT' | 'PERCENT'; n: number } | undefined {
  if (mode === 'ALL') return { kind: 'ALL' };
  const m = /^(COUNT|PERCENT)\((\d+)\)$/.exec(mode);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === 'PERCENT' && (n < 1 || n > 100)) return undefined;
  if (n < 1) return undefined;
  return { kind: m[1] as 'COUNT' | 'PERCENT', n };
}

/**
 * Resolves a template target the way FIS does: by ARNs, or by tags (all must match), or (subnets) by
 * `availabilityZoneIdentifier` parameter; then filters; then the selection mode picks at random.
 */
export function resolveTarget(src: TargetSources, t: TemplateTarget, random: () => number = Math.random): Resource[] {
  let pool = resources(src, t.resourceType);
  if (t.resourceArns && t.resourceArns.length > 0) {
    const arns = t.resourceArns;
    // A qualified ARN (function:name:$LATEST) selects its function too.
    pool = pool.filter(
      (r) =>
        arns.includes(r.arn) || ((r.data.QualifiedArns as string[] | undefined) ?? []).some((q) => arns.includes(q)),
    );
  } else if (t.resourceTags && Object.keys(t.resourceTags).length > 0) {
    const tags = t.resourceTags;
    pool = pool.filter((r) => Object.entries(tags).every(([k, v]) => r.tags[k] === v));
  }
  const az = t.parameters?.availabilityZoneIdentifier;
  if (az)
    pool = pool.filter((r) => at(r.data, 'AvailabilityZone') === az || at(r.data, 'Placement.AvailabilityZone') === az);
  for (const f of t.filters ?? []) {
    pool = pool.filter((r) => {
      const v = at(r.data, f.path);
      return v !== undefined && f.values.includes(String(v));
    });
  }
  const mode = parseSelectionMode(t.selectionMode) ?? { kind: 'ALL' as const };
  if (mode.kind === 'ALL') return pool;
  const want = mode.kind === 'COUNT' ? mode.n : Math.ceil((pool.length * mode.n) / 100);
  const shuffled = [...pool];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as Resource, shuffled[i] as Resource];
  }
  return shuffled.slice(0, Math.min(want, shuffled.length));
}
