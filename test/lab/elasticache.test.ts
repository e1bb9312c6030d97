import { readFileSync } from 'node:fs';
import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  InvalidReplicationGroupStateFault,
  NodeGroupNotFoundFault,
  ReplicationGroupNotFoundFault,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { labDown, labReset } from '../../src/lab/lab.js';
import { isAlive } from '../../src/lab/processes.js';
import { HeartbeatProbe } from '../../src/probes/kinds/heartbeat/runner.js';
import { RedisHeartbeatDriver } from '../../src/probes/kinds/redis.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { eventually, useLab } from '../_helpers/lab.js';

const lab = useLab({ aurora: false, lambda: false, redis: 'both' });

const cache = (accessKeyId = 'lab') =>
  new ElastiCacheClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: { accessKeyId, secretAccessKey: 'lab' },
    maxAttempts: 1,
  });
const group = async (id: string) =>
  (await cache().send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))).ReplicationGroups?.[0];
const available = (id: string) => eventually(async () => (await group(id))?.Status === 'available', 60_000, 100);

describe('ElastiCache for Redis in the lab', () => {
  it('describes both replication groups, their node groups and cache clusters as ElastiCache does', async () => {
    const all = (await cache().send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [];
    expect(all.map((g) => g.ReplicationGroupId)).toEqual(['lab-redis', 'lab-redis-cluster']);
    const off = all[0];
    expect(off).toMatchObject({
      Status: 'available',
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      ClusterEnabled: false,
      ClusterMode: 'disabled',
      MemberClusters: ['lab-redis-001', 'lab-redis-002'],
      Engine: 'redis',
    });
    const ng = off?.NodeGroups?.[0];
    expect(ng?.NodeGroupId).toBe('0001');
    expect(ng?.PrimaryEndpoint?.Port).toBe(lab.info().elasticache?.replicationGroups[0]?.primaryEndpoint?.port);
    expect(ng?.ReaderEndpoint?.Port).toBe(lab.info().elasticache?.replicationGroups[0]?.readerEndpoint?.port);
    expect(ng?.NodeGroupMembers?.map((m) => [m.CacheClusterId, m.CurrentRole, m.PreferredAvailabilityZone])).toEqual([
      ['lab-redis-001', 'primary', 'lab-1a'],
      ['lab-redis-002', 'replica', 'lab-1b'],
    ]);
    const on = all[1];
    expect(on).toMatchObject({ ClusterEnabled: true, ClusterMode: 'enabled' });
    expect(on?.ConfigurationEndpoint?.Port).toBeGreaterThan(0);
    expect(on?.NodeGroups?.map((g) => [g.NodeGroupId, g.Slots, g.NodeGroupMembers?.length])).toEqual([
      ['0001', '0-8191', 2],
      ['0002', '8192-16383', 2],
    ]);
    // Cluster mode on: members carry no role or read endpoint.
    expect(on?.NodeGroups?.[0]?.NodeGroupMembers?.[0]?.CurrentRole).toBeUndefined();
    const cc = await cache().send(
      new DescribeCacheClustersCommand({ CacheClusterId: 'lab-redis-002', ShowCacheNodeInfo: true }),
    );
    expect(cc.CacheClusters?.[0]).toMatchObject({
      CacheClusterId: 'lab-redis-002',
      CacheClusterStatus: 'available',
      Engine: 'redis',
      ReplicationGroupId: 'lab-redis',
      PreferredAvailabilityZone: 'lab-1b',
      NumCacheNodes: 1,
    });
    expect(cc.CacheClusters?.[0]?.CacheNodes?.[0]?.Endpoint?.Port).toBe(ng?.NodeGroupMembers?.[1]?.ReadEndpoint?.Port);
    expect((await cache().send(new DescribeCacheClustersCommand({}))).CacheClusters).toHaveLength(6);
    await expect(cache().send(new DescribeCacheClustersCommand({ CacheClusterId: 'x' }))).rejects.toBeInstanceOf(
      CacheClusterNotFoundFault,
    );
    await expect(
      cache().send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'x' })),
    ).rejects.toBeInstanceOf(ReplicationGroupNotFoundFault);
    await expect(
      cache().send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0009' })),
    ).rejects.toBeInstanceOf(NodeGroupNotFoundFault);
  });

  it('replication is real: a write through the primary endpoint reaches the reader endpoint', async () => {
    const g = lab.info().elasticache?.replicationGroups[0];
    const w = new Redis({ port: g?.primaryEndpoint?.port ?? 0, host: '127.0.0.1' });
    const r = new Redis({ port: g?.readerEndpoint?.port ?? 0, host: '127.0.0.1' });
    await w.set('lab:check', 'v1');
    await eventually(async () => (await r.get('lab:check')) === 'v1', 5000, 20);
    await expect(r.set('lab:check', 'v2')).rejects.toThrow(/READONLY/);
    expect((await r.info('replication')).includes('role:slave')).toBe(true);
    w.disconnect();
    r.disconnect();
  });

  it('cluster mode on: Redis itself answers MOVED for a key of the other shard, and a cluster client follows it', async () => {
    const on = lab.info().elasticache?.replicationGroups[1];
    const n0001 = on?.nodeGroups[0]?.nodes[0];
    const direct = new Redis({ port: n0001?.port ?? 0, host: '127.0.0.1' });
    // Key "b" hashes to slot 3300 (shard 0001), key "a" to 15495 (shard 0002).
    expect(await direct.cluster('KEYSLOT', 'a')).toBe(15495);
    const moved = await direct.set('a', '1').catch((e: Error) => e);
    expect(String(moved)).toMatch(/MOVED 15495 127\.0\.0\.1:\d+/);
    direct.disconnect();
    const c = new Cluster([{ host: '127.0.0.1', port: on?.configurationEndpoint?.port ?? 0 }]);
    await c.set('a', '1');
    await c.set('b', '2');
    expect([await c.get('a'), await c.get('b')]).toEqual(['1', '2']);
    c.disconnect();
  });

  it('TestFailover (cluster mode off) promotes the replica, moves the endpoint, and writes the failover events', async () => {
    const t0 = new Date();
    const rg = await cache().send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' }));
    expect(rg.ReplicationGroup?.Status).toBe('modifying');
    await expect(
      cache().send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' })),
    ).rejects.toBeInstanceOf(InvalidReplicationGroupStateFault);
    await available('lab-redis');
    const g = await group('lab-redis');
    expect(g?.NodeGroups?.[0]?.NodeGroupMembers?.map((m) => [m.CacheClusterId, m.CurrentRole])).toEqual([
      ['lab-redis-001', 'replica'],
      ['lab-redis-002', 'primary'],
    ]);
    const port = lab.info().elasticache?.replicationGroups[0]?.primaryEndpoint?.port ?? 0;
    const via = new Redis({ port, host: '127.0.0.1' });
    expect(await via.info('replication')).toContain('role:master');
    const n2 = new Redis({
      port: g?.NodeGroups?.[0]?.NodeGroupMembers?.[1]?.ReadEndpoint?.Port ?? 0,
      host: '127.0.0.1',
    });
    const runId = async (r: Redis) => /run_id:(\w+)/.exec(await r.info('server'))?.[1];
    expect(await runId(via)).toBe(await runId(n2));
    via.disconnect();
    n2.disconnect();
    const ev = await cache().send(new DescribeEventsCommand({ StartTime: t0 }));
    const byType = (ev.Events ?? []).map((e) => [e.SourceType, e.SourceIdentifier, e.Message]);
    expect(byType).toContainEqual(['replication-group', 'lab-redis', 'Test Failover API called for node group 0001']);
    expect(byType).toContainEqual([
      'replication-group',
      'lab-redis',
      'Failover from primary node lab-redis-001 to replica node lab-redis-002 completed',
    ]);
    expect(byType).toContainEqual(['cache-cluster', 'lab-redis-001', 'Finished recovery for cache nodes 0001']);
    const only = await cache().send(
      new DescribeEventsCommand({ SourceType: 'cache-cluster', SourceIdentifier: 'lab-redis-002' }),
    );
    expect(only.Events?.map((e) => e.Message)).toEqual(['Failover to replica node lab-redis-002 completed']);
    expect(only.Events?.[0]?.Date).toBeInstanceOf(Date);
  });

  it('TestFailover (cluster mode on) promotes the shard replica through Redis Cluster; a heartbeat through the cluster client reads back', async () => {
    const on = lab.info().elasticache?.replicationGroups[1];
    const cfg = {
      kind: 'redis-heartbeat' as const,
      name: 'c',
      intervalMs: 50,
      timeoutMs: 1000,
      maxInFlight: 30,
      connectTimeoutMs: 1000,
      connection: {
        host: '127.0.0.1',
        port: on?.configurationEndpoint?.port ?? 0,
        password: { type: 'none' as const },
        tls: 'disable' as const,
      },
      clusterMode: true,
      keyPrefix: 'drillproof:hb',
      ttlSeconds: 600,
    };
    const clock = new AnchoredClock();
    const probe = new HeartbeatProbe(cfg, new RedisHeartbeatDriver(cfg, { env: {} }), 'clusterrun', clock);
    const acked: number[] = [];
    for (let seq = 0; seq < 20; seq++) {
      const o = await probe.attempt({ seq, scheduled: clock.nowMs(), signal: new AbortController().signal });
      if (o.write?.outcome === 'acknowledged') acked.push(seq);
    }
    expect(acked).toHaveLength(20);
    await cache().send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis-cluster', NodeGroupId: '0002' }));
    await available('lab-redis-cluster');
    const promoted = on?.nodeGroups[1]?.nodes[1];
    const n = new Redis({ port: promoted?.port ?? 0, host: '127.0.0.1' });
    expect(await n.info('replication')).toContain('role:master');
    n.disconnect();
    const rb = await probe.readback();
    expect(rb.seqs).toEqual(acked);
    await probe.close();
  });

  it('read-only keys cannot call TestFailover; lab reset puts each first node back as primary', async () => {
    await expect(
      cache('readonly').send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await labReset({ dir: lab.dir() });
    const g = await group('lab-redis');
    expect(g?.NodeGroups?.[0]?.NodeGroupMembers?.map((m) => m.CurrentRole)).toEqual(['primary', 'replica']);
    const port = lab.info().elasticache?.replicationGroups[0]?.primaryEndpoint?.port ?? 0;
    const first = new Redis({
      port: g?.NodeGroups?.[0]?.NodeGroupMembers?.[0]?.ReadEndpoint?.Port ?? 0,
      host: '127.0.0.1',
    });
    const via = new Redis({ port, host: '127.0.0.1' });
    const runId = async (r: Redis) => /run_id:(\w+)/.exec(await r.info('server'))?.[1];
    expect(await runId(via)).toBe(await runId(first));
    first.disconnect();
    via.disconnect();
    const on = lab.info().elasticache?.replicationGroups[1];
    const n = new Redis({ port: on?.nodeGroups[1]?.nodes[0]?.port ?? 0, host: '127.0.0.1' });
    expect(await n.info('replication')).toContain('role:master');
    n.disconnect();
  });

  it('lab down after kill -9 of the supervisor stops every redis-server and lab process', async () => {
    const pids = (
      JSON.parse(readFileSync(`${lab.dir()}/pids.json`, 'utf8')) as { processes: { pid: number; name: string }[] }
    ).processes;
    expect(pids.filter((p) => p.name.startsWith('redis ')).length).toBe(6);
    process.kill(lab.info().supervisorPid, 'SIGKILL');
    await eventually(() => !isAlive(lab.info().supervisorPid), 5000);
    // The servers outlive their supervisor until lab down ends them.
    expect(pids.filter((p) => p.name.startsWith('redis ')).every((p) => isAlive(p.pid))).toBe(true);
    await labDown({ dir: lab.dir() });
    expect(pids.filter((p) => isAlive(p.pid))).toEqual([]);
  });
});
