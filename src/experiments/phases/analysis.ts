import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeObjectives, type ObjectivesSpec } from '../../measurements/objectives.js';
import { analyzeRunDir, writeMeasurementsFile } from '../../measurements/run-dir.js';
import type { Measurements, ObjectiveVerdict, PhaseName, RtoResult } from '../../measurements/types.js';
import { isoMs } from '../../util/clock.js';
import { parseDurationMs, parsePercent } from '../../util/units.js';
import type { JournalEntry } from '../journal-types.js';
import type { DrillScenario } from './drill-input.js';

/** The scenario's objectives in the measurement module's normalized form. */
export function objectivesSpecOf(s: DrillScenario): ObjectivesSpec {
  const o = s.objectives;
  const spec: ObjectivesSpec = {};
  if (!o) return spec;
  if (o.rto !== undefined) spec.rtoMs = parseDurationMs(o.rto) ?? 0;
  if (o.rpo !== undefined) spec.rpoMs = parseDurationMs(o.rpo) ?? 0;
  spec.latency = [];
  for (const l of o.latency ?? []) {
    for (const p of [50, 95, 99] as const) {
      const v = l[`p${p}`];
      if (v === undefined) continue;
      spec.latency.push({
        probe: l.probe,
        phase: l.phase as PhaseName,
        percentile: p,
        maxMs: parseDurationMs(v) ?? 0,
        flavour: l.basis === 'ok' ? 'okOnly' : 'withFailures',
      });
    }
  }
  spec.availability = (o.availability ?? []).map((a) => ({
    probe: a.probe,
    phase: a.phase as PhaseName,
    min: parsePercent(a.min) ?? 1,
  }));
  spec.maxErrorRate = (o.maxErrorRate ?? []).map((a) => ({
    probe: a.probe,
    phase: a.phase as PhaseName,
    max: parsePercent(a.max) ?? 0,
  }));
  return spec;
}

/** `max:` latency objectives (the measurement module judges percentiles only). */
function maxLatencyVerdicts(s: DrillScenario, m: Measurements): ObjectiveVerdict[] {
  const out: ObjectiveVerdict[] = [];
  for (const l of s.objectives?.latency ?? []) {
    if (l.max === undefined) continue;
    const target = parseDurationMs(l.max) ?? 0;
    const st = m.probes[l.probe]?.phases[l.phase as PhaseName];
    const measured = st ? (l.basis === 'ok' ? st.maxMs : st.maxWithFailuresMs) : null;
    out.push({
      name: `max:${l.probe}:${l.phase}`,
      description: `maximum latency of ${l.probe} in phase ${l.phase} at most ${l.max}`,
      target: `<= ${l.max}`,
      targetValue: target,
      comparator: '<=',
      unit: 'ms',
      measured,
      ok: measured !== null && measured <= target,
      ...(measured === null ? { reason: 'no samples in the phase' } : {}),
    });
  }
  return out;
}

/**
 * A restore drill's RTO is the time its verification passed minus F (brief §3), not a probe
 * outage: the probes watch the untouched primary. Taken from the restore fault's journalled result.
 */
function restoreRto(journal: JournalEntry[], pollMs: number): RtoResult | null {
  for (const e of journal) {
    const fu = (e.data as { followUp?: { data?: Record<string, unknown> } }).followUp?.data;
    if (e.kind !== 'note' || !fu || !('restoredInstance' in fu)) continue;
    const seconds = (fu.rtoSeconds as number | null) ?? null;
    return {
      probe: `restore:${fu.restoredInstance as string}`,
      seconds,
      resolutionSeconds: pollMs / 1000,
      noOutage: false,
      detectedAt: (fu.faultAt as string) ?? null,
      recoveredAt: seconds === null ? null : ((fu.verifiedAt as string) ?? null),
      timeToDetectSeconds: 0,
      outageDurationSeconds: seconds,
      failedTimeSeconds: seconds ?? 0,
      flaps: 0,
      windowSeconds: 0,
    };
  }
  return null;
}

/** Measurements from the sample files (written to measurements.json) and objective verdicts. */
export async function analyzeDrill(i: {
  runDir: string;
  scenario: DrillScenario;
  journal: JournalEntry[];
  pollMs: number;
}): Promise<{ measurements: Measurements; objectives: ObjectiveVerdict[] }> {
  const rec = i.scenario.steps.observe.recovery;
  const userFacing = new Set(['http', 'tcp']);
  const rtoProbes = (rec?.probes ?? []).filter((p) =>
    userFacing.has((i.scenario.probes ?? []).find((x) => x.name === p)?.type ?? ''),
  );
  const { measurements } = await analyzeRunDir(i.runDir, rtoProbes.length ? { rtoProbes } : {});
  const restore = restoreRto(i.journal, i.pollMs);
  if (restore) measurements.rto = restore;
  writeMeasurementsFile(i.runDir, measurements);
  const objectives = [
    ...judgeObjectives(objectivesSpecOf(i.scenario), measurements),
    ...maxLatencyVerdicts(i.scenario, measurements),
  ];
  return { measurements, objectives };
}

/**
 * evidence.json until the evidence pack module is wired in: the run record as JSON (verdict,
 * measurements, faults with AWS request ids, objectives), schema-versioned.
 */
export function writeMinimalEvidence(runDir: string, record: object): string[] {
  const path = join(runDir, 'evidence.json');
  writeFileSync(path, `${JSON.stringify({ schemaVersion: 1, writtenAt: isoMs(Date.now()), ...record }, null, 2)}\n`);
  return [path];
}
