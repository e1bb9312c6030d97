import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { instanceArns } from '../../resources/ec2-instance.js';
import type { ResolvedResource } from '../../resources/registry.js';
import { defineInverse, type InverseHandler, requestIds } from '../inverse.js';
import { LEASE_TAG, type LeaseKind } from '../lease-kind.js';

/** Each instance's lease tag value as EC2 answers now (absent: no lease). */
export async function readLeases(aws: AwsApis, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const res = await aws.ec2.describeInstances({ InstanceIds: ids });
  for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    const v = (i.Tags ?? []).find((t) => t.Key === LEASE_TAG)?.Value;
    if (i.InstanceId && v !== undefined) out.set(i.InstanceId, v);
  }
  return out;
}

export async function writeLease(aws: AwsApis, ids: string[], value: string): Promise<string[]> {
  return requestIds(await aws.ec2.createTags({ Resources: ids, Tags: [{ Key: LEASE_TAG, Value: value }] }));
}

/**
 * Releases a lease: DeleteTags with the value, so EC2 deletes the tag only where it still holds
 * this lease (one another drill took over is left alone). Idempotent; an instance that no longer
 * exists holds no lease.
 */
export const releaseLease = defineInverse({
  action: 'ec2.release-lease',
  params: z.object({ instanceIds: z.array(z.string()).min(1), value: z.string().min(1) }),
  async run(ctx, { instanceIds, value }) {
    try {
      return requestIds(
        await ctx.aws.ec2.deleteTags({ Resources: instanceIds, Tags: [{ Key: LEASE_TAG, Value: value }] }),
      );
    } catch (err) {
      const code = DrillproofError.is(err) ? String(err.details.awsCode ?? err.code) : '';
      if (!/InvalidInstanceID\.NotFound|InstanceNotFound/.test(code)) throw err;
      ctx.note?.(`lease ${value}: an instance is gone, nothing to release there`);
      return [];
    }
  },
});

export function releaseLeaseSpec(ids: string[], value: string, region: string) {
  return releaseLease.spec({ instanceIds: ids, value }, `release the lease on ${ids.join(', ')}`, [
    `aws ec2 delete-tags --region ${region} --resources ${ids.join(' ')} --tags 'Key=${LEASE_TAG},Value=${value}'`,
  ]);
}

const instancesOf = (r: ResolvedResource) => (r.type === 'ec2-instance' ? r.instances : []);

/** EC2 instances: CreateTags / DeleteTags (with the value) on the instance ids. */
export const ec2LeaseKind: LeaseKind = {
  resourceType: 'ec2-instance',
  stepId: 'lease',
  ids: (r) => instancesOf(r).map((i) => i.id),
  held: async (_aws, r) => {
    const out = new Map<string, string>();
    for (const i of instancesOf(r)) {
      const v = i.tags[LEASE_TAG];
      if (v !== undefined) out.set(i.id, v);
    }
    return out;
  },
  read: readLeases,
  write: writeLease,
  releaseSpec: releaseLeaseSpec,
  release: releaseLease as InverseHandler<never>,
  plan: {
    service: 'ec2',
    arns: instanceArns,
    read: null,
    take: 'CreateTags',
    release: ['DeleteTags'],
  },
  sweep: {
    service: 'ec2',
    what: 'EC2 instance leases',
    async find(aws) {
      const res = await aws.ec2.describeInstances({ Filters: [{ Name: 'tag-key', Values: [LEASE_TAG] }] });
      const out = new Map<string, string>();
      for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        const v = (i.Tags ?? []).find((t) => t.Key === LEASE_TAG)?.Value;
        if (i.InstanceId && v !== undefined) out.set(i.InstanceId, v);
      }
      return out;
    },
  },
};
