import type { PhaseStats } from '../../src/run/measurements.js';
/**
 * A deliberately naive reference implementation of the brief §3 definitions, written
 * independently of src/measurements (plain arrays, quadratic loops), for property tests.
 */
export interface RefSample {
  seq: number;
  scheduled: number;
  ok: boolean;
  latencyMs: number;
}

/** Smallest value v with count(x ≤ v) · 100 ≥ p · n. */
export function refPercentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  for (const v of sorted) {
    const atOrBelow = values.filter((x) => x <= v).length;
    if (atOrBelow * 100 >= p * values.length) return v;
  }
  return sorted[sorted.length - 1] ?? null;
}

export interface RefRto {
  noOutage: boolean;
  S: number | null;
  R: number | null;
  failedAfterF: number;
  runs: number;
}

/** R: first ok sample after the first failure at/after F whose [R, R+W) window has no failure and ends by `end`. */
export function refRto(samples: RefSample[], F: number, W: number, end: number): RefRto {
  const xs = samples.filter((s) => s.scheduled < end).sort((a, b) => a.scheduled - b.scheduled);
  const after = xs.filter((s) => s.scheduled >= F);
  const failed = after.filter((s) => !s.ok);
  let runs = 0;
  for (let i = 0; i < after.length; i++) {
    if (!after[i]?.ok && (i === 0 || after[i - 1]?.ok)) runs++;
  }
  if (after.length === 0) return { noOutage: false, S: null, R: null, failedAfterF: 0, runs: 0 };
  if (failed.length === 0) return { noOutage: true, S: null, R: F, failedAfterF: 0, runs: 0 };
  const S = failed[0]?.scheduled as number;
  for (const c of xs) {
    if (c.scheduled <= S || !c.ok) continue;
    if (c.scheduled + W > end) continue;
    const bad = xs.some((x) => x.scheduled >= c.scheduled && x.scheduled < c.scheduled + W && !x.ok);
    if (!bad) return { noOutage: false, S, R: c.scheduled, failedAfterF: failed.length, runs };
  }
  return { noOutage: false, S, R: null, failedAfterF: failed.length, runs };
}

/**
 * Resolution of a recovery at R: Δ, or the median gap between the last five failed samples at or
 * after S and before R (the smaller middle one of an even count), whichever is larger.
 */
export function refResolution(samples: RefSample[], S: number, R: number, intervalMs: number): number {
  const fails = samples
    .filter((s) => !s.ok && s.scheduled >= S && s.scheduled < R)
    .map((s) => s.scheduled)
    .sort((a, b) => a - b)
    .slice(-5);
  if (fails.length < 2) return intervalMs;
  const gaps: number[] = [];
  for (let i = 1; i < fails.length; i++) gaps.push((fails[i] as number) - (fails[i - 1] as number));
  gaps.sort((a, b) => a - b);
  const mid = gaps.length % 2 === 1 ? gaps[(gaps.length - 1) / 2] : gaps[gaps.length / 2 - 1];
  return Math.max(intervalMs, mid as number);
}

export interface RefPhase {
  scheduled: number;
  ok: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  p50All: number | null;
  p95All: number | null;
  p99All: number | null;
  maxAll: number | null;
}

export function refPhase(samples: RefSample[], from: number, to: number, T: number): RefPhase {
  const xs = samples.filter((s) => s.scheduled >= from && s.scheduled < to);
  const okLat = xs.filter((s) => s.ok).map((s) => s.latencyMs);
  const allLat = xs.map((s) => (s.ok ? s.latencyMs : T));
  return {
    scheduled: xs.length,
    ok: okLat.length,
    p50: refPercentile(okLat, 50),
    p95: refPercentile(okLat, 95),
    p99: refPercentile(okLat, 99),
    max: okLat.length ? Math.max(...okLat) : null,
    p50All: refPercentile(allLat, 50),
    p95All: refPercentile(allLat, 95),
    p99All: refPercentile(allLat, 99),
    maxAll: allLat.length ? Math.max(...allLat) : null,
  };
}

/** A measured phase (evidence.json / `analyze --json`) in the shape of RefPhase, to compare with toEqual. */
export function measuredPhase(got: PhaseStats): RefPhase {
  return {
    scheduled: got.scheduled,
    ok: got.ok,
    p50: got.p50Ms,
    p95: got.p95Ms,
    p99: got.p99Ms,
    max: got.maxMs,
    p50All: got.p50WithFailuresMs,
    p95All: got.p95WithFailuresMs,
    p99All: got.p99WithFailuresMs,
    maxAll: got.maxWithFailuresMs,
  };
}

/** The four phases of the brief (baseline before F, fault [F, R), recovery [R, end], all) as [name, from, to]. */
export function refPhaseBounds(first: number, F: number, R: number, end: number) {
  return [
    ['baseline', first, F],
    ['fault', F, R],
    ['recovery', R, end],
    ['all', first, end],
  ] as const;
}
