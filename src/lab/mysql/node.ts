import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { type ProcessRegistry, spawnTracked, stopChild, untilReady } from '../processes.js';
import { INNODB_ARGS, type MariaRuntime } from './binaries.js';

/** What every MariaDB server of one lab shares. */
export interface MariaContext {
  rt: MariaRuntime;
  registry: ProcessRegistry;
  sockDir: string;
  logsDir: string;
  cwd: string;
}

/**
 * One `mariadbd` on a loopback port with its own data directory, configured for GTID replication
 * with semi-synchronous acknowledgement (AFTER_SYNC: a commit is acknowledged to the client only
 * once the replica has it, so no acknowledged write exists on the writer alone).
 */
export class MariaNode {
  child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly ctx: MariaContext,
    /** Unique per build: a replica skips binlog events carrying its own server id. */
    public serverId: number,
  ) {}

  get socket(): string {
    return join(this.ctx.sockDir, `${this.name}.sock`);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${this.socket}`,
      `--pid-file=${join(this.dataDir, 'mariadbd.pid')}`,
      `--server-id=${this.serverId}`,
      '--log-bin=binlog',
      '--relay-log=relay',
      '--binlog-format=ROW',
      '--gtid-strict-mode=1',
      '--log-slave-updates=1',
      '--rpl-semi-sync-master-enabled=1',
      '--rpl-semi-sync-slave-enabled=1',
      '--rpl-semi-sync-master-wait-point=AFTER_SYNC',
      // With no replica connected (while one is rebuilt) commits do not wait for the timeout.
      '--rpl-semi-sync-master-wait-no-slave=0',
      '--rpl-semi-sync-master-timeout=10000',
      '--skip-slave-start',
      '--skip-name-resolve',
      '--performance-schema=0',
      '--max-connections=80',
      '--character-set-server=utf8mb4',
      ...INNODB_ARGS,
      // Process crashes are what the lab simulates, not power loss (as fsync=off for PostgreSQL).
      '--innodb-flush-log-at-trx-commit=2',
      '--sync-binlog=0',
    ];
    const o: Parameters<typeof spawnTracked>[1] = {
      name: `mariadbd ${this.name}`,
      command: this.ctx.rt.mariadbd,
      args,
      cwd: this.ctx.cwd,
      env: { ...process.env, TZ: 'UTC' },
      logFile: join(this.ctx.logsDir, `mariadb-${this.name}.log`),
    };
    if (this.ctx.rt.uid !== undefined) {
      o.uid = this.ctx.rt.uid;
      o.gid = this.ctx.rt.gid;
    }
    this.child = spawnTracked(this.ctx.registry, o);
    await untilReady(this.child, o, () => this.query('SELECT 1'), timeoutMs);
  }

  /** fast = SIGTERM (clean shutdown); immediate / kill = SIGKILL (a crash). */
  async stop(mode: 'fast' | 'immediate' | 'kill' = 'fast', timeoutMs = 15_000): Promise<void> {
    await stopChild(this.child, mode === 'fast' ? 'SIGTERM' : 'SIGKILL', timeoutMs);
  }

  /** Runs statements as root over the server's socket (root has no TCP account). */
  async query<R = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> {
    const c = await mysql.createConnection({
      socketPath: this.socket,
      user: 'root',
      connectTimeout: 2000,
      multipleStatements: true,
    });
    c.on('error', () => {});
    try {
      const [rows] = await c.query({ sql, values, timeout: 60_000 });
      return rows as R[];
    } finally {
      c.destroy();
    }
  }

  async status(name: string): Promise<string | undefined> {
    const r = await this.query<{ Value: string }>('SHOW GLOBAL STATUS LIKE ?', [name]);
    return r[0]?.Value;
  }
}
