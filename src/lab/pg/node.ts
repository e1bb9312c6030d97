import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { sleep } from '../node-entry.js';
import { type ProcessRegistry, spawnTracked, stopChild, untilReady } from '../processes.js';
import type { PgRuntime } from './binaries.js';

const execFileP = promisify(execFile);

/** What every node of one lab shares. */
export interface PgContext {
  rt: PgRuntime;
  registry: ProcessRegistry;
  sockDir: string;
  logsDir: string;
  cwd: string;
  /** Certificate and key every node serves TLS with (absent: plain TCP only). */
  tls?: { certFile: string; keyFile: string };
}

/** TLS for every node: clients choose (ssl: disable still connects in plain TCP). */
const TLS_CONF = (tls: PgContext['tls']) =>
  tls ? `ssl = on\nssl_cert_file = '${tls.certFile}'\nssl_key_file = '${tls.keyFile}'\n` : '';

/** Settings every lab cluster shares, appended to postgresql.conf by initdb time. */
const BASE_CONF = (sockDir: string) => `
# drillproof lab
listen_addresses = '127.0.0.1'
unix_socket_directories = '${sockDir}'
wal_level = replica
archive_mode = on
wal_log_hints = on
max_wal_senders = 10
wal_keep_size = '64MB'
hot_standby = on
shared_buffers = '16MB'
max_connections = 60
# Process crashes are what the lab simulates, not power loss: skipping fsync keeps the shared disk quiet.
fsync = off
# Without this a standby waits 5 s after its primary dies before promotion can finish.
wal_retrieve_retry_interval = '100ms'
wal_receiver_status_interval = '1s'
password_encryption = 'scram-sha-256'
# Segments in the data directory (pg_dynshmem), not /dev/shm: a crashed or killed server leaves
# nothing behind outside the lab's runtime directory.
dynamic_shared_memory_type = mmap
include_if_exists = 'lab-node.conf'
`;

/** Creates a new cluster (as the postgres user when root) with 1 MB WAL segments for a small archive. */
export async function initdb(ctx: PgContext, dataDir: string): Promise<void> {
  const opts: { uid?: number; gid?: number; cwd: string } = { cwd: ctx.cwd };
  if (ctx.rt.uid !== undefined) {
    opts.uid = ctx.rt.uid;
    opts.gid = ctx.rt.gid;
  }
  await execFileP(
    join(ctx.rt.binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--wal-segsize=1',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    opts,
  );
  appendFileSync(join(dataDir, 'postgresql.conf'), BASE_CONF(ctx.sockDir) + TLS_CONF(ctx.tls));
}

export type NodeConf = Record<string, string | number | undefined>;

/** One PostgreSQL server process: a primary, a standby, or a restored instance. */
export class PgNode {
  child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly ctx: PgContext,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Writes the node's own settings (port, archive, replication, recovery) to lab-node.conf. */
  writeConf(conf: NodeConf): void {
    const lines = Object.entries({ port: this.port, ...conf })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${String(v).replace(/'/g, "''")}'`}`);
    this.writeFile('lab-node.conf', `${lines.join('\n')}\n`);
  }

  writeFile(name: string, text: string): void {
    const f = join(this.dataDir, name);
    writeFileSync(f, text, { mode: 0o600 });
    if (this.ctx.rt.uid !== undefined) chownSync(f, this.ctx.rt.uid, this.ctx.rt.gid ?? this.ctx.rt.uid);
  }

  /** Starts the server and resolves once it accepts connections (read-only ones for a standby). */
  async start(timeoutMs = 60_000): Promise<void> {
    const o = {
      name: `postgres ${this.name}`,
      command: join(this.ctx.rt.binDir, 'postgres'),
      args: ['-D', this.dataDir],
      cwd: this.ctx.cwd,
      env: { ...process.env, LC_ALL: 'C' },
      logFile: join(this.ctx.logsDir, `pg-${this.name}.log`),
    } as Parameters<typeof spawnTracked>[1];
    if (this.ctx.rt.uid !== undefined) {
      o.uid = this.ctx.rt.uid;
      o.gid = this.ctx.rt.gid;
    }
    this.child = spawnTracked(this.ctx.registry, o);
    await untilReady(this.child, o, () => this.query('select 1'), timeoutMs);
  }

  /** fast = SIGINT (clean), immediate = SIGQUIT (crash-like, children end too), kill = SIGKILL. */
  async stop(mode: 'fast' | 'immediate' | 'kill' = 'fast', timeoutMs = 15_000): Promise<void> {
    await stopChild(this.child, mode === 'fast' ? 'SIGINT' : mode === 'immediate' ? 'SIGQUIT' : 'SIGKILL', timeoutMs);
    // The postmaster is gone; wait for its lock file to be released so the directory can be reused.
    const pidFile = join(this.dataDir, 'postmaster.pid');
    const end = Date.now() + 2000;
    while (existsSync(pidFile) && Date.now() < end && mode === 'fast') await sleep(20);
  }

  client(database = 'postgres'): pg.Client {
    const c = new pg.Client({
      host: this.ctx.sockDir,
      port: this.port,
      user: 'postgres',
      database,
      connectionTimeoutMillis: 2000,
      query_timeout: 60_000,
    });
    c.on('error', () => {});
    return c;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<R[]> {
    const c = this.client(database);
    await c.connect();
    try {
      return (await c.query<R>(sql, params)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  }

  async isInRecovery(): Promise<boolean> {
    const r = await this.query<{ r: boolean }>('select pg_is_in_recovery() as r');
    return r[0]?.r === true;
  }

  /**
   * Promotes the standby and resolves as soon as it takes writes. pg_promote(true) would check only
   * every 100 ms, adding up to 100 ms of jitter to every failover; a 5 ms poll keeps a lab
   * failover's duration the same from run to run.
   */
  async promote(timeoutMs = 60_000): Promise<void> {
    const r = await this.query<{ ok: boolean }>('select pg_promote(false) as ok');
    if (r[0]?.ok !== true) throw new Error(`promotion of ${this.name} could not be signalled`);
    const end = Date.now() + timeoutMs;
    while (await this.isInRecovery()) {
      if (Date.now() > end) throw new Error(`promotion of ${this.name} did not finish in ${timeoutMs} ms`);
      await sleep(5);
    }
  }
}
