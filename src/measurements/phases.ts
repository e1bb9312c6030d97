import type { PhaseName, PhaseStats } from '../run/measurements.js';
import { nearestRank } from './percentiles.js';
import { lowerBound, type ProbeSeries } from './series.js';

/** Phase bounds [start, end) in epoch ms; null = the phase does not exist in this run. */
export type PhaseBounds = Record<PhaseName, { startMs: number; endMs: number } | null>;

/**
 * brief §3 phases: baseline = before F; fault = [F, R) (to the end when never recovered);
 * recovery = [R, end]; all = the whole run. Without F everything is baseline.
 */
export function phaseBounds(
  firstMs: number,
  endMs: number,
  faultMs: number | null,
  recoveredMs: number | null,
): PhaseBounds {
  const all = { startMs: firstMs, endMs };
  if (faultMs === null) return { baseline: all, fault: null, recovery: null, all };
  const F = Math.min(Math.max(faultMs, firstMs), endMs);
  const R = recoveredMs === null ? endMs : Math.min(Math.max(recoveredMs, F), endMs);
  return {
    baseline: F > firstMs ? { startMs: firstMs, endMs: F } : null,
    fault: R > F ? { startMs: F, endMs: R } : null,
    recovery: recoveredMs !== null && endMs > R ? { startMs: R, endMs } : null,
    all,
  };
}

const EMPTY: PhaseStats = {
  startMs: null,
  endMs: null,
  scheduled: 0,
  ok: 0,
  failed: 0,
  availability: null,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  maxMs: null,
  p50WithFailuresMs: null,
  p95WithFailuresMs: null,
  p99WithFailuresMs: null,
  maxWithFailuresMs: null,
};

/**
 * Statistics of the samples scheduled in [startMs, endMs): counts, availability = ok / scheduled,
 * exact nearest-rank percentiles over ok samples, and over all samples with every failure counted
 * at the timeout T. `scratch` (length ≥ n) avoids an allocation per phase.
 */
export function phaseStats(
  s: ProbeSeries,
  bounds: { startMs: number; endMs: number } | null,
  scratchA?: Float64Array,
  scratchB?: Float64Array,
): PhaseStats {
  if (!bounds) return { ...EMPTY };
  const from = lowerBound(s.scheduled, s.n, bounds.startMs);
  const to = lowerBound(s.scheduled, s.n, bounds.endMs);
  const count = to - from;
  const okVals = scratchA && scratchA.length >= count ? scratchA : new Float64Array(count);
  const allVals = scratchB && scratchB.length >= count ? scratchB : new Float64Array(count);
  let nOk = 0;
  const T = s.timeoutMs;
  for (let i = from; i < to; i++) {
    if (s.ok[i]) {
      const v = s.latencyMs[i] as number;
      okVals[nOk++] = v;
      allVals[i - from] = v;
    } else {
      allVals[i - from] = T;
    }
  }
  const okSorted = okVals.subarray(0, nOk).sort();
  const allSorted = allVals.subarray(0, count).sort();
  return {
    startMs: bounds.startMs,
    endMs: bounds.endMs,
    scheduled: count,
    ok: nOk,
    failed: count - nOk,
    availability: count ? nOk / count : null,
    p50Ms: nearestRank(okSorted, 50),
    p95Ms: nearestRank(okSorted, 95),
    p99Ms: nearestRank(okSorted, 99),
    maxMs: nOk ? (okSorted[nOk - 1] as number) : null,
    p50WithFailuresMs: nearestRank(allSorted, 50),
    p95WithFailuresMs: nearestRank(allSorted, 95),
    p99WithFailuresMs: nearestRank(allSorted, 99),
    maxWithFailuresMs: count ? (allSorted[count - 1] as number) : null,
  };
}
