import type { RtoResult } from '../run/measurements.js';
import { defaultRecoveryWindowMs } from '../run/samples.js';
import { lowerBound, type ProbeSeries, seriesEndMs } from './series.js';

/**
 * RFC 3339 text of a boundary, truncated (not rounded) to the millisecond: the text is never later
 * than the exact time, so a sample at R itself stays at or after the parsed text and the sample
 * before it (Δ ≥ 1 ms earlier) stays before it. Rounding up moved the first recovered sample into
 * the fault phase of an independent recomputation.
 */
export function isoFloorMs(epochMs: number): string {
  return new Date(Math.floor(epochMs)).toISOString();
}

/** RTO of one probe plus the raw times the phases need. */
export interface RtoComputation {
  result: RtoResult;
  /** S: scheduled time of the first failed sample at or after F (null: no outage). */
  outageStartMs: number | null;
  /** R: recovery time (F itself with noOutage; null when not recovered). */
  recoveredMs: number | null;
}

export interface RtoOptions {
  /** W; default the series' configured window, else max(10Δ, 5 s). */
  windowMs?: number;
  /** End of observation (exclusive); default after the last sample's slot. */
  endMs?: number;
}

/** How many of the last failed samples before R set the spacing of a sparse outage. */
export const SPACING_SAMPLES = 5;

/**
 * The resolution of a recovery at R: Δ, or the median spacing of the last `SPACING_SAMPLES` failed
 * samples before R when they are further apart. A probe that reaches the failed part on only some of
 * its requests (an ALB spreading them over healthy and stopped targets) sees a failure only every
 * few samples, so the failure mode may have ended at any time before the next sample that would
 * have failed: the real recovery is in (t_L, t_L + resolution], t_L the last failed sample.
 */
export function recoveryResolutionMs(
  scheduled: ArrayLike<number>,
  ok: ArrayLike<number>,
  /** Index of the first failed sample at or after F (S) and of R: only the outage's failures count. */
  span: { from: number; to: number },
  dt: number,
): number {
  const times: number[] = [];
  for (let i = span.to - 1; i >= span.from && times.length < SPACING_SAMPLES; i--) {
    if (!ok[i]) times.push(scheduled[i] as number);
  }
  if (times.length < 2) return dt;
  const gaps = times
    .slice(1)
    .map((t, j) => (times[j] as number) - t)
    .sort((a, b) => a - b);
  // Lower median: the smaller of the two middle gaps when there is an even number of them.
  const median = gaps[Math.ceil(gaps.length / 2) - 1] as number;
  return Math.max(dt, median);
}

/**
 * brief §3: the outage starts at the first failed sample scheduled at or after F. Recovery R is
 * the scheduled time of the first ok sample after that which starts a window [R, R + W) holding
 * no failed sample; the window must end by the end of observation, otherwise recovery is not
 * proven and RTO is null (never 0). RTO = R − F, resolution Δ (or, for a sparse outage, the
 * spacing of its last failures: recoveryResolutionMs). No failed sample after F: RTO 0.
 * No sample at all at or after F (the probe ended before the fault): null.
 */
export function computeRto(s: ProbeSeries, faultMs: number, opts: RtoOptions = {}): RtoComputation {
  const dt = s.intervalMs;
  const W = opts.windowMs ?? s.recoveryWindowMs ?? defaultRecoveryWindowMs(dt);
  const end = opts.endMs ?? seriesEndMs(s) ?? faultMs;
  const { scheduled, ok } = s;
  let n = s.n;
  // Samples scheduled at or after the end of observation do not count.
  n = lowerBound(scheduled, n, end);
  const i0 = lowerBound(scheduled, n, faultMs);

  let failed = 0;
  let flaps = 0;
  let first = -1;
  for (let i = i0; i < n; i++) {
    if (ok[i]) continue;
    failed++;
    if (first < 0) first = i;
    if (i === i0 || ok[i - 1]) flaps++;
  }
  const base = {
    probe: s.name,
    resolutionSeconds: dt / 1000,
    failedTimeSeconds: (failed * dt) / 1000,
    flaps,
    windowSeconds: W / 1000,
  };
  if (i0 >= n) {
    // Nothing was observed at or after F: no evidence either way, so unmeasured (never 0).
    return {
      result: {
        ...base,
        seconds: null,
        noOutage: false,
        detectedAt: null,
        detectedAtMs: null,
        recoveredAt: null,
        recoveredAtMs: null,
        timeToDetectSeconds: null,
        outageDurationSeconds: null,
      },
      outageStartMs: null,
      recoveredMs: null,
    };
  }
  if (first < 0) {
    return {
      result: {
        ...base,
        seconds: 0,
        noOutage: true,
        detectedAt: null,
        detectedAtMs: null,
        recoveredAt: null,
        recoveredAtMs: null,
        timeToDetectSeconds: null,
        outageDurationSeconds: 0,
      },
      outageStartMs: null,
      recoveredMs: faultMs,
    };
  }
  const S = scheduled[first] as number;
  let R: number | null = null;
  let rIdx = -1;
  let i = first;
  while (i < n) {
    // Next ok sample: a candidate R.
    while (i < n && !ok[i]) i++;
    if (i >= n) break;
    const cand = scheduled[i] as number;
    let k = i;
    while (k < n && ok[k]) k++;
    // The ok run covers [cand, next failure) or [cand, end) when no failure follows.
    const runEnd = k < n ? (scheduled[k] as number) : end;
    if (runEnd >= cand + W) {
      R = cand;
      rIdx = i;
      break;
    }
    i = k;
  }
  return {
    result: {
      ...base,
      resolutionSeconds:
        rIdx < 0 ? base.resolutionSeconds : recoveryResolutionMs(scheduled, ok, { from: first, to: rIdx }, dt) / 1000,
      seconds: R === null ? null : (R - faultMs) / 1000,
      noOutage: false,
      detectedAt: isoFloorMs(S),
      detectedAtMs: S,
      recoveredAt: R === null ? null : isoFloorMs(R),
      recoveredAtMs: R,
      timeToDetectSeconds: (S - faultMs) / 1000,
      outageDurationSeconds: R === null ? null : (R - S) / 1000,
    },
    outageStartMs: S,
    recoveredMs: R,
  };
}
