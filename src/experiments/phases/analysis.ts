import { message } from '../../io/messages.js';
import { type Drill, journaled } from './drill-state.js';

/**
 * The analysis (through the injected port: measurements from the sample files and the journal),
 * unless preflight failed before anything was injected. A failed analysis is a tool error.
 */
export async function analysisPhase(d: Drill): Promise<void> {
  const { facts } = d;
  if (facts.faultAt === null && facts.preflightFailed !== null) return;
  facts.analysis = await journaled(d, 'analysis', () =>
    d.options.ports.analyze({ runDir: d.input.runDir, scenario: d.scenario, journal: d.journal.entries }),
  ).catch((err) => {
    d.sink.emit(message('error', 'DP_RUN_E1005', `analysis failed: ${(err as Error).message}`));
    facts.toolError ??= err;
    return null;
  });
}
