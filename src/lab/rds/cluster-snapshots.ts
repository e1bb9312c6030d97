import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { type BaseBackup, baseBackup } from '../pg/backup.js';
import { ReplicatedPair } from '../pg/pair.js';
import type { EndpointProxy } from '../pg/tcp-proxy.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import type { RdsLab } from './lab-rds.js';
import type { DbCluster } from './model.js';

export const clusterSnapshotArn = (id: string) => `arn:aws:rds:${LAB_REGION}:${LAB_ACCOUNT_ID}:cluster-snapshot:${id}`;

/** A DB cluster snapshot (DescribeDBClusterSnapshots' shape): a base backup of the cluster's writer. */
export interface DbClusterSnapshot {
  id: string;
  arn: string;
  clusterId: string;
  engine: DbCluster['engine'];
  engineVersion: string;
  masterUsername: string;
  dbName: string;
  status: 'creating' | 'available';
  createTime: Date;
  azs: string[];
  port: number;
  dir: string;
  /** The source cluster's WAL archive: recovery reads the segments the backup spans from it. */
  archiveDir: string;
  backup?: BaseBackup;
  tags: Record<string, string>;
}

/**
 * A cluster restored from a cluster snapshot: its storage (`volumeDir`, a recovered and promoted
 * PostgreSQL data directory) is the cluster's, the instances run a server on it. As AWS's
 * RestoreDBClusterFromSnapshot, the restore makes the cluster only, with no instances.
 */
export interface RestoredCluster {
  id: string;
  arn: string;
  resourceId: string;
  engine: DbCluster['engine'];
  engineVersion: string;
  masterUsername: string;
  dbName: string;
  status: 'creating' | 'available' | 'deleting' | 'failed';
  /** Why the restore failed (the restore job's StatusMessage). */
  failure?: string;
  createTime: Date;
  azs: string[];
  snapshotId: string;
  volumeDir: string;
  /** The cluster (writer) endpoint; it follows the instance running on the volume. */
  endpoint: EndpointProxy;
  /** DB instances created in it (CreateDBInstance with DBClusterIdentifier), in creation order. */
  memberIds: string[];
  tags: Record<string, string>;
}

/** The lab's Aurora snapshot and restore state, beside the RdsLab it belongs to. */
export interface AuroraState {
  snapshots: Map<string, DbClusterSnapshot>;
  restored: Map<string, RestoredCluster>;
}

const states = new WeakMap<RdsLab, AuroraState>();

export function auroraState(rds: RdsLab): AuroraState {
  let s = states.get(rds);
  if (!s) {
    s = { snapshots: new Map(), restored: new Map() };
    states.set(rds, s);
  }
  return s;
}

export function owner(rds: RdsLab) {
  return { uid: rds.ctx.rt.uid, gid: rds.ctx.rt.gid };
}

export function mkdirOwned(rds: RdsLab, p: string): void {
  mkdirSync(p, { recursive: true, mode: 0o700 });
  const o = owner(rds);
  if (o.uid !== undefined) chownSync(p, o.uid, o.gid ?? o.uid);
}

/** A cluster snapshot by identifier or ARN (DBClusterSnapshotNotFoundFault otherwise). */
export function clusterSnapshot(rds: RdsLab, idOrArn: string): DbClusterSnapshot {
  const all = auroraState(rds).snapshots;
  const s = all.get(idOrArn) ?? [...all.values()].find((x) => x.arn === idOrArn);
  if (!s) throw new ApiError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${idOrArn} not found.`, 404);
  return s;
}

/**
 * CreateDBClusterSnapshot of an Aurora-PostgreSQL-style cluster (the one AWS Backup takes as
 * `awsbackup:job-<id>`): a base backup of the writer, `creating` until its WAL is archived.
 */
export function createClusterSnapshot(rds: RdsLab, clusterId: string, snapshotId: string): DbClusterSnapshot {
  const c = rds.cluster(clusterId);
  const st = auroraState(rds);
  if (st.snapshots.has(snapshotId)) {
    throw new ApiError(
      'DBClusterSnapshotAlreadyExistsFault',
      `Cannot create the cluster snapshot because one with the identifier ${snapshotId} already exists.`,
    );
  }
  if (c.status !== 'available') {
    throw new ApiError('InvalidDBClusterStateFault', `DBCluster ${clusterId} is not available (it is ${c.status}).`);
  }
  const pair = c.pair;
  if (!(pair instanceof ReplicatedPair)) {
    throw new ApiError(
      'InvalidParameterValue',
      `The lab takes cluster snapshots of its Aurora PostgreSQL cluster only; ${clusterId} is ${c.engine}.`,
    );
  }
  const s: DbClusterSnapshot = {
    id: snapshotId,
    arn: clusterSnapshotArn(snapshotId),
    clusterId,
    engine: c.engine,
    engineVersion: c.engineVersion,
    masterUsername: c.masterUsername,
    dbName: c.dbName,
    status: 'creating',
    createTime: new Date(),
    azs: [...new Set(pair.members.map((m) => m.az))],
    port: 5432,
    dir: join(rds.snapshotsDir, `cluster-${snapshotId.replace(/[^A-Za-z0-9-]/g, '_')}`),
    archiveDir: pair.archiveDir,
    tags: {},
  };
  st.snapshots.set(snapshotId, s);
  const started = Date.now();
  void (async () => {
    try {
      mkdirOwned(rds, rds.snapshotsDir);
      s.backup = await baseBackup(pair.primary.node, s.dir, owner(rds), pair.archiveDir);
      await new Promise((r) => setTimeout(r, Math.max(0, rds.o.transitionMs - (Date.now() - started))));
      s.status = 'available';
    } catch (e) {
      st.snapshots.delete(snapshotId);
      rmSync(s.dir, { recursive: true, force: true });
      rds.o.onError(`cluster snapshot ${snapshotId}`, e);
    }
  })();
  return s;
}
