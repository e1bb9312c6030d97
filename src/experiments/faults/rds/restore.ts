import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { probeKind } from '../../../probes/kinds/registry.js';
import { resolvedOf } from '../../resources/registry.js';
import type { CrossCheckContext, Leftover } from '../definition.js';
import { confirmByAction, defineFault } from '../definition.js';
import { defineInverse } from '../inverse.js';
import { KEEP_TAG, RESTORED_FROM_TAG, RUN_ID_TAG } from '../tags.js';
import { deleteUntilGone } from '../wait.js';
import { restoredInstanceAvailable } from './confirm.js';
import { deleteSnapshot, drillSnapshots, freshSnapshotBefore } from './fresh-snapshot.js';
import { restoredDbId } from './restore-naming.js';
import { rdsRestorePlan } from './restore-plan.js';
import { type RestorePlan, restorePreflight, startRestore, verifyRestore } from './restore-run.js';
import { rdsRestoreFault } from './restore-schema.js';

export { judgeCheck } from './restore-schema.js';

/** Deletes a restored DB instance (no final snapshot) and waits until it is gone. */
export const deleteInstance = defineInverse({
  action: 'rds.delete-instance',
  params: z.object({ id: z.string() }),
  async run(ctx, { id }) {
    // A restore still being created cannot be deleted yet (InvalidDBInstanceState): keep trying.
    return deleteUntilGone({
      remove: () =>
        ctx.aws.rds.deleteDBInstance({
          DBInstanceIdentifier: id,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        }),
      exists: async () =>
        ((await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: id })).DBInstances ?? []).length > 0,
      what: `DB instance ${id}`,
      poll: { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs },
    });
  },
});

export function deleteInstanceSpec(id: string, region: string) {
  return deleteInstance.spec({ id }, `delete restored instance ${id}`, [
    `aws rds delete-db-instance --region ${region} --db-instance-identifier ${id} --skip-final-snapshot --delete-automated-backups`,
  ]);
}

function crossCheck(f: Record<string, unknown>, c: CrossCheckContext): void {
  const hb = typeof f.heartbeatProbe === 'string' ? f.heartbeatProbe : undefined;
  if (hb !== undefined) {
    const p = c.probes.find((x) => x.name === hb);
    if (!p) c.probeRef(hb, ['heartbeatProbe']);
    else if (!c.isHeartbeat(p.type)) {
      c.issue(['heartbeatProbe'], `heartbeatProbe "${hb}" is a ${String(p.type)} probe, not a heartbeat`, hb);
    }
  }
  requireDatabaseProbe(f, c);
}

/**
 * Verification queries and the heartbeat read-back connect with the settings of a probe that
 * writes to a database (postgres-heartbeat, mysql-heartbeat: its kind picks the client), which
 * the step's `connection` may override; without one, preflight could not verify anything.
 */
export function requireDatabaseProbe(f: Record<string, unknown>, c: CrossCheckContext): void {
  if (!Array.isArray(f.verify) || f.verify.length === 0) return;
  if (c.probes.some((p) => probeKind(String(p.type))?.database)) return;
  c.issue(
    ['verify'],
    "verification queries connect with the settings of a database heartbeat probe, and the scenario has none: add a postgres-heartbeat or mysql-heartbeat probe on the source database (the step's connection overrides its settings for the restored copy)",
    f.verify,
  );
}

/** DB instances a drill restored (tagged with its run id) and did not keep on purpose. */
async function restoredInstances(aws: AwsApis): Promise<Leftover[]> {
  const dbs = await aws.rds.describeDBInstances({});
  const out: Leftover[] = [];
  for (const db of dbs.DBInstances ?? []) {
    const tags = Object.fromEntries((db.TagList ?? []).map((t) => [t.Key, t.Value]));
    if (!db.DBInstanceIdentifier || !tags[RUN_ID_TAG] || tags[KEEP_TAG] === 'true') continue;
    if (db.DBInstanceStatus === 'deleting') continue;
    out.push({
      kind: 'restored-db-instance',
      id: db.DBInstanceIdentifier,
      detail: `restored by run ${tags[RUN_ID_TAG]} from ${tags[RESTORED_FROM_TAG] ?? '?'}`,
      action: `delete DB instance ${db.DBInstanceIdentifier}`,
      inverse: deleteInstance.spec(
        { id: db.DBInstanceIdentifier },
        `delete DB instance ${db.DBInstanceIdentifier}`,
        [],
      ),
    });
  }
  return out;
}

/**
 * rds-restore: the BAR-002 drill. Restores a new instance from the latest snapshot, a snapshot it
 * takes itself right before the restore (`fresh-snapshot`, its deletion journaled first), a named
 * snapshot or a point in time, waits until it is available, connects, verifies (heartbeat read-back plus the
 * scenario's SQL checks); its RTO (verified − F) and RPO (F − newest heartbeat found) are
 * computed by the measurements from what it records. The restored instance is deleted afterwards
 * unless `keep: true`.
 */
export const rdsRestoreDefinition = defineFault({
  type: 'rds-restore',
  schema: rdsRestoreFault,
  resourceRefs: [{ key: 'resource', types: ['rds-instance', 'aurora-cluster'] }],
  crossCheck,
  measuresRestore: true,
  plan: (f, ctx) => rdsRestorePlan(f, ctx, { instance: deleteInstance.action, snapshot: deleteSnapshot.action }),
  async prepare(step, ctx) {
    if (ctx.resources.get(step.resource)?.type === 'aurora-cluster') {
      throw DrillproofError.user(
        'RestoreAuroraUnsupported',
        `fault ${step.id}: restoring an Aurora cluster is not supported yet`,
        { hint: 'point rds-restore at an rds-instance resource' },
      );
    }
    const db = resolvedOf(ctx.resources, step.resource, 'rds-instance', `fault ${step.id} (${step.type})`);
    const newId = step.restoredId ?? restoredDbId(db.id, ctx.runId, step.id);
    const pit = typeof step.from === 'object' && 'pointInTime' in step.from ? step.from.pointInTime : undefined;
    // The drill's snapshot is named by the same rule as the restore (the policy's `<id>-dp-*`).
    const freshSnapshotId = step.from === 'fresh-snapshot' ? restoredDbId(db.id, ctx.runId, step.id) : undefined;
    const r: RestorePlan = { step, db, newId, pit, ...(freshSnapshotId ? { freshSnapshotId } : {}), state: {} };
    const before = freshSnapshotId
      ? freshSnapshotBefore({
          sourceId: db.id,
          snapshotId: freshSnapshotId,
          stepId: step.id,
          keep: step.keep,
          region: ctx.aws.region,
          taken: (p) => {
            r.state.snapshotId = freshSnapshotId;
            r.state.point = p;
          },
        })
      : undefined;
    return [
      {
        ...(before ? { before } : {}),
        stepId: step.id,
        fault: step.type,
        action: pit ? 'rds:RestoreDBInstanceToPointInTime' : 'rds:RestoreDBInstanceFromDBSnapshot',
        targets: [db.id, newId],
        inverse: step.keep ? null : deleteInstanceSpec(newId, ctx.aws.region),
        preflight: (c) => restorePreflight(c, r),
        run: (c) => startRestore(c, r),
        watch: [{ source: 'rds', sourceType: 'db-instance', id: newId }],
        followUp: (c) => verifyRestore(c, r),
        basis: () => ({ verified: r.state.verified ?? false }),
      },
    ];
  },
  inverses: [deleteInstance, deleteSnapshot],
  // It impairs nothing: the copy is new, the source keeps serving.
  affects: () => [],
  confirm: confirmByAction({
    'rds:RestoreDBInstanceToPointInTime': restoredInstanceAvailable,
    'rds:RestoreDBInstanceFromDBSnapshot': restoredInstanceAvailable,
  }),
  leftovers: {
    service: 'rds',
    what: 'RDS DB instances and snapshots',
    // Instances first: a restore still reading its snapshot is gone before the snapshot goes.
    find: async (aws) => [...(await restoredInstances(aws)), ...(await drillSnapshots(aws))],
  },
});
