import mysql from 'mysql2/promise';
import pg from 'pg';
import { DrillproofError } from '../../errors.js';
import type { HeartbeatProbeConfig } from '../../probes/config.js';
import { passwordProvider } from '../../probes/credentials.js';
import { MysqlHeartbeatDriver } from '../../probes/kinds/mysql.js';
import { PostgresHeartbeatDriver, pgSsl } from '../../probes/kinds/postgres.js';
import type { HeartbeatReadback } from '../../probes/sample.js';
import { probeConfigFromScenario } from '../../probes/scenario-config.js';
import { tlsOptions } from '../../probes/tls.js';
import type { DbAccess, DbEndpoint } from '../faults/types.js';
import { probeSchema } from '../schema/probes.js';
import type { DrillScenario } from './drill-input.js';

const HEARTBEAT = new Set(['postgres-heartbeat', 'mysql-heartbeat']);

/**
 * Database access for restore verification: the connection settings (and secret sources) of a
 * heartbeat probe, pointed at another endpoint (the restored instance), optionally with the
 * fault's own connection overrides.
 */
export function createDbAccess(
  scenario: DrillScenario,
  runId: string,
  env: NodeJS.ProcessEnv,
  baseDir?: string,
): DbAccess | undefined {
  const probes = (scenario.probes ?? []).filter((p) => HEARTBEAT.has(p.type));
  if (probes.length === 0) return undefined;
  const configFor = (name: string, ep: DbEndpoint, override?: Record<string, unknown>): HeartbeatProbeConfig => {
    const p = probes.find((x) => x.name === name);
    if (!p) {
      throw DrillproofError.user('HeartbeatProbeUnknown', `no heartbeat probe named ${name}`, {
        hint: `use one of ${probes.map((x) => x.name).join(', ')}`,
      });
    }
    const base = (p as { connection?: Record<string, unknown> }).connection ?? {};
    const input = probeSchema.parse({
      ...p,
      connection: { ...base, ...(override ?? {}), host: ep.host, port: ep.port },
    });
    return probeConfigFromScenario(input, {
      ...(baseDir ? { baseDir } : {}),
      region: scenario.target.region,
      ...(scenario.target.endpoint ? { endpoint: scenario.target.endpoint } : {}),
    }) as HeartbeatProbeConfig;
  };
  return {
    defaultProbe: () => probes[0]?.name,
    async readBack(probe, ep, override): Promise<HeartbeatReadback> {
      const cfg = configFor(probe, ep, override);
      const driver =
        cfg.kind === 'mysql-heartbeat'
          ? new MysqlHeartbeatDriver(cfg, { env })
          : new PostgresHeartbeatDriver(cfg, { env });
      try {
        const rows = await driver.readBack(runId, Math.max(cfg.timeoutMs, 5000)).catch((err: { code?: string }) => {
          // The database answered but has no heartbeat table (a backup older than the first
          // heartbeat): nothing of this run is in it.
          if (err.code === '42P01' || err.code === '3F000' || err.code === 'ER_NO_SUCH_TABLE') {
            return { seqs: [], sentAt: [] };
          }
          throw err;
        });
        return {
          probe,
          runId,
          readAt: Date.now(),
          source: driver.source,
          seqs: rows.seqs,
          sentAt: rows.sentAt,
          kind: 'restore',
        };
      } finally {
        await driver.close().catch(() => {});
      }
    },
    async query(probe, ep, sql, override): Promise<unknown[][]> {
      const cfg = configFor(probe, ep, override);
      const c = cfg.connection;
      const password = (await passwordProvider(c, { env })()) ?? '';
      if (cfg.kind === 'mysql-heartbeat') {
        const conn = await mysql.createConnection({
          host: c.host,
          port: c.port,
          user: c.user,
          password,
          database: c.database,
          connectTimeout: cfg.connectTimeoutMs,
          rowsAsArray: true,
          ...(c.ssl === 'disable' ? {} : { ssl: tlsOptions(c, env) || {} }),
        });
        try {
          const [rows] = await conn.query({ sql, timeout: Math.max(cfg.timeoutMs, 5000) });
          return rows as unknown[][];
        } finally {
          await conn.end().catch(() => {});
        }
      }
      const client = new pg.Client({
        host: c.host,
        port: c.port,
        user: c.user,
        database: c.database,
        password,
        ssl: pgSsl(c, env),
        connectionTimeoutMillis: cfg.connectTimeoutMs,
        statement_timeout: Math.max(cfg.timeoutMs, 5000),
      });
      client.on('error', () => {});
      await client.connect();
      try {
        // Verification is read-only by contract; the transaction makes it so.
        await client.query('BEGIN READ ONLY');
        const res = await client.query({ text: sql, rowMode: 'array' });
        await client.query('ROLLBACK');
        return res.rows as unknown[][];
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
