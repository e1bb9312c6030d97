import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, parseK6Line, rfc3339ToEpochMs } from '../../../src/probes/k6/ndjson.js';
import { K6_FIXTURES } from '../../_helpers/fake-k6.js';

const fixture = (name: string) => readFileSync(join(K6_FIXTURES, name), 'utf8');

describe('k6 NDJSON lines', () => {
  it.each(['healthy-v2.ndjson', 'outage-v1.ndjson', 'generated-run.ndjson'])('parses every line of %s', (name) => {
    const lines = fixture(name).split('\n').filter(Boolean);
    const parsed = lines.map(parseK6Line);
    expect(parsed.filter((p) => !p.ok)).toEqual([]);
    expect(parsed.some((p) => p.ok && p.line.type === 'Metric')).toBe(true);
  });

  it('accepts the legacy metric line with tainted and without data.name, and null tags', () => {
    const legacy = parseK6Line(
      '{"type":"Metric","data":{"type":"counter","contains":"default","tainted":null,"thresholds":[],"submetrics":null},"metric":"http_reqs"}',
    );
    expect(legacy.ok && legacy.line.type === 'Metric' && legacy.line.metric).toBe('http_reqs');
    const vus = parseK6Line(
      '{"metric":"vus","type":"Point","data":{"time":"2026-11-21T10:00:00Z","value":1,"tags":null}}',
    );
    expect(vus.ok && vus.line.type === 'Point' && vus.line.data.tags).toBeNull();
  });

  it('reports malformed lines instead of throwing', () => {
    expect(parseK6Line('{"metric":"x","type":"Point","data":{"time":"2026-11-21T10:00:00Z","val')).toEqual({
      ok: false,
      reason: 'not JSON',
    });
    expect(parseK6Line('{"metric":"x","type":"Sample","data":{}}')).toMatchObject({ ok: false });
    expect(parseK6Line('{"metric":"x","type":"Point","data":{"time":"t"}}')).toMatchObject({ ok: false });
    expect(parseK6Line('42')).toMatchObject({ ok: false });
  });
});

describe('rfc3339ToEpochMs', () => {
  it('keeps nanoseconds as a fraction and applies offsets', () => {
    expect(rfc3339ToEpochMs('2026-11-21T10:00:00Z')).toBe(Date.UTC(2026, 10, 21, 10, 0, 0));
    expect(rfc3339ToEpochMs('2026-11-21T10:00:00.5Z')).toBe(Date.UTC(2026, 10, 21, 10, 0, 0) + 500);
    const v = rfc3339ToEpochMs('2026-11-21T12:00:05.000873923+02:00');
    expect(v - Date.UTC(2026, 10, 21, 10, 0, 5)).toBeCloseTo(0.873923, 3);
    expect(rfc3339ToEpochMs('2026-11-21T04:30:00-05:30')).toBe(Date.UTC(2026, 10, 21, 10, 0, 0));
    expect(rfc3339ToEpochMs('yesterday')).toBeNaN();
  });
});

describe('LineSplitter', () => {
  it('keeps a split last line until its newline arrives', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.pending).toBe('{"b"');
    expect(s.push(':2}')).toEqual([]);
    expect(s.push('\n')).toEqual(['{"b":2}']);
    expect(s.flush()).toEqual([]);
  });

  it('returns an unterminated final line on flush', () => {
    const s = new LineSplitter();
    s.push('{"a":1}\n{"b":2}');
    expect(s.flush()).toEqual(['{"b":2}']);
  });

  it('reassembles a multi-byte character split across chunks', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('{"error":"dial tcp: ünreachable"}\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(s.push(bytes.subarray(0, cut))).toEqual([]);
    expect(s.push(bytes.subarray(cut))).toEqual(['{"error":"dial tcp: ünreachable"}']);
  });

  it('yields the same lines however the fixture is chunked', () => {
    const bytes = Buffer.from(fixture('outage-v1.ndjson'));
    const expected = bytes.toString('utf8').split('\n').filter(Boolean);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const s = new LineSplitter();
        const out: string[] = [];
        let prev = 0;
        for (const c of [...points, bytes.length]) {
          out.push(...s.push(bytes.subarray(prev, c)));
          prev = c;
        }
        out.push(...s.flush());
        expect(out).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
