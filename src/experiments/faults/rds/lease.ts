import type { AwsApis } from '../../../aws/apis.js';
import { dbClusterArns } from '../../resources/aurora-cluster.js';
import { dbInstanceArns } from '../../resources/rds-instance.js';
import type { ResolvedResource } from '../../resources/registry.js';
import { type ArnTagApi, arnTagLease, LEASE_TAG, type LeaseKind } from '../lease-kind.js';

/**
 * RDS DB instances (rds-failover) and Aurora clusters (aurora-failover) carry the lease as a tag
 * on their ARN: AddTagsToResource, ListTagsForResource, RemoveTagsFromResource. Restores do not
 * impair their source and take none.
 */
const tags = arnTagLease({
  service: 'rds',
  api: (aws: AwsApis) => aws.rds as unknown as ArnTagApi,
  notFound: /DBInstanceNotFound|DBClusterNotFound/,
});

const selectorId = (sel: { type: string } | undefined) => (sel as { id?: string } | undefined)?.id;

/** What the kinds share: the ARN's tags, read from the resolved resource's TagList. */
function rdsKind(o: {
  resourceType: 'rds-instance' | 'aurora-cluster';
  stepId: string;
  arns: LeaseKind['plan']['arns'];
  what: string;
  list(aws: AwsApis): Promise<{ arn?: string; tags?: { Key?: string; Value?: string }[] }[]>;
}): LeaseKind {
  const arnOf = (r: ResolvedResource) => (r.type === o.resourceType && 'arn' in r && r.arn ? [r.arn] : []);
  return {
    resourceType: o.resourceType,
    stepId: o.stepId,
    ids: arnOf,
    held: async (_aws, r) => {
      const out = new Map<string, string>();
      const v = r.type === o.resourceType && 'tags' in r ? r.tags[LEASE_TAG] : undefined;
      for (const arn of arnOf(r)) if (v !== undefined) out.set(arn, v);
      return out;
    },
    read: tags.read,
    write: tags.write,
    releaseSpec: tags.releaseSpec,
    release: tags.release,
    plan: {
      service: 'rds',
      arns: o.arns,
      read: 'ListTagsForResource',
      take: 'AddTagsToResource',
      release: ['ListTagsForResource', 'RemoveTagsFromResource'],
    },
    sweep: {
      service: 'rds',
      what: o.what,
      async find(aws) {
        const out = new Map<string, string>();
        for (const x of await o.list(aws)) {
          const v = tags.leaseOf(x.tags);
          if (x.arn && v !== undefined) out.set(x.arn, v);
        }
        return out;
      },
    },
  };
}

export const rdsInstanceLeaseKind = rdsKind({
  resourceType: 'rds-instance',
  stepId: 'lease.rds',
  arns: (ctx, sel) => dbInstanceArns(ctx, selectorId(sel)),
  what: 'RDS DB instance leases',
  list: async (aws) =>
    ((await aws.rds.describeDBInstances({})).DBInstances ?? []).map((d) => ({
      ...(d.DBInstanceArn ? { arn: d.DBInstanceArn } : {}),
      ...(d.TagList ? { tags: d.TagList } : {}),
    })),
});

export const auroraClusterLeaseKind = rdsKind({
  resourceType: 'aurora-cluster',
  stepId: 'lease.aurora',
  arns: (ctx, sel) => dbClusterArns(ctx, selectorId(sel)),
  what: 'Aurora DB cluster leases',
  list: async (aws) =>
    ((await aws.rds.describeDBClusters({})).DBClusters ?? []).map((c) => ({
      ...(c.DBClusterArn ? { arn: c.DBClusterArn } : {}),
      ...(c.TagList ? { tags: c.TagList } : {}),
    })),
});
