import type { AwsApis } from '../../../aws/apis.js';
import { ecsServiceArns } from '../../resources/ecs-service.js';
import type { ResolvedResource } from '../../resources/registry.js';
import { type ArnTagApi, arnTagLease, LEASE_TAG, type LeaseKind } from '../lease-kind.js';

/**
 * ECS services (ecs-stop-tasks, az-impairment's services, elbv2-deregister of a service's targets)
 * carry the lease as a tag on the service's long ARN
 * (`arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`; a short ARN cannot be tagged):
 * TagResource, ListTagsForResource, UntagResource. The ECS calls name their members `resourceArn`,
 * `tags` (`key`, `value`) and `tagKeys`; the adapter maps them onto the shared tag lease.
 */
const ecsTags = (aws: AwsApis): ArnTagApi => ({
  addTagsToResource: ({ ResourceName, Tags }) =>
    aws.ecs.tagResource({ resourceArn: ResourceName, tags: Tags.map((t) => ({ key: t.Key, value: t.Value })) }),
  removeTagsFromResource: ({ ResourceName, TagKeys }) =>
    aws.ecs.untagResource({ resourceArn: ResourceName, tagKeys: TagKeys }),
  listTagsForResource: async ({ ResourceName }) => {
    const res = await aws.ecs.listTagsForResource({ resourceArn: ResourceName });
    return { TagList: (res.tags ?? []).map((t) => ({ ...(t.key ? { Key: t.key } : {}), Value: t.value ?? '' })) };
  },
});

const tags = arnTagLease({
  service: 'ecs',
  api: ecsTags,
  notFound: /ServiceNotFoundException|ClusterNotFoundException|ResourceNotFoundException/,
  cli: {
    list: (region, arn) => `aws ecs list-tags-for-resource --region ${region} --resource-arn ${arn}`,
    remove: (region, arn) => `aws ecs untag-resource --region ${region} --resource-arn ${arn} --tag-keys ${LEASE_TAG}`,
  },
});

const arnOf = (r: ResolvedResource) => (r.type === 'ecs-service' && r.serviceArn ? [r.serviceArn] : []);

export const ecsServiceLeaseKind: LeaseKind = {
  resourceType: 'ecs-service',
  stepId: 'lease.ecs',
  ids: arnOf,
  held: (aws, r) => tags.read(aws, arnOf(r)),
  read: tags.read,
  write: tags.write,
  releaseSpec: tags.releaseSpec,
  release: tags.release,
  plan: {
    service: 'ecs',
    arns: ecsServiceArns,
    read: 'ListTagsForResource',
    take: 'TagResource',
    release: ['ListTagsForResource', 'UntagResource'],
  },
  sweep: {
    service: 'ecs',
    what: 'ECS service leases',
    async find(aws) {
      const services: string[] = [];
      for (const cluster of (await aws.ecs.listClusters({})).clusterArns ?? []) {
        services.push(...((await aws.ecs.listServices({ cluster })).serviceArns ?? []));
      }
      // A short service ARN (no cluster in it) cannot carry tags, so it holds no lease.
      return tags.read(
        aws,
        services.filter((a) => a.split(':').pop()?.split('/').length === 3),
      );
    },
  },
};
