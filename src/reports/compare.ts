import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillproofError } from '../errors.js';
import { lateAfterFault, type PhaseValues, phaseValues } from './compare/phase-values.js';
import { type CompareRow, compareRows, type LateCounts } from './compare/rows.js';
import { type SameDrill, sameDrill } from './compare/same-drill.js';
import { DEFAULT_TOLERANCE, type Tolerance } from './compare/tolerance.js';
import { buildEvidence } from './evidence-model.js';
import { type Evidence, evidenceSchema } from './evidence-schema.js';
import { loadRunDir } from './run-dir.js';
import type { ProbeSamples } from './series.js';

export type { CompareRow, RowVerdict } from './compare/rows.js';
export type { SameDrill } from './compare/same-drill.js';
export { DEFAULT_TOLERANCE, parseTolerance, type Tolerance } from './compare/tolerance.js';

/**
 * `drillproof compare`: what changed between two runs of the same drill, and whether the newer
 * one regressed ("verify SLOs after a change" in CI). It refuses runs of different drills unless
 * forced (compare/same-drill.ts); a difference counts only beyond both runs' resolution plus the
 * tolerance, percentiles only beyond their confidence intervals (compare/rows.ts).
 */
export interface CompareResult {
  old: { runId: string; finishedAt: string; verdict: string; provider: string };
  new: { runId: string; finishedAt: string; verdict: string; provider: string };
  drill: SameDrill;
  tolerance: Tolerance;
  rows: CompareRow[];
  regressed: boolean;
}

/** A run directory as compare reads it: its evidence and, when present, its raw samples. */
export interface ComparedRun {
  dir: string;
  evidence: Evidence;
  samples: ProbeSamples[];
}

/**
 * The evidence of a run directory: its evidence.json, or (for a directory whose documents were
 * never rendered, or were rendered in an older format) the evidence built from its run record and
 * journal.
 */
export async function readEvidenceFile(dir: string): Promise<Evidence> {
  let text: string | null = null;
  try {
    text = await readFile(join(dir, 'evidence.json'), 'utf8');
  } catch {
    text = null;
  }
  if (text !== null) {
    try {
      const parsed = evidenceSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: rebuild from the run record below
    }
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

export async function readComparedRun(dir: string): Promise<ComparedRun> {
  const evidence = await readEvidenceFile(dir);
  let samples: ProbeSamples[] = [];
  try {
    samples = (await loadRunDir(dir)).samples;
  } catch {
    // evidence without its run directory: percentiles are compared by their reported values
  }
  return { dir, evidence, samples };
}

export function compareEvidence(
  a: Evidence,
  b: Evidence,
  tol: Tolerance = DEFAULT_TOLERANCE,
  opts: { force?: boolean; values?: { old: PhaseValues; new: PhaseValues }; late?: LateCounts } = {},
): CompareResult {
  const drill = sameDrill(a, b, opts.force ?? false);
  const rows = compareRows(a, b, tol, opts.values ?? { old: new Map(), new: new Map() }, opts.late);
  const ref = (e: Evidence) => ({
    runId: e.run.id,
    finishedAt: e.run.finishedAt,
    verdict: e.run.verdict,
    provider: e.target.provider,
  });
  return { old: ref(a), new: ref(b), drill, tolerance: tol, rows, regressed: rows.some((r) => r.regressed) };
}

/** Compares two run directories, with confidence intervals from their raw samples. */
export function compareRuns(a: ComparedRun, b: ComparedRun, tol: Tolerance, force = false): CompareResult {
  return compareEvidence(a.evidence, b.evidence, tol, {
    force,
    values: { old: phaseValues(a.evidence, a.samples), new: phaseValues(b.evidence, b.samples) },
    late: { old: lateAfterFault(a.evidence, a.samples), new: lateAfterFault(b.evidence, b.samples) },
  });
}
