import { describe, expect, it } from 'vitest';
import { LiveProbeWindow } from '../../src/probes/live.js';
import type { Sample } from '../../src/run/samples.js';

const t0 = 1_800_000_000_000;
const s = (seq: number, ok: boolean, latencyMs: number, intervalMs = 100): Sample => ({
  probe: 'p',
  seq,
  scheduled: t0 + seq * intervalMs,
  ok,
  latencyMs,
  serviceMs: null,
  status: null,
  error: ok ? null : 'refused',
});

describe('live probe window (display only)', () => {
  it('rate, ok ratio and HDR P95 over the last 10 s; current outage', () => {
    const w = new LiveProbeWindow('p', t0);
    // 200 samples over 20 s: the first 100 at 1000 ms, the last 100 at 1..100 ms.
    for (let i = 0; i < 200; i++) w.record(s(i, true, i < 100 ? 1000 : i - 99));
    const st = w.stats(t0 + 20_000);
    expect(st.ratePerSecond).toBe(10);
    expect(st.okRatio).toBe(1);
    // Last 10 s: latencies 1..100 ms → P95 = 95 ms within 3 significant digits.
    expect(st.p95Ms).toBeGreaterThanOrEqual(95);
    expect(st.p95Ms).toBeLessThan(95.1);
    expect(st.outageSinceMs).toBeNull();
    w.record(s(200, false, 1000));
    w.record(s(201, false, 1000));
    expect(w.stats(t0 + 20_200).outageSinceMs).toBe(t0 + 20_000);
    w.record(s(202, true, 5));
    expect(w.stats(t0 + 20_300).outageSinceMs).toBeNull();
  });

  it('rate during the first seconds uses the elapsed time', () => {
    const w = new LiveProbeWindow('p', t0);
    for (let i = 0; i < 20; i++) w.record(s(i, true, 1, 50));
    expect(w.stats(t0 + 1000).ratePerSecond).toBe(20);
  });

  it('error rate over a window of scheduled time', () => {
    const w = new LiveProbeWindow('p', t0);
    for (let i = 0; i < 50; i++) w.record(s(i, i >= 40, 1));
    // (4.9 s − 1 s, 4.9 s]: seq 40..49 ok → 0; (4.9 − 2 s, 4.9]: seq 30..49 → 10 of 20 failed.
    expect(w.errorRate(t0 + 4900, 1000)).toEqual({ rate: 0, samples: 10 });
    expect(w.errorRate(t0 + 4900, 2000)).toEqual({ rate: 0.5, samples: 20 });
    expect(w.errorRate(t0 + 100_000, 1000)).toEqual({ rate: null, samples: 0 });
  });
});
