import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importK6Output } from '../../../src/probes/k6/import.js';
import type { Sample, SampleFileHeader } from '../../../src/run/samples.js';
import { runCli } from '../../_helpers/cli.js';
import { K6_FIXTURES } from '../../_helpers/fake-k6.js';
import { type RefSample, refPhase, refRto } from '../../measurements/_reference.js';

const fx = (n: string) => join(K6_FIXTURES, n);

/** Nearest-rank percentile (brief §3): the ceil(p/100 · N)-th smallest value. */
function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
}

interface RawPoint {
  metric: string;
  type: string;
  data: { time: string; value: number; tags: Record<string, string> | null };
}

/** Computed straight from the fixture lines, without any drillproof code. */
function expectedFromFixture(name: string, timeoutMs: number) {
  const pts = readFileSync(fx(name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawPoint)
    .filter((p) => p.type === 'Point');
  const req = pts.filter((p) => p.metric === 'http_req_duration');
  const dropped = pts.filter((p) => p.metric === 'dropped_iterations').reduce((n, p) => n + p.data.value, 0);
  const ok = req.filter((p) => p.data.tags?.expected_response === 'true').map((p) => p.data.value);
  const all = [...ok, ...Array(req.length - ok.length + dropped).fill(timeoutMs)];
  return {
    scheduled: req.length + dropped,
    ok: ok.length,
    p50: nearestRank(ok, 50),
    p95: nearestRank(ok, 95),
    p99: nearestRank(ok, 99),
    max: Math.max(...ok),
    p95All: nearestRank(all, 95),
    p50All: nearestRank(all, 50),
  };
}

function fromSamples(path: string, timeoutMs: number) {
  const [h, ...rest] = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(h as string) as SampleFileHeader;
  const samples = rest.map((l) => JSON.parse(l) as Sample);
  const ok = samples.filter((s) => s.ok).map((s) => s.latencyMs);
  const all = samples.map((s) => (s.ok ? s.latencyMs : timeoutMs));
  return {
    header,
    stats: {
      scheduled: samples.length,
      ok: ok.length,
      p50: nearestRank(ok, 50),
      p95: nearestRank(ok, 95),
      p99: nearestRank(ok, 99),
      max: Math.max(...ok),
      p95All: nearestRank(all, 95),
      p50All: nearestRank(all, 50),
    },
  };
}

describe('import-k6', () => {
  it('turns http_req_duration points into samples whose percentiles match the fixture', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-imp-'));
    const r = await importK6Output({ input: fx('outage-v1.ndjson'), outDir, timeoutMs: 2000 });
    expect(r).toMatchObject({ source: 'http', dropped: 3, badLines: 0, timeoutMs: 2000 });
    const got = fromSamples(r.samplesPath, 2000);
    const want = expectedFromFixture('outage-v1.ndjson', 2000);
    expect(got.stats).toEqual(want);
    expect(want.p95All).toBe(2000); // 33 % failures: the honest P95 is the timeout
    expect(got.header).toMatchObject({ type: 'header', kind: 'k6', probe: 'k6', timeoutMs: 2000 });
    expect(got.header.intervalMs).toBeGreaterThan(90);
    expect(got.header.intervalMs).toBeLessThan(110);
    const meta = JSON.parse(readFileSync(join(outDir, 'k6', 'import.json'), 'utf8'));
    expect(meta).toMatchObject({ input: 'outage-v1.ndjson', samplesPath: 'samples/k6.ndjson', samples: r.samples });
    expect(meta.inputSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a gzipped output file the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-k6-gz-'));
    const gz = join(dir, 'k6-output.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(fx('outage-v1.ndjson'))));
    const a = await importK6Output({ input: gz, outDir: join(dir, 'a'), timeoutMs: 2000 });
    const b = await importK6Output({ input: fx('outage-v1.ndjson'), outDir: join(dir, 'b'), timeoutMs: 2000 });
    expect(readFileSync(a.samplesPath, 'utf8')).toBe(readFileSync(b.samplesPath, 'utf8'));
  });

  it('picks the wall-clock Trend of a drillproof-generated run automatically', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-imp-'));
    const r = await importK6Output({ input: fx('generated-run.ndjson'), outDir });
    expect(r.source).toBe('wallclock');
    const forced = await importK6Output({
      input: fx('generated-run.ndjson'),
      outDir: join(outDir, 'h'),
      source: 'http',
    });
    expect(forced.source).toBe('http');
    expect(forced.samples).toBe(r.samples);
  });

  it('rejects a file without per-request points', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-imp-'));
    await expect(importK6Output({ input: fx('summary-export-thresholds-failed.json'), outDir })).rejects.toMatchObject({
      code: 'K6OutputEmpty',
    });
  });
});

describe('drillproof import-k6', () => {
  it('writes the sample store and reports what it read', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-cli-'));
    const r = await runCli(['import-k6', fx('outage-v1.ndjson'), '--out', outDir, '--timeout', '2s']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported 103 samples \(33 failed, 3 dropped iterations\) from http_req_duration points/);
    expect(fromSamples(join(outDir, 'samples', 'k6.ndjson'), 2000).stats).toEqual(
      expectedFromFixture('outage-v1.ndjson', 2000),
    );
  });

  it('prints JSON with --json and fails with exit 2 on a missing file or bad flag', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-cli-'));
    const j = await runCli(['import-k6', fx('healthy-v2.ndjson'), '--out', outDir, '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout.trim())).toMatchObject({ code: 'DP_K6_I0003', data: { samples: 40, failed: 0 } });
    const missing = await runCli(['import-k6', join(outDir, 'nope.json'), '--out', outDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error [K6OutputNotFound]');
    const bad = await runCli(['import-k6', fx('healthy-v2.ndjson'), '--out', outDir, '--timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timeout "soon" is not a duration');
  });
});

describe('import-k6 then analyze', () => {
  /** RFC 3339 → epoch ms keeping sub-millisecond digits, written apart from src's parser. */
  const epochMs = (t: string): number => {
    const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t) as RegExpExecArray;
    return Date.parse(`${m[1]}${m[3]}`) + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
  };

  it('per-phase percentiles and RTO equal an independent computation over the http_req_duration points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-k6-analyze-'));
    // GIVEN the outage fixture imported with T = 2 s
    expect((await runCli(['import-k6', fx('outage-v1.ndjson'), '--out', dir, '--timeout', '2s'])).code).toBe(0);
    // WHEN analyze runs with F half a second before the outage and W = 2 s
    const F = Date.UTC(2026, 10, 21, 10, 0, 2, 500);
    const a = await runCli(['analyze', dir, '--json', '--fault-at', String(F), '--window', '2s']);
    expect(a.code).toBe(0);
    const m = JSON.parse(a.stdout).probes.k6;

    // THEN every number matches the reference definitions applied to the raw k6 lines
    const raw = readFileSync(fx('outage-v1.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RawPoint)
      .filter((p) => p.type === 'Point');
    const requests: RefSample[] = raw
      .filter((p) => p.metric === 'http_req_duration')
      .map((p, i) => ({
        seq: i,
        scheduled: epochMs(p.data.time) - p.data.value,
        ok: p.data.tags?.expected_response === 'true',
        latencyMs: p.data.value,
      }));
    const dropped: RefSample[] = raw
      .filter((p) => p.metric === 'dropped_iterations')
      .map((p, i) => ({ seq: 1000 + i, scheduled: epochMs(p.data.time), ok: false, latencyMs: 2000 }));
    const all = [...requests, ...dropped].sort((x, y) => x.scheduled - y.scheduled);
    const starts = requests.map((r) => r.scheduled);
    const delta = (Math.max(...starts) - Math.min(...starts)) / (starts.length - 1);
    const end = (all.at(-1) as RefSample).scheduled + delta;
    const rto = refRto(all, F, 2000, end);
    expect(rto.R).not.toBeNull();
    const R = rto.R as number;
    const first = (all[0] as RefSample).scheduled;
    for (const [phase, from, to] of [
      ['baseline', first, F],
      ['fault', F, R],
      ['recovery', R, end],
      ['all', first, end],
    ] as const) {
      const want = refPhase(all, from, to, 2000);
      const got = m.phases[phase];
      expect({
        phase,
        n: got.scheduled,
        ok: got.ok,
        p50: got.p50Ms,
        p95: got.p95Ms,
        p99: got.p99Ms,
        max: got.maxMs,
      }).toEqual({
        phase,
        n: want.scheduled,
        ok: want.ok,
        p50: want.p50,
        p95: want.p95,
        p99: want.p99,
        max: want.max,
      });
      expect([got.p50WithFailuresMs, got.p95WithFailuresMs, got.p99WithFailuresMs, got.maxWithFailuresMs]).toEqual([
        want.p50All,
        want.p95All,
        want.p99All,
        want.maxAll,
      ]);
    }
    expect(m.rto.seconds).toBeCloseTo((R - F) / 1000, 9);
    expect(m.phases.fault.failed).toBe(33);
    expect(m.phases.fault.p95WithFailuresMs).toBe(2000);
  });
});
