import pg from 'pg';
import type { DbConnectionConfig } from '../../config.js';
import { type CredentialContext, passwordProvider } from '../../credentials.js';
import { tlsOptions } from '../../tls.js';
import { checkIdentifier, type HeartbeatDriver, type HeartbeatProbeConfig } from './runner.js';

type PgClient = pg.PoolClient | pg.Client;

export function pgSsl(
  c: Pick<DbConnectionConfig, 'ssl' | 'sslCa'>,
  env: NodeJS.ProcessEnv = process.env,
): pg.ClientConfig['ssl'] {
  return tlsOptions(c, env);
}

function baseConfig(cfg: HeartbeatProbeConfig, ctx: CredentialContext): pg.ClientConfig {
  const c = cfg.connection;
  const password = passwordProvider(c, ctx);
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    // pg calls this for every new connection: IAM tokens stay fresh, static secrets are cached.
    password: async () => (await password()) ?? '',
    ssl: pgSsl(c, ctx.env),
    connectionTimeoutMillis: cfg.connectTimeoutMs,
    query_timeout: cfg.timeoutMs,
    statement_timeout: cfg.timeoutMs,
    keepAlive: true,
    application_name: 'drillproof-heartbeat',
  };
}

/**
 * PostgreSQL heartbeat on node-postgres 8. A small pool with an 'error' handler (an idle client
 * dying with the server would otherwise crash the process), connect / query / statement timeouts
 * (pg has none by default, and a write to a vanished primary can hang for minutes), and every
 * client that saw an error is destroyed instead of returned, so the next write reconnects.
 */
export class PostgresHeartbeatDriver implements HeartbeatDriver {
  readonly source: string;
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema: string;
  private prepared = new WeakSet<object>();
  private guarded = new WeakSet<object>();
  lastPoolError: string | null = null;

  constructor(
    private readonly cfg: HeartbeatProbeConfig,
    private readonly ctx: CredentialContext,
  ) {
    const c = cfg.connection;
    this.source = `${c.host}:${c.port}/${c.database}`;
    this.schema = checkIdentifier('schema', cfg.schema);
    this.table = checkIdentifier('table', cfg.table);
    this.pool = new pg.Pool({ ...baseConfig(cfg, ctx), max: 4, idleTimeoutMillis: 10_000 });
    this.pool.on('error', (err) => {
      this.lastPoolError = err.message;
    });
  }

  private get qualified(): string {
    return `"${this.schema}"."${this.table}"`;
  }

  private async ensureTable(client: PgClient): Promise<void> {
    if (this.prepared.has(client)) return;
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`).catch((err: { code?: string }) => {
      // 42P06 / 23505: a concurrent writer created it first.
      if (err.code !== '42P06' && err.code !== '23505') throw err;
    });
    await client
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.qualified} (run_id text NOT NULL, seq bigint NOT NULL, sent_at timestamptz NOT NULL, PRIMARY KEY (run_id, seq))`,
      )
      .catch((err: { code?: string }) => {
        if (err.code !== '42P07' && err.code !== '23505') throw err;
      });
    this.prepared.add(client);
  }

  async write(row: { runId: string; seq: number }, signal: AbortSignal, onSent: () => number): Promise<void> {
    const client = await this.pool.connect();
    // The pool only listens for errors on idle clients: a checked-out client whose connection
    // dies (or that we cut at the deadline) would otherwise raise an uncaught 'error'.
    if (!this.guarded.has(client)) {
      this.guarded.add(client);
      client.on('error', (err) => {
        this.lastPoolError = err.message;
      });
    }
    let failed: Error | undefined;
    const onAbort = () => destroySocket(client);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new Error('deadline passed before the write was sent');
      await this.ensureTable(client);
      if (signal.aborted) throw new Error('deadline passed before the write was sent');
      const sentAt = onSent();
      // One statement = one transaction (autocommit): acknowledged when the commit returned.
      await client.query(
        `INSERT INTO ${this.qualified} (run_id, seq, sent_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))`,
        [row.runId, row.seq, sentAt],
      );
    } catch (err) {
      failed = err as Error;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      client.release(failed ?? false);
    }
  }

  async readBack(runId: string, timeoutMs: number): Promise<{ seqs: number[]; sentAt: number[] }> {
    const client = new pg.Client({
      ...baseConfig(this.cfg, this.ctx),
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      const res = await client.query<{ seq: string; ms: string }>(
        `SELECT seq::text AS seq, (extract(epoch from sent_at) * 1000)::text AS ms FROM ${this.qualified} WHERE run_id = $1 ORDER BY seq`,
        [runId],
      );
      return { seqs: res.rows.map((r) => Number(r.seq)), sentAt: res.rows.map((r) => Math.round(Number(r.ms))) };
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}

/** Cuts the TCP connection under a client so a hung query settles now, not at the TCP timeout. */
function destroySocket(client: PgClient): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}
