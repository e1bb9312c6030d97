import { parseDurationMs } from '../../util/units.js';
import { execInverseSpec, execSpec } from '../faults/exec.js';
import { httpInverseSpec } from '../faults/http.js';
import type { RollbackStack } from '../rollback.js';
import type { DrillScenario } from './drill-input.js';
import { type Drill, journaled } from './drill-state.js';

/**
 * Rollback steps of the scenario become recorded inverses before injection. `auto` runs them
 * after the faults' own inverses (recorded first, so drained last); `explicit` runs only them.
 */
export function recordScenarioRollback(scenario: DrillScenario, rollback: RollbackStack, scenarioDir: string): void {
  const steps = scenario.rollback?.steps ?? [];
  for (const [n, st] of [...steps.entries()].reverse()) {
    const stepId = `rollback-${n + 1}-${st.id}`;
    const timeoutMs = parseDurationMs(st.timeout) ?? (st.type === 'exec' ? 30_000 : 10_000);
    if (st.type === 'exec') {
      rollback.record(stepId, 'rollback', execInverseSpec(execSpec(st, st.command, timeoutMs, scenarioDir)));
    } else {
      const call = {
        url: st.url,
        method: st.method,
        ...(st.body !== undefined ? { body: st.body } : {}),
        ...(st.headers ? { headers: st.headers } : {}),
        expectStatus: st.expectStatus,
        timeoutMs,
      };
      rollback.record(stepId, 'rollback', httpInverseSpec(call));
    }
  }
}

/**
 * The rollback: runs whatever happened before (errors, guardrail trips, signals). Follow-ups and
 * guardrails stop first; the recorded inverses run newest first; only a second interrupt skips
 * them (each inverse checks the flag). Then the AWS watchers stop.
 */
export async function rollbackPhase(d: Drill): Promise<void> {
  d.followUpStop.abort(new Error('observe ended'));
  d.guard.stop();
  if (d.rollback.size > 0) {
    d.facts.rollbacks = await journaled(d, 'rollback', () =>
      d.rollback.drain(d.faultCtx, { skip: () => d.interrupts.skipRollback }),
    ).catch(() => []);
  }
  await d.watchers.stop().catch(() => {});
}
