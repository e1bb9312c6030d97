import type { JournalEntry } from '../experiments/journal-types.js';
import type { Objectives } from '../experiments/schema/objectives.js';
import { computeMeasurements } from './compute.js';
import { judgeObjectives, objectivesFromScenario } from './objectives.js';
import { loadRunSamples } from './run-dir.js';
import type { Measurements, ObjectiveVerdict } from './types.js';

/** The parts of a scenario the drill analysis reads. */
export interface DrillAnalysisScenario {
  objectives?: Objectives;
  steps?: { observe?: { recovery?: { probes?: string[] } } };
}

/** F = `t` of the first `fault.requested` journal entry (null when nothing was injected). */
export function faultTimeFromJournal(journal: readonly JournalEntry[]): number | null {
  return journal.find((e) => e.kind === 'fault.requested')?.t ?? null;
}

/**
 * The analysis step of a drill: every measurement recomputed from the run directory's samples and
 * read-backs, F from the journal, the headline RTO over the scenario's recovery probes, and the
 * objective verdicts. A pure function of the files and the journal.
 */
export async function analyzeDrill(i: {
  runDir: string;
  scenario: DrillAnalysisScenario;
  journal: readonly JournalEntry[];
}): Promise<{ measurements: Measurements; objectives: ObjectiveVerdict[] }> {
  const run = await loadRunSamples(i.runDir);
  const recoveryProbes = i.scenario.steps?.observe?.recovery?.probes;
  const measurements = computeMeasurements({
    series: run.series,
    readbacks: run.readbacks,
    faultMs: faultTimeFromJournal(i.journal),
    ...(recoveryProbes?.length ? { rtoProbes: recoveryProbes } : {}),
  });
  const objectives = judgeObjectives(objectivesFromScenario(i.scenario.objectives), measurements);
  return { measurements, objectives };
}
