import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { sleep } from '../node-entry.js';
import { initdb, type PgContext } from '../pg/node.js';
import { ReplicatedPair } from '../pg/pair.js';
import { EndpointProxy } from '../pg/tcp-proxy.js';
import type { FailoverFault } from '../types.js';
import { clusterArn, dbArn, resourceId, snapshotArn } from './arns.js';
import { RdsEventLog } from './events.js';
import { failoverDbCluster, rebootInstance } from './failover.js';
import type { ClusterPair, DbCluster, DbInstance, DbSnapshot } from './model.js';
import { pruneBackups } from './retention.js';

export interface RdsLabOptions {
  pgDir: string;
  azs: string[];
  user: string;
  password: string;
  database: string;
  transitionMs: number;
  logShipIntervalMs: number;
  automatedSnapshotIntervalMs: number;
  backupRetentionMs: number;
  aurora: boolean;
  freePort: () => Promise<number>;
  /** Called when something in the background fails (logged by the supervisor). */
  onError: (what: string, e: unknown) => void;
}

export const DB_ID = 'lab-db';
export const CLUSTER_ID = 'lab-aurora';
const FIS_READY = { drillproof: 'allowed', 'FIS-Ready': 'True' };

/**
 * The lab's RDS: `lab-db` (Multi-AZ instance = synchronous pair), `lab-aurora` (Aurora-style cluster,
 * writer + reader), snapshots, restores and the event log. The API handlers (api/rds.ts) and the FIS
 * actions call into this.
 */
export class RdsLab {
  readonly instances = new Map<string, DbInstance>();
  readonly clusters = new Map<string, DbCluster>();
  readonly snapshots = new Map<string, DbSnapshot>();
  readonly events = new RdsEventLog();
  dbEndpoint = new EndpointProxy('lab-db');
  /** lab-aurora's writer endpoint; made here so the app instances can be given its port before the cluster starts. */
  auroraWriter = new EndpointProxy(`${CLUSTER_ID}-writer`);
  private timers: NodeJS.Timeout[] = [];
  /** The control-plane failover fault in force (set by the supervisor; see ControlPlaneFaults.failover). */
  failoverFault: () => FailoverFault | undefined = () => undefined;
  private shipping = false;
  private snapshotting = false;
  engineVersion = '18.4';

  constructor(
    readonly ctx: PgContext,
    readonly o: RdsLabOptions,
  ) {}

  get snapshotsDir(): string {
    return join(this.o.pgDir, 'snapshots');
  }

  async start(): Promise<void> {
    // The supervisor listens first when the app instances need the port; listening twice would
    // leave a second server that close() never closes.
    if (this.dbEndpoint.port === 0) await this.dbEndpoint.listen(await this.o.freePort());
    const template = join(this.o.pgDir, 'template');
    await initdb(this.ctx, template);
    const tasks: Promise<void>[] = [this.startDb(template)];
    if (this.o.aurora) tasks.push(this.startAurora(template));
    await Promise.all(tasks);
    this.timers.push(
      setInterval(() => void this.shipAll(), this.o.logShipIntervalMs),
      setInterval(() => void this.automatedSnapshot(), this.o.automatedSnapshotIntervalMs),
    );
  }

  private async startDb(template: string): Promise<void> {
    const [a, b] = this.o.azs;
    const pair = new ReplicatedPair(this.ctx, {
      name: DB_ID,
      dir: join(this.o.pgDir, DB_ID),
      members: [
        { name: `${DB_ID}-a`, az: a as string, port: await this.o.freePort() },
        { name: `${DB_ID}-b`, az: b as string, port: await this.o.freePort() },
      ],
      user: this.o.user,
      password: this.o.password,
      database: this.o.database,
      writer: this.dbEndpoint,
    });
    const inst: DbInstance = {
      ...this.baseInstance(DB_ID, 'multi-az', 'postgres', 'db.t3.micro'),
      pair,
      endpoint: this.dbEndpoint,
      deletionProtection: true,
      backupRetentionPeriod: 7,
    };
    this.instances.set(DB_ID, inst);
    const snap = this.newSnapshot(autoSnapshotId(DB_ID, this.snapshots), inst, 'automated');
    this.events.add('RDS-EVENT-0005', 'db-instance', DB_ID, inst.arn);
    await pair.create(template, snap.dir);
    snap.backup = pair.backups[0];
    snap.status = 'available';
    snap.createTime = pair.backups[0]?.endTime ?? new Date();
    snap.port = this.dbEndpoint.port;
    inst.status = 'available';
  }

  private async startAurora(template: string): Promise<void> {
    const [a, b] = this.o.azs;
    const writer = this.auroraWriter;
    const reader = new EndpointProxy(`${CLUSTER_ID}-reader`);
    if (writer.port === 0) await writer.listen(await this.o.freePort());
    await reader.listen(await this.o.freePort());
    const ids: [string, string] = [`${CLUSTER_ID}-1`, `${CLUSTER_ID}-2`];
    const pair = new ReplicatedPair(this.ctx, {
      name: CLUSTER_ID,
      dir: join(this.o.pgDir, CLUSTER_ID),
      members: [
        { name: ids[0], az: a as string, port: await this.o.freePort() },
        { name: ids[1], az: b as string, port: await this.o.freePort() },
      ],
      user: this.o.user,
      password: this.o.password,
      database: this.o.database,
      writer,
      reader,
    });
    const cluster: DbCluster = {
      id: CLUSTER_ID,
      engine: 'aurora-postgresql',
      arn: clusterArn(CLUSTER_ID),
      resourceId: resourceId('cluster', CLUSTER_ID),
      status: 'creating',
      createTime: new Date(),
      tags: { ...FIS_READY, app: 'web' },
      pair,
      writer,
      reader,
      memberIds: ids,
      masterUsername: this.o.user,
      dbName: this.o.database,
      engineVersion: this.engineVersion,
    };
    this.clusters.set(CLUSTER_ID, cluster);
    ids.forEach((id, i) => {
      this.instances.set(id, {
        ...this.baseInstance(id, 'cluster-member', 'aurora-postgresql', 'db.r6g.large'),
        memberIdx: i,
        clusterId: CLUSTER_ID,
      });
    });
    await pair.create(template, join(this.o.pgDir, CLUSTER_ID, 'initial-backup'));
    cluster.status = 'available';
    for (const id of ids) (this.instances.get(id) as DbInstance).status = 'available';
  }

  baseInstance(id: string, kind: DbInstance['kind'], engine: DbInstance['engine'], cls: string): DbInstance {
    return {
      id,
      arn: dbArn(id),
      resourceId: resourceId('db', id),
      kind,
      engine,
      engineVersion: this.engineVersion,
      instanceClass: cls,
      status: 'creating',
      createTime: new Date(),
      tags: { ...FIS_READY, app: 'web' },
      masterUsername: this.o.user,
      dbName: this.o.database,
      deletionProtection: false,
      backupRetentionPeriod: kind === 'cluster-member' ? 1 : 0,
    };
  }

  newSnapshot(id: string, inst: DbInstance, type: DbSnapshot['type'], tags: Record<string, string> = {}): DbSnapshot {
    const s: DbSnapshot = {
      id,
      arn: snapshotArn(id),
      instanceId: inst.id,
      type,
      status: 'creating',
      createTime: new Date(),
      az: this.placement(inst).az,
      port: this.endpointOf(inst)?.port ?? 5432,
      engineVersion: inst.engineVersion,
      masterUsername: inst.masterUsername,
      tags,
      dir: join(this.snapshotsDir, id.replace(/[^A-Za-z0-9-]/g, '_')),
      archiveDir: inst.pair?.archiveDir ?? inst.archiveDir ?? '',
    };
    this.snapshots.set(id, s);
    return s;
  }

  instance(id: string): DbInstance {
    const i = this.instances.get(id);
    if (!i) throw new ApiError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
    return i;
  }

  cluster(id: string): DbCluster {
    const c = this.clusters.get(id);
    if (!c) throw new ApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
    return c;
  }

  /** Current AZ placement (it moves on failover). */
  placement(i: DbInstance): { az: string; secondaryAz?: string } {
    if (i.kind === 'multi-az' && i.pair) return { az: i.pair.primary.az, secondaryAz: i.pair.standby.az };
    const cp = this.memberPair(i);
    if (cp && i.memberIdx !== undefined) return { az: cp.members[i.memberIdx]?.az ?? '' };
    return { az: i.nodeAz ?? '' };
  }

  endpointOf(i: DbInstance): { address: string; port: number } | undefined {
    if (i.status === 'creating' || i.status === 'deleting') return undefined;
    if (i.kind === 'multi-az' && i.endpoint) return { address: '127.0.0.1', port: i.endpoint.port };
    const cp = this.memberPair(i);
    if (cp && i.memberIdx !== undefined) return { address: '127.0.0.1', port: cp.members[i.memberIdx]?.node.port ?? 0 };
    if (i.node) return { address: '127.0.0.1', port: i.node.port };
    return undefined;
  }

  /** The writer + replica pair a cluster member runs on. */
  memberPair(i: DbInstance): ClusterPair | undefined {
    return i.kind === 'cluster-member' && i.clusterId ? this.clusters.get(i.clusterId)?.pair : undefined;
  }

  isClusterWriter(i: DbInstance): boolean {
    return this.memberPair(i)?.primaryIdx === i.memberIdx;
  }

  latestRestorableTime(i: DbInstance): Date | undefined {
    return i.kind === 'multi-az' ? i.pair?.latestRestorableTime : undefined;
  }

  /** RebootDBInstance (see failover.ts). */
  reboot(id: string, forceFailover: boolean): DbInstance {
    return rebootInstance(this, id, forceFailover);
  }

  /** FailoverDBCluster (see failover.ts). */
  failoverCluster(id: string, target?: string): DbCluster {
    return failoverDbCluster(this, id, target);
  }

  /** Runs `work` with the instance in a transitional status held at least `transitionMs`. */
  transition(i: DbInstance, status: string, work: () => Promise<void>, after = 'available', failed = after): void {
    i.status = status;
    const started = Date.now();
    void (async () => {
      let next = after;
      try {
        await work();
      } catch (e) {
        next = failed;
        this.o.onError(`${status} of ${i.id}`, e);
      }
      await sleep(Math.max(0, this.o.transitionMs - (Date.now() - started)));
      if (this.instances.get(i.id) === i) i.status = next;
    })();
  }

  private async shipAll(): Promise<void> {
    if (this.shipping) return;
    this.shipping = true;
    try {
      for (const i of this.instances.values()) {
        if (i.kind === 'multi-az' && i.status === 'available') await i.pair?.shipLogs();
      }
    } catch (e) {
      this.o.onError('WAL shipping', e);
    } finally {
      this.shipping = false;
    }
  }

  /** Runs one WAL shipment now (tests and drills that need a fresh LatestRestorableTime). */
  async shipNow(): Promise<void> {
    while (this.shipping) await sleep(20);
    await this.shipAll();
  }

  private async automatedSnapshot(): Promise<void> {
    const i = this.instances.get(DB_ID);
    if (!i?.pair || i.status !== 'available' || this.snapshotting) return;
    this.snapshotting = true;
    const s = this.newSnapshot(autoSnapshotId(DB_ID, this.snapshots), i, 'automated');
    this.events.add('RDS-EVENT-0090', 'db-instance', DB_ID, i.arn);
    try {
      s.backup = await i.pair.backup(s.dir);
      s.status = 'available';
      this.events.add('RDS-EVENT-0091', 'db-instance', DB_ID, i.arn);
      pruneBackups(this, i.pair, Date.now() - this.o.backupRetentionMs);
    } catch (e) {
      this.snapshots.delete(s.id);
      this.o.onError('automated snapshot', e);
    } finally {
      this.snapshotting = false;
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    const pairs = new Set<ClusterPair | ReplicatedPair>();
    const singles = [];
    for (const i of this.instances.values()) {
      if (i.pair) pairs.add(i.pair);
      if (i.node) singles.push(i.node);
    }
    for (const c of this.clusters.values()) pairs.add(c.pair);
    await Promise.all([...[...pairs].map((p) => p.stop()), ...singles.map((n) => n.stop('fast'))]);
    await this.dbEndpoint.close();
    for (const c of this.clusters.values()) await Promise.all([c.writer.close(), c.reader.close()]);
  }
}

/** `rds:lab-db-2026-11-22-07-40`, made unique within the minute. */
export function autoSnapshotId(dbId: string, existing: Map<string, unknown>): string {
  const d = new Date().toISOString();
  const base = `rds:${dbId}-${d.slice(0, 10)}-${d.slice(11, 13)}-${d.slice(14, 16)}`;
  let id = base;
  for (let n = 2; existing.has(id); n++) id = `${base}-${n}`;
  return id;
}
