import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillproofError } from '../errors.js';
import type { PhaseName } from '../run/measurements.js';
import { buildEvidence } from './evidence-model.js';
import { type Evidence, evidenceSchema } from './evidence-schema.js';
import { fmtMs, fmtRatio, fmtSeconds } from './format.js';
import { loadRunDir } from './run-dir.js';

/**
 * `drillproof compare`: what changed between two runs of a drill, and whether the newer one
 * regressed beyond a tolerance ("verify SLOs after a change" in CI). Regressions: RTO slower
 * (or no longer measured), data loss appeared or grew, P95 (failures counted) slower in a
 * phase, availability lower in a phase, an objective that passed now fails.
 */
export interface Tolerance {
  /** Relative slack on RTO, on top of the runs' resolution Δ (0.1 = 10 %). */
  rto: number;
  /** Absolute slack on RPO in seconds, on top of the heartbeat resolution. */
  rpoSeconds: number;
  /** Relative slack on P95. */
  p95: number;
  /** Absolute slack on availability (0.01 = 1 percentage point). */
  availability: number;
}

// Availability over a phase moves with the outage length (0.3 s more outage in a 100 s run is
// 0.15 points), so its default slack is one percentage point; RTO catches slower recovery itself.
export const DEFAULT_TOLERANCE: Tolerance = { rto: 0.1, rpoSeconds: 0, p95: 0.25, availability: 0.01 };

export interface CompareRow {
  metric: string;
  old: string;
  new: string;
  change: string;
  regressed: boolean;
  /** Why this row counts as a regression (or the allowance that kept it from being one). */
  note: string;
}

export interface CompareResult {
  old: { runId: string; finishedAt: string; verdict: string };
  new: { runId: string; finishedAt: string; verdict: string };
  tolerance: Tolerance;
  rows: CompareRow[];
  regressed: boolean;
}

/** Parses `10%` (all relative tolerances) or `rto=10%,p95=20%,availability=0.1%,rpo=1s`. */
export function parseTolerance(text: string | undefined): Tolerance {
  const t = { ...DEFAULT_TOLERANCE };
  if (!text) return t;
  const bad = (part: string) =>
    DrillproofError.user('ToleranceInvalid', `invalid --tolerance ${JSON.stringify(part)}`, {
      hint: 'write a percentage like 10% or per metric: rto=10%,p95=25%,availability=0.1%,rpo=1s',
    });
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v] = part.includes('=') ? (part.split('=', 2) as [string, string]) : ['all', part];
    if (k === 'rpo') {
      const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v);
      if (!m) throw bad(part);
      t.rpoSeconds = Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
      continue;
    }
    const pm = /^(\d+(?:\.\d+)?)\s*%$/.exec(v);
    if (!pm) throw bad(part);
    const p = Number(pm[1]) / 100;
    if (k === 'all') {
      t.rto = p;
      t.p95 = p;
    } else if (k === 'rto') t.rto = p;
    else if (k === 'p95') t.p95 = p;
    else if (k === 'availability') t.availability = p;
    else throw bad(part);
  }
  return t;
}

/**
 * The evidence of a run directory: its evidence.json, or (for a directory whose documents were
 * never rendered) the evidence built from its run record and journal.
 */
export async function readEvidenceFile(dir: string): Promise<Evidence> {
  let text: string | null = null;
  try {
    text = await readFile(join(dir, 'evidence.json'), 'utf8');
  } catch {
    text = null;
  }
  if (text !== null) {
    const parsed = evidenceSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  }
  try {
    const run = await loadRunDir(dir);
    return buildEvidence(run.record, run.journal);
  } catch (err) {
    throw DrillproofError.user('NotAnEvidencePack', `${dir} has no usable evidence.json or run record`, {
      hint: 'pass two run directories written by drillproof run (or `drillproof report <run-dir>` them first)',
      cause: err,
    });
  }
}

const sign = (x: number, f: (v: number) => string) => {
  const abs = f(Math.abs(x));
  if (/^0( pp|ms|s|%)$/.test(abs)) return '\u00b10';
  return x > 0 ? `+${abs}` : `\u2212${abs}`;
};

export function compareEvidence(a: Evidence, b: Evidence, tol: Tolerance = DEFAULT_TOLERANCE): CompareResult {
  const rows: CompareRow[] = [];
  // RTO.
  const ra = a.measurements.rto;
  const rb = b.measurements.rto;
  if (ra || rb) {
    const va = ra?.seconds ?? null;
    const vb = rb?.seconds ?? null;
    const res = Math.max(ra?.resolutionSeconds ?? 0, rb?.resolutionSeconds ?? 0);
    let regressed = false;
    let note = '';
    if (vb === null && rb) {
      regressed = va !== null || !ra;
      note = 'not recovered before the observe timeout';
    } else if (va !== null && vb !== null) {
      const allowed = va * (1 + tol.rto) + res;
      regressed = vb > allowed;
      note = `allowed up to ${fmtSeconds(allowed)} (${fmtRatio(tol.rto)} + resolution ${fmtSeconds(res)})`;
    }
    rows.push({
      metric: 'RTO',
      old: va === null ? 'not measured' : fmtSeconds(va),
      new: vb === null ? 'not measured' : fmtSeconds(vb),
      change: va !== null && vb !== null ? sign(vb - va, fmtSeconds) : '',
      regressed,
      note,
    });
  }
  // RPO.
  const pa = a.measurements.rpo;
  const pb = b.measurements.rpo;
  if (pa || pb) {
    const va = pa?.seconds ?? null;
    const vb = pb?.seconds ?? null;
    let regressed = false;
    let note = '';
    if (pb && pb.lostWrites > (pa?.lostWrites ?? 0) && (pa?.lostWrites ?? 0) === 0) {
      regressed = true;
      note = `data loss appeared: ${pb.lostWrites} acknowledged write(s) lost`;
    } else if (va !== null && vb !== null) {
      const allowed = va + tol.rpoSeconds + Math.max(pa?.resolutionSeconds ?? 0, pb?.resolutionSeconds ?? 0);
      regressed = vb > allowed;
      note = `allowed up to ${fmtSeconds(allowed)}`;
    } else if (vb === null && va !== null) {
      regressed = true;
      note = 'no longer measured';
    }
    rows.push({
      metric: 'RPO',
      old: va === null ? 'not measured' : `${fmtSeconds(va)} (${pa?.lostWrites ?? 0} lost)`,
      new: vb === null ? 'not measured' : `${fmtSeconds(vb)} (${pb?.lostWrites ?? 0} lost)`,
      change: va !== null && vb !== null ? sign(vb - va, fmtSeconds) : '',
      regressed,
      note,
    });
  }
  // Per probe and phase: P95 (failures counted) and availability.
  const phases: PhaseName[] = ['baseline', 'fault', 'recovery', 'all'];
  for (const [name, pm] of Object.entries(b.measurements.probes)) {
    const old = a.measurements.probes[name];
    if (!old) continue;
    for (const ph of phases) {
      const x = old.phases[ph];
      const y = pm.phases[ph];
      const p95a = x.p95WithFailuresMs;
      const p95b = y.p95WithFailuresMs;
      if (p95a !== null && p95b !== null) {
        // 1 ms absolute floor: sub-millisecond jitter on a fast service is not a regression.
        const allowed = Math.max(p95a * (1 + tol.p95), p95a + 1);
        rows.push({
          metric: `P95 ${name} ${ph}`,
          old: fmtMs(p95a),
          new: fmtMs(p95b),
          change: sign(p95b - p95a, fmtMs),
          regressed: p95b > allowed,
          note: `allowed up to ${fmtMs(allowed)}`,
        });
      }
      const avA = x.availability;
      const avB = y.availability;
      if (avA !== null && avB !== null) {
        const allowed = avA - tol.availability;
        rows.push({
          metric: `availability ${name} ${ph}`,
          old: fmtRatio(avA),
          new: fmtRatio(avB),
          // A difference of two ratios is in percentage points, not percent.
          change: sign(avB - avA, (v) => `${fmtRatio(v).replace('%', '')} pp`),
          regressed: avB < allowed - 1e-12,
          note: `allowed down to ${fmtRatio(Math.max(0, allowed))}`,
        });
      }
    }
  }
  // Objectives that passed before and fail now.
  for (const o of b.objectives) {
    const before = a.objectives.find((x) => x.name === o.name);
    if (before?.ok && !o.ok)
      rows.push({
        metric: `objective ${o.name}`,
        old: `PASS (${before.actual})`,
        new: `FAIL (${o.actual})`,
        change: '',
        regressed: true,
        note: `expected ${o.expected}`,
      });
  }
  return {
    old: { runId: a.run.id, finishedAt: a.run.finishedAt, verdict: a.run.verdict },
    new: { runId: b.run.id, finishedAt: b.run.finishedAt, verdict: b.run.verdict },
    tolerance: tol,
    rows,
    regressed: rows.some((r) => r.regressed),
  };
}
