import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRunDir } from '../../src/experiments/analysis/run-dir.js';
import { startProbes } from '../../src/probes/engine.js';
import { MysqlHeartbeatDriver } from '../../src/probes/kinds/heartbeat/mysql.js';
import { PostgresHeartbeatDriver } from '../../src/probes/kinds/heartbeat/postgres.js';
import type { HeartbeatProbeConfig } from '../../src/probes/kinds/heartbeat/runner.js';
import { HeartbeatProbe } from '../../src/probes/kinds/heartbeat/runner.js';
import type { Sample } from '../../src/run/samples.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { PgServer } from '../_helpers/pg.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cfg(kind: HeartbeatProbeConfig['kind'], port: number, timeoutMs = 300): HeartbeatProbeConfig {
  return {
    kind,
    name: 'hb',
    intervalMs: 50,
    timeoutMs,
    maxInFlight: 40,
    schema: 'drillproof',
    table: 'heartbeat',
    connection: {
      host: '127.0.0.1',
      port,
      database: 'postgres',
      user: 'postgres',
      password: { type: 'none' },
      ssl: 'disable',
    },
    connectTimeoutMs: timeoutMs,
  };
}

/** A port that accepts connections and never says a word (a blackholed database). */
let silent: Server;
const sockets = new Set<Socket>();
let silentPort = 0;
let pgs: PgServer;
beforeAll(async () => {
  silent = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
  pgs = await PgServer.start();
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  await pgs?.stop();
});

async function once(kind: HeartbeatProbeConfig['kind'], port: number) {
  const c = cfg(kind, port);
  const driver =
    kind === 'mysql-heartbeat' ? new MysqlHeartbeatDriver(c, { env: {} }) : new PostgresHeartbeatDriver(c, { env: {} });
  const probe = new HeartbeatProbe(c, driver, 'run', new AnchoredClock());
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), c.timeoutMs);
  const t = Date.now();
  try {
    const out = await probe.attempt({ seq: 0, scheduled: t, signal: ac.signal });
    return { out, ms: Date.now() - t };
  } finally {
    clearTimeout(timer);
    await probe.close();
  }
}

describe('heartbeat writers when the database is unreachable', () => {
  it.each(['postgres-heartbeat', 'mysql-heartbeat'] as const)(
    '%s: refused connection, no write attempted',
    async (kind) => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as { port: number }).port;
      await new Promise((r) => closed.close(r));
      const { out } = await once(kind, port);
      expect(out).toMatchObject({ ok: false, error: 'refused' });
      expect(out.write).toBeUndefined();
    },
  );

  it.each(['postgres-heartbeat', 'mysql-heartbeat'] as const)(
    '%s: a silent server times out, promptly',
    async (kind) => {
      const { out, ms } = await once(kind, silentPort);
      expect(out.ok).toBe(false);
      expect(out.write).toBeUndefined();
      expect(ms).toBeLessThan(1500);
    },
  );
});

describe('postgres heartbeat when the server hangs', () => {
  it('marks writes caught by the freeze indeterminate, recovers after, and loses nothing acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-hb-freeze-'));
    const h = await startProbes({
      probes: [{ ...cfg('postgres-heartbeat', pgs.port), timeoutMs: 400 }],
      outDir: dir,
      runId: 'run-freeze',
    });
    const samples: Sample[] = [];
    h.subscribe((s) => samples.push(s));
    await sleep(600);
    const F = h.clock.nowMs();
    pgs.freeze(true);
    await sleep(800);
    pgs.freeze(false);
    await sleep(1200);
    await h.stop();
    const during = samples.filter((s) => s.scheduled >= F && s.scheduled < F + 350);
    expect(during.length).toBeGreaterThan(3);
    // Writes already sent hit the deadline (indeterminate); later ones could not get a connection
    // within the connect timeout (not attempted). Nothing in the frozen window succeeded.
    expect(during.every((s) => !s.ok && s.error === 'timeout' && s.latencyMs <= 400)).toBe(true);
    expect(during.every((s) => s.write === undefined || s.write.outcome === 'indeterminate')).toBe(true);
    expect(samples.some((s) => s.write?.outcome === 'indeterminate')).toBe(true);
    expect(samples.filter((s) => s.ok && s.scheduled > F + 1500).length).toBeGreaterThan(5);
    const { measurements: m } = await analyzeRunDir(dir, { faultAtMs: F, allWindowMs: 500 });
    expect(m.rpo).toMatchObject({ lostWrites: 0, seconds: 0 });
    expect(m.rpo?.indeterminateWrites).toBeGreaterThan(0);
    // Frozen for 0.8 s with T = 0.4 s: a write scheduled after 0.4 s into the freeze can still
    // commit in time once the server thaws, so R lies in [0.4 s, 0.8 s + Δ] after F (plus slack).
    expect(m.rto?.seconds).toBeGreaterThan(0.35);
    expect(m.rto?.seconds).toBeLessThan(1.2);
  });
});
