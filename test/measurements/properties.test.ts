import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMeasurements } from '../../src/measurements/compute.js';
import { nearestRank } from '../../src/measurements/percentiles.js';
import { failoverRpo } from '../../src/measurements/rpo.js';
import { computeRto } from '../../src/measurements/rto.js';
import { seriesFromSamples } from '../../src/measurements/series.js';
import type { Sample } from '../../src/run/samples.js';
import { type RefSample, refPercentile, refPhase, refResolution, refRto } from './_reference.js';

const T = 1000;

/** Random runs of ok / failed samples on a Δ grid, some seqs missing, random latencies. */
const scenario = fc
  .record({
    intervalMs: fc.constantFrom(10, 50, 100, 250),
    runs: fc.array(fc.record({ ok: fc.boolean(), len: fc.integer({ min: 1, max: 40 }) }), {
      minLength: 1,
      maxLength: 12,
    }),
    latencies: fc.array(fc.double({ min: 0.01, max: 900, noNaN: true }), { minLength: 1, maxLength: 50 }),
    dropEvery: fc.constantFrom(0, 0, 7, 13),
    faultFrac: fc.double({ min: -0.1, max: 1.1, noNaN: true }),
    windowSlots: fc.integer({ min: 1, max: 30 }),
  })
  .map(({ intervalMs, runs, latencies, dropEvery, faultFrac, windowSlots }) => {
    const t0 = 1_800_000_000_000;
    const samples: RefSample[] = [];
    let seq = 0;
    for (const r of runs) {
      for (let k = 0; k < r.len; k++, seq++) {
        if (dropEvery && seq % dropEvery === 3) continue;
        samples.push({
          seq,
          scheduled: t0 + seq * intervalMs,
          ok: r.ok,
          latencyMs: r.ok ? (latencies[seq % latencies.length] as number) : T,
        });
      }
    }
    const end = t0 + seq * intervalMs;
    const F = t0 + Math.round(faultFrac * seq) * intervalMs + (seq % 3 === 0 ? intervalMs / 2 : 0);
    return { intervalMs, t0, samples, end, F, W: windowSlots * intervalMs };
  });

function toSamples(xs: RefSample[]): Sample[] {
  // Completion order is not schedule order: shuffle deterministically.
  const out = xs.map(
    (s): Sample => ({
      probe: 'p',
      seq: s.seq,
      scheduled: s.scheduled,
      ok: s.ok,
      latencyMs: s.latencyMs,
      serviceMs: null,
      status: s.ok ? 200 : null,
      error: s.ok ? null : 'refused',
    }),
  );
  return out.sort((a, b) => ((a.seq * 7919) % 101) - ((b.seq * 7919) % 101));
}

describe('measurements against an independent reference', () => {
  it('nearest-rank percentile equals the counting definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(0, 1, 25, 50, 90, 95, 99, 99.9, 100),
        (values, p) => {
          const sorted = Float64Array.from(values).sort();
          expect(nearestRank(sorted, p)).toBe(refPercentile(values, p));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('RTO, outage start, failed time and flaps equal the reference', () => {
    fc.assert(
      fc.property(scenario, ({ intervalMs, t0, samples, end, F, W }) => {
        const series = seriesFromSamples(
          { probe: 'p', kind: 'http', intervalMs, timeoutMs: T, t0 },
          toSamples(samples),
        );
        const got = computeRto(series, F, { windowMs: W, endMs: end });
        const ref = refRto(samples, F, W, end);
        expect(got.result.noOutage).toBe(ref.noOutage);
        expect(got.outageStartMs).toBe(ref.S);
        expect(got.recoveredMs).toBe(ref.R);
        expect(got.result.seconds).toBe(ref.R === null ? null : (ref.R - F) / 1000);
        expect(got.result.failedTimeSeconds).toBeCloseTo((ref.failedAfterF * intervalMs) / 1000, 9);
        expect(got.result.flaps).toBe(ref.runs);
        const resolution =
          ref.R !== null && ref.S !== null ? refResolution(samples, ref.S, ref.R, intervalMs) : intervalMs;
        expect(got.result.resolutionSeconds).toBe(resolution / 1000);
      }),
      { numRuns: 400 },
    );
  });

  it('the resolution of a sparse outage (a failure every k-th sample, k varying) equals the reference', () => {
    const sparse = fc
      .record({
        intervalMs: fc.constantFrom(10, 50, 100),
        every: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 9 }),
        lead: fc.integer({ min: 0, max: 20 }),
      })
      .map(({ intervalMs, every, lead }) => {
        const t0 = 1_800_000_000_000;
        const failedSeqs = new Set<number>();
        let seq = lead + 2;
        for (const k of every) {
          failedSeqs.add(seq);
          seq += k;
        }
        const n = seq + 200;
        const samples: RefSample[] = [];
        for (let q = 0; q < n; q++) {
          samples.push({ seq: q, scheduled: t0 + q * intervalMs, ok: !failedSeqs.has(q), latencyMs: 5 });
        }
        return { intervalMs, t0, samples, end: t0 + n * intervalMs, F: t0 + lead * intervalMs };
      });
    fc.assert(
      fc.property(sparse, ({ intervalMs, t0, samples, end, F }) => {
        const series = seriesFromSamples(
          { probe: 'p', kind: 'http', intervalMs, timeoutMs: T, t0 },
          toSamples(samples),
        );
        const W = 100 * intervalMs;
        const got = computeRto(series, F, { windowMs: W, endMs: end });
        const ref = refRto(samples, F, W, end);
        expect(ref.R).not.toBeNull();
        expect(got.result.resolutionSeconds).toBe(
          refResolution(samples, ref.S as number, ref.R as number, intervalMs) / 1000,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('per-phase counts, availability and both percentile flavours equal the reference', () => {
    fc.assert(
      fc.property(scenario, ({ intervalMs, t0, samples, end, F, W }) => {
        const series = seriesFromSamples(
          { probe: 'p', kind: 'http', intervalMs, timeoutMs: T, t0 },
          toSamples(samples),
        );
        const m = computeMeasurements({ series: [series], faultMs: F, endMs: end, allWindowMs: W });
        const ref = refRto(samples, F, W, end);
        const first = Math.min(t0, samples[0]?.scheduled ?? t0);
        const Fc = Math.min(Math.max(F, first), end);
        const R = ref.R === null ? end : Math.min(Math.max(ref.R, Fc), end);
        const phases = {
          baseline: [first, Fc],
          fault: [Fc, R],
          recovery: ref.R === null ? [end, end] : [R, end],
          all: [first, end],
        } as const;
        for (const [name, [from, to]] of Object.entries(phases)) {
          const got = m.probes.p?.phases[name as keyof typeof phases];
          const want = refPhase(samples, from, to, T);
          expect(got?.scheduled, name).toBe(want.scheduled);
          expect(got?.ok, name).toBe(want.ok);
          expect(got?.availability, name).toBe(want.scheduled ? want.ok / want.scheduled : null);
          expect([got?.p50Ms, got?.p95Ms, got?.p99Ms, got?.maxMs], name).toEqual([
            want.p50,
            want.p95,
            want.p99,
            want.max,
          ]);
          expect(
            [got?.p50WithFailuresMs, got?.p95WithFailuresMs, got?.p99WithFailuresMs, got?.maxWithFailuresMs],
            name,
          ).toEqual([want.p50All, want.p95All, want.p99All, want.maxAll]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('failover RPO against an independent reference', () => {
  it('lost writes and the loss window equal a naive set computation', () => {
    const writes = fc.array(
      fc.record({ outcome: fc.constantFrom('acknowledged', 'indeterminate', 'none'), readBack: fc.boolean() }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(writes, fc.integer({ min: 1, max: 500 }), (ws, dt) => {
        const t0 = 1_800_000_000_000;
        const samples: Sample[] = ws.map((w, seq) => ({
          probe: 'hb',
          seq,
          scheduled: t0 + seq * dt,
          ok: w.outcome === 'acknowledged',
          latencyMs: 1,
          serviceMs: null,
          status: null,
          error: w.outcome === 'acknowledged' ? null : 'timeout',
          ...(w.outcome === 'none'
            ? {}
            : { write: { outcome: w.outcome as 'acknowledged', sentAt: t0 + seq * dt + 1 } }),
        }));
        const read = ws.flatMap((w, seq) => (w.readBack && w.outcome !== 'none' ? [seq] : []));
        const hb = seriesFromSamples(
          { probe: 'hb', kind: 'postgres-heartbeat', intervalMs: dt, timeoutMs: 1000, t0 },
          samples,
        );
        const got = failoverRpo(hb, {
          probe: 'hb',
          runId: 'r',
          readAt: 0,
          source: 's',
          seqs: read,
          sentAt: read.map((q) => t0 + q * dt + 1),
        });
        // Reference: plain arrays.
        const acked = ws.flatMap((w, seq) => (w.outcome === 'acknowledged' ? [seq] : []));
        const lost = acked.filter((q) => !read.includes(q));
        let want = 0;
        if (lost.length) {
          const last = Math.max(...lost);
          const survivors = acked.filter((q) => q < last && read.includes(q));
          const from = survivors.length ? Math.max(...survivors) : Math.min(...acked);
          want = ((last - from) * dt) / 1000;
        }
        expect(got.lostSeqs).toEqual(lost);
        expect(got.lostWrites).toBe(lost.length);
        expect(got.acknowledgedWrites).toBe(acked.length);
        expect(got.indeterminateWrites).toBe(ws.filter((w) => w.outcome === 'indeterminate').length);
        expect(got.seconds).toBeCloseTo(want, 9);
      }),
      { numRuns: 300 },
    );
  });
});
