import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/run/measurements.js';
import type { Sample } from '../../src/run/samples.js';
import { runCli } from '../_helpers/cli.js';
import { type DownMode, FlakyServer } from '../_helpers/flaky-server.js';
import { refPhase, refRto } from '../measurements/_reference.js';

const INTERVAL_MS = 100;
const TIMEOUT_MS = 2000;
const WINDOW_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Tests run concurrently: each closes only its own server.
const servers: FlakyServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(): Promise<FlakyServer> {
  const s = await FlakyServer.start();
  servers.push(s);
  return s;
}

async function samplesFlowing(dir: string): Promise<void> {
  const file = join(dir, 'samples', 'http.ndjson');
  const start = Date.now();
  while (!(existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 2)) {
    if (Date.now() - start > 20_000) throw new Error('probe did not start');
    await sleep(10);
  }
}

function readSamples(dir: string): Sample[] {
  const files = readdirSync(join(dir, 'samples'));
  const f = files.find((x) => x.startsWith('http.ndjson')) as string;
  const raw = readFileSync(join(dir, 'samples', f));
  const text = f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((o) => o.type !== 'header');
}

/** probe for `totalMs`; the server goes down at `downAfterMs` for `downForMs` (null = never back). */
async function drill(mode: DownMode, downAfterMs: number, downForMs: number | null, totalMs: number) {
  const srv = await server();
  const dir = mkdtempSync(join(tmpdir(), `dp-outage-${mode}-`));
  const probe = runCli([
    'probe',
    srv.url,
    '--rate',
    `${1000 / INTERVAL_MS}/s`,
    '--timeout',
    `${TIMEOUT_MS}ms`,
    '--duration',
    `${totalMs}ms`,
    '--out',
    dir,
  ]);
  // The schedule below is relative to the first samples: on a busy machine the command may take
  // a while to start.
  await samplesFlowing(dir);
  await sleep(downAfterMs);
  const down = await srv.down(mode);
  let up: number | null = null;
  if (downForMs !== null) {
    await sleep(downForMs);
    up = await srv.up();
  }
  const p = await probe;
  expect(p.code, p.stderr).toBe(0);
  const a = await runCli(['analyze', dir, '--fault-at', String(down), '--window', `${WINDOW_MS}ms`, '--json']);
  expect(a.code, a.stderr).toBe(0);
  const m = JSON.parse(a.stdout) as Measurements;
  expect(JSON.parse(readFileSync(join(dir, 'measurements.json'), 'utf8'))).toEqual(m);
  return { m, down, up, dir };
}

describe.concurrent('probe + analyze against a server that goes down for a known time', () => {
  it.each(['refuse', 'reset', '503', 'hang'] as const)(
    'RTO within one interval + 50 ms of the truth when the server goes down with %s',
    async (mode) => {
      const { m, down, up, dir } = await drill(mode, 400, 1200, 4000);
      const truth = ((up as number) - down) / 1000;
      const around = readSamples(dir)
        .filter((s) => Math.abs(s.scheduled - (up as number)) < 500)
        .sort((a, b) => a.seq - b.seq)
        .map((s) => [
          Math.round(s.scheduled - (up as number)),
          s.ok,
          s.error,
          Math.round(s.latencyMs),
          s.late ?? false,
        ]);
      const why = `truth ${truth}, measured ${m.rto?.seconds}; samples around up: ${JSON.stringify(around)}`;
      if (process.env.DRILLPROOF_TEST_VERBOSE) console.log(mode, { truth, rto: m.rto?.seconds });
      expect(m.rto?.noOutage).toBe(false);
      expect(m.rto?.seconds, why).not.toBeNull();
      expect(Math.abs((m.rto?.seconds as number) - truth), why).toBeLessThanOrEqual((INTERVAL_MS + 50) / 1000);
      expect(m.rto?.resolutionSeconds).toBe(INTERVAL_MS / 1000);
      // The outage is seen at once: the first sample after F fails.
      expect(m.rto?.timeToDetectSeconds as number).toBeLessThanOrEqual((INTERVAL_MS + 50) / 1000);
      const fault = m.probes.http?.phases.fault;
      expect(fault?.availability).toBeLessThan(0.2);
      if (mode === 'hang') expect(fault?.p95WithFailuresMs).toBe(TIMEOUT_MS);
    },
  );

  it('reports RTO 0 with noOutage when nothing fails after F', async () => {
    const srv = await server();
    const dir = mkdtempSync(join(tmpdir(), 'dp-outage-none-'));
    const p = await runCli([
      'probe',
      srv.url,
      // 5/s: a slot counts as late only after 200 ms, so a busy machine does not fake an outage.
      '--rate',
      '5/s',
      '--timeout',
      '5s',
      '--duration',
      '2s',
      '--out',
      dir,
    ]);
    expect(p.code, p.stderr).toBe(0);
    const samples = readSamples(dir);
    const F = (samples[4] as Sample).scheduled - 1;
    const a = await runCli(['analyze', dir, '--fault-at', String(F), '--window', '500ms', '--json']);
    const m = JSON.parse(a.stdout) as Measurements;
    const failed = samples.filter((s) => s.scheduled >= F && !s.ok);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(m.rto).toMatchObject({ seconds: 0, noOutage: true, flaps: 0, failedTimeSeconds: 0 });
    expect(m.probes.http?.phases.recovery.scheduled).toBe(samples.filter((s) => s.scheduled >= F).length);
  });

  it('reports RTO null (never 0) when the server never comes back', async () => {
    const { m } = await drill('refuse', 400, null, 1800);
    expect(m.rto?.seconds).toBeNull();
    expect(m.rto?.noOutage).toBe(false);
    expect(m.rto?.recoveredAt).toBeNull();
    expect(m.probes.http?.phases.recovery.scheduled).toBe(0);
  });

  it('reports percentiles equal to a reference computed from the raw NDJSON', async () => {
    const { m, down, dir } = await drill('503', 400, 700, 3000);
    const samples = readSamples(dir).map((s) => ({
      seq: s.seq,
      scheduled: s.scheduled,
      ok: s.ok,
      latencyMs: s.latencyMs,
    }));
    const end = Math.max(...samples.map((s) => s.scheduled)) + INTERVAL_MS;
    const first = Math.min(...samples.map((s) => s.scheduled));
    const ref = refRto(samples, down, WINDOW_MS, end);
    expect(ref.R).not.toBeNull();
    const R = ref.R as number;
    const phases = { baseline: [first, down], fault: [down, R], recovery: [R, end], all: [first, end] } as const;
    for (const [name, [from, to]] of Object.entries(phases)) {
      const got = m.probes.http?.phases[name as keyof typeof phases];
      const want = refPhase(samples, from, to, TIMEOUT_MS);
      expect(got, name).toMatchObject({
        scheduled: want.scheduled,
        ok: want.ok,
        p50Ms: want.p50,
        p95Ms: want.p95,
        p99Ms: want.p99,
        maxMs: want.max,
        p50WithFailuresMs: want.p50All,
        p95WithFailuresMs: want.p95All,
        p99WithFailuresMs: want.p99All,
        maxWithFailuresMs: want.maxAll,
      });
    }
  });
});
