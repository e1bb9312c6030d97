import { readFileSync } from 'node:fs';
import {
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { CreateExperimentTemplateCommand, GetExperimentCommand, StartExperimentCommand } from '@aws-sdk/client-fis';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { REDIS_AUTH_ENV } from '../../src/lab/elasticache/part.js';
import { labEnv } from '../../src/lab/lab.js';
import { failoverRpo } from '../../src/measurements/rpo.js';
import { computeRto } from '../../src/measurements/rto.js';
import { seriesFromSamples } from '../../src/measurements/series.js';
import { HeartbeatProbe } from '../../src/probes/kinds/heartbeat/runner.js';
import { LambdaProbe, type LambdaProbeConfig } from '../../src/probes/kinds/lambda/runner.js';
import {
  DEFAULT_REDIS_KEY_PREFIX,
  type RedisHeartbeatConfig,
  RedisHeartbeatDriver,
} from '../../src/probes/kinds/redis.js';
import type { ProbeRunner } from '../../src/probes/runner.js';
import { OpenLoopScheduler } from '../../src/probes/scheduler.js';
import type { Sample } from '../../src/run/samples.js';
import { resolveScenarioVars } from '../../src/scenario/vars.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

/** A `${lab.path}` scenario variable. */
const labVar = (path: string) => `\${lab.${path}}`;

const lab = useLab({ aurora: false, lambda: true, redis: 'replication', redisTls: true, lambdaFisPollMs: 200 });

/** Runs one probe open-loop for `ms`, calling `during` once it started; returns its samples in seq order. */
async function runProbe(
  runner: ProbeRunner,
  cfg: { intervalMs: number; timeoutMs: number; maxInFlight: number; name: string },
  ms: number,
  during: () => Promise<void>,
) {
  const clock = new AnchoredClock();
  const samples: Sample[] = [];
  const sched = new OpenLoopScheduler(cfg, runner, clock, {
    t0Mono: clock.clock.monotonicMs(),
    durationMs: ms,
    onSample: (s) => samples.push(s),
  });
  const running = sched.run();
  await during();
  await running;
  return { samples: samples.sort((a, b) => a.seq - b.seq), t0: clock.toEpochMs(clock.anchorMonoMs) };
}

describe('lab facts', () => {
  it('resolves the lab.lambda and lab.elasticache scenario variables from lab.json', () => {
    const info = lab.info();
    const r = resolveScenarioVars(
      {
        fn: labVar('lambda.functionName'),
        url: `${labVar('lambda.functionUrl')}health`,
        rg: labVar('elasticache.replicationGroupId'),
        port: labVar('elasticache.primaryEndpoint.port'),
        ca: labVar('elasticache.caFile'),
      },
      { env: {}, lab: info },
    );
    expect(r).toEqual({
      fn: 'lab-orders',
      url: `${info.lambda?.functions.find((f) => f.name === 'lab-orders')?.url}health`,
      rg: 'lab-redis',
      port: info.elasticache?.replicationGroups[0]?.primaryEndpoint?.port,
      ca: info.elasticache?.caFile,
    });
    expect(typeof r.port).toBe('number');
  });
});

describe('lambda probe against a lab function under aws:lambda:invocation-error', () => {
  it('measures the error window the FIS experiment causes, and a function without the extension keeps answering', async () => {
    const info = lab.info();
    const { fis } = labClients(info);
    const aws = { region: info.region, endpoint: info.awsEndpoint, credentials: info.credentials };
    const probeCfg = (name: string, fn: string): LambdaProbeConfig => ({
      kind: 'lambda',
      name,
      functionName: fn,
      intervalMs: 100,
      timeoutMs: 2000,
      maxInFlight: 40,
      payload: '{"from":"probe"}',
      expect: { status: [200], functionError: false, bodyContains: '"ok":true' },
      aws,
    });
    const orders = info.lambda?.functions.find((f) => f.name === 'lab-orders');
    const worker = info.lambda?.functions.find((f) => f.name === 'lab-worker');
    const tpl = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'lambda invocation error',
        roleArn: 'arn:aws:iam::000000000000:role/fis',
        stopConditions: [{ source: 'none' }],
        targets: {
          fns: {
            resourceType: 'aws:lambda:function',
            resourceArns: [orders?.arn ?? '', worker?.arn ?? ''],
            selectionMode: 'ALL',
          },
        },
        actions: {
          err: {
            actionId: 'aws:lambda:invocation-error',
            parameters: { duration: 'PT3S', invocationPercentage: '100', preventExecution: 'true' },
            targets: { Functions: 'fns' },
          },
        },
      }),
    );
    const a = new LambdaProbe(probeCfg('orders', 'lab-orders'));
    const b = new LambdaProbe(probeCfg('worker', 'lab-worker'));
    let expId = '';
    const during = async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const e = await fis.send(new StartExperimentCommand({ experimentTemplateId: tpl.experimentTemplate?.id }));
      expId = e.experiment?.id ?? '';
    };
    const [ra, rb] = await Promise.all([
      runProbe(a, probeCfg('orders', ''), 8000, during),
      runProbe(b, probeCfg('worker', ''), 8000, async () => {}),
    ]);
    await a.close();
    await b.close();
    const exp = (await fis.send(new GetExperimentCommand({ id: expId }))).experiment;
    expect(exp?.state?.status).toBe('completed');
    const action = exp?.actions?.err;
    if (!action?.startTime || !action.endTime) throw new Error('the action has no start or end time');
    const start = action.startTime.getTime();
    const end = action.endTime.getTime();

    // A slot the engine could not send on time (`late`, a stalled event loop on a loaded machine)
    // says nothing about the function: the checks below look at the slots that were sent.
    const sent = ra.samples.filter((s) => !s.late);
    const failed = sent.filter((s) => !s.ok);
    expect(failed.length).toBeGreaterThan(10);
    expect(new Set(failed.map((s) => s.error))).toEqual(new Set(['function_error']));
    expect(failed[0]?.detail).toContain('Error injected by AWS FIS');
    // The window: from the first failed to the last failed slot, within the action's run plus the
    // extension's poll interval (200 ms) and one Δ on either side.
    const first = failed[0]?.scheduled as number;
    const last = failed[failed.length - 1]?.scheduled as number;
    expect(first).toBeGreaterThanOrEqual(start - 100);
    expect(first).toBeLessThanOrEqual(start + 200 + 100 + 150);
    expect(last).toBeLessThanOrEqual(end + 200 + 100 + 150);
    const windowMs = last + 100 - first;
    expect(windowMs).toBeGreaterThan(3000 - 200 - 250);
    expect(windowMs).toBeLessThan(3000 + 200 + 400);
    // Every sample inside the window failed (100 %), the ones before and after succeeded.
    expect(sent.filter((s) => s.scheduled >= first && s.scheduled <= last).every((s) => !s.ok)).toBe(true);
    const rto = computeRto(
      seriesFromSamples({ probe: 'orders', kind: 'lambda', intervalMs: 100, timeoutMs: 2000, t0: ra.t0 }, ra.samples),
      start,
      { windowMs: 1000 },
    );
    expect(rto.result.seconds).not.toBeNull();
    expect((rto.result.seconds as number) * 1000).toBeGreaterThan(2500);
    // No extension layer: FIS wrote the configuration, nothing applied it.
    const workerSent = rb.samples.filter((s) => !s.late);
    expect(workerSent.length).toBeGreaterThan(60);
    expect(workerSent.every((s) => s.ok)).toBe(true);
  });
});

describe('redis heartbeat through the primary endpoint across TestFailover (TLS + AUTH)', () => {
  it('reports the acknowledged writes the failover really lost, as an independent read of the new primary shows', async () => {
    const info = lab.info();
    const ec = info.elasticache;
    const g = ec?.replicationGroups.find((x) => x.id === 'lab-redis');
    expect(ec?.tls).toBe(true);
    const env = labEnv(info);
    expect(env[REDIS_AUTH_ENV]).toBe(ec?.authToken);
    const cfg: RedisHeartbeatConfig = {
      kind: 'redis-heartbeat',
      name: 'cache',
      intervalMs: 20,
      timeoutMs: 1000,
      maxInFlight: 80,
      connectTimeoutMs: 1000,
      connection: {
        host: '127.0.0.1',
        port: g?.primaryEndpoint?.port ?? 0,
        password: { type: 'env', name: REDIS_AUTH_ENV },
        tls: 'verify-full',
        ...(ec?.caFile ? { ca: { type: 'file' as const, path: ec.caFile } } : {}),
      },
      clusterMode: false,
      keyPrefix: DEFAULT_REDIS_KEY_PREFIX,
      ttlSeconds: 3600,
    };
    const runId = `t${Date.now()}`;
    const clock = new AnchoredClock();
    const driver = new RedisHeartbeatDriver(cfg, { env });
    const probe = new HeartbeatProbe(cfg, driver, runId, clock);
    const cache = new ElastiCacheClient({
      region: info.region,
      endpoint: info.awsEndpoint,
      credentials: info.credentials,
    });
    let failoverAt = 0;
    const { samples, t0 } = await runProbe(probe, cfg, 7000, async () => {
      await new Promise((r) => setTimeout(r, 1500));
      failoverAt = Date.now();
      await cache.send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' }));
    });
    await eventually(async () => {
      const r = await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'lab-redis' }));
      return r.ReplicationGroups?.[0]?.Status === 'available';
    }, 30_000);
    const readback = await probe.readback();
    await probe.close();

    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged').map((s) => s.seq);
    const rpo = failoverRpo(
      seriesFromSamples({ probe: 'cache', kind: 'redis-heartbeat', intervalMs: 20, timeoutMs: 1000, t0 }, samples),
      readback,
    );
    // Independent read: the new primary node itself (not the endpoint, not the driver).
    const rg = (await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'lab-redis' })))
      .ReplicationGroups?.[0];
    const members = rg?.NodeGroups?.[0]?.NodeGroupMembers ?? [];
    const primary = members.find((m) => m.CurrentRole === 'primary');
    expect(primary?.CacheClusterId).toBe('lab-redis-002');
    expect(members.find((m) => m.CurrentRole === 'replica')?.CacheClusterId).toBe('lab-redis-001');
    expect(rg?.NodeGroups?.[0]?.PrimaryEndpoint?.Port).toBe(g?.primaryEndpoint?.port);
    const direct = new Redis({
      host: '127.0.0.1',
      port: primary?.ReadEndpoint?.Port ?? 0,
      password: ec?.authToken ?? '',
      tls: { ca: readFileSync(ec?.caFile ?? '') },
    });
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await direct.scan(
        cursor,
        'MATCH',
        `${DEFAULT_REDIS_KEY_PREFIX}:{${runId}}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    // The endpoint now reaches the new primary: its run_id is the node's.
    const viaEndpoint = new Redis({
      host: '127.0.0.1',
      port: g?.primaryEndpoint?.port ?? 0,
      password: ec?.authToken ?? '',
      tls: { ca: readFileSync(ec?.caFile ?? '') },
    });
    const idOf = async (r: Redis) => /run_id:(\w+)/.exec(await r.info('server'))?.[1];
    expect(await idOf(viaEndpoint)).toBe(await idOf(direct));
    viaEndpoint.disconnect();
    direct.disconnect();
    const onPrimary = new Set(keys.map((k) => Number(k.slice(k.lastIndexOf(':') + 1))));
    const independentLost = acked.filter((s) => !onPrimary.has(s));

    expect(acked.length).toBeGreaterThan(150);
    expect(rpo.lostWrites).toBe(independentLost.length);
    expect(rpo.lostSeqs).toEqual(independentLost.slice(0, 1000));
    // Writes the old primary acknowledged after the replica's promotion never reached it: a real loss.
    expect(rpo.lostWrites).toBeGreaterThan(0);
    expect(rpo.seconds).toBeGreaterThan(0);
    const lostAt = samples.filter((s) => independentLost.includes(s.seq)).map((s) => s.scheduled);
    expect(Math.min(...lostAt)).toBeGreaterThanOrEqual(failoverAt - 100);
    // Everything the driver read back was attempted by this run.
    const attempted = new Set(samples.filter((s) => s.write).map((s) => s.seq));
    expect(readback.seqs.every((s) => attempted.has(s))).toBe(true);

    const ev = await cache.send(
      new DescribeEventsCommand({ SourceType: 'replication-group', SourceIdentifier: 'lab-redis' }),
    );
    const messages = (ev.Events ?? []).map((e) => e.Message);
    expect(messages).toContain('Test Failover API called for node group 0001');
    expect(messages).toContain('Failover from primary node lab-redis-001 to replica node lab-redis-002 completed');
  });
});
