import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6SampleConverter } from '../../../src/probes/k6/convert.js';
import { mapK6ErrorCode } from '../../../src/probes/k6/errors-map.js';
import { parseK6Line } from '../../../src/probes/k6/ndjson.js';
import type { Sample } from '../../../src/run/samples.js';
import { K6_FIXTURES } from '../../_helpers/fake-k6.js';

interface RawPoint {
  metric: string;
  type: string;
  data: { time: string; value: number; tags: Record<string, string> | null };
}

const raw = (name: string): RawPoint[] =>
  readFileSync(join(K6_FIXTURES, name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawPoint);

function convertAll(name: string, source: 'http' | 'wallclock', timeoutMs = 2000, clockOffsetMs = 0) {
  const conv = new K6SampleConverter({ probe: 'k6', source, timeoutMs, clockOffsetMs });
  const samples: Sample[] = [];
  for (const l of readFileSync(join(K6_FIXTURES, name), 'utf8').split('\n').filter(Boolean)) {
    const p = parseK6Line(l);
    if (p.ok) samples.push(...conv.convert(p.line));
  }
  return { samples, stats: conv.stats };
}

describe('k6 point → sample', () => {
  it('makes one sample per http_req_duration point, start = end − duration, ok from expected_response', () => {
    // GIVEN the outage fixture (status 0 failures, 503s, timeouts, dropped iterations)
    const points = raw('outage-v1.ndjson').filter((p) => p.type === 'Point' && p.metric === 'http_req_duration');
    // WHEN converted
    const { samples, stats } = convertAll('outage-v1.ndjson', 'http');
    const requests = samples.filter((s) => !s.late);
    // THEN every request point became a sample, in order, with independently derived fields
    expect(requests).toHaveLength(points.length);
    points.forEach((p, i) => {
      const s = requests[i] as Sample;
      const tags = p.data.tags ?? {};
      expect(s.ok).toBe(tags.expected_response === 'true');
      expect(s.scheduled).toBeCloseTo(Date.parse(p.data.time) - p.data.value, -0.5);
      expect(s.status).toBe(tags.status === '0' ? null : Number(tags.status));
      if (s.ok) expect(s.latencyMs).toBe(p.data.value);
    });
    expect(stats.failed).toBe(points.filter((p) => p.data.tags?.expected_response === 'false').length + 3);
    expect(stats.thresholds).toEqual({ http_req_duration: ['p(95)<500'], http_req_failed: ['rate<0.01'] });
  });

  it('maps k6 error codes to sample errors', () => {
    const { samples } = convertAll('outage-v1.ndjson', 'http');
    const byCode = new Map<string, Set<string | null>>();
    const points = raw('outage-v1.ndjson').filter((p) => p.type === 'Point' && p.metric === 'http_req_duration');
    points.forEach((p, i) => {
      const code = p.data.tags?.error_code ?? '-';
      const set = byCode.get(code) ?? new Set();
      set.add((samples.filter((s) => !s.late)[i] as Sample).error);
      byCode.set(code, set);
    });
    expect(Object.fromEntries([...byCode].map(([k, v]) => [k, [...v]]))).toEqual({
      '-': [null],
      '1212': ['refused'],
      '1503': ['http_status'],
      '1050': ['timeout'],
      '1211': ['timeout'],
    });
    // Timeouts are recorded at T; refused connections were never sent.
    const timeout = samples.find((s) => s.error === 'timeout') as Sample;
    expect(timeout.latencyMs).toBeGreaterThanOrEqual(2000);
    expect(samples.find((s) => s.error === 'refused')?.serviceMs).toBeNull();
    expect(samples.find((s) => s.error === 'refused')?.detail).toContain('connection refused');
  });

  it('counts dropped iterations as failed samples flagged late, at T', () => {
    const { samples, stats } = convertAll('outage-v1.ndjson', 'http');
    const late = samples.filter((s) => s.late);
    expect(stats.dropped).toBe(3);
    expect(late.map((s) => [s.ok, s.error, s.latencyMs, s.serviceMs])).toEqual(
      Array(3).fill([false, 'late', 2000, null]),
    );
    expect(late.map((s) => s.scheduled)).toEqual([4500, 4600, 4700].map((ms) => Date.UTC(2026, 10, 21, 10, 0, 0) + ms));
  });

  it('numbers samples in arrival order and tracks the first and last start', () => {
    const { samples, stats } = convertAll('healthy-v2.ndjson', 'http');
    expect(samples.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    expect(stats.firstScheduled).toBe(Math.min(...samples.map((s) => s.scheduled)));
    expect(stats.lastScheduled).toBe(Math.max(...samples.map((s) => s.scheduled)));
    expect(samples.every((s) => s.ok)).toBe(true);
  });

  it('uses the wall-clock Trend of generated scripts, not http_req_duration', () => {
    const points = raw('generated-run.ndjson').filter((p) => p.type === 'Point' && p.metric === 'drillproof_latency');
    const { samples } = convertAll('generated-run.ndjson', 'wallclock');
    expect(samples).toHaveLength(points.length);
    points.forEach((p, i) => {
      const s = samples[i] as Sample;
      expect(s.ok).toBe(p.data.tags?.ok === 'true');
      if (s.ok) expect(s.latencyMs).toBe(p.data.value);
      expect(s.scheduled).toBeCloseTo(Date.parse(p.data.time) - p.data.value, -0.5);
    });
  });

  it('moves k6 wall-clock times onto the run timeline by the measured drift', () => {
    const a = convertAll('healthy-v2.ndjson', 'http', 2000, 0).samples;
    const b = convertAll('healthy-v2.ndjson', 'http', 2000, 250).samples;
    expect(b.map((s) => s.scheduled)).toEqual(a.map((s) => s.scheduled - 250));
  });

  it('falls back to status 200–399 when expected_response is not tagged', () => {
    const conv = new K6SampleConverter({ probe: 'k6', source: 'http', timeoutMs: 1000 });
    const mk = (status: string, code?: string) =>
      conv.convert({
        type: 'Point',
        metric: 'http_req_duration',
        data: { time: '2026-11-21T10:00:00Z', value: 5, tags: { status, ...(code ? { error_code: code } : {}) } },
      })[0] as Sample;
    expect(mk('204').ok).toBe(true);
    expect(mk('302').ok).toBe(true);
    expect(mk('404', '1404')).toMatchObject({ ok: false, error: 'http_status' });
    expect(mk('0', '1101')).toMatchObject({ ok: false, error: 'dns', serviceMs: null });
  });

  it('error code table', () => {
    expect(mapK6ErrorCode(1300, null)).toBe('tls');
    expect(mapK6ErrorCode(1220, null)).toBe('reset');
    expect(mapK6ErrorCode(1100, null)).toBe('dns');
    expect(mapK6ErrorCode(1000, null)).toBe('other');
    expect(mapK6ErrorCode(1650, null)).toBe('other');
    expect(mapK6ErrorCode(0, 200)).toBe('http_status');
  });
});
