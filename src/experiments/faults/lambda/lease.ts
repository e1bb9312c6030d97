import type { AwsApis } from '../../../aws/apis.js';
import { lambdaFunctionArns } from '../../resources/lambda-function.js';
import type { ResolvedResource } from '../../resources/registry.js';
import { type ArnTagApi, arnTagLease, LEASE_TAG, type LeaseKind } from '../lease-kind.js';

/**
 * Lambda functions (lambda-throttle) carry the lease as a tag on the unqualified function ARN
 * (`arn:aws:lambda:<region>:<account>:function:<name>`; Lambda tags neither versions nor
 * aliases): TagResource, ListTags, UntagResource (members `Resource`, a `Tags` map, `TagKeys`).
 * GetFunction answers the tags too, so preflight reads the current lease from the resolution.
 */
const lambdaTags = (aws: AwsApis): ArnTagApi => ({
  addTagsToResource: ({ ResourceName, Tags }) =>
    aws.lambda.tagResource({ Resource: ResourceName, Tags: Object.fromEntries(Tags.map((t) => [t.Key, t.Value])) }),
  removeTagsFromResource: ({ ResourceName, TagKeys }) => aws.lambda.untagResource({ Resource: ResourceName, TagKeys }),
  listTagsForResource: async ({ ResourceName }) => {
    const res = await aws.lambda.listTags({ Resource: ResourceName });
    return { TagList: Object.entries(res.Tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  },
});

const tags = arnTagLease({
  service: 'lambda',
  api: lambdaTags,
  notFound: /ResourceNotFoundException/,
  cli: {
    list: (region, arn) => `aws lambda list-tags --region ${region} --resource ${arn}`,
    remove: (region, arn) => `aws lambda untag-resource --region ${region} --resource ${arn} --tag-keys ${LEASE_TAG}`,
  },
});

/** The unqualified ARN (GetFunction answers it so for $LATEST; a qualifier is cut off anyway). */
const unqualified = (arn: string) => arn.split(':').slice(0, 7).join(':');
const arnOf = (r: ResolvedResource) => (r.type === 'lambda-function' && r.arn ? [unqualified(r.arn)] : []);

export const lambdaFunctionLeaseKind: LeaseKind = {
  resourceType: 'lambda-function',
  stepId: 'lease.lambda',
  ids: arnOf,
  held: async (_aws, r) => {
    const out = new Map<string, string>();
    const v = r.type === 'lambda-function' ? r.tags[LEASE_TAG] : undefined;
    for (const arn of arnOf(r)) if (v !== undefined) out.set(arn, v);
    return out;
  },
  read: tags.read,
  write: tags.write,
  releaseSpec: tags.releaseSpec,
  release: tags.release,
  plan: {
    service: 'lambda',
    arns: (ctx, sel) => lambdaFunctionArns(ctx, (sel as { function?: string } | undefined)?.function),
    read: 'ListTags',
    take: 'TagResource',
    release: ['ListTags', 'UntagResource'],
  },
  sweep: {
    service: 'lambda',
    what: 'Lambda function leases',
    async find(aws) {
      const fns = (await aws.lambda.listFunctions({})).Functions ?? [];
      return tags.read(
        aws,
        fns.map((f) => f.FunctionArn).filter((a): a is string => !!a),
      );
    },
  },
};
