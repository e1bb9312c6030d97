import { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import { DrillproofError } from '../../errors.js';
import type { InverseSpec } from '../../run/journal-types.js';
import type { PlanContext } from '../plan/context.js';
import type { AwsService } from '../plan/types.js';
import type { ResolvedResource } from '../resources/registry.js';
import { defineInverse, type InverseHandler, requestIds } from './inverse.js';

/**
 * The lease a drill holds on the resources it faults: the tag `drillproof:lease` with the value
 * `<run id>@<expiry, RFC 3339>`. Another drill's preflight refuses a resource with a lease that
 * has not expired; `sweep` removes expired ones. Each leased resource type supplies its own tag
 * calls (a `LeaseKind`); the engine (src/experiments/lease.ts) is the same for all.
 */
export const LEASE_TAG = 'drillproof:lease';

export interface Lease {
  runId: string;
  expiresAtMs: number;
  /** The tag value as written. */
  value: string;
}

export function leaseValue(runId: string, expiresAtMs: number): string {
  return `${runId}@${new Date(Math.ceil(expiresAtMs)).toISOString()}`;
}

/** The lease a tag value describes; null when it is not one (then it blocks nothing). */
export function parseLease(value: string | undefined): Lease | null {
  if (!value) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0) return null;
  const expiresAtMs = Date.parse(value.slice(at + 1));
  return Number.isNaN(expiresAtMs) ? null : { runId: value.slice(0, at), expiresAtMs, value };
}

/** How one resource type carries a lease: which ids are tagged, and the service's tag calls. */
export interface LeaseKind {
  /** The scenario resource type whose faulted resources this kind leases. */
  resourceType: string;
  /** The rollback stack entry of its release (`lease` for EC2, `lease.<kind>` for the others). */
  stepId: string;
  /** The ids the tag is written on: instance ids (EC2) or ARNs (RDS, ElastiCache, ECS services, Lambda functions). */
  ids(r: ResolvedResource): string[];
  /** The current lease values, by id (from the resolved resource where it holds the tags). */
  held(aws: AwsApis, r: ResolvedResource): Promise<Map<string, string>>;
  /** The lease values as the service answers now, by id. */
  read(aws: AwsApis, ids: string[]): Promise<Map<string, string>>;
  write(aws: AwsApis, ids: string[], value: string): Promise<string[]>;
  /** The journaled release (idempotent; leaves a lease another run holds). */
  releaseSpec(ids: string[], value: string, region: string): InverseSpec;
  release: InverseHandler<never>;
  /** The plan's calls: service, ARNs (IAM statements) and operations. */
  plan: {
    service: AwsService;
    arns(ctx: PlanContext, selector: { type: string } | undefined): string[];
    read: string | null;
    take: string;
    release: string[];
  };
  /** `sweep`: every lease tag of this kind in the account and region, by id. */
  sweep: { service: string; what: string; find(aws: AwsApis): Promise<Map<string, string>> };
}

/** The tag calls RDS and ElastiCache share (same names and members: ResourceName, Tags, TagKeys, TagList). */
export interface ArnTagApi {
  addTagsToResource(i: { ResourceName: string; Tags: { Key: string; Value: string }[] }): Promise<{
    $metadata: { requestId?: string };
  }>;
  removeTagsFromResource(i: { ResourceName: string; TagKeys: string[] }): Promise<{
    $metadata: { requestId?: string };
  }>;
  listTagsForResource(i: { ResourceName: string }): Promise<{ TagList?: { Key?: string; Value?: string }[] }>;
}

const leaseOf = (tags: { Key?: string; Value?: string }[] | undefined): string | undefined =>
  (tags ?? []).find((t) => t.Key === LEASE_TAG)?.Value;

/** The CLI commands of the manual release, per service (RDS and ElastiCache name them alike). */
export interface TagCli {
  list(region: string, arn: string): string;
  remove(region: string, arn: string): string;
}

const resourceNameCli = (service: string): TagCli => ({
  list: (region, arn) => `aws ${service} list-tags-for-resource --region ${region} --resource-name ${arn}`,
  remove: (region, arn) =>
    `aws ${service} remove-tags-from-resource --region ${region} --resource-name ${arn} --tag-keys ${LEASE_TAG}`,
});

/**
 * The tag half of a lease kind on a service tagged by ARN (RDS, ElastiCache, ECS, Lambda; the
 * latter two through an adapter to the same three calls). Their untag calls take keys only, so the
 * release reads the tag first and removes it only while it still holds this run's value; a
 * resource that no longer exists holds no lease.
 */
export function arnTagLease(o: {
  service: 'rds' | 'elasticache' | 'ecs' | 'lambda';
  api: (aws: AwsApis) => ArnTagApi;
  /** AWS error codes of a resource that is gone. */
  notFound: RegExp;
  cli?: TagCli;
}) {
  const cli = o.cli ?? resourceNameCli(o.service);
  const isGone = (err: unknown) => DrillproofError.is(err) && o.notFound.test(String(err.details.awsCode ?? err.code));
  const read = async (aws: AwsApis, arns: string[]) => {
    const out = new Map<string, string>();
    for (const arn of arns) {
      const v = leaseOf((await o.api(aws).listTagsForResource({ ResourceName: arn })).TagList);
      if (v !== undefined) out.set(arn, v);
    }
    return out;
  };
  const release = defineInverse({
    action: `${o.service}.release-lease`,
    params: z.object({ arns: z.array(z.string()).min(1), value: z.string().min(1) }),
    async run(ctx, { arns, value }) {
      const ids: string[] = [];
      for (const arn of arns) {
        try {
          const now = (await read(ctx.aws, [arn])).get(arn);
          if (now !== value) continue;
          ids.push(
            ...requestIds(await o.api(ctx.aws).removeTagsFromResource({ ResourceName: arn, TagKeys: [LEASE_TAG] })),
          );
        } catch (err) {
          if (!isGone(err)) throw err;
          ctx.note?.(`lease ${value}: ${arn} is gone, nothing to release there`);
        }
      }
      return ids;
    },
  });
  return {
    read,
    async write(aws: AwsApis, arns: string[], value: string): Promise<string[]> {
      const ids: string[] = [];
      for (const arn of arns) {
        const r = await o.api(aws).addTagsToResource({ ResourceName: arn, Tags: [{ Key: LEASE_TAG, Value: value }] });
        ids.push(...requestIds(r));
      }
      return ids;
    },
    release: release as InverseHandler<never>,
    releaseSpec(arns: string[], value: string, region: string): InverseSpec {
      return release.spec({ arns, value }, `release the lease on ${arns.join(', ')}`, [
        ...arns.map((a) => cli.list(region, a)),
        `if ${LEASE_TAG} is still ${value}:`,
        ...arns.map((a) => cli.remove(region, a)),
      ]);
    },
    leaseOf,
  };
}
