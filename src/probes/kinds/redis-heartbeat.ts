import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { port, positiveDuration, secretRef, sslSetting, strict, text } from '../../scenario/common.js';
import { requireKey } from '../../scenario/json-schema.js';
import { parseDurationMs } from '../../util/units.js';
import { defaultMaxInFlight } from '../config.js';
import { defineProbe } from './definition.js';
import { credentialSource } from './heartbeat/common.js';
import { HeartbeatProbe } from './heartbeat/runner.js';
import { DEFAULT_REDIS_KEY_PREFIX, type RedisConnectionConfig, RedisHeartbeatDriver } from './redis.js';
import { probeScheduleShape } from './schedule.js';

const redisConnection = strict({
  host: text.meta({
    description:
      'Primary endpoint (cluster mode off) or configuration endpoint (cluster mode on) of the replication group.',
  }),
  port: port.default(6379),
  user: text.optional().meta({ description: 'RBAC user (absent: the default user with the AUTH token).' }),
  authToken: secretRef.optional().meta({
    description:
      'AUTH token (or the RBAC user password): { env: NAME }, { file: path } or { secretsManager: id, key }. IAM auth tokens are not supported.',
  }),
  tls: sslSetting.default('require'),
})
  .superRefine((c, ctx) => {
    if (c.authToken && 'rdsIamAuth' in c.authToken) {
      ctx.addIssue({
        code: 'custom',
        path: ['authToken'],
        message:
          'IAM auth tokens are not supported for Redis: give the AUTH token as { env: NAME }, { file: path } or { secretsManager: id }',
        input: c.authToken,
      });
    }
  })
  .meta({ description: 'How the application reaches the replication group.' });

export const redisHeartbeatSchema = strict({
  ...probeScheduleShape,
  type: z.literal('redis-heartbeat'),
  clusterMode: z
    .boolean()
    .default(false)
    .meta({ description: 'Cluster mode on: connect through the configuration endpoint with a cluster client.' }),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,100}$/)
    .default(DEFAULT_REDIS_KEY_PREFIX)
    .meta({ description: 'Keys are <keyPrefix>:{<run id>}:<seq>, holding the epoch ms the write was sent.' }),
  ttl: positiveDuration.default('24h').meta({ description: 'Heartbeat keys expire after this (whole seconds).' }),
  connection: redisConnection,
}).meta({
  description:
    'Writes a run:seq key with its send time every interval through the primary endpoint and reads them back after recovery (RPO; replication is asynchronous, so lost writes are a result).',
});

type RedisEntry = z.infer<typeof redisHeartbeatSchema>;

function describeRedis(p: RedisEntry, every: string): string {
  const c = p.connection;
  const a = c.authToken;
  const auth = !a
    ? 'no AUTH'
    : 'env' in a
      ? `AUTH from env ${a.env}`
      : 'file' in a
        ? `AUTH from file ${a.file}`
        : 'secretsManager' in a
          ? `AUTH from Secrets Manager ${a.secretsManager}`
          : 'IAM auth (unsupported)';
  const tls = typeof c.tls === 'string' ? c.tls : c.tls.mode;
  return `SET ${p.keyPrefix}:{run}:seq ${every} on ${c.host}:${c.port}${p.clusterMode ? ' (cluster mode)' : ''}, TLS ${tls}, ${auth}${c.user ? ` as ${c.user}` : ''}; read back after recovery`;
}

/** redis-heartbeat: acknowledged SETs through the primary endpoint, read back for the RPO. */
export const redisHeartbeatKind = defineProbe({
  kind: 'redis-heartbeat',
  schema: redisHeartbeatSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'service', rpo: true },
  endpoint: (p) => ({ host: p.connection.host, port: p.connection.port }),
  toConfig: (p, common, ctx) => {
    const c = p.connection;
    const tls = typeof c.tls === 'string' ? { mode: c.tls } : c.tls;
    const ca = tls.ca;
    const connection: RedisConnectionConfig = {
      host: c.host,
      port: Number(c.port),
      ...(c.user ? { username: c.user } : {}),
      password: c.authToken ? credentialSource(c.authToken, ctx) : { type: 'none' },
      tls: tls.mode,
      ...(ca
        ? {
            ca:
              'env' in ca
                ? { type: 'env' as const, name: ca.env }
                : {
                    type: 'file' as const,
                    path: isAbsolute(ca.file) || !ctx.baseDir ? ca.file : resolve(ctx.baseDir, ca.file),
                  },
          }
        : {}),
    };
    return {
      ...common,
      kind: 'redis-heartbeat' as const,
      maxInFlight: defaultMaxInFlight(common.intervalMs, common.timeoutMs),
      connection,
      clusterMode: p.clusterMode,
      keyPrefix: p.keyPrefix,
      ttlSeconds: Math.max(1, Math.ceil((parseDurationMs(p.ttl) ?? 86_400_000) / 1000)),
      connectTimeoutMs: common.timeoutMs,
    };
  },
  createRunner: (cfg, ctx) =>
    new HeartbeatProbe(cfg, new RedisHeartbeatDriver(cfg, ctx.credentials), ctx.runId, ctx.clock),
  describe: describeRedis,
  secrets: (p) =>
    p.connection.authToken ? [{ password: p.connection.authToken, user: p.connection.user ?? 'default' }] : [],
});
