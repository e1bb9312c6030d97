import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMeasurements } from '../../src/measurements/compute.js';
import { seriesFromSamples } from '../../src/measurements/series.js';
import type { PhaseStats } from '../../src/run/measurements.js';
import type { Sample } from '../../src/run/samples.js';

/**
 * docs/measurements.md §13: every count and percentile of a probe can be recomputed from its raw
 * samples and the boundaries the measurements report (F, R, end). The recomputation here is
 * written from the definitions, independently of src/measurements.
 */
const T = 2000;

interface Raw {
  scheduled: number;
  ok: boolean;
  latencyMs: number;
}

/** Nearest rank: the value at rank ⌈p·n/100⌉ of the ascending values (integer arithmetic). */
function rankValue(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.floor((p * values.length + 99) / 100));
  return sorted[rank - 1] as number;
}

function stats(xs: Raw[]): Omit<PhaseStats, 'startMs' | 'endMs'> {
  const ok = xs.filter((x) => x.ok).map((x) => x.latencyMs);
  const all = xs.map((x) => (x.ok ? x.latencyMs : T));
  return {
    scheduled: xs.length,
    ok: ok.length,
    failed: xs.length - ok.length,
    availability: xs.length ? ok.length / xs.length : null,
    p50Ms: rankValue(ok, 50),
    p95Ms: rankValue(ok, 95),
    p99Ms: rankValue(ok, 99),
    maxMs: rankValue(ok, 100),
    p50WithFailuresMs: rankValue(all, 50),
    p95WithFailuresMs: rankValue(all, 95),
    p99WithFailuresMs: rankValue(all, 99),
    maxWithFailuresMs: rankValue(all, 100),
  };
}

/** The phases from the reported boundaries only: baseline < F ≤ fault < R ≤ recovery. */
function recompute(xs: Raw[], F: number, R: number | null, end: number) {
  const inRun = xs.filter((x) => x.scheduled < end);
  const faultEnd = R ?? end;
  return {
    baseline: stats(inRun.filter((x) => x.scheduled < F)),
    fault: stats(inRun.filter((x) => x.scheduled >= F && x.scheduled < faultEnd)),
    recovery: stats(R === null ? [] : inRun.filter((x) => x.scheduled >= R)),
    all: stats(inRun),
  };
}

const probe = fc.record({
  // Fractional intervals and origins: scheduled times carry fractions of a millisecond.
  intervalMs: fc.constantFrom(20, 33.3333, 50, 62.5, 100, 200),
  originFrac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  slots: fc.integer({ min: 80, max: 400 }),
  outages: fc.array(
    fc.record({ at: fc.double({ min: 0, max: 0.8, noNaN: true }), len: fc.integer({ min: 1, max: 25 }) }),
    {
      minLength: 0,
      maxLength: 3,
    },
  ),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

const run = fc.record({
  probes: fc.array(probe, { minLength: 1, maxLength: 3 }),
  // F anywhere in the first half, at any phase offset against every probe's grid.
  faultFrac: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
  faultOffsetMs: fc.double({ min: 0, max: 250, noNaN: true }),
});

type ProbeCase = typeof probe extends fc.Arbitrary<infer P> ? P : never;

function makeSamples(p: ProbeCase, t0: number, F: number, name: string): Sample[] {
  let s = p.seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const span = p.slots * p.intervalMs;
  const out: Sample[] = [];
  for (let i = 0; i < p.slots; i++) {
    const scheduled = t0 + p.originFrac + i * p.intervalMs;
    const down = p.outages.some((o) => {
      const start = F + o.at * (t0 + span - F);
      return scheduled >= start && scheduled < start + o.len * p.intervalMs;
    });
    const ok = !down;
    const latencyMs = ok ? Math.round((3 + rand() * 80 + (rand() < 0.05 ? rand() * 900 : 0)) * 1000) / 1000 : T;
    out.push({
      probe: name,
      seq: i,
      scheduled,
      ok,
      latencyMs,
      serviceMs: null,
      status: ok ? 200 : null,
      error: ok ? null : 'refused',
    });
  }
  return out;
}

describe('phase boundaries reported by the measurements', () => {
  it('recomputing every count and percentile from samples + reported F, R and end gives the reported values', () => {
    fc.assert(
      fc.property(run, ({ probes, faultFrac, faultOffsetMs }) => {
        const t0 = 1_795_333_736_000.25;
        const longest = Math.max(...probes.map((p) => p.slots * p.intervalMs));
        const F = t0 + faultFrac * longest + faultOffsetMs;
        const raw = new Map<string, Sample[]>();
        const series = probes.map((p, i) => {
          const name = `p${i}`;
          const samples = makeSamples(p, t0, F, name);
          raw.set(name, samples);
          return seriesFromSamples(
            {
              probe: name,
              kind: 'http',
              intervalMs: p.intervalMs,
              timeoutMs: T,
              t0,
              recoveryWindowMs: 5 * p.intervalMs,
            },
            [...samples].reverse(),
          );
        });
        const m = computeMeasurements({ series, faultMs: F });
        expect(m.faultAtMs).toBe(F);
        for (const [name, samples] of raw) {
          const pm = m.probes[name];
          const split = pm?.split;
          const rto = pm?.rto;
          if (!pm || !split || !rto) throw new Error(`no measurements for ${name}`);
          expect(split.faultMs).toBe(m.faultAtMs);
          // R as reported: F itself without an outage, the exact recovery time otherwise.
          expect(split.recoveredMs).toBe(rto.noOutage ? F : (rto.recoveredAtMs ?? null));
          expect(split.startMs).toBe(Math.min(samples[0]?.scheduled as number, t0));
          const want = recompute(samples, F, split.recoveredMs, split.endMs);
          for (const phase of ['baseline', 'fault', 'recovery', 'all'] as const) {
            const { startMs: _s, endMs: _e, ...got } = pm.phases[phase];
            expect(got, `${name} ${phase}`).toEqual(want[phase]);
          }
          // R is the scheduled time of an ok sample that follows a failure.
          if (rto.recoveredAtMs != null) {
            const i = samples.findIndex((x) => x.scheduled === rto.recoveredAtMs);
            expect(samples[i]?.ok).toBe(true);
            expect(samples.slice(0, i).some((x) => !x.ok && x.scheduled >= F)).toBe(true);
            // The RFC 3339 text splits the samples the same way (never later than R).
            const fromText = recompute(samples, F, Date.parse(rto.recoveredAt as string), split.endMs);
            expect(fromText).toEqual(want);
            expect(Date.parse(rto.recoveredAt as string)).toBeLessThanOrEqual(rto.recoveredAtMs);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
