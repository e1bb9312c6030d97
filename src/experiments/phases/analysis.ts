import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDrill, type DrillAnalysisScenario } from '../../measurements/drill.js';
import { judgeObjectives, objectivesFromScenario } from '../../measurements/objectives.js';
import { writeMeasurementsFile } from '../../measurements/run-dir.js';
import type { Measurements, ObjectiveVerdict, RtoResult } from '../../measurements/types.js';
import { isoMs } from '../../util/clock.js';
import type { JournalEntry } from '../journal-types.js';

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

/**
 * The measurement core's drill analysis (samples + read-backs + F from the journal), with the
 * restore RTO of a restore drill as the headline RTO; writes measurements.json.
 */
export async function analyzeDrillRun(i: {
  runDir: string;
  /** Only objectives and the recovery probes are read (a re-analysis has no resolved scenario). */
  scenario: DrillAnalysisScenario;
  journal: JournalEntry[];
  pollMs: number;
}): Promise<{ measurements: Measurements; objectives: ObjectiveVerdict[] }> {
  let { measurements, objectives } = await analyzeDrill({ runDir: i.runDir, scenario: i.scenario, journal: i.journal });
  const restore = restoreRto(i.journal, i.pollMs);
  if (restore) {
    measurements = { ...measurements, rto: restore };
    objectives = judgeObjectives(objectivesFromScenario(i.scenario.objectives), measurements);
  }
  writeMeasurementsFile(i.runDir, measurements);
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
