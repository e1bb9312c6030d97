import { analysisPhase } from './phases/analysis.js';
import { baselinePhase, confirmPhase } from './phases/baseline.js';
import type { DrillInput } from './phases/drill-input.js';
import { type DrillOptions, type DrillResult, noteFailure, openDrill } from './phases/drill-state.js';
import { injectPhase } from './phases/inject.js';
import { observePhase } from './phases/observe.js';
import { finishDrill } from './phases/outcome.js';
import { preflightPhase } from './phases/preflight.js';
import { rollbackPhase } from './phases/rollback.js';
import { stopProbes, verifyPhase } from './phases/verify.js';

export type { DrillOptions, DrillResult };

/**
 * Runs one drill end to end: preflight → (confirmation) → baseline → inject → observe → rollback
 * → steady-state re-check → analysis → evidence. Probes run from the end of preflight to the end
 * of verify. The rollback runs whatever happens (errors, guardrail trips, signals); only a second
 * interrupt skips it. Each phase is its own module over one drill state (phases/drill-state.ts).
 * Never throws for a drill outcome: the exit code and the run record say what happened.
 * @throws DrillproofError only when the run directory cannot be created.
 */
export async function runDrill(input: DrillInput, o: DrillOptions): Promise<DrillResult> {
  const d = openDrill(input, o);
  try {
    await preflightPhase(d);
    await confirmPhase(d);
    await baselinePhase(d);
    await injectPhase(d);
    await observePhase(d);
  } catch (err) {
    noteFailure(d, err);
  } finally {
    await rollbackPhase(d);
  }
  await verifyPhase(d);
  await stopProbes(d);
  await analysisPhase(d);
  return finishDrill(d);
}
