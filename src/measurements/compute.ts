import type { RestoreVerification } from '../run/journal-types.js';
import {
  MEASUREMENTS_SCHEMA_VERSION,
  type Measurements,
  type PhaseName,
  type ProbeMeasurements,
  type RpoResult,
  type RtoResult,
} from '../run/measurements.js';
import { type HeartbeatReadback, meaningOf } from '../run/samples.js';
import { isoMs } from '../util/clock.js';
import { phaseBounds, phaseStats } from './phases.js';
import { restoreRto } from './restore.js';
import { failoverRpo, recoveryPointRpo, restoreRpo } from './rpo.js';
import { computeRto } from './rto.js';
import { type ProbeSeries, seriesEndMs } from './series.js';

export interface ComputeInput {
  series: ProbeSeries[];
  readbacks?: HeartbeatReadback[];
  /** F, epoch ms; null when unknown (then everything is baseline and RTO is not computed). */
  faultMs: number | null;
  /** When the first fault call was issued (F is when AWS accepted it), epoch ms; kept beside F. */
  faultIssuedMs?: number | null;
  /** End of observation, epoch ms (exclusive); default per probe: after its last sample. */
  endMs?: number;
  /** Probes whose RTO makes the headline RTO; default the user-facing ones (http, k6). */
  rtoProbes?: string[];
  /** Recovery window W per probe name (overrides the file's and the default). */
  windowMs?: Record<string, number>;
  /** Recovery window W for every probe without its own entry in `windowMs`. */
  allWindowMs?: number;
  /** A restore drill's verification: its RTO is the headline RTO (see restore.ts). */
  restore?: RestoreVerification | null;
}

const meaning = (s: ProbeSeries) => meaningOf({ kind: s.kind, ...(s.measures ? { measures: s.measures } : {}) });

/**
 * Default headline probes: the user-facing ones (http, k6); without those every probe whose
 * samples can show an outage (all but DNS answers).
 */
export function defaultRtoProbes(series: ProbeSeries[]): string[] {
  const user = series.filter((s) => meaning(s).rto === 'user').map((s) => s.name);
  return user.length ? user : series.filter((s) => meaning(s).rto !== 'none').map((s) => s.name);
}

/** The slowest recovery wins; an unrecovered probe (null) wins over any number. */
export function headlineRto(results: RtoResult[]): RtoResult | null {
  let best: RtoResult | null = null;
  for (const r of results) {
    if (r.seconds === null) return r;
    if (!best || (best.seconds as number) < r.seconds) best = r;
  }
  return best;
}

/** Every measurement of a run: a pure function of the samples, read-backs, F and the end. */
export function computeMeasurements(input: ComputeInput): Measurements {
  const F = input.faultMs;
  const probes: Record<string, ProbeMeasurements> = {};
  const rtos = new Map<string, RtoResult>();
  let maxN = 0;
  for (const s of input.series) maxN = Math.max(maxN, s.n);
  const scratchA = new Float64Array(maxN);
  const scratchB = new Float64Array(maxN);
  for (const s of input.series) {
    const end = input.endMs ?? seriesEndMs(s) ?? F ?? s.t0;
    const first = s.n ? Math.min(s.scheduled[0] as number, s.t0) : s.t0;
    let rto: RtoResult | null = null;
    let R: number | null = null;
    if (F !== null) {
      const windowMs = input.windowMs?.[s.name] ?? input.allWindowMs;
      const c = computeRto(s, F, { endMs: end, ...(windowMs === undefined ? {} : { windowMs }) });
      rto = c.result;
      R = c.recoveredMs;
      rtos.set(s.name, rto);
    }
    const bounds = phaseBounds(first, end, F, R);
    const phases = {} as Record<PhaseName, ProbeMeasurements['phases'][PhaseName]>;
    for (const p of ['baseline', 'fault', 'recovery', 'all'] as const) {
      phases[p] = phaseStats(s, bounds[p], scratchA, scratchB);
    }
    probes[s.name] = {
      name: s.name,
      kind: s.kind,
      intervalMs: s.intervalMs,
      timeoutMs: s.timeoutMs,
      rto,
      split: { startMs: first, faultMs: F, recoveredMs: R, endMs: end },
      phases,
    };
  }
  const wanted = input.rtoProbes ?? defaultRtoProbes(input.series);
  const headline = input.restore
    ? restoreRto(input.restore)
    : headlineRto(wanted.map((n) => rtos.get(n)).filter((r): r is RtoResult => r !== undefined));

  let rpo: RpoResult | null = null;
  const readbacks = input.readbacks ?? [];
  for (const s of input.series) {
    if (!meaning(s).rpo) continue;
    const mine = readbacks.filter((r) => r.probe === s.name);
    const restore = mine.find((r) => r.kind === 'restore');
    const failover = mine.find((r) => r.kind !== 'restore') ?? null;
    const r = restore ? restoreRpo(s, restore, F) : failoverRpo(s, failover);
    // Prefer a probe that has a result; the first heartbeat otherwise.
    if (!rpo || (rpo.seconds === null && r.seconds !== null)) rpo = r;
  }
  // A restore (AWS Backup recovery point or RDS snapshot) whose heartbeat began after the backup (no rows in the copy):
  // the age of the backup at F is the data lost. A heartbeat read-back (F − H) is preferred.
  const fromPoint = input.restore ? recoveryPointRpo(input.restore, F) : null;
  if (fromPoint && (!rpo || rpo.seconds === null)) rpo = fromPoint;
  return {
    schemaVersion: MEASUREMENTS_SCHEMA_VERSION,
    faultAt: F === null ? null : isoMs(F),
    faultAtMs: F,
    ...(input.faultIssuedMs === undefined
      ? {}
      : {
          faultIssuedAt: input.faultIssuedMs === null ? null : isoMs(input.faultIssuedMs),
          faultIssuedAtMs: input.faultIssuedMs,
        }),
    rto: headline,
    rpo,
    probes,
  };
}
