import type { AwsApis } from '../../../aws/apis.js';
import { replicationGroupArns } from '../../resources/elasticache-replication-group.js';
import type { ResolvedResource } from '../../resources/registry.js';
import { type ArnTagApi, arnTagLease, type LeaseKind } from '../lease-kind.js';

/**
 * ElastiCache replication groups (elasticache-failover) carry the lease as a tag on the group's
 * ARN (`arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`): AddTagsToResource,
 * ListTagsForResource, RemoveTagsFromResource. DescribeReplicationGroups has no tags, so the
 * current lease is read with ListTagsForResource.
 */
const tags = arnTagLease({
  service: 'elasticache',
  api: (aws: AwsApis) => aws.elasticache as unknown as ArnTagApi,
  notFound: /ReplicationGroupNotFound/,
});

const arnOf = (r: ResolvedResource) => (r.type === 'elasticache-replication-group' && r.arn ? [r.arn] : []);

export const replicationGroupLeaseKind: LeaseKind = {
  resourceType: 'elasticache-replication-group',
  stepId: 'lease.elasticache',
  ids: arnOf,
  held: (aws, r) => tags.read(aws, arnOf(r)),
  read: tags.read,
  write: tags.write,
  releaseSpec: tags.releaseSpec,
  release: tags.release,
  plan: {
    service: 'elasticache',
    arns: (ctx, sel) => replicationGroupArns(ctx, (sel as { id?: string } | undefined)?.id),
    read: 'ListTagsForResource',
    take: 'AddTagsToResource',
    release: ['ListTagsForResource', 'RemoveTagsFromResource'],
  },
  sweep: {
    service: 'elasticache',
    what: 'ElastiCache replication group leases',
    async find(aws) {
      const groups = (await aws.elasticache.describeReplicationGroups({})).ReplicationGroups ?? [];
      return tags.read(
        aws,
        groups.map((g) => g.ARN).filter((a): a is string => !!a),
      );
    },
  },
};
