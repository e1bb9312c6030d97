import pg from 'pg';
import { z } from 'zod';
import { strict } from '../../../scenario/common.js';
import { requireKey } from '../../../scenario/json-schema.js';
import { type CredentialContext, passwordProvider } from '../../credentials.js';
import { defineProbe } from '../definition.js';
import { describeHeartbeat, heartbeatConfig, heartbeatShape, readBackRows } from './common.js';
import { PostgresHeartbeatDriver, pgSsl } from './postgres.js';
import { HeartbeatProbe, type HeartbeatProbeConfig } from './runner.js';

export const postgresHeartbeatSchema = strict({
  ...heartbeatShape,
  type: z.literal('postgres-heartbeat'),
}).meta({ description: 'Writes (run_id, seq, sent_at) every interval and reads them back after recovery (RPO).' });

/** Read-only by contract: the transaction makes it so. */
async function pgQuery(cfg: HeartbeatProbeConfig, credentials: CredentialContext, sql: string): Promise<unknown[][]> {
  const c = cfg.connection;
  const password = (await passwordProvider(c, credentials)()) ?? '';
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.user,
    database: c.database,
    password,
    ssl: pgSsl(c, credentials.env),
    connectionTimeoutMillis: cfg.connectTimeoutMs,
    statement_timeout: Math.max(cfg.timeoutMs, 5000),
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const res = await client.query({ text: sql, rowMode: 'array' });
    await client.query('ROLLBACK');
    return res.rows as unknown[][];
  } finally {
    await client.end().catch(() => {});
  }
}

/** postgres-heartbeat: acknowledged writes through the application's endpoint, read back for the RPO. */
export const postgresHeartbeatKind = defineProbe({
  kind: 'postgres-heartbeat',
  schema: postgresHeartbeatSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'service', rpo: true },
  endpoint: (p) => ({ host: p.connection.host, port: p.connection.port }),
  toConfig: heartbeatConfig,
  createRunner: (cfg, ctx) =>
    new HeartbeatProbe(cfg, new PostgresHeartbeatDriver(cfg, ctx.credentials), ctx.runId, ctx.clock),
  describe: describeHeartbeat,
  secrets: (p) => [{ password: p.connection.password, user: p.connection.user }],
  database: {
    // 42P01: no such table; 3F000: no such schema.
    readBack: (cfg, credentials, runId) =>
      readBackRows(new PostgresHeartbeatDriver(cfg, credentials), cfg, runId, (c) => c === '42P01' || c === '3F000'),
    query: pgQuery,
  },
});
