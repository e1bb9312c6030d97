import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../node-entry.js';
import type { EndpointProxy } from '../pg/tcp-proxy.js';
import { copyTemplate } from './binaries.js';
import { type MariaContext, MariaNode } from './node.js';

export interface MariaMember {
  node: MariaNode;
  az: string;
}

export interface MariaPairOptions {
  name: string;
  dir: string;
  members: { name: string; az: string; port: number }[];
  user: string;
  password: string;
  database: string;
  writer: EndpointProxy;
  reader: EndpointProxy;
  /**
   * How long the endpoints stay unreachable while the replica is promoted (Aurora detects the
   * failure, promotes the reader and moves the endpoints: "typically under 30 seconds" on AWS).
   * Without it a MariaDB promotion takes a few milliseconds and most probes never see a failover.
   */
  promotionMs?: number;
}

/** The lab's default promotion time: long enough for a 200 ms probe to see the outage. */
export const MARIA_PROMOTION_MS = 1500;

const REPL_USER = 'lab_repl';
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * An Aurora-MySQL-style cluster on two MariaDB servers: a writer and a GTID replica with
 * semi-synchronous acknowledgement, so every acknowledged commit is on the replica before the
 * client hears of it (Aurora gets that from its shared storage). Failover crashes the writer,
 * lets the replica apply everything it received, promotes it and moves the endpoints; the old
 * writer is rebuilt from the template and replays the new writer's complete binlog.
 */
export class MariaPair {
  readonly members: [MariaMember, MariaMember];
  primaryIdx = 0;
  standbyInSync = false;
  private nextServerId = 3;

  constructor(
    private readonly ctx: MariaContext,
    readonly o: MariaPairOptions,
  ) {
    const [a, b] = o.members;
    if (!a || !b) throw new Error('a cluster needs two members');
    this.members = [
      { node: new MariaNode(a.name, join(o.dir, a.name), a.port, ctx, 1), az: a.az },
      { node: new MariaNode(b.name, join(o.dir, b.name), b.port, ctx, 2), az: b.az },
    ];
  }

  get primary(): MariaMember {
    return this.members[this.primaryIdx] as MariaMember;
  }
  get standby(): MariaMember {
    return this.members[1 - this.primaryIdx] as MariaMember;
  }

  /** Both servers from the template; the master user and the replication account on the writer. */
  async create(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true, mode: 0o755 });
    const p = this.primary.node;
    copyTemplate(this.ctx.rt, p.dataDir);
    await p.start();
    // The master user gets what an Aurora master user has; not READ_ONLY ADMIN, so the replica's
    // read_only holds for it as for any application.
    await p.query(
      `CREATE USER ${REPL_USER}@'127.0.0.1' IDENTIFIED BY ${q(this.o.password)};
       GRANT REPLICATION SLAVE ON *.* TO ${REPL_USER}@'127.0.0.1';
       CREATE USER ${q(this.o.user)}@'%' IDENTIFIED BY ${q(this.o.password)};
       GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER,
         SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION CLIENT, CREATE VIEW,
         SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER ON *.* TO ${q(this.o.user)}@'%' WITH GRANT OPTION;
       CREATE DATABASE \`${this.o.database}\`;`,
    );
    this.o.writer.moveTo(p.port);
    await this.buildStandby();
  }

  /** A fresh replica of the current writer: template copy, replication from GTID zero, in sync. */
  private async buildStandby(): Promise<void> {
    this.standbyInSync = false;
    const s = this.standby.node;
    const p = this.primary.node;
    await s.stop('kill');
    copyTemplate(this.ctx.rt, s.dataDir);
    s.serverId = this.nextServerId++;
    await s.start();
    await s.query(
      `SET GLOBAL read_only = 1;
       CHANGE MASTER TO master_host='127.0.0.1', master_port=${p.port}, master_user=${q(REPL_USER)},
         master_password=${q(this.o.password)}, master_use_gtid=slave_pos, master_connect_retry=1;
       START SLAVE;`,
    );
    await this.waitInSync();
    this.o.reader.moveTo(s.port);
  }

  /** Semi-sync on with the replica connected, and the replica has applied the writer's binlog. */
  private async waitInSync(timeoutMs = 60_000): Promise<void> {
    const p = this.primary.node;
    const s = this.standby.node;
    const end = Date.now() + timeoutMs;
    for (;;) {
      const [clients, on] = [
        Number(await p.status('Rpl_semi_sync_master_clients')),
        await p.status('Rpl_semi_sync_master_status'),
      ];
      const pos = (await p.query<{ g: string }>('SELECT @@gtid_binlog_pos AS g'))[0]?.g ?? '';
      const applied = pos
        ? (await s.query<{ r: number }>('SELECT MASTER_GTID_WAIT(?, 0) AS r', [pos]))[0]?.r === 0
        : true;
      if (clients > 0 && on === 'ON' && applied) break;
      if (Date.now() > end) throw new Error(`replica ${s.name} did not get in sync with ${p.name}`);
      await sleep(30);
    }
    this.standbyInSync = true;
  }

  /** Applies everything the replica received, then makes it a writable primary. */
  private async promote(node: MariaNode): Promise<void> {
    const st = (await node.query<{ Gtid_IO_Pos?: string }>('SHOW SLAVE STATUS'))[0];
    const received = st?.Gtid_IO_Pos ?? '';
    if (received) {
      const r = await node.query<{ r: number }>('SELECT MASTER_GTID_WAIT(?, 30) AS r', [received]);
      if (r[0]?.r !== 0) throw new Error(`${node.name} did not apply its relay log (${received}) in time`);
    }
    await node.query('STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0;');
  }

  /**
   * Crash the writer, promote the replica and move both endpoints to it; resolves when the new
   * writer takes writes. `rejoined` resolves when the old writer is back as an in-sync replica.
   */
  async failover(onPromoted?: () => void): Promise<{ promoted: MariaMember; rejoined: Promise<void> }> {
    const old = this.primary;
    const neu = this.standby;
    this.standbyInSync = false;
    this.o.writer.moveTo(undefined);
    this.o.reader.moveTo(undefined);
    const detached = Date.now();
    await old.node.stop('kill');
    await this.promote(neu.node);
    await sleep(Math.max(0, (this.o.promotionMs ?? MARIA_PROMOTION_MS) - (Date.now() - detached)));
    this.primaryIdx = 1 - this.primaryIdx;
    this.o.writer.moveTo(neu.node.port);
    this.o.reader.moveTo(neu.node.port);
    onPromoted?.();
    return { promoted: neu, rejoined: this.buildStandby() };
  }

  /** Reboot without failover: the writer restarts in place; the replica reconnects by itself. */
  async rebootPrimary(): Promise<void> {
    this.o.writer.moveTo(undefined);
    await this.primary.node.stop('fast');
    await this.primary.node.start();
    this.o.writer.moveTo(this.primary.node.port);
  }

  async rebuildStandby(): Promise<void> {
    await this.buildStandby();
  }

  async stop(): Promise<void> {
    this.o.writer.moveTo(undefined);
    this.o.reader.moveTo(undefined);
    await Promise.all(this.members.map((m) => m.node.stop('fast')));
  }
}
