import { computeMeasurements } from '../../measurements/compute.js';
import { judgeObjectives, objectivesFromScenario } from '../../measurements/objectives.js';
import { writeMeasurementsFile } from '../../run/fault-file.js';
import { faultTimeFromJournal, faultTimesFromJournal, restoreVerificationOf } from '../../run/journal.js';
import type { JournalEntry } from '../../run/journal-types.js';
import type { Measurements, ObjectiveVerdict } from '../../run/measurements.js';
import type { Objectives } from '../../scenario/objectives.js';
import { loadRunSamples } from './run-dir.js';

/** The parts of a scenario the drill analysis reads. */
export interface DrillAnalysisScenario {
  objectives?: Objectives;
  steps?: { observe?: { recovery?: { probes?: string[] } } };
}

/**
 * The analysis step of a drill: every measurement recomputed from the run directory's samples and
 * read-backs, F from the journal, the headline RTO over the scenario's recovery probes (a restore
 * drill's: its verification, from the journal), and the objective verdicts. A function of the
 * files and the journal only; `write` also writes measurements.json.
 */
export async function analyzeDrill(i: {
  runDir: string;
  scenario: DrillAnalysisScenario;
  journal: readonly JournalEntry[];
  write?: boolean;
}): Promise<{ measurements: Measurements; objectives: ObjectiveVerdict[] }> {
  const run = await loadRunSamples(i.runDir);
  const recoveryProbes = i.scenario.steps?.observe?.recovery?.probes;
  const times = faultTimesFromJournal(i.journal);
  const measurements = computeMeasurements({
    series: run.series,
    readbacks: run.readbacks,
    faultMs: faultTimeFromJournal(i.journal),
    ...(times ? { faultIssuedMs: times.issuedMs } : {}),
    restore: restoreVerificationOf(i.journal),
    ...(recoveryProbes?.length ? { rtoProbes: recoveryProbes } : {}),
  });
  const objectives = judgeObjectives(objectivesFromScenario(i.scenario.objectives), measurements);
  if (i.write) writeMeasurementsFile(i.runDir, measurements);
  return { measurements, objectives };
}
