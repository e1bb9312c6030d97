import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { elasticacheService } from '../api/elasticache.js';
import type { LabPart, LabPartContext } from '../part.js';
import { findRedisServer, redisVersion } from './binary.js';
import { CacheEventLog } from './events.js';
import { ReplicationGroupLab } from './group.js';
import { makeLabTls } from './tls.js';

export type RedisMode = 'off' | 'replication' | 'cluster' | 'both';

/** The environment variable `labEnv` sets to the AUTH token (when the lab runs Redis with TLS). */
export const REDIS_AUTH_ENV = 'DRILLPROOF_LAB_REDIS_AUTH';

interface Endpoint {
  host: string;
  port: number;
}

/** lab.json `elasticache`: each replication group, its endpoints and nodes. */
export interface ElastiCacheLabInfo {
  /** The first replication group's id and endpoint (`${lab.elasticache.primaryEndpoint.port}` ...). */
  replicationGroupId: string;
  /** Cluster mode off: the primary endpoint; cluster mode on: the configuration endpoint. */
  primaryEndpoint: Endpoint;
  readerEndpoint?: Endpoint;
  clusterMode: boolean;
  engineVersion: string;
  tls: boolean;
  /** The lab CA (PEM) the Redis servers' certificate chains to, when `tls`. */
  caFile?: string;
  /** The AUTH token (also in DRILLPROOF_LAB_REDIS_AUTH through labEnv), when `tls`. */
  authToken?: string;
  authTokenEnv?: string;
  replicationGroups: {
    id: string;
    arn: string;
    clusterMode: boolean;
    primaryEndpoint?: Endpoint;
    readerEndpoint?: Endpoint;
    configurationEndpoint?: Endpoint;
    nodeGroups: { id: string; slots?: string; nodes: { id: string; az: string; port: number; role: string }[] }[];
  }[];
}

export async function startElastiCachePart(ctx: LabPartContext): Promise<LabPart> {
  const bin = findRedisServer() as string;
  const engineVersion = redisVersion(bin);
  const dir = join(ctx.runtimeDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const tls = ctx.options.redisTls ? makeLabTls(join(dir, 'tls')) : undefined;
  const authToken = tls ? randomBytes(24).toString('base64url') : undefined;
  const nodeCtx = {
    bin,
    registry: ctx.registry,
    logsDir: ctx.logsDir,
    dataDir: dir,
    cwd: ctx.cwd,
    ...(authToken ? { authToken } : {}),
    ...(tls ? { tls } : {}),
  };
  const events = new CacheEventLog();
  const [a, b] = ctx.azs as [string, string];
  const mode = ctx.options.redis;
  const groups: ReplicationGroupLab[] = [];
  if (mode === 'replication' || mode === 'both') {
    groups.push(
      new ReplicationGroupLab(
        { id: 'lab-redis', clusterMode: false, shards: [{ id: '0001', azs: [a, b] }] },
        nodeCtx,
        events,
        ctx.freePort,
        ctx.options.transitionMs,
      ),
    );
  }
  if (mode === 'cluster' || mode === 'both') {
    groups.push(
      new ReplicationGroupLab(
        {
          id: 'lab-redis-cluster',
          clusterMode: true,
          shards: [
            { id: '0001', azs: [a, b], slots: [0, 8191] },
            { id: '0002', azs: [b, a], slots: [8192, 16383] },
          ],
        },
        nodeCtx,
        events,
        ctx.freePort,
        ctx.options.transitionMs,
      ),
    );
  }
  await Promise.all(groups.map((g) => g.start()));
  const describe = (): ElastiCacheLabInfo['replicationGroups'] =>
    groups.map((g) => ({
      id: g.spec.id,
      arn: g.arn,
      clusterMode: g.clusterMode,
      ...(g.nodeGroups[0]?.primaryEndpoint
        ? { primaryEndpoint: { host: '127.0.0.1', port: g.nodeGroups[0].primaryEndpoint.port } }
        : {}),
      ...(g.nodeGroups[0]?.readerEndpoint
        ? { readerEndpoint: { host: '127.0.0.1', port: g.nodeGroups[0].readerEndpoint.port } }
        : {}),
      ...(g.configurationEndpoint
        ? { configurationEndpoint: { host: '127.0.0.1', port: g.configurationEndpoint.port } }
        : {}),
      nodeGroups: g.nodeGroups.map((ng) => ({
        id: ng.id,
        ...(ng.slots ? { slots: `${ng.slots[0]}-${ng.slots[1]}` } : {}),
        nodes: ng.nodes.map((n) => ({
          id: n.id,
          az: n.spec.az,
          port: n.port,
          role: ng.primary === n ? 'primary' : 'replica',
        })),
      })),
    }));
  const groupsInfo = describe();
  const first = groupsInfo[0] as ElastiCacheLabInfo['replicationGroups'][number];
  const info: ElastiCacheLabInfo = {
    replicationGroupId: first.id,
    primaryEndpoint: (first.primaryEndpoint ?? first.configurationEndpoint) as Endpoint,
    ...(first.readerEndpoint ? { readerEndpoint: first.readerEndpoint } : {}),
    clusterMode: first.clusterMode,
    engineVersion,
    tls: tls !== undefined,
    ...(tls ? { caFile: tls.caFile } : {}),
    ...(authToken ? { authToken, authTokenEnv: REDIS_AUTH_ENV } : {}),
    replicationGroups: groupsInfo,
  };
  return {
    name: 'elasticache',
    info: { elasticache: info },
    query: {
      elasticache: elasticacheService({
        groups,
        events,
        engineVersion,
        failoverFault: () => ctx.controlPlane().failover,
      }),
    },
    status: () =>
      groups.map((g) => ({
        id: g.spec.id,
        status: g.status,
        nodeGroups: describe().find((x) => x.id === g.spec.id)?.nodeGroups,
      })),
    reset: async () => {
      await Promise.all(groups.map((g) => g.reset()));
    },
    shutdown: async () => {
      await Promise.all(groups.map((g) => g.stop()));
    },
  };
}
