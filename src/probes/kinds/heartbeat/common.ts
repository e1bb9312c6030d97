import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  port,
  type SecretRef,
  type SslSetting,
  secretRef,
  sslSetting,
  strict,
  text,
} from '../../../scenario/common.js';
import { type CredentialSource, type DbConnectionConfig, defaultMaxInFlight, type ProbeCommon } from '../../config.js';
import type { ProbeMappingContext } from '../definition.js';
import { probeScheduleShape } from '../schedule.js';
import type { HeartbeatDriver, HeartbeatProbeConfig } from './runner.js';

/** What the heartbeat kinds (postgres-heartbeat, mysql-heartbeat) share. */
export const dbConnection = strict({
  host: text,
  port,
  database: text,
  user: text,
  password: secretRef,
  ssl: sslSetting.default('require'),
}).meta({ description: 'Database connection (the same endpoint the application uses).' });

export type DbConnection = z.infer<typeof dbConnection>;

export const heartbeatShape = {
  ...probeScheduleShape,
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('drillproof')
    .meta({ description: 'Schema of the heartbeat table.' }),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('heartbeat'),
  connection: dbConnection,
};

interface HeartbeatEntry {
  type: string;
  schema: string;
  table: string;
  timeout: string;
  connection: DbConnection;
}

/** A secret reference as the credential source the drivers read (paths resolved, AWS target added). */
export function credentialSource(p: SecretRef, ctx: ProbeMappingContext): CredentialSource {
  const aws = { ...(ctx.region ? { region: ctx.region } : {}), ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}) };
  if ('env' in p) return { type: 'env', name: p.env };
  if ('file' in p) {
    return { type: 'file', path: isAbsolute(p.file) || !ctx.baseDir ? p.file : resolve(ctx.baseDir, p.file) };
  }
  if ('secretsManager' in p) {
    return { type: 'secretsManager', secretId: p.secretsManager, ...(p.key ? { key: p.key } : {}), ...aws };
  }
  return { type: 'rdsIamAuth', ...aws };
}

export function dbConnectionConfig(c: DbConnection, ctx: ProbeMappingContext): DbConnectionConfig {
  return {
    host: c.host,
    port: Number(c.port),
    database: c.database,
    user: c.user,
    password: credentialSource(c.password, ctx),
    ...sslOf(c.ssl, ctx),
  };
}

/** The TLS mode and, for verify-full with a bundle, where the CA certificates come from. */
function sslOf(s: SslSetting, ctx: ProbeMappingContext): Pick<DbConnectionConfig, 'ssl' | 'sslCa'> {
  if (typeof s === 'string') return { ssl: s };
  const ca = s.ca;
  if (!ca) return { ssl: s.mode };
  if ('env' in ca) return { ssl: s.mode, sslCa: { type: 'env', name: ca.env } };
  return {
    ssl: s.mode,
    sslCa: { type: 'file', path: isAbsolute(ca.file) || !ctx.baseDir ? ca.file : resolve(ctx.baseDir, ca.file) },
  };
}

export function heartbeatConfig(
  p: HeartbeatEntry,
  common: Omit<ProbeCommon, 'maxInFlight'>,
  ctx: ProbeMappingContext,
): HeartbeatProbeConfig {
  return {
    ...common,
    kind: p.type,
    maxInFlight: defaultMaxInFlight(common.intervalMs, common.timeoutMs),
    schema: p.schema,
    table: p.table,
    connection: dbConnectionConfig(p.connection, ctx),
    connectTimeoutMs: common.timeoutMs,
  };
}

/**
 * The rows of this run at a heartbeat connection, through the kind's driver. `missingTable`
 * says which driver errors mean "no heartbeat table": nothing of this run is there.
 */
export async function readBackRows(
  driver: HeartbeatDriver,
  cfg: HeartbeatProbeConfig,
  runId: string,
  missingTable: (code: string | undefined) => boolean,
): Promise<{ source: string; seqs: number[]; sentAt: number[] }> {
  try {
    const rows = await driver.readBack(runId, Math.max(cfg.timeoutMs, 5000)).catch((err: { code?: string }) => {
      if (missingTable(err.code)) return { seqs: [], sentAt: [] };
      throw err;
    });
    return { source: driver.source, ...rows };
  } finally {
    await driver.close().catch(() => {});
  }
}

export function describeHeartbeat(p: HeartbeatEntry, every: string): string {
  const c = p.connection;
  const secret =
    'env' in c.password
      ? `env ${c.password.env}`
      : 'file' in c.password
        ? `file ${c.password.file}`
        : 'secretsManager' in c.password
          ? `Secrets Manager ${c.password.secretsManager}`
          : 'RDS IAM auth';
  return `write (run_id, seq, sent_at) into ${p.schema}.${p.table} ${every} on ${c.host}:${c.port}/${c.database} as ${c.user} (password from ${secret}); read back after recovery`;
}
