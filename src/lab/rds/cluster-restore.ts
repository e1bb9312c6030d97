import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { sleep } from '../node-entry.js';
import { archiveConf } from '../pg/conf.js';
import { copyTree } from '../pg/copy-tree.js';
import { PgNode } from '../pg/node.js';
import { EndpointProxy } from '../pg/tcp-proxy.js';
import { clusterArn, resourceId } from './arns.js';
import { auroraState, clusterSnapshot, mkdirOwned, owner, type RestoredCluster } from './cluster-snapshots.js';
import type { RdsLab } from './lab-rds.js';
import type { DbInstance } from './model.js';

const ID_RULE =
  'Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.';

export function checkIdentifier(param: string, id: string): void {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(id) || id.endsWith('-') || id.includes('--')) {
    throw new ApiError('InvalidParameterValue', `The parameter ${param} is not a valid identifier: ${id}. ${ID_RULE}`);
  }
}

/** The restored cluster `id` (DBClusterNotFoundFault when there is none, as for any cluster). */
export function restoredCluster(rds: RdsLab, id: string): RestoredCluster {
  const c = auroraState(rds).restored.get(id);
  if (!c) throw new ApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
  return c;
}

const root = (rds: RdsLab) => join(rds.o.pgDir, 'restored-clusters');

/**
 * RestoreDBClusterFromSnapshot (what an AWS Backup restore job of an Aurora recovery point runs):
 * the cluster is `creating` while its storage is made from the snapshot (the base backup copied and
 * recovered to its consistent point from the source's WAL archive, then promoted), then
 * `available`, with no DB instances: CreateDBInstance adds them.
 */
export function restoreClusterFromSnapshot(
  rds: RdsLab,
  snapshotIdOrArn: string,
  o: { clusterId: string; engine: string; tags?: Record<string, string> },
): RestoredCluster {
  const s = clusterSnapshot(rds, snapshotIdOrArn);
  if (s.status !== 'available') {
    throw new ApiError('InvalidDBClusterSnapshotStateFault', `DBClusterSnapshot ${s.id} is not available.`);
  }
  checkIdentifier('DBClusterIdentifier', o.clusterId);
  if (rds.clusters.has(o.clusterId) || auroraState(rds).restored.has(o.clusterId)) {
    throw new ApiError('DBClusterAlreadyExistsFault', `DB Cluster already exists: ${o.clusterId}`);
  }
  if (o.engine !== s.engine) {
    throw new ApiError(
      'InvalidParameterCombination',
      `The engine ${o.engine} does not match the engine ${s.engine} of DB cluster snapshot ${s.id}.`,
    );
  }
  const c: RestoredCluster = {
    id: o.clusterId,
    arn: clusterArn(o.clusterId),
    resourceId: resourceId('cluster', o.clusterId),
    engine: s.engine,
    engineVersion: s.engineVersion,
    masterUsername: s.masterUsername,
    dbName: s.dbName,
    status: 'creating',
    createTime: new Date(),
    azs: s.azs,
    snapshotId: s.id,
    volumeDir: join(root(rds), o.clusterId, 'volume'),
    endpoint: new EndpointProxy(`${o.clusterId}-writer`),
    memberIds: [],
    tags: o.tags ?? {},
  };
  auroraState(rds).restored.set(c.id, c);
  const started = Date.now();
  void (async () => {
    try {
      await c.endpoint.listen(await rds.o.freePort());
      mkdirOwned(rds, root(rds));
      mkdirOwned(rds, join(root(rds), c.id));
      rmSync(c.volumeDir, { recursive: true, force: true });
      await copyTree(s.dir, c.volumeDir, owner(rds));
      // Storage recovery: replay the WAL the backup spans, promote, stop. Instances start on it later.
      const node = new PgNode(`${c.id}-volume`, c.volumeDir, await rds.o.freePort(), rds.ctx);
      node.writeConf({
        restore_command: archiveConf(s.archiveDir).restore_command,
        archive_mode: 'off',
        synchronous_standby_names: '',
        recovery_target: 'immediate',
        recovery_target_action: 'promote',
        recovery_target_timeline: 'latest',
      });
      node.writeFile('recovery.signal', '');
      await node.start(120_000);
      const end = Date.now() + 120_000;
      while (await node.isInRecovery()) {
        if (Date.now() > end) throw new Error(`the storage of ${c.id} did not finish recovery`);
        await sleep(30);
      }
      await node.stop('fast');
      await sleep(Math.max(0, rds.o.transitionMs - (Date.now() - started)));
      if (c.status === 'creating') c.status = 'available';
      rds.events.add('RDS-EVENT-0170', 'db-cluster', c.id, c.arn);
    } catch (e) {
      c.status = 'failed';
      c.failure = (e as Error).message;
      rds.o.onError(`restore of DB cluster ${c.id}`, e);
    }
  })();
  return c;
}

/**
 * CreateDBInstance into a restored cluster: a PostgreSQL server on the cluster's storage, behind
 * the cluster endpoint. Aurora instances take their engine from the cluster (a different Engine is
 * InvalidParameterCombination) and need the cluster `available` (InvalidDBClusterStateFault).
 */
export function createClusterInstance(
  rds: RdsLab,
  o: { id: string; clusterId: string; instanceClass: string; engine: string; tags: Record<string, string> },
): DbInstance {
  const c = restoredCluster(rds, o.clusterId);
  checkIdentifier('DBInstanceIdentifier', o.id);
  if (rds.instances.has(o.id)) throw new ApiError('DBInstanceAlreadyExists', `DB instance already exists: ${o.id}`);
  if (o.engine !== c.engine) {
    throw new ApiError(
      'InvalidParameterCombination',
      `The engine name requested for your DB instance (${o.engine}) doesn't match the engine name of your DB cluster (${c.engine}).`,
    );
  }
  if (c.status !== 'available') {
    throw new ApiError(
      'InvalidDBClusterStateFault',
      `DBCluster ${c.id} is not in available state (it is ${c.status}).`,
    );
  }
  // One server per storage directory: the lab's restored clusters take one instance at a time.
  const running = c.memberIds.map((m) => rds.instances.get(m)).find((m) => m && m.status !== 'deleting');
  if (running) {
    throw new ApiError(
      'InvalidParameterCombination',
      `The lab runs one DB instance per restored DB cluster; ${c.id} has ${running.id}.`,
    );
  }
  const inst: DbInstance = {
    ...rds.baseInstance(o.id, 'cluster-member', c.engine, o.instanceClass),
    tags: o.tags,
    clusterId: c.id,
    nodeAz: c.azs[0] ?? rds.o.azs[0],
    restoredFrom: c.snapshotId,
    backupRetentionPeriod: 1,
  };
  rds.instances.set(inst.id, inst);
  c.memberIds.push(inst.id);
  rds.transition(
    inst,
    'creating',
    async () => {
      const node = new PgNode(inst.id, c.volumeDir, await rds.o.freePort(), rds.ctx);
      node.writeConf({ archive_mode: 'off', synchronous_standby_names: '' });
      await node.start(120_000);
      inst.node = node;
      c.endpoint.moveTo(node.port);
      rds.events.add('RDS-EVENT-0005', 'db-instance', inst.id, inst.arn);
    },
    'available',
    'failed',
  );
  return inst;
}

/** DeleteDBInstance of an instance in a restored cluster: the server stops, the storage stays the cluster's. */
export function deleteClusterInstance(rds: RdsLab, i: DbInstance): DbInstance {
  const c = restoredCluster(rds, i.clusterId as string);
  if (i.status === 'deleting') return i;
  if (i.status !== 'available' && i.status !== 'failed') {
    throw new ApiError('InvalidDBInstanceState', `DB instance ${i.id} is not in available state (it is ${i.status}).`);
  }
  rds.transition(
    i,
    'deleting',
    async () => {
      if (i.node && c.endpoint.target === i.node.port) c.endpoint.moveTo(undefined);
      await i.node?.stop('fast');
      rds.events.add('RDS-EVENT-0003', 'db-instance', i.id, i.arn);
    },
    'deleted',
  );
  const timer = setInterval(() => {
    if (i.status !== 'deleted') return;
    rds.instances.delete(i.id);
    c.memberIds = c.memberIds.filter((m) => m !== i.id);
    clearInterval(timer);
  }, 50);
  return i;
}

/**
 * DeleteDBCluster of a restored cluster. AWS refuses while the cluster still has DB instances not
 * being deleted (InvalidDBClusterStateFault) and wants SkipFinalSnapshot or a final snapshot name.
 */
export function deleteRestoredCluster(
  rds: RdsLab,
  id: string,
  skipFinalSnapshot: boolean,
  finalSnapshotId: string | undefined,
): RestoredCluster {
  const c = restoredCluster(rds, id);
  if (!skipFinalSnapshot && !finalSnapshotId) {
    throw new ApiError(
      'InvalidParameterCombination',
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    );
  }
  if (finalSnapshotId) {
    throw new ApiError(
      'InvalidParameterCombination',
      `The lab keeps no final snapshot of a restored DB cluster: delete ${id} with SkipFinalSnapshot.`,
    );
  }
  if (c.status === 'deleting') return c;
  const live = c.memberIds.filter((m) => rds.instances.get(m)?.status !== 'deleting');
  if (live.length) {
    throw new ApiError(
      'InvalidDBClusterStateFault',
      'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
    );
  }
  if (c.status !== 'available' && c.status !== 'failed') {
    throw new ApiError('InvalidDBClusterStateFault', `DBCluster ${id} is not in available state (it is ${c.status}).`);
  }
  c.status = 'deleting';
  void (async () => {
    await sleep(rds.o.transitionMs);
    while (c.memberIds.length) await sleep(50);
    await c.endpoint.close();
    rmSync(join(root(rds), c.id), { recursive: true, force: true });
    auroraState(rds).restored.delete(c.id);
  })();
  return c;
}

/** Lab reset: restored clusters, their instances and the cluster snapshots go (the source's data stays). */
export async function resetRestoredClusters(rds: RdsLab): Promise<void> {
  const st = auroraState(rds);
  for (const c of [...st.restored.values()]) {
    for (const m of c.memberIds) {
      await rds.instances.get(m)?.node?.stop('fast');
      rds.instances.delete(m);
    }
    await c.endpoint.close();
    rmSync(join(root(rds), c.id), { recursive: true, force: true });
    st.restored.delete(c.id);
  }
}
