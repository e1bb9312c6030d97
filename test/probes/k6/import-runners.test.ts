import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/run/samples.js';
import { BASE_MS, OUTAGE, TIMEOUT_MS, writeRunnerFiles } from '../../_fixtures/k6/make-runners.js';
import { runCli } from '../../_helpers/cli.js';
import { measuredPhase, type RefSample, refPhase, refPhaseBounds, refRto } from '../../measurements/_reference.js';

interface RawPoint {
  metric: string;
  type: string;
  data: { time: string; value: number; tags: Record<string, string> | null };
}

/** RFC 3339 with nanoseconds and any zone, to epoch ms, without drillproof code. */
const epochMs = (t: string): number => {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t) as RegExpExecArray;
  return Date.parse(`${m[1]}${m[3]}`) + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
};

describe('import-k6 of several k6 runners (k6 operator parallel runs)', () => {
  const files = writeRunnerFiles(mkdtempSync(join(tmpdir(), 'dp-k6-runners-')));

  it('merges three runner files onto one timeline, keeping each runner, with per-phase percentiles equal to the union', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-k6-merged-'));
    const imp = await runCli(['import-k6', ...files, '--out', dir, '--timeout', '2s', '--json']);
    expect(imp.code).toBe(0);
    const result = JSON.parse(imp.stdout.trim().split('\n').at(-1) as string).data;
    expect(result.runners.map((r: { runner: string }) => r.runner)).toEqual([
      'k6-runner-1',
      'k6-runner-2',
      'k6-runner-3',
    ]);

    // The union of every runner's raw points, computed from the files alone.
    const union: (RefSample & { runner: string; dropped?: true })[] = [];
    for (const [i, f] of files.entries()) {
      const runner = `k6-runner-${i + 1}`;
      const pts = readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as RawPoint)
        .filter((p) => p.type === 'Point');
      for (const p of pts.filter((x) => x.metric === 'http_req_duration'))
        union.push({
          seq: union.length,
          runner,
          scheduled: epochMs(p.data.time) - p.data.value,
          ok: p.data.tags?.expected_response === 'true',
          latencyMs: p.data.tags?.error_code === '1050' ? Math.max(p.data.value, TIMEOUT_MS) : p.data.value,
        });
      for (const p of pts.filter((x) => x.metric === 'dropped_iterations'))
        for (let k = 0; k < p.data.value; k++)
          union.push({
            seq: union.length,
            runner,
            scheduled: epochMs(p.data.time),
            ok: false,
            latencyMs: TIMEOUT_MS,
            dropped: true,
          });
    }
    union.sort((a, b) => a.scheduled - b.scheduled);

    // The sample store: one file, start order, every sample naming its runner.
    const [, ...lines] = readFileSync(join(dir, 'samples', 'k6.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const samples = lines.map((l) => JSON.parse(l) as Sample);
    expect(samples).toHaveLength(union.length);
    expect(samples.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    for (let i = 1; i < samples.length; i++)
      expect((samples[i] as Sample).scheduled).toBeGreaterThanOrEqual((samples[i - 1] as Sample).scheduled);
    for (const r of ['k6-runner-1', 'k6-runner-2', 'k6-runner-3'])
      expect(samples.filter((s) => s.runner === r).length).toBe(union.filter((u) => u.runner === r).length);
    // Runners interleave on the merged timeline (not one file after the other).
    expect(new Set(samples.slice(0, 6).map((s) => s.runner)).size).toBe(3);

    const F = BASE_MS + OUTAGE.fromMs - 500;
    const a = await runCli(['analyze', dir, '--json', '--fault-at', String(F), '--window', '2s']);
    expect(a.code).toBe(0);
    const m = JSON.parse(a.stdout).probes.k6;

    // Δ of the merged load: the mean spacing of all request starts (dropped iterations are not requests).
    const starts = union.filter((u) => !('dropped' in u)).map((u) => u.scheduled);
    const delta = (Math.max(...starts) - Math.min(...starts)) / (starts.length - 1);
    const end = (union.at(-1) as RefSample).scheduled + delta;
    const rto = refRto(union, F, 2000, end);
    expect(rto.R).not.toBeNull();
    const R = rto.R as number;
    const first = (union[0] as RefSample).scheduled;
    for (const [phase, from, to] of refPhaseBounds(first, F, R, end)) {
      expect({ phase, ...measuredPhase(m.phases[phase]) }).toEqual({ phase, ...refPhase(union, from, to, TIMEOUT_MS) });
    }
    // The merged load is not any one runner's: the slow runner's latency shows in the union's P95 only in part.
    expect(m.phases.baseline.p95Ms).toBeGreaterThan(40);
    expect(m.phases.baseline.p50Ms).toBeLessThan(40);
    expect(m.rto.seconds).toBeCloseTo((R - F) / 1000, 6);
  });

  it('names an empty runner file instead of merging around it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-k6-merged-'));
    const empty = join(dir, 'k6-runner-4.ndjson');
    (await import('node:fs')).writeFileSync(
      empty,
      '{"type":"Metric","data":{"name":"vus","type":"gauge"},"metric":"vus"}\n',
    );
    const r = await runCli(['import-k6', ...files, empty, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('K6OutputEmpty');
    expect(r.stderr).toContain('k6-runner-4.ndjson');
  });
});
