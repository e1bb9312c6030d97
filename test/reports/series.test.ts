import { describe, expect, it } from 'vitest';
import { buildSeries } from '../../src/reports/series.js';
import type { Sample, SampleFileHeader } from '../../src/run/samples.js';

const header: SampleFileHeader = {
  type: 'header',
  formatVersion: 1,
  probe: 'web',
  kind: 'http',
  intervalMs: 10,
  timeoutMs: 2000,
  t0: 0,
};

function sample(i: number, ok = true, latencyMs = 20): Sample {
  return {
    probe: 'web',
    seq: i,
    scheduled: i * 10,
    ok,
    latencyMs,
    serviceMs: latencyMs,
    status: ok ? 200 : null,
    error: ok ? null : 'timeout',
  };
}

describe('buildSeries', () => {
  it('keeps a single failure and a single spike visible among 100 000 samples', () => {
    // GIVEN a 1000 s run at 100/s with one failed sample and one slow ok sample
    const samples = Array.from({ length: 100_000 }, (_, i) => sample(i, i !== 50_000, i === 70_000 ? 900 : 20));
    // WHEN reduced to 600 columns
    const s = buildSeries({ header, samples }, { startMs: 0, endMs: 1_000_000 }, 600);
    // THEN the failure is in exactly one column and the spike is that column's max
    expect(s.buckets).toHaveLength(600);
    expect(s.buckets.reduce((n, b) => n + b.n, 0)).toBe(100_000);
    const failed = s.buckets.filter((b) => b.failed > 0);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.t0).toBeLessThanOrEqual(500_000);
    expect(failed[0]?.t1).toBeGreaterThan(500_000);
    expect(s.buckets.filter((b) => b.okMaxMs === 900)).toHaveLength(1);
    expect(s.maxOkMs).toBe(900);
    expect(Math.min(...s.buckets.map((b) => b.okMinMs ?? Number.POSITIVE_INFINITY))).toBe(20);
  });
});
