import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { defineInverse } from '../inverse.js';
import type { InverseContext } from '../types.js';
import { pollUntil } from '../wait.js';

/** Polls the replication group until it is `available` (a TestFailover's end). */
export async function waitGroupAvailable(
  ctx: Pick<InverseContext, 'aws' | 'clock' | 'pollMs' | 'waitTimeoutMs'>,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  await pollUntil(
    async () => {
      const status = await groupStatus(ctx.aws, id);
      if (status === 'deleting' || status === 'create-failed') {
        throw DrillproofError.aws('CacheUnavailable', `replication group ${id} is ${status}`);
      }
      return status === 'available' ? true : undefined;
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `replication group ${id} to be available`,
    },
  );
}

async function groupStatus(aws: AwsApis, id: string): Promise<string | undefined> {
  return (await aws.elasticache.describeReplicationGroups({ ReplicationGroupId: id })).ReplicationGroups?.[0]?.Status;
}

/**
 * The "undo" of a TestFailover: nothing is failed back (the promoted replica stays primary);
 * rollback waits until the replication group is available again.
 */
export const awaitGroupAvailable = defineInverse({
  action: 'elasticache.await-available',
  params: z.object({ replicationGroupId: z.string() }),
  async run(ctx, { replicationGroupId }) {
    await waitGroupAvailable(ctx, replicationGroupId);
    return [];
  },
});

export function awaitGroupSpec(id: string, region: string) {
  return awaitGroupAvailable.spec({ replicationGroupId: id }, `wait for replication group ${id} to be available`, [
    `aws elasticache describe-replication-groups --region ${region} --replication-group-id ${id} --query 'ReplicationGroups[0].Status'`,
  ]);
}
