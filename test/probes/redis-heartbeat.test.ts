import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioProbes } from '../../src/experiments/probe-scenario.js';
import { findRedisServer } from '../../src/lab/elasticache/binary.js';
import { failoverRpo } from '../../src/measurements/rpo.js';
import { seriesFromSamples } from '../../src/measurements/series.js';
import type { RedisHeartbeatConfig } from '../../src/probes/kinds/redis.js';
import { redisHeartbeatKind } from '../../src/probes/kinds/redis-heartbeat.js';
import { probeSchema } from '../../src/probes/kinds/registry.js';
import type { Sample } from '../../src/run/samples.js';
import { AnchoredClock } from '../../src/util/clock.js';

const entry = (over: Record<string, unknown> = {}, conn: Record<string, unknown> = {}) => ({
  name: 'cache',
  type: 'redis-heartbeat',
  interval: '100ms',
  connection: { host: 'master.app.abc.euw1.cache.amazonaws.com', ...conn },
  ...over,
});

describe('redis-heartbeat scenario entry', () => {
  it('defaults to TLS require, port 6379, cluster mode off, a 24h ttl and the default key prefix', () => {
    const p = probeSchema.parse(entry()) as ReturnType<typeof redisHeartbeatKind.schema.parse>;
    expect(p.connection).toEqual({ host: 'master.app.abc.euw1.cache.amazonaws.com', port: 6379, tls: 'require' });
    expect(p).toMatchObject({ clusterMode: false, keyPrefix: 'drillproof:hb', ttl: '24h', timeout: '2s' });
  });

  it('refuses IAM auth tokens with a message saying what to write instead', () => {
    const r = probeSchema.safeParse(entry({}, { authToken: { rdsIamAuth: true } }));
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.join('.') === 'connection.authToken');
    expect(issue?.message).toMatch(/IAM auth tokens are not supported for Redis.*\{ env: NAME \}/);
  });

  it('refuses a key prefix Redis keys here do not use and an unknown key', () => {
    expect(probeSchema.safeParse(entry({ keyPrefix: 'a b' })).success).toBe(false);
    expect(probeSchema.safeParse(entry({}, { password: { env: 'X' } })).success).toBe(false);
  });

  it('maps to the runtime config: AUTH from Secrets Manager with the target region, a CA file relative to the scenario, ttl in seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-redis-kind-'));
    const file = join(dir, 'scenario.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'metadata: { name: redis-kind, description: d, owner: sre@example.com }',
        'target: { provider: aws, region: eu-west-1, allowedAccounts: ["123456789012"] }',
        'resources: { db: { type: rds-instance, id: app } }',
        'probes:',
        '  - name: cache',
        '    type: redis-heartbeat',
        '    interval: 50ms',
        '    timeout: 500ms',
        '    clusterMode: true',
        '    ttl: 90s',
        '    connection:',
        '      host: clustercfg.app.abc.euw1.cache.amazonaws.com',
        '      user: drill',
        '      authToken: { secretsManager: app/redis, key: token }',
        '      tls: { mode: verify-full, ca: { file: certs/ca.pem } }',
        'steps: { baseline: 1s, faults: [{ id: f, type: rds-failover, resource: db }], observe: { timeout: 10s } }',
      ].join('\n'),
    );
    const [cfg] = await loadScenarioProbes(file, {});
    expect(cfg).toEqual({
      name: 'cache',
      kind: 'redis-heartbeat',
      intervalMs: 50,
      timeoutMs: 500,
      maxInFlight: Math.ceil((500 / 50) * 1.2) + 8,
      connectTimeoutMs: 500,
      clusterMode: true,
      keyPrefix: 'drillproof:hb',
      ttlSeconds: 90,
      connection: {
        host: 'clustercfg.app.abc.euw1.cache.amazonaws.com',
        port: 6379,
        username: 'drill',
        password: { type: 'secretsManager', secretId: 'app/redis', key: 'token', region: 'eu-west-1' },
        tls: 'verify-full',
        ca: { type: 'file', path: join(dir, 'certs/ca.pem') },
      },
    });
  });

  it('describes itself for the plan without the secret', () => {
    const p = redisHeartbeatKind.schema.parse(entry({}, { authToken: { env: 'REDIS_AUTH' } }));
    expect(redisHeartbeatKind.describe(p, 'every 100ms')).toBe(
      'SET drillproof:hb:{run}:seq every 100ms on master.app.abc.euw1.cache.amazonaws.com:6379, TLS require, AUTH from env REDIS_AUTH; read back after recovery',
    );
    expect(redisHeartbeatKind.secrets?.(p)).toEqual([{ password: { env: 'REDIS_AUTH' }, user: 'default' }]);
  });
});

const bin = findRedisServer();
let server: ChildProcess | undefined;
let port = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  if (!bin) return;
  port = await freePort();
  server = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 's3cret'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; ; i++) {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      password: 's3cret',
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (i > 200) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
afterAll(() => {
  if (server?.pid) process.kill(server.pid, 'SIGKILL');
});

describe.skipIf(!bin)('redis-heartbeat against a real redis-server', () => {
  it('reports as lost exactly the acknowledged keys removed behind its back, with AUTH from the environment', async () => {
    const base = redisHeartbeatKind.schema.parse(
      entry(
        { interval: '20ms', timeout: '500ms' },
        { host: '127.0.0.1', port, tls: 'disable', authToken: { env: 'RT' } },
      ),
    );
    const cfg = redisHeartbeatKind.toConfig(
      base,
      { name: 'cache', intervalMs: 20, timeoutMs: 500 },
      {},
    ) as RedisHeartbeatConfig;
    const clock = new AnchoredClock();
    const runId = `u${Date.now()}`;
    const runner = redisHeartbeatKind.createRunner(cfg, { runId, clock, credentials: { env: { RT: 's3cret' } } });
    const samples: Sample[] = [];
    const t0 = clock.toEpochMs(clock.anchorMonoMs);
    for (let seq = 0; seq < 20; seq++) {
      const c = new AbortController();
      const scheduled = t0 + seq * 20;
      const out = await runner.attempt({ seq, scheduled, signal: c.signal } as never);
      samples.push({
        seq,
        scheduled,
        ok: out.ok,
        latencyMs: 1,
        error: out.error,
        ...(out.write ? { write: out.write } : {}),
      } as Sample);
    }
    expect(samples.every((s) => s.write?.outcome === 'acknowledged')).toBe(true);
    const direct = new Redis({ port, host: '127.0.0.1', password: 's3cret' });
    const lost = [3, 11, 17];
    await direct.del(...lost.map((s) => `drillproof:hb:{${runId}}:${s}`));
    expect(await direct.ttl(`drillproof:hb:{${runId}}:0`)).toBeGreaterThan(86_000);
    direct.disconnect();
    const readback = await runner.readback?.();
    await runner.close();
    expect(readback?.seqs).toEqual([...Array(20).keys()].filter((s) => !lost.includes(s)));
    const rpo = failoverRpo(
      seriesFromSamples({ probe: 'cache', kind: 'redis-heartbeat', intervalMs: 20, timeoutMs: 500, t0 }, samples),
      readback ?? null,
    );
    expect(rpo.lostWrites).toBe(3);
    expect(rpo.lostSeqs).toEqual(lost);
    // RPO: the last lost acknowledged write's sent_at minus that of the last survivor before it.
    const sent = (seq: number) => samples[seq]?.write?.sentAt as number;
    expect(rpo.attemptedWrites).toBe(20);
    expect(rpo.acknowledgedWrites).toBe(20);
    expect(rpo.seconds).toBeCloseTo((sent(17) - sent(16)) / 1000, 6);
  });
});
