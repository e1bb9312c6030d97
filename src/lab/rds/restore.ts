import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { baseBackup } from '../pg/backup.js';
import { archiveConf, pgTimestamp } from '../pg/conf.js';
import { copyTree } from '../pg/copy-tree.js';
import { PgNode } from '../pg/node.js';
import type { RdsLab } from './lab-rds.js';
import type { DbInstance, DbSnapshot } from './model.js';

export interface RestoreOptions {
  targetId: string;
  instanceClass?: string;
  az?: string;
  tags?: Record<string, string>;
}

function owner(rds: RdsLab) {
  return { uid: rds.ctx.rt.uid, gid: rds.ctx.rt.gid };
}

function mkdirOwned(rds: RdsLab, p: string): void {
  mkdirSync(p, { recursive: true, mode: 0o700 });
  const o = owner(rds);
  if (o.uid !== undefined) chownSync(p, o.uid, o.gid ?? o.uid);
}

/** CreateDBSnapshot: a base backup of the instance's primary, `creating` until the WAL is archived. */
export function createSnapshot(rds: RdsLab, instanceId: string, snapshotId: string, tags: Record<string, string>) {
  const i = rds.instance(instanceId);
  if (rds.snapshots.has(snapshotId)) {
    throw new ApiError(
      'DBSnapshotAlreadyExists',
      `Cannot create the snapshot because a snapshot with the identifier ${snapshotId} already exists.`,
    );
  }
  if (i.kind === 'cluster-member') {
    throw new ApiError(
      'InvalidParameterValue',
      `The specified instance ${instanceId} is a member of a DB cluster; create a DB cluster snapshot instead.`,
    );
  }
  if (i.status !== 'available') {
    throw new ApiError(
      'InvalidDBInstanceState',
      `DB instance ${instanceId} is not in available state (it is ${i.status}).`,
    );
  }
  const s = rds.newSnapshot(snapshotId, i, 'manual', tags);
  rds.events.add('RDS-EVENT-0040', 'db-snapshot', snapshotId, s.arn);
  const started = Date.now();
  void (async () => {
    try {
      mkdirOwned(rds, rds.snapshotsDir);
      const node = i.pair ? i.pair.primary.node : i.node;
      if (!node) throw new Error(`instance ${instanceId} has no server`);
      s.backup = i.pair ? await i.pair.backup(s.dir) : await baseBackup(node, s.dir, owner(rds), i.archiveDir);
      await new Promise((r) => setTimeout(r, Math.max(0, rds.o.transitionMs - (Date.now() - started))));
      s.status = 'available';
      rds.events.add('RDS-EVENT-0042', 'db-snapshot', snapshotId, s.arn);
    } catch (e) {
      rds.snapshots.delete(snapshotId);
      rds.o.onError(`snapshot ${snapshotId}`, e);
    }
  })();
  return s;
}

/**
 * DeleteDBSnapshot (API reference): only a manual snapshot in the `available` state can be
 * deleted (InvalidDBSnapshotState otherwise; automated ones go with their retention); the answer
 * is the snapshot with Status `deleted`, and it is gone from DescribeDBSnapshots at once.
 */
export function deleteSnapshot(rds: RdsLab, snapshotId: string): DbSnapshot {
  const s = rds.snapshots.get(snapshotId) ?? [...rds.snapshots.values()].find((x) => x.arn === snapshotId);
  if (!s) throw new ApiError('DBSnapshotNotFound', `DBSnapshot not found: ${snapshotId}`, 404);
  if (s.type !== 'manual') {
    throw new ApiError('InvalidDBSnapshotState', `Only manual snapshots may be deleted: ${snapshotId} is ${s.type}.`);
  }
  if (s.status !== 'available') {
    throw new ApiError('InvalidDBSnapshotState', `Snapshot ${snapshotId} is not available (it is ${s.status}).`);
  }
  rds.snapshots.delete(s.id);
  // A restore still copying the files keeps them until the lab goes down (AWS lets it finish too).
  const reading = [...rds.instances.values()].some((i) => i.restoredFrom === s.id && i.status === 'creating');
  if (!reading) rmSync(s.dir, { recursive: true, force: true });
  rds.events.add('RDS-EVENT-0041', 'db-snapshot', s.id, s.arn);
  return { ...s, status: 'deleted' };
}

function checkNewId(rds: RdsLab, id: string): void {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(id) || id.endsWith('-') || id.includes('--')) {
    throw new ApiError(
      'InvalidParameterValue',
      `The parameter DBInstanceIdentifier is not a valid identifier: ${id}. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  if (rds.instances.has(id)) throw new ApiError('DBInstanceAlreadyExists', `DB instance already exists: ${id}`);
}

/**
 * Builds a new single-AZ instance from a base backup plus archived WAL. `target` is a recovery
 * target time, or undefined to stop as soon as the backup is consistent (snapshot restore).
 */
function restoreInto(
  rds: RdsLab,
  o: RestoreOptions,
  source: { backupDir: string; archiveDir: string; from: string },
  target: Date | undefined,
  eventId: string,
): DbInstance {
  const inst: DbInstance = {
    ...rds.baseInstance(o.targetId, 'single', 'postgres', o.instanceClass ?? 'db.t3.micro'),
    tags: o.tags ?? {},
    nodeAz: o.az ?? rds.o.azs[0],
    restoredFrom: source.from,
    backupRetentionPeriod: 1,
  };
  rds.instances.set(inst.id, inst);
  rds.transition(
    inst,
    'creating',
    async () => {
      const dir = join(rds.o.pgDir, 'restored', inst.id);
      mkdirOwned(rds, join(rds.o.pgDir, 'restored'));
      rmSync(dir, { recursive: true, force: true });
      const node = new PgNode(inst.id, join(dir, 'data'), await rds.o.freePort(), rds.ctx);
      const archiveDir = join(dir, 'archive');
      mkdirOwned(rds, dir);
      mkdirOwned(rds, archiveDir);
      await copyTree(source.backupDir, node.dataDir, owner(rds));
      node.writeConf({
        // Recovery reads the source's archive; once promoted the new instance archives to its own.
        archive_command: archiveConf(archiveDir).archive_command,
        restore_command: archiveConf(source.archiveDir).restore_command,
        synchronous_standby_names: '',
        recovery_target_time: target ? pgTimestamp(target) : undefined,
        recovery_target: target ? undefined : 'immediate',
        recovery_target_action: 'promote',
        recovery_target_timeline: 'latest',
      });
      node.writeFile('recovery.signal', '');
      inst.node = node;
      inst.archiveDir = archiveDir;
      await node.start(120_000);
      const end = Date.now() + 120_000;
      while (await node.isInRecovery()) {
        if (Date.now() > end) throw new Error(`restore of ${inst.id} did not finish recovery`);
        await new Promise((r) => setTimeout(r, 30));
      }
      // Later restarts must not replay to the target again.
      node.writeConf({ ...archiveConf(archiveDir), synchronous_standby_names: '' });
      rds.events.add('RDS-EVENT-0005', 'db-instance', inst.id, inst.arn);
      rds.events.add(eventId, 'db-instance', inst.id, inst.arn, eventId === 'RDS-EVENT-0043' ? ` ${source.from}` : '');
    },
    'available',
    'failed',
  );
  return inst;
}

export function restoreFromSnapshot(rds: RdsLab, snapshotId: string, o: RestoreOptions): DbInstance {
  const s = rds.snapshots.get(snapshotId) ?? [...rds.snapshots.values()].find((x) => x.arn === snapshotId);
  if (!s) throw new ApiError('DBSnapshotNotFound', `DBSnapshot not found: ${snapshotId}`, 404);
  if (s.status !== 'available') {
    throw new ApiError('InvalidDBSnapshotState', `Snapshot ${snapshotId} is not available (it is ${s.status}).`);
  }
  checkNewId(rds, o.targetId);
  return restoreInto(rds, o, { backupDir: s.dir, archiveDir: s.archiveDir, from: s.id }, undefined, 'RDS-EVENT-0043');
}

/**
 * RestoreDBInstanceToPointInTime: the newest base backup that ended before the target time plus WAL
 * replay up to it, so the new instance holds exactly the transactions committed by then.
 */
export function restoreToPointInTime(
  rds: RdsLab,
  sourceId: string,
  time: Date | 'latest',
  o: RestoreOptions,
): DbInstance {
  const src = rds.instance(sourceId);
  if (src.kind !== 'multi-az' || !src.pair) {
    throw new ApiError(
      'PointInTimeRestoreNotEnabled',
      `Point-in-time restore is not enabled for ${sourceId}; in the lab it is enabled for lab-db.`,
    );
  }
  checkNewId(rds, o.targetId);
  const latest = src.pair.latestRestorableTime;
  if (!latest) throw new ApiError('InvalidDBInstanceState', `DB instance ${sourceId} has no restorable time yet.`);
  const t = time === 'latest' ? latest : time;
  if (t.getTime() > latest.getTime()) {
    throw new ApiError(
      'InvalidParameterValue',
      `The restore time ${t.toISOString()} is after the latest restorable time ${latest.toISOString()}.`,
    );
  }
  const backups = src.pair.backups.filter((b) => b.endTime.getTime() < t.getTime());
  const b = backups[backups.length - 1];
  if (!b) {
    throw new ApiError(
      'InvalidParameterValue',
      `The restore time ${t.toISOString()} is before the earliest restorable time ${src.pair.backups[0]?.endTime.toISOString()}.`,
    );
  }
  return restoreInto(
    rds,
    o,
    { backupDir: b.dir, archiveDir: src.pair.archiveDir, from: sourceId },
    t,
    'RDS-EVENT-0019',
  );
}

/** DeleteDBInstance: `deleting`, then the server stops and its data is removed. */
export function deleteInstance(
  rds: RdsLab,
  id: string,
  skipFinalSnapshot: boolean,
  finalSnapshotId: string | undefined,
): DbInstance {
  const i = rds.instance(id);
  if (i.deletionProtection) {
    throw new ApiError(
      'InvalidParameterCombination',
      'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    );
  }
  if (i.kind === 'cluster-member') {
    throw new ApiError('InvalidDBClusterStateFault', `DB instance ${id} is a member of DB cluster ${i.clusterId}.`);
  }
  if (!skipFinalSnapshot && !finalSnapshotId) {
    throw new ApiError(
      'InvalidParameterCombination',
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    );
  }
  if (i.status === 'deleting') return i;
  if (i.status !== 'available') {
    throw new ApiError('InvalidDBInstanceState', `DB instance ${id} is not in available state (it is ${i.status}).`);
  }
  const finalSnap = !skipFinalSnapshot && finalSnapshotId ? createSnapshot(rds, id, finalSnapshotId, {}) : undefined;
  rds.transition(
    i,
    'deleting',
    async () => {
      while (finalSnap && finalSnap.status === 'creating' && rds.snapshots.has(finalSnap.id)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await i.node?.stop('fast');
      const dir = join(rds.o.pgDir, 'restored', id);
      rmSync(dir, { recursive: true, force: true });
      rds.events.add('RDS-EVENT-0003', 'db-instance', id, i.arn);
    },
    'deleted',
  );
  // Gone from DescribeDBInstances once deleted (waitUntilDBInstanceDeleted sees DBInstanceNotFound).
  const timer = setInterval(() => {
    if (i.status === 'deleted') {
      rds.instances.delete(id);
      clearInterval(timer);
    }
  }, 50);
  return i;
}

export function snapshotsOf(rds: RdsLab, instanceId?: string, snapshotId?: string, type?: string): DbSnapshot[] {
  if (snapshotId && !rds.snapshots.has(snapshotId)) {
    throw new ApiError('DBSnapshotNotFound', `DBSnapshot not found: ${snapshotId}`, 404);
  }
  return [...rds.snapshots.values()].filter(
    (s) =>
      (!instanceId || s.instanceId === instanceId) &&
      (!snapshotId || s.id === snapshotId) &&
      (!type || s.type === type),
  );
}
