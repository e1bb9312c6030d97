/**
 * The shape of `measurements.json` (what `drillproof analyze --json` prints). Every number follows
 * docs/measurements.md. `null` always means "unknown / not measured", never 0.
 */
export const MEASUREMENTS_SCHEMA_VERSION = 1;

export type PhaseName = 'baseline' | 'fault' | 'recovery' | 'all';

export interface PhaseStats {
  /** Epoch ms bounds of the phase [startMs, endMs); null when the phase is empty. */
  startMs: number | null;
  endMs: number | null;
  scheduled: number;
  ok: number;
  failed: number;
  /** ok / scheduled; null when nothing was scheduled. */
  availability: number | null;
  /** Nearest-rank percentiles over ok samples only. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Nearest-rank percentiles over all samples, failures counted at the timeout T. */
  p50WithFailuresMs: number | null;
  p95WithFailuresMs: number | null;
  p99WithFailuresMs: number | null;
  maxWithFailuresMs: number | null;
}

export interface RtoResult {
  probe: string;
  /** R − F in seconds; 0 with noOutage; null when not recovered before the end. */
  seconds: number | null;
  /**
   * ρ in seconds: the probe interval Δ, or for a sparse outage the median gap of its last failures
   * before R (docs/measurements.md §4); the real recovery is in (R − Δ, R − Δ + ρ].
   */
  resolutionSeconds: number;
  noOutage: boolean;
  /** RFC 3339 of S, the first failed sample at or after F (truncated to the millisecond). */
  detectedAt: string | null;
  /** S exactly, epoch ms with the fraction (absent in measurements written before it existed). */
  detectedAtMs?: number | null;
  /**
   * RFC 3339 of R, truncated to the millisecond: never later than R, so with Δ ≥ 1 ms it puts every
   * sample in the same phase as R itself does. `recoveredAtMs` is R exactly.
   */
  recoveredAt: string | null;
  /** R exactly, epoch ms with the fraction, as used for the phase split (null: no outage or not recovered). */
  recoveredAtMs?: number | null;
  timeToDetectSeconds: number | null;
  outageDurationSeconds: number | null;
  /** failed samples (at or after F) × Δ. */
  failedTimeSeconds: number;
  /** Separate runs of failed samples at or after F. */
  flaps: number;
  /** The recovery window W used, seconds. */
  windowSeconds: number;
}

export interface RpoResult {
  probe: string;
  kind: 'failover' | 'restore';
  /** Seconds of data lost; 0 when nothing acknowledged was lost; null when unknown (no read-back). */
  seconds: number | null;
  lostWrites: number;
  acknowledgedWrites: number;
  indeterminateWrites: number;
  attemptedWrites: number;
  readBackWrites: number;
  /** The heartbeat interval Δw in seconds: an RPO of 0 means "below Δw". */
  resolutionSeconds: number;
  /** Seqs of lost acknowledged writes (at most the first 1000). */
  lostSeqs: number[];
}

/**
 * The values one probe's phase split used, exactly (epoch ms with the fraction): baseline =
 * [startMs, faultMs), fault = [faultMs, recoveredMs) (to endMs when recoveredMs is null), recovery =
 * [recoveredMs, endMs). `recoveredMs` is F itself when no sample failed after F. Every count and
 * percentile of the probe can be recomputed from its samples and these four numbers
 * (docs/measurements.md §13).
 */
export interface PhaseSplit {
  startMs: number;
  faultMs: number | null;
  recoveredMs: number | null;
  endMs: number;
}

export interface ProbeMeasurements {
  name: string;
  kind: string;
  intervalMs: number;
  timeoutMs: number;
  rto: RtoResult | null;
  /** Absent in measurements written before it existed. */
  split?: PhaseSplit;
  phases: Record<PhaseName, PhaseStats>;
}

export interface Measurements {
  schemaVersion: typeof MEASUREMENTS_SCHEMA_VERSION;
  /**
   * F, RFC 3339 and epoch ms: when AWS accepted the first fault call (its issued time when no
   * acceptance was recorded); null when no fault time is known.
   */
  faultAt: string | null;
  faultAtMs: number | null;
  /**
   * When the first fault call was issued, before any SDK retry (the journal's `fault.requested`);
   * null when F did not come from a drill's journal. Absent in measurements written before it existed.
   */
  faultIssuedAt?: string | null;
  faultIssuedAtMs?: number | null;
  /** The headline RTO: the slowest-recovering user-facing probe (null recovery wins). */
  rto: RtoResult | null;
  rpo: RpoResult | null;
  probes: Record<string, ProbeMeasurements>;
}

/** One objective judged against a measurement, with expected vs actual. */
export interface ObjectiveVerdict {
  /** Stable name, e.g. `rto`, `rpo`, `p95:web:fault`, `availability:web:all`. */
  name: string;
  description: string;
  /** Comparison as written, e.g. `<= 60s`. */
  target: string;
  targetValue: number;
  comparator: '<=' | '>=' | '<' | '>';
  unit: 'seconds' | 'ms' | 'ratio' | 'writes';
  /** null when not measured: the objective then fails. */
  measured: number | null;
  ok: boolean;
  /** Why it failed when `measured` is null (e.g. "not recovered before the observe timeout"). */
  reason?: string;
}
