import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeDrill } from '../../src/experiments/analysis/drill.js';
import { analyzeRunDir } from '../../src/experiments/analysis/run-dir.js';
import { startProbes } from '../../src/probes/engine.js';
import type { HeartbeatProbeConfig } from '../../src/probes/kinds/heartbeat/runner.js';
import { startScenarioProbes } from '../../src/probes/session.js';
import type { Sample } from '../../src/run/samples.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { FlakyServer } from '../_helpers/flaky-server.js';
import { PgServer } from '../_helpers/pg.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let pgs: PgServer;

beforeAll(async () => {
  pgs = await PgServer.start();
});
afterAll(async () => {
  await pgs?.stop();
});

function heartbeat(name: string): HeartbeatProbeConfig {
  return {
    kind: 'postgres-heartbeat',
    name,
    intervalMs: 50,
    timeoutMs: 500,
    maxInFlight: 20,
    schema: 'drillproof',
    table: 'heartbeat',
    connection: { ...pgs.connection, password: { type: 'none' }, ssl: 'disable' },
    connectTimeoutMs: 300,
  };
}

function samplesOf(dir: string, probe: string): Sample[] {
  const text = gunzipSync(readFileSync(join(dir, 'samples', `${probe}.ndjson.gz`))).toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((o) => o.type !== 'header');
}

describe('postgres heartbeat against real PostgreSQL', () => {
  it('survives kill -9 and restart of the server; read-back finds every acknowledged write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-hb-'));
    const h = await startProbes({ probes: [heartbeat('hb')], outDir: dir, runId: 'run-kill' });
    await sleep(800);
    const F = h.clock.nowMs();
    await pgs.kill();
    await sleep(600);
    await pgs.boot();
    await sleep(1200);
    const res = await h.stop();
    expect(res.readbackErrors).toEqual([]);

    const samples = samplesOf(dir, 'hb');
    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged').map((s) => s.seq);
    const failedDuringOutage = samples.filter((s) => !s.ok && s.scheduled >= F);
    expect(failedDuringOutage.length).toBeGreaterThan(5);
    expect(samples.filter((s) => s.ok && s.scheduled > F + 700).length).toBeGreaterThan(10);
    const rows = await pgs.query<{ seq: string }>("select seq from drillproof.heartbeat where run_id = 'run-kill'");
    const inDb = new Set(rows.map((r) => Number(r.seq)));
    expect(acked.filter((s) => !inDb.has(s))).toEqual([]);

    const { measurements: m } = await analyzeRunDir(dir, { faultAtMs: F, allWindowMs: 500 });
    expect(m.rpo).toMatchObject({ kind: 'failover', seconds: 0, lostWrites: 0, acknowledgedWrites: acked.length });
    expect(m.rpo?.readBackWrites).toBe(inDb.size);
    expect(m.rto?.probe).toBe('hb');
    expect(m.rto?.seconds).toBeGreaterThan(0.5);
    expect(m.rto?.seconds).toBeLessThan(2);
  });

  it('reports rows deleted behind its back as lost writes with the right RPO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-hb-del-'));
    const h = await startProbes({ probes: [heartbeat('hb2')], outDir: dir, runId: 'run-del' });
    await sleep(1200);
    // Delete seqs 6..11 (acknowledged by now) as a failover to a lagging replica would lose them.
    await pgs.query("delete from drillproof.heartbeat where run_id = 'run-del' and seq between 6 and 11");
    await sleep(200);
    await h.stop();

    const samples = samplesOf(dir, 'hb2');
    const sentAt = new Map(samples.filter((s) => s.write).map((s) => [s.seq, s.write?.sentAt as number]));
    for (let s = 5; s <= 11; s++) expect(samples.find((x) => x.seq === s)?.write?.outcome).toBe('acknowledged');
    const { measurements: m } = await analyzeRunDir(dir);
    expect(m.rpo?.lostWrites).toBe(6);
    expect(m.rpo?.lostSeqs).toEqual([6, 7, 8, 9, 10, 11]);
    // RPO = sent_at(last lost: 11) − sent_at(last acknowledged survivor before it: 5).
    expect(m.rpo?.seconds).toBeCloseTo(((sentAt.get(11) as number) - (sentAt.get(5) as number)) / 1000, 6);
    expect(m.rpo?.seconds).toBeGreaterThan(0.25);
  });
});

describe('scenario probe session and drill analysis', () => {
  it('runs a scenario’s http and heartbeat probes on the run timeline and judges its objectives', async () => {
    const srv = await FlakyServer.start();
    const dir = mkdtempSync(join(tmpdir(), 'dp-session-'));
    const timeline = new AnchoredClock();
    try {
      const session = await startScenarioProbes({
        scenario: {
          probes: [
            { name: 'web', type: 'http', url: srv.url, rate: '20/s', timeout: '1s', recoveryWindow: '500ms' },
            {
              name: 'hb',
              type: 'postgres-heartbeat',
              interval: '100ms',
              timeout: '1s',
              connection: { ...pgs.connection, password: { env: 'PGPASSWORD' }, ssl: 'disable' },
            },
          ],
        },
        runDir: dir,
        runId: 'run-session',
        timeline,
        env: { PGPASSWORD: 'unused-with-trust-auth' },
      });
      expect(session.intervals()).toEqual({ web: 50, hb: 100 });
      let seen = 0;
      session.onSample(() => seen++);
      await sleep(500);
      const F = timeline.nowMs();
      const down = await srv.down('503');
      await sleep(600);
      const up = await srv.up();
      await sleep(900);
      await session.stop();
      expect(seen).toBeGreaterThan(30);
      const { measurements: m, objectives } = await analyzeDrill({
        runDir: dir,
        journal: [{ seq: 0, time: '', t: F, kind: 'fault.requested', data: {} }],
        scenario: {
          steps: { observe: { recovery: { probes: ['web'] } } },
          objectives: { rto: '5s', rpo: '0s', latency: [], availability: [], maxErrorRate: [] },
        },
      });
      expect(Math.abs((m.rto?.seconds as number) - (up - F) / 1000)).toBeLessThanOrEqual(0.1);
      expect(down - F).toBeLessThan(50);
      expect(m.rpo).toMatchObject({ probe: 'hb', seconds: 0, lostWrites: 0 });
      expect(objectives.map((o) => [o.name, o.ok])).toEqual([
        ['rto', true],
        ['rpo', true],
      ]);
    } finally {
      await srv.close();
    }
  });
});
