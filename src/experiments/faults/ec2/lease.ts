import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { defineInverse, requestIds } from '../inverse.js';

/**
 * The lease a drill holds on the EC2 instances it faults: the tag `drillproof:lease` with the
 * value `<run id>@<expiry, RFC 3339>`. Another drill's preflight refuses instances with a lease
 * that has not expired; `sweep` removes expired ones.
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
