import mysql from 'mysql2/promise';
import { z } from 'zod';
import { strict } from '../../../scenario/common.js';
import { requireKey } from '../../../scenario/json-schema.js';
import { type CredentialContext, passwordProvider } from '../../credentials.js';
import { tlsOptions } from '../../tls.js';
import { defineProbe } from '../definition.js';
import { describeHeartbeat, heartbeatConfig, heartbeatShape, readBackRows } from './common.js';
import { MysqlHeartbeatDriver } from './mysql.js';
import { HeartbeatProbe, type HeartbeatProbeConfig } from './runner.js';

export const mysqlHeartbeatSchema = strict({
  ...heartbeatShape,
  type: z.literal('mysql-heartbeat'),
}).meta({ description: 'Like postgres-heartbeat, for MySQL / Aurora MySQL.' });

async function mysqlQuery(
  cfg: HeartbeatProbeConfig,
  credentials: CredentialContext,
  sql: string,
): Promise<unknown[][]> {
  const c = cfg.connection;
  const password = (await passwordProvider(c, credentials)()) ?? '';
  const conn = await mysql.createConnection({
    host: c.host,
    port: c.port,
    user: c.user,
    password,
    database: c.database,
    connectTimeout: cfg.connectTimeoutMs,
    rowsAsArray: true,
    ...(c.ssl === 'disable' ? {} : { ssl: tlsOptions(c, credentials.env) || {} }),
  });
  try {
    const [rows] = await conn.query({ sql, timeout: Math.max(cfg.timeoutMs, 5000) });
    return rows as unknown[][];
  } finally {
    await conn.end().catch(() => {});
  }
}

/** mysql-heartbeat: the same heartbeat on MySQL / Aurora MySQL. */
export const mysqlHeartbeatKind = defineProbe({
  kind: 'mysql-heartbeat',
  schema: mysqlHeartbeatSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'service', rpo: true },
  endpoint: (p) => ({ host: p.connection.host, port: p.connection.port }),
  toConfig: heartbeatConfig,
  createRunner: (cfg, ctx) =>
    new HeartbeatProbe(cfg, new MysqlHeartbeatDriver(cfg, ctx.credentials), ctx.runId, ctx.clock),
  describe: describeHeartbeat,
  secrets: (p) => [{ password: p.connection.password, user: p.connection.user }],
  database: {
    readBack: (cfg, credentials, runId) =>
      readBackRows(new MysqlHeartbeatDriver(cfg, credentials), cfg, runId, (c) => c === 'ER_NO_SUCH_TABLE'),
    query: mysqlQuery,
  },
});
