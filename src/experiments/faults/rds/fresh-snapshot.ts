import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import type { Leftover } from '../definition.js';
import { defineInverse, requestIds } from '../inverse.js';
import { KEEP_TAG, RESTORED_FROM_TAG, RUN_ID_TAG, STEP_TAG } from '../tags.js';
import type { FaultAction, FaultContext, InverseContext } from '../types.js';
import { deleteUntilGone, pollUntil } from '../wait.js';
import { restoredDbPrefix } from './restore-naming.js';

/** The snapshot a restore reads from: its ARN and creation time (the RPO basis without heartbeat rows). */
export interface RestorePoint {
  arn: string;
  createdAtMs: number | null;
}

/**
 * Deletes a DB snapshot the drill took and waits until it is gone. A snapshot still `creating`
 * cannot be deleted (InvalidDBSnapshotState): the request is repeated until RDS accepts it.
 */
export const deleteSnapshot = defineInverse({
  action: 'rds.delete-snapshot',
  params: z.object({ id: z.string() }),
  async run(ctx: InverseContext, { id }) {
    return deleteUntilGone({
      remove: () => ctx.aws.rds.deleteDBSnapshot({ DBSnapshotIdentifier: id }),
      exists: async () =>
        ((await ctx.aws.rds.describeDBSnapshots({ DBSnapshotIdentifier: id })).DBSnapshots ?? []).length > 0,
      what: `DB snapshot ${id}`,
      poll: { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs },
    });
  },
});

export function deleteSnapshotSpec(id: string, region: string) {
  return deleteSnapshot.spec({ id }, `delete drill snapshot ${id}`, [
    `aws rds delete-db-snapshot --region ${region} --db-snapshot-identifier ${id}`,
  ]);
}

/** Polls DescribeDBSnapshots until the snapshot is `available`; bounded by the drill's wait timeout. */
async function awaitSnapshot(c: FaultContext, id: string): Promise<RestorePoint> {
  return pollUntil(
    async () => {
      const s = (await c.aws.rds.describeDBSnapshots({ DBSnapshotIdentifier: id })).DBSnapshots?.[0];
      if (s?.Status === 'failed') throw DrillproofError.aws('SnapshotFailed', `DB snapshot ${id} failed`);
      if (s?.Status !== 'available') return undefined;
      return { arn: s.DBSnapshotArn ?? id, createdAtMs: s.SnapshotCreateTime?.getTime() ?? null };
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `DB snapshot ${id} to be available`,
    },
  );
}

/**
 * `from: fresh-snapshot`: the preparation before the restore. CreateDBSnapshot of the source
 * (its DeleteDBSnapshot journaled first unless `keep`), then the wait until it is available.
 * It is not the fault: F stays the restore request, so the snapshot is the last backup taken
 * before the disaster.
 */
export function freshSnapshotBefore(o: {
  sourceId: string;
  snapshotId: string;
  stepId: string;
  keep: boolean;
  region: string;
  taken: (p: RestorePoint) => void;
}): NonNullable<FaultAction['before']> {
  return {
    description: `take DB snapshot ${o.snapshotId} of ${o.sourceId}`,
    inverse: o.keep ? null : deleteSnapshotSpec(o.snapshotId, o.region),
    run: async (c) => {
      const res = await c.aws.rds.createDBSnapshot({
        DBInstanceIdentifier: o.sourceId,
        DBSnapshotIdentifier: o.snapshotId,
        Tags: [
          { Key: RUN_ID_TAG, Value: c.runId },
          { Key: STEP_TAG, Value: o.stepId },
          { Key: RESTORED_FROM_TAG, Value: o.sourceId },
          ...(o.keep ? [{ Key: KEEP_TAG, Value: 'true' }] : []),
        ],
      });
      o.taken(await awaitSnapshot(c, o.snapshotId));
      return { requestIds: requestIds(res) };
    },
  };
}

/** Manual DB snapshots a drill took (tagged with its run id) and did not keep on purpose. */
export async function drillSnapshots(aws: AwsApis): Promise<Leftover[]> {
  const res = await aws.rds.describeDBSnapshots({ SnapshotType: 'manual' });
  const out: Leftover[] = [];
  for (const s of res.DBSnapshots ?? []) {
    const tags = Object.fromEntries((s.TagList ?? []).map((t) => [t.Key, t.Value]));
    const id = s.DBSnapshotIdentifier;
    if (!id || !tags[RUN_ID_TAG] || tags[KEEP_TAG] === 'true' || s.Status === 'deleting') continue;
    // Only what the naming rule makes: a user's snapshot that merely carries the tag is left alone.
    if (s.DBInstanceIdentifier && !id.startsWith(restoredDbPrefix(s.DBInstanceIdentifier))) continue;
    out.push({
      kind: 'drill-db-snapshot',
      id,
      detail: `taken by run ${tags[RUN_ID_TAG]} of ${s.DBInstanceIdentifier ?? '?'}`,
      action: `delete DB snapshot ${id}`,
      inverse: deleteSnapshot.spec({ id }, `delete DB snapshot ${id}`, []),
    });
  }
  return out;
}
