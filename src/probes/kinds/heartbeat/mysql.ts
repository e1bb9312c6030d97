import mysql from 'mysql2/promise';
import { type CredentialContext, passwordProvider } from '../../credentials.js';
import { tlsOptions } from '../../tls.js';
import { checkIdentifier, type HeartbeatDriver, type HeartbeatProbeConfig } from './runner.js';

/**
 * MySQL / Aurora MySQL heartbeat on mysql2 3. One connection at a time (writes queue on it);
 * any error destroys it and the next write opens a new one (with a fresh password, which keeps
 * RDS IAM tokens valid). Connect and query timeouts are always set.
 */
export class MysqlHeartbeatDriver implements HeartbeatDriver {
  readonly source: string;
  private conn: Promise<mysql.Connection> | null = null;
  private readonly db: string;
  private readonly table: string;
  private readonly password: () => Promise<string | undefined>;

  constructor(
    private readonly cfg: HeartbeatProbeConfig,
    private readonly ctx: CredentialContext,
  ) {
    const c = cfg.connection;
    this.source = `${c.host}:${c.port}/${c.database}`;
    this.db = checkIdentifier('schema', cfg.schema);
    this.table = checkIdentifier('table', cfg.table);
    this.password = passwordProvider(c, ctx);
  }

  private get qualified(): string {
    return `\`${this.db}\`.\`${this.table}\``;
  }

  /** A connection in UTC; no DDL, so it also works on a read-only replica or a restored copy. */
  private async connect(timeoutMs: number): Promise<mysql.Connection> {
    const c = this.cfg.connection;
    const password = await this.password();
    const conn = await mysql.createConnection({
      host: c.host,
      port: c.port,
      user: c.user,
      ...(password === undefined ? {} : { password }),
      database: c.database,
      connectTimeout: Math.min(this.cfg.connectTimeoutMs, timeoutMs),
      enableKeepAlive: true,
      ...(c.ssl === 'disable' ? {} : { ssl: tlsOptions(c, this.ctx.env) || {} }),
    });
    // An unhandled 'error' on a dead connection would crash the process.
    conn.on('error', () => {});
    try {
      // sent_at is written and read as UTC whatever the server's zone (no time zone tables needed).
      await conn.query({ sql: "SET time_zone = '+00:00'", timeout: timeoutMs });
      return conn;
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  private async open(timeoutMs: number): Promise<mysql.Connection> {
    const conn = await this.connect(timeoutMs);
    try {
      await conn.query({ sql: `CREATE DATABASE IF NOT EXISTS \`${this.db}\``, timeout: this.cfg.timeoutMs });
      await conn.query({
        sql: `CREATE TABLE IF NOT EXISTS ${this.qualified} (run_id varchar(64) NOT NULL, seq bigint NOT NULL, sent_at datetime(3) NOT NULL, PRIMARY KEY (run_id, seq))`,
        timeout: this.cfg.timeoutMs,
      });
      return conn;
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  private connection(): Promise<mysql.Connection> {
    if (!this.conn) {
      const p = this.open(this.cfg.timeoutMs);
      this.conn = p;
      p.then(
        // A connection that dies while idle is dropped, but only if it is still the current one.
        (c) => c.on('error', () => this.conn === p && this.drop()),
        () => {
          if (this.conn === p) this.conn = null;
        },
      );
    }
    return this.conn;
  }

  private drop(): void {
    const p = this.conn;
    this.conn = null;
    p?.then((c) => c.destroy()).catch(() => {});
  }

  async write(row: { runId: string; seq: number }, signal: AbortSignal, onSent: () => number): Promise<void> {
    const conn = await this.connection();
    const onAbort = () => this.drop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new Error('deadline passed before the write was sent');
      const sentAt = onSent();
      // Autocommit: one statement, one transaction; sent_at in UTC with milliseconds.
      await conn.query({
        sql: `INSERT INTO ${this.qualified} (run_id, seq, sent_at) VALUES (?, ?, FROM_UNIXTIME(? / 1000))`,
        values: [row.runId, row.seq, sentAt],
        timeout: this.cfg.timeoutMs,
      });
    } catch (err) {
      this.drop();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async readBack(runId: string, timeoutMs: number): Promise<{ seqs: number[]; sentAt: number[] }> {
    const conn = await this.connect(timeoutMs);
    try {
      // Ordered by the bigint column: `ORDER BY seq` would sort by the CHAR alias (1, 10, 2 ...).
      const [rows] = await conn.query({
        sql: `SELECT CAST(h.seq AS CHAR) AS seq, CAST(ROUND(UNIX_TIMESTAMP(h.sent_at) * 1000) AS CHAR) AS ms FROM ${this.qualified} h WHERE h.run_id = ? ORDER BY h.seq`,
        values: [runId],
        timeout: timeoutMs,
      });
      const list = rows as { seq: string; ms: string }[];
      return { seqs: list.map((r) => Number(r.seq)), sentAt: list.map((r) => Number(r.ms)) };
    } finally {
      conn.destroy();
    }
  }

  async close(): Promise<void> {
    const p = this.conn;
    this.conn = null;
    await p?.then((c) => c.end()).catch(() => {});
  }
}
