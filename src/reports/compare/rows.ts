import type { PhaseName } from '../../run/measurements.js';
import type { Evidence } from '../evidence-schema.js';
import { fmtMs, fmtRatio, fmtSeconds } from '../format.js';
import { proportionInterval, serialInterval } from './intervals.js';
import type { LateInfo, PhaseValues } from './phase-values.js';
import { allowance, type PercentileKey, type Tolerance } from './tolerance.js';

/**
 * The rows of `compare`: each metric of both runs, the change, and whether it is a regression. A
 * difference is a regression only when it exceeds both runs' resolution plus the tolerance; a
 * percentile only when the newer run's confidence interval lies above the older run's by more than
 * that, and availability likewise (intervals.ts), so two runs of the same drill on a noisy machine
 * do not "regress".
 */
export type RowVerdict = 'regressed' | 'improved' | 'same' | 'not judged';

export interface CompareRow {
  metric: string;
  probe: string | null;
  phase: PhaseName | null;
  old: string;
  new: string;
  change: string;
  verdict: RowVerdict;
  regressed: boolean;
  /** Why: the margin it was held against, the intervals, or why it was not judged. */
  note: string;
  /** Not judged because only samples the overloaded machine could not send on time made it worse. */
  loadLimited?: boolean;
}

const PHASES: PhaseName[] = ['baseline', 'fault', 'recovery', 'all'];
const PCT: { key: PercentileKey; p: number; field: 'p50WithFailuresMs' | 'p95WithFailuresMs' | 'p99WithFailuresMs' }[] =
  [
    { key: 'p50', p: 0.5, field: 'p50WithFailuresMs' },
    { key: 'p95', p: 0.95, field: 'p95WithFailuresMs' },
    { key: 'p99', p: 0.99, field: 'p99WithFailuresMs' },
  ];
const OUTAGE_NOTE = {
  fault: 'the fault phase is the outage itself: judged through RTO',
  all: 'the whole run holds the outage: judged through RTO and the baseline and recovery phases',
} as const;
/** A latency is read from a millisecond timer: each run's resolution. */
const LATENCY_RESOLUTION_MS = 1;

function signed(x: number, f: (v: number) => string): string {
  const abs = f(Math.abs(x));
  if (/^0(ms|s| pp)?$/.test(abs)) return '\u00b10';
  return x > 0 ? `+${abs}` : `\u2212${abs}`;
}

/** worse > 0 means the newer run is worse by that much; margin is what it may be worse by. */
function judge(worse: number, margin: number): RowVerdict {
  if (worse > margin) return 'regressed';
  if (-worse > margin) return 'improved';
  return 'same';
}

function row(r: Omit<CompareRow, 'regressed'>): CompareRow {
  return { ...r, regressed: r.verdict === 'regressed' };
}

/** Late samples on both sides, for the RTO row (phase-values.ts). */
export interface LateCounts {
  old: Map<string, LateInfo>;
  new: Map<string, LateInfo>;
}

/**
 * Samples the engine could not send on time (flagged late: an overloaded machine) count as failed,
 * so they can hold a recovery back. When the newer RTO is worse only through them (with them set
 * aside in both runs the difference is within the margin), the evidence does not show a slower
 * recovery: the row is not judged and says why.
 */
function lateEffect(late: LateCounts, probe: string | null, margin: number): { held: boolean; note: string } {
  const a = probe ? late.old.get(probe) : undefined;
  const b = probe ? late.new.get(probe) : undefined;
  if (!a || !b || a.count + b.count === 0 || a.rtoWithoutLateSeconds === null || b.rtoWithoutLateSeconds === null)
    return { held: false, note: '' };
  return {
    held: b.rtoWithoutLateSeconds - a.rtoWithoutLateSeconds <= margin,
    note: `; ${a.count} and ${b.count} samples of ${probe} flagged late after F (the machine could not keep the schedule); with them set aside the RTOs are ${fmtSeconds(
      a.rtoWithoutLateSeconds,
    )} and ${fmtSeconds(b.rtoWithoutLateSeconds)}`,
  };
}

function rtoRow(a: Evidence, b: Evidence, tol: Tolerance, late: LateCounts): CompareRow | null {
  const ra = a.measurements.rto;
  const rb = b.measurements.rto;
  if (!ra && !rb) return null;
  const va = ra?.seconds ?? null;
  const vb = rb?.seconds ?? null;
  const base = {
    metric: 'RTO',
    probe: rb?.probe ?? ra?.probe ?? null,
    phase: null,
    old: va === null ? 'not measured' : `${fmtSeconds(va)} \u00b1${fmtSeconds(ra?.resolutionSeconds ?? 0)}`,
    new: vb === null ? 'not measured' : `${fmtSeconds(vb)} \u00b1${fmtSeconds(rb?.resolutionSeconds ?? 0)}`,
  };
  if (va !== null && vb !== null) {
    const res = (ra?.resolutionSeconds ?? 0) + (rb?.resolutionSeconds ?? 0);
    const margin = res + allowance(tol.rto, va);
    const verdict = judge(vb - va, margin);
    const l = lateEffect(late, base.probe, margin);
    const loadLimited = verdict === 'regressed' && l.held;
    return row({
      ...base,
      change: signed(vb - va, fmtSeconds),
      verdict: loadLimited ? 'not judged' : verdict,
      note: `margin ${fmtSeconds(margin)} (resolutions ${fmtSeconds(res)} + tolerance ${fmtSeconds(allowance(tol.rto, va))})${l.note}${
        loadLimited
          ? ', within the margin: the evidence does not show a slower recovery; rerun on a less loaded machine'
          : ''
      }`,
      ...(loadLimited ? { loadLimited } : {}),
    });
  }
  if (vb === null && rb && va !== null)
    return row({
      ...base,
      change: '',
      verdict: 'regressed',
      note: 'not recovered before the observe timeout any more',
    });
  if (va === null && ra && vb !== null)
    return row({ ...base, change: '', verdict: 'improved', note: 'recovered now; the older run did not' });
  return row({ ...base, change: '', verdict: 'not judged', note: 'not measured in both runs' });
}

function rpoRows(a: Evidence, b: Evidence, tol: Tolerance): CompareRow[] {
  const pa = a.measurements.rpo;
  const pb = b.measurements.rpo;
  if (!pa && !pb) return [];
  const out: CompareRow[] = [];
  const va = pa?.seconds ?? null;
  const vb = pb?.seconds ?? null;
  const base = {
    metric: 'RPO',
    probe: pb?.probe ?? pa?.probe ?? null,
    phase: null,
    old: va === null ? 'not measured' : fmtSeconds(va),
    new: vb === null ? 'not measured' : fmtSeconds(vb),
  };
  if (va !== null && vb !== null) {
    const res = (pa?.resolutionSeconds ?? 0) + (pb?.resolutionSeconds ?? 0);
    const margin = res + allowance(tol.rpo, va);
    out.push(
      row({
        ...base,
        change: signed(vb - va, fmtSeconds),
        verdict: judge(vb - va, margin),
        note: `margin ${fmtSeconds(margin)} (heartbeat intervals ${fmtSeconds(res)} + tolerance ${fmtSeconds(allowance(tol.rpo, va))})`,
      }),
    );
  } else if (vb === null && va !== null) {
    out.push(row({ ...base, change: '', verdict: 'regressed', note: 'no longer measured (no read-back)' }));
  } else {
    out.push(row({ ...base, change: '', verdict: 'not judged', note: 'not measured in both runs' }));
  }
  if (pa && pb) {
    // Lost acknowledged writes are counted exactly: no resolution to allow for.
    const worse = pb.lostWrites - pa.lostWrites;
    out.push(
      row({
        metric: 'lost acknowledged writes',
        probe: pb.probe,
        phase: null,
        old: String(pa.lostWrites),
        new: String(pb.lostWrites),
        change: signed(worse, (v) => String(v)),
        verdict: judge(worse, tol.lostWrites),
        note:
          pa.lostWrites === 0 && pb.lostWrites > 0
            ? `data loss appeared: ${pb.lostWrites} acknowledged write(s) lost`
            : `margin ${tol.lostWrites} write(s)`,
      }),
    );
  }
  return out;
}

function availabilityRow(
  a: Evidence,
  b: Evidence,
  name: string,
  ph: PhaseName,
  tol: Tolerance,
  values: { old: PhaseValues; new: PhaseValues },
): CompareRow | null {
  const x = a.measurements.probes[name]?.phases[ph];
  const y = b.measurements.probes[name]?.phases[ph];
  if (!x || !y || x.availability === null || y.availability === null) return null;
  const pp = (v: number) => `${fmtRatio(v).replace('%', '')} pp`;
  const base = {
    metric: `availability ${name} ${ph}`,
    probe: name,
    phase: ph,
    change: signed(y.availability - x.availability, pp),
  };
  // [F, R) is the outage itself (its share of ok samples moves with detection): the RTO judges it;
  // the whole run is baseline + outage + recovery, each judged on its own.
  if (ph === 'fault' || ph === 'all')
    return row({
      ...base,
      old: fmtRatio(x.availability),
      new: fmtRatio(y.availability),
      verdict: 'not judged',
      note: OUTAGE_NOTE[ph],
    });
  // One sample of each run is the resolution of a ratio of sample counts.
  const margin = 1 / x.scheduled + 1 / y.scheduled + tol.availability;
  const sa = values.old.get(name)?.[ph];
  const sb = values.new.get(name)?.[ph];
  if (!sa || !sb)
    return row({
      ...base,
      old: fmtRatio(x.availability),
      new: fmtRatio(y.availability),
      verdict: judge(x.availability - y.availability, margin),
      note: `no raw samples to bound it: reported values against margin ${pp(margin)}`,
    });
  const ca = proportionInterval(sa.ok, tol.confidence);
  const cb = proportionInterval(sb.ok, tol.confidence);
  const ci = (c: typeof ca) => `${fmtRatio(c.low)}\u2013${fmtRatio(c.high)}`;
  const worse = ca.low - cb.high;
  const better = cb.low - ca.high;
  const verdict: RowVerdict = worse > margin ? 'regressed' : better > margin ? 'improved' : 'same';
  return row({
    ...base,
    old: `${fmtRatio(x.availability)} [${ci(ca)}]`,
    new: `${fmtRatio(y.availability)} [${ci(cb)}]`,
    verdict,
    note: `${Math.round(tol.confidence * 100)}% intervals from ${x.scheduled} and ${y.scheduled} samples (${ca.nEff} and ${cb.nEff} independent); margin ${pp(margin)}${
      verdict === 'regressed'
        ? `: new high bound ${fmtRatio(cb.high)} is below old low bound ${fmtRatio(ca.low)} by ${pp(worse)}`
        : ''
    }`,
  });
}

function percentileRow(
  a: Evidence,
  b: Evidence,
  name: string,
  ph: PhaseName,
  pc: (typeof PCT)[number],
  tol: Tolerance,
  values: { old: PhaseValues; new: PhaseValues },
): CompareRow | null {
  const pa = a.measurements.probes[name];
  const pb = b.measurements.probes[name];
  const va = pa?.phases[ph][pc.field] ?? null;
  const vb = pb?.phases[ph][pc.field] ?? null;
  if (!pa || !pb || va === null || vb === null) return null;
  const label = pc.key.toUpperCase();
  const margin = 2 * LATENCY_RESOLUTION_MS + allowance(tol[pc.key], va);
  const base = { metric: `${label} ${name} ${ph}`, probe: name, phase: ph, change: signed(vb - va, fmtMs) };
  // With failures counted at T, the fault phase's percentiles (and the whole run's) are the outage's
  // share of the phase: the RTO judges the outage, the latency is judged where users were served.
  if (ph === 'fault' || ph === 'all')
    return row({ ...base, old: fmtMs(va), new: fmtMs(vb), verdict: 'not judged', note: OUTAGE_NOTE[ph] });
  const sa = values.old.get(name)?.[ph];
  const sb = values.new.get(name)?.[ph];
  if (!sa || !sb)
    return row({
      ...base,
      old: fmtMs(va),
      new: fmtMs(vb),
      verdict: judge(vb - va, margin),
      note: `no raw samples to bound it: reported values against margin ${fmtMs(margin)}`,
    });
  const ca = serialInterval(sa.ordered, sa.sorted, pc.p, tol.confidence, 0, pa.timeoutMs);
  const cb = serialInterval(sb.ordered, sb.sorted, pc.p, tol.confidence, 0, pb.timeoutMs);
  const ci = (c: typeof ca) => `${fmtMs(c.low)}\u2013${fmtMs(c.high)}`;
  const level = `${Math.round(tol.confidence * 100)}%`;
  // Worse only by what both intervals allow: the newer low bound above the older high bound.
  const worse = cb.low - ca.high;
  const better = ca.low - cb.high;
  const verdict: RowVerdict = worse > margin ? 'regressed' : better > margin ? 'improved' : 'same';
  return row({
    ...base,
    old: `${fmtMs(va)} [${ci(ca)}]`,
    new: `${fmtMs(vb)} [${ci(cb)}]`,
    verdict,
    note: `${level} intervals from ${sa.sorted.length} and ${sb.sorted.length} samples (${ca.nEff} and ${cb.nEff} independent); margin ${fmtMs(margin)}${
      verdict === 'regressed'
        ? `: new low bound ${fmtMs(cb.low)} exceeds old high bound ${fmtMs(ca.high)} by ${fmtMs(worse)}`
        : ''
    }`,
  });
}

function objectiveRows(a: Evidence, b: Evidence): CompareRow[] {
  const out: CompareRow[] = [];
  for (const o of b.objectives) {
    const before = a.objectives.find((x) => x.name === o.name);
    if (before?.ok && !o.ok)
      out.push(
        row({
          metric: `objective ${o.name}`,
          probe: null,
          phase: null,
          old: `PASS (${before.actual})`,
          new: `FAIL (${o.actual})`,
          change: '',
          verdict: 'regressed',
          note: `expected ${o.expected}`,
        }),
      );
  }
  return out;
}

export function compareRows(
  a: Evidence,
  b: Evidence,
  tol: Tolerance,
  values: { old: PhaseValues; new: PhaseValues },
  late: LateCounts = { old: new Map(), new: new Map() },
): CompareRow[] {
  const rows: CompareRow[] = [];
  const rto = rtoRow(a, b, tol, late);
  if (rto) rows.push(rto);
  rows.push(...rpoRows(a, b, tol));
  for (const name of Object.keys(b.measurements.probes)) {
    if (!a.measurements.probes[name]) continue;
    for (const ph of PHASES) {
      const av = availabilityRow(a, b, name, ph, tol, values);
      if (av) rows.push(av);
      for (const pc of PCT) {
        const r = percentileRow(a, b, name, ph, pc, tol, values);
        if (r) rows.push(r);
      }
    }
  }
  rows.push(...objectiveRows(a, b));
  return rows;
}
