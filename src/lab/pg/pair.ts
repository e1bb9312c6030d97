import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../node-entry.js';
import { type BaseBackup, baseBackup } from './backup.js';
import { archiveConf, quoteLiteral, standbyConf } from './conf.js';
import { copyTree } from './copy-tree.js';
import { initdb, type PgContext, PgNode } from './node.js';
import type { EndpointProxy } from './tcp-proxy.js';

export interface PairMember {
  node: PgNode;
  az: string;
}

export interface PairOptions {
  name: string;
  dir: string;
  members: { name: string; az: string; port: number }[];
  user: string;
  password: string;
  database: string;
  writer: EndpointProxy;
  /** Aurora-style reader endpoint: points at the replica (at the writer while the replica rejoins). */
  reader?: EndpointProxy;
}

/**
 * The lab's promotion time. Without it a failover here is over in about 60-70 ms (the app serves
 * again that long after RebootDBInstance is accepted), shorter than a 200 ms heartbeat; a failover
 * that takes this long is seen by every probe and lasts the same from run to run (the endpoint
 * moves later when promotion is slower).
 */
export const PG_PROMOTION_MS = 500;

/**
 * A primary and a synchronous hot standby with a shared WAL archive: the model of both an RDS
 * Multi-AZ DB instance and the lab's Aurora-style cluster. Failover promotes the standby, moves the
 * endpoint(s), then re-clones the old primary as the new standby and turns synchronous replication
 * back on.
 */
export class ReplicatedPair {
  readonly members: [PairMember, PairMember];
  primaryIdx = 0;
  readonly archiveDir: string;
  /** Base backups usable for point-in-time restores, oldest first. */
  readonly backups: BaseBackup[] = [];
  latestRestorableTime: Date | undefined;
  /** False while the old primary is being rebuilt as the standby. */
  standbyInSync = false;
  private lastShipLsn = '';
  private lastShipAt = 0;

  constructor(
    private readonly ctx: PgContext,
    readonly o: PairOptions,
  ) {
    const [a, b] = o.members;
    if (!a || !b) throw new Error('a pair needs two members');
    this.members = [
      { node: new PgNode(a.name, join(o.dir, a.name), a.port, ctx), az: a.az },
      { node: new PgNode(b.name, join(o.dir, b.name), b.port, ctx), az: b.az },
    ];
    this.archiveDir = join(o.dir, 'archive');
  }

  get primary(): PairMember {
    return this.members[this.primaryIdx] as PairMember;
  }
  get standby(): PairMember {
    return this.members[1 - this.primaryIdx] as PairMember;
  }

  private get owner() {
    return { uid: this.ctx.rt.uid, gid: this.ctx.rt.gid };
  }

  private mkdirOwned(p: string): void {
    mkdirSync(p, { recursive: true, mode: 0o700 });
    if (this.owner.uid !== undefined) {
      chownSync(p, this.owner.uid, this.owner.gid ?? this.owner.uid);
    }
  }

  /** initdb (or a copy of a template), start the primary, create the app role, build the standby. */
  async create(template: string | undefined, firstBackupDir: string): Promise<void> {
    this.mkdirOwned(this.o.dir);
    this.mkdirOwned(this.archiveDir);
    const p = this.primary.node;
    if (template) await copyTree(template, p.dataDir, this.owner);
    else await initdb(this.ctx, p.dataDir);
    p.writeConf({ ...archiveConf(this.archiveDir), synchronous_standby_names: '' });
    await p.start();
    await p.query(`CREATE ROLE ${this.o.user} LOGIN PASSWORD ${quoteLiteral(this.o.password)}`);
    await p.query(`CREATE DATABASE ${this.o.database} OWNER ${this.o.user}`);
    this.o.writer.moveTo(p.port);
    const b = await this.backup(firstBackupDir);
    await this.buildStandby(b.dir);
    this.latestRestorableTime = b.endTime;
  }

  /** A base backup of the current primary, restorable from the archive. */
  async backup(dest: string): Promise<BaseBackup> {
    const b = await baseBackup(this.primary.node, dest, this.owner, this.archiveDir);
    this.backups.push(b);
    return b;
  }

  private async buildStandby(fromBackup: string | undefined): Promise<void> {
    const s = this.standby.node;
    const p = this.primary.node;
    rmSync(s.dataDir, { recursive: true, force: true });
    if (fromBackup) await copyTree(fromBackup, s.dataDir, this.owner);
    else await baseBackup(p, s.dataDir, this.owner);
    s.writeConf({ ...standbyConf(this.archiveDir, this.ctx.sockDir, p.port, s.name), synchronous_standby_names: '' });
    s.writeFile('standby.signal', '');
    await s.start();
    await this.enableSync();
    this.o.reader?.moveTo(s.port);
  }

  /** Rebuilds the standby from the current primary (after a failed rejoin). */
  async rebuildStandby(): Promise<void> {
    await this.standby.node.stop('immediate');
    await this.primary.node.query('CHECKPOINT');
    await this.buildStandby(undefined);
  }

  /** Synchronous replication on: from now on no acknowledged commit exists only on the primary. */
  private async enableSync(): Promise<void> {
    const p = this.primary.node;
    p.writeConf({ ...archiveConf(this.archiveDir), synchronous_standby_names: '*' });
    await p.query('select pg_reload_conf()');
    const end = Date.now() + 30_000;
    for (;;) {
      const r = await p.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_replication where sync_state = 'sync' and state = 'streaming'",
      );
      if ((r[0]?.n ?? 0) > 0) break;
      if (Date.now() > end) throw new Error(`standby ${this.standby.node.name} did not become synchronous`);
      await sleep(20);
    }
    this.standbyInSync = true;
  }

  /**
   * Promote the standby and move the endpoint; resolves when the new primary takes writes.
   * `rejoined` resolves when the old primary is back as a synchronous standby.
   */
  async failover(onPromoted?: () => void): Promise<{ promoted: PairMember; rejoined: Promise<void> }> {
    const old = this.primary;
    const neu = this.standby;
    this.standbyInSync = false;
    this.o.writer.moveTo(undefined);
    this.o.reader?.moveTo(undefined);
    const detached = Date.now();
    await old.node.stop('immediate');
    await neu.node.promote();
    neu.node.writeConf({ ...archiveConf(this.archiveDir), synchronous_standby_names: '' });
    await neu.node.query('select pg_reload_conf()');
    await sleep(Math.max(0, PG_PROMOTION_MS - (Date.now() - detached)));
    this.primaryIdx = 1 - this.primaryIdx;
    this.o.writer.moveTo(neu.node.port);
    this.o.reader?.moveTo(neu.node.port);
    onPromoted?.();
    const rejoined = (async () => {
      // Without a checkpoint the re-cloned node asks for the old timeline ("not a child" error).
      await neu.node.query('CHECKPOINT');
      await this.buildStandby(undefined);
    })();
    return { promoted: neu, rejoined };
  }

  /** Reboot without failover: the primary restarts in place (the standby reconnects on its own). */
  async rebootPrimary(): Promise<void> {
    this.o.writer.moveTo(undefined);
    await this.primary.node.stop('fast');
    await this.primary.node.start();
    this.o.writer.moveTo(this.primary.node.port);
  }

  /**
   * Ships WAL to the archive: a tiny transaction (so a commit record with a later timestamp exists for
   * recovery_target_time to stop at), a segment switch, then wait for the archiver. LatestRestorableTime
   * becomes the time taken before that transaction. Idle pairs ship at most once a minute.
   */
  async shipLogs(): Promise<void> {
    if (!this.standbyInSync) return;
    const p = this.primary.node;
    const lsn = (await p.query<{ l: string }>('select pg_current_wal_lsn()::text as l'))[0]?.l ?? '';
    if (lsn === this.lastShipLsn && Date.now() - this.lastShipAt < 60_000) {
      return;
    }
    const t = new Date();
    await p.query('select txid_current()');
    const r = await p.query<{ w: string; l: string }>(
      'select pg_walfile_name(pg_switch_wal()) as w, pg_current_wal_lsn()::text as l',
    );
    const w = r[0]?.w;
    if (!w) return;
    const end = Date.now() + 10_000;
    while (!existsSync(join(this.archiveDir, w))) {
      if (Date.now() > end) return;
      await sleep(20);
    }
    this.lastShipLsn = r[0]?.l ?? '';
    this.lastShipAt = Date.now();
    this.latestRestorableTime = t;
  }

  async stop(): Promise<void> {
    this.o.writer.moveTo(undefined);
    this.o.reader?.moveTo(undefined);
    await Promise.all(this.members.map((m) => m.node.stop('fast')));
  }
}
