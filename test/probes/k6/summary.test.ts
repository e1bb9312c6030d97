import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseK6Summary } from '../../../src/probes/k6/summary.js';
import { K6_FIXTURES } from '../../_helpers/fake-k6.js';

const load = (name: string): unknown => JSON.parse(readFileSync(join(K6_FIXTURES, name), 'utf8'));

describe('k6 summary shapes', () => {
  it('reads handleSummary data: ok means passed', () => {
    const s = parseK6Summary(load('handle-summary-thresholds-failed.json'));
    expect(s?.shape).toBe('handle-summary');
    expect(s?.thresholds).toEqual({
      'http_req_duration: p(95)<500': false,
      'http_req_failed: rate<0.01': false,
      'iterations: count>10': true,
    });
    expect(s?.metrics.http_req_duration?.values['p(95)']).toBe(2000.311);
    expect(s?.metrics.http_req_failed?.type).toBe('rate');
    expect(s?.testRunDurationMs).toBe(10412.773);
    expect(s?.checks).toEqual([
      { name: 'body ok', passes: 60, fails: 40 },
      { name: 'status is 200', passes: 61, fails: 39 },
    ]);
  });

  it('reads --summary-export, whose threshold booleans are inverted (true = failed)', () => {
    const exp = parseK6Summary(load('summary-export-thresholds-failed.json'));
    const hs = parseK6Summary(load('handle-summary-thresholds-failed.json'));
    expect(exp?.shape).toBe('summary-export');
    // The twin fixtures describe the same run: the normalised verdicts must agree.
    expect(exp?.thresholds).toEqual(hs?.thresholds);
    expect(exp?.checks).toEqual(hs?.checks);
    expect(exp?.metrics.http_req_failed?.values).toEqual({ passes: 30, fails: 70, value: 0.3 });
  });

  it('reads the new machine-readable summary (no threshold results)', () => {
    const s = parseK6Summary(load('machine-readable-1.0.0.json'));
    expect(s?.shape).toBe('machine-readable');
    expect(s?.thresholds).toEqual({});
    expect(s?.metrics.http_reqs?.values.count).toBe(100);
    expect(s?.checks).toEqual([{ name: 'status is 200', passes: 61, fails: 39 }]);
  });

  it('rejects JSON that is not a k6 summary', () => {
    expect(parseK6Summary({ hello: 1 })).toBeNull();
    expect(parseK6Summary([1, 2])).toBeNull();
    expect(parseK6Summary(null)).toBeNull();
  });
});
