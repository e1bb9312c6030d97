import { DrillproofError } from '../../errors.js';

/**
 * How much worse a newer run may be before `compare` calls it a regression, per metric, on top of
 * both runs' resolution. A metric's allowance is the larger of its absolute and relative parts (the
 * relative part taken of the older value), so one default fits a lab drill measured in hundreds of
 * milliseconds and an AWS failover measured in minutes.
 */
export interface MetricTolerance {
  /** Fraction of the older value (0.1 = 10 %). */
  relative: number;
  /** In the metric's unit: seconds for RTO and RPO, milliseconds for percentiles. */
  absolute: number;
}

export interface Tolerance {
  rto: MetricTolerance;
  rpo: MetricTolerance;
  /** Acknowledged writes lost beyond the older run's that are still no regression. */
  lostWrites: number;
  /** Percentage points of availability (0.01 = 1 point), on top of one sample of each run. */
  availability: number;
  p50: MetricTolerance;
  p95: MetricTolerance;
  p99: MetricTolerance;
  /** Confidence of each run's interval around a percentile (0.95 = 95 %). */
  confidence: number;
}

export type PercentileKey = 'p50' | 'p95' | 'p99';

/**
 * Defaults, and why: a lab drill's RTO moves by a few hundred milliseconds between identical runs
 * (health-check rounds, process starts on a loaded machine) and an AWS failover's by several
 * seconds in minutes, hence max(1 s, 10 %). RPO and lost writes: no slack, data loss is never
 * noise. Availability: one percentage point (a phase's availability moves with its length). Tail
 * percentiles of short phases rest on few samples and on machine load, hence larger allowances for
 * P99 than for P50; the confidence intervals already absorb the sampling noise of each run.
 */
export const DEFAULT_TOLERANCE: Tolerance = {
  rto: { relative: 0.1, absolute: 1 },
  rpo: { relative: 0, absolute: 0 },
  lostWrites: 0,
  availability: 0.01,
  p50: { relative: 0.25, absolute: 5 },
  p95: { relative: 0.25, absolute: 10 },
  p99: { relative: 0.5, absolute: 20 },
  confidence: 0.95,
};

export const TOLERANCE_SYNTAX =
  'a percentage for every relative allowance (20%) or per metric: rto=10%,rto=2s,rpo=1s,lost=1,availability=0.5%,p50=25%,p95=15ms,p99=50%,confidence=99%';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

function seconds(v: string): number | null {
  const m = DURATION.exec(v);
  if (!m) return null;
  return Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1);
}

/**
 * Parses `--tolerance`: `20%` sets every relative allowance (RTO and percentiles); `key=value`
 * parts set one metric: a percentage is its relative part, a duration its absolute part (RTO and
 * RPO in seconds, percentiles in milliseconds), `lost` a number of writes, `availability` points,
 * `confidence` the interval level. Unnamed metrics keep their defaults.
 */
export function parseTolerance(text: string | undefined): Tolerance {
  const t: Tolerance = structuredClone(DEFAULT_TOLERANCE);
  if (!text) return t;
  const bad = (part: string, why: string) =>
    DrillproofError.user('ToleranceInvalid', `invalid --tolerance ${JSON.stringify(part)}: ${why}`, {
      hint: `write ${TOLERANCE_SYNTAX}`,
    });
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v] = part.includes('=') ? (part.split('=', 2).map((x) => x.trim()) as [string, string]) : ['all', part];
    const pct = PERCENT.exec(v);
    const rel = pct ? Number(pct[1]) / 100 : null;
    if (k === 'all') {
      if (rel === null) throw bad(part, 'a tolerance without a metric name must be a percentage');
      t.rto.relative = rel;
      t.p50.relative = rel;
      t.p95.relative = rel;
      t.p99.relative = rel;
    } else if (k === 'rto' || k === 'rpo') {
      const s = seconds(v);
      if (rel !== null) t[k].relative = rel;
      else if (s !== null) t[k].absolute = s;
      else throw bad(part, `${k} takes a percentage or a duration (10%, 2s)`);
    } else if (k === 'p50' || k === 'p95' || k === 'p99') {
      const s = seconds(v);
      if (rel !== null) t[k].relative = rel;
      else if (s !== null) t[k].absolute = s * 1000;
      else throw bad(part, `${k} takes a percentage or a duration (25%, 15ms)`);
    } else if (k === 'lost') {
      if (!/^\d+$/.test(v)) throw bad(part, 'lost takes a whole number of writes');
      t.lostWrites = Number(v);
    } else if (k === 'availability') {
      if (rel === null) throw bad(part, 'availability takes percentage points (0.5%)');
      t.availability = rel;
    } else if (k === 'confidence') {
      if (rel === null || rel <= 0.5 || rel >= 1)
        throw bad(part, 'confidence takes a percentage above 50% and below 100%');
      t.confidence = rel;
    } else {
      throw bad(part, `unknown metric ${JSON.stringify(k)}`);
    }
  }
  return t;
}

/** The allowance of a metric for an older value. */
export function allowance(tol: MetricTolerance, older: number): number {
  return Math.max(tol.absolute, tol.relative * Math.abs(older));
}
