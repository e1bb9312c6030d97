import type { Scenario } from '../schema/scenario.js';

/** The engine runs a validated scenario whose `${env.*}` / `${lab.*}` variables are resolved. */
export type DrillScenario = Scenario;

/** What the run command hands to the engine. */
export interface DrillInput {
  scenario: DrillScenario;
  /** The scenario file as given, its exact text and sha256 (copied into the run directory). */
  scenarioPath: string;
  scenarioText: string;
  scenarioSha256: string;
  runDir: string;
  runId: string;
  yes: boolean;
  interactive: boolean;
  /** Files the faults name (a FIS `templateFile`), as the loader read them, by fault id. */
  attachments?: Record<string, unknown>;
}
