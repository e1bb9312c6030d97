import type { Measurements, ObjectiveVerdict, PhaseName, PhaseStats } from '../run/measurements.js';
import type { Objectives } from '../scenario/objectives.js';
import { formatDurationMs, parseDurationMs, parsePercent } from '../util/units.js';

export type Percentile = 50 | 95 | 99 | 'max';

/** The scenario's `objectives` section, normalized (ms numbers, ratios 0..1). */
export interface ObjectivesSpec {
  rtoMs?: number;
  rpoMs?: number;
  latency?: {
    probe: string;
    phase: PhaseName;
    percentile: Percentile;
    maxMs: number;
    /** Default `withFailures` (the honest one: failures counted at T). */
    flavour?: 'withFailures' | 'okOnly';
  }[];
  availability?: { probe: string; phase: PhaseName; min: number }[];
  maxErrorRate?: { probe: string; phase: PhaseName; max: number }[];
}

function pct(x: number): string {
  return `${Math.round(x * 100_000) / 1000}%`;
}

function phaseOf(m: Measurements, probe: string, phase: PhaseName): PhaseStats | null {
  return m.probes[probe]?.phases[phase] ?? null;
}

/**
 * Judges every objective against the measurements, with expected vs actual. An objective whose
 * value was not measured (no recovery, no read-back, empty phase, unknown probe) fails.
 */
export function judgeObjectives(spec: ObjectivesSpec, m: Measurements): ObjectiveVerdict[] {
  const out: ObjectiveVerdict[] = [];
  if (spec.rtoMs !== undefined) {
    const target = spec.rtoMs / 1000;
    const measured = m.rto?.seconds ?? null;
    const v: ObjectiveVerdict = {
      name: 'rto',
      description: `recovery time (${m.rto?.probe ?? 'no probe'}) at most ${formatDurationMs(spec.rtoMs)}`,
      target: `<= ${formatDurationMs(spec.rtoMs)}`,
      targetValue: target,
      comparator: '<=',
      unit: 'seconds',
      measured,
      ok: measured !== null && measured <= target,
    };
    if (measured === null) {
      v.reason =
        m.faultAtMs === null
          ? 'no fault time is known'
          : m.rto === null
            ? 'no probe measured recovery'
            : 'not recovered before the end of observation';
    }
    out.push(v);
  }
  if (spec.rpoMs !== undefined) {
    const target = spec.rpoMs / 1000;
    const measured = m.rpo?.seconds ?? null;
    const v: ObjectiveVerdict = {
      name: 'rpo',
      description: `data loss window (${m.rpo?.probe ?? 'no heartbeat'}) at most ${formatDurationMs(spec.rpoMs)}`,
      target: `<= ${formatDurationMs(spec.rpoMs)}`,
      targetValue: target,
      comparator: '<=',
      unit: 'seconds',
      measured,
      // RPO 0 also requires that no acknowledged write was lost.
      ok: measured !== null && measured <= target && (target > 0 || (m.rpo?.lostWrites ?? 1) === 0),
    };
    if (measured === null) v.reason = m.rpo === null ? 'no heartbeat probe ran' : 'heartbeat rows were not read back';
    out.push(v);
  }
  for (const l of spec.latency ?? []) {
    const st = phaseOf(m, l.probe, l.phase);
    const honest = (l.flavour ?? 'withFailures') === 'withFailures';
    const stat = l.percentile === 'max' ? 'max' : `p${l.percentile}`;
    const key = `${stat}${honest ? 'WithFailures' : ''}Ms` as keyof PhaseStats;
    const measured = (st?.[key] as number | null | undefined) ?? null;
    const v: ObjectiveVerdict = {
      name: `${stat}${honest ? '' : '-ok'}:${l.probe}:${l.phase}`,
      description: `${l.percentile === 'max' ? 'maximum' : `P${l.percentile}`} latency of ${l.probe} in ${l.phase} (${honest ? 'failures counted at the timeout' : 'ok samples only'}) at most ${formatDurationMs(l.maxMs)}`,
      target: `<= ${formatDurationMs(l.maxMs)}`,
      targetValue: l.maxMs,
      comparator: '<=',
      unit: 'ms',
      measured,
      ok: measured !== null && measured <= l.maxMs,
    };
    if (measured === null) v.reason = st ? `phase ${l.phase} has no samples` : `no probe named ${l.probe}`;
    out.push(v);
  }
  for (const a of spec.availability ?? []) {
    const st = phaseOf(m, a.probe, a.phase);
    const measured = st?.availability ?? null;
    const v: ObjectiveVerdict = {
      name: `availability:${a.probe}:${a.phase}`,
      description: `availability of ${a.probe} in ${a.phase} at least ${pct(a.min)}`,
      target: `>= ${pct(a.min)}`,
      targetValue: a.min,
      comparator: '>=',
      unit: 'ratio',
      measured,
      ok: measured !== null && measured >= a.min,
    };
    if (measured === null) v.reason = st ? `phase ${a.phase} has no samples` : `no probe named ${a.probe}`;
    out.push(v);
  }
  for (const e of spec.maxErrorRate ?? []) {
    const st = phaseOf(m, e.probe, e.phase);
    const measured = st && st.scheduled > 0 ? st.failed / st.scheduled : null;
    const v: ObjectiveVerdict = {
      name: `errorRate:${e.probe}:${e.phase}`,
      description: `error rate of ${e.probe} in ${e.phase} at most ${pct(e.max)}`,
      target: `<= ${pct(e.max)}`,
      targetValue: e.max,
      comparator: '<=',
      unit: 'ratio',
      measured,
      ok: measured !== null && measured <= e.max,
    };
    if (measured === null) v.reason = st ? `phase ${e.phase} has no samples` : `no probe named ${e.probe}`;
    out.push(v);
  }
  return out;
}

function ms(text: string): number {
  return parseDurationMs(text) ?? Number.NaN;
}

function ratio(text: string): number {
  return parsePercent(text) ?? Number.NaN;
}

/** The scenario's validated `objectives` section in normalized form (one latency entry per bound). */
export function objectivesFromScenario(o: Objectives | undefined): ObjectivesSpec {
  if (!o) return {};
  const spec: ObjectivesSpec = { latency: [], availability: [], maxErrorRate: [] };
  if (o.rto !== undefined) spec.rtoMs = ms(o.rto);
  if (o.rpo !== undefined) spec.rpoMs = ms(o.rpo);
  for (const l of o.latency) {
    const flavour = l.basis === 'ok' ? 'okOnly' : 'withFailures';
    const bounds: [Percentile, string | undefined][] = [
      [50, l.p50],
      [95, l.p95],
      [99, l.p99],
      ['max', l.max],
    ];
    for (const [percentile, bound] of bounds) {
      if (bound !== undefined)
        spec.latency?.push({ probe: l.probe, phase: l.phase, percentile, maxMs: ms(bound), flavour });
    }
  }
  for (const a of o.availability) spec.availability?.push({ probe: a.probe, phase: a.phase, min: ratio(a.min) });
  for (const e of o.maxErrorRate) spec.maxErrorRate?.push({ probe: e.probe, phase: e.phase, max: ratio(e.max) });
  return spec;
}
