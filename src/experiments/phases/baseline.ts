import { DrillproofError } from '../../errors.js';
import { parseDurationMs, parsePercent } from '../../util/units.js';
import { confirmInjection } from '../confirm.js';
import type { DrillScenario } from './drill-input.js';
import { type Drill, journaled } from './drill-state.js';
import type { LiveProbeState } from './live-state.js';

/**
 * Asks before the baseline (when the target needs it), so the baseline directly precedes the
 * injection. @throws DrillproofError `ConfirmationRequired` (exit 2) or `ConfirmationDeclined` (exit 3)
 */
export async function confirmPhase(d: Drill): Promise<void> {
  const summary = d.facts.actions.map((a) => `  ${a.stepId}: ${a.action} ${a.targets.join(', ')}`).join('\n');
  await confirmInjection({
    mode: d.scenario.guardrails?.confirm ?? 'auto',
    provider: d.options.provider,
    yes: d.input.yes,
    interactive: d.input.interactive,
    ...(d.options.ask ? { ask: d.options.ask } : {}),
    summary: `drill ${d.scenario.metadata.name} in ${d.aws.region} (account ${d.facts.caller?.account ?? '?'}) will:\n${summary}`,
  });
}

/**
 * The baseline: the probes run for the configured time (at least three intervals: a steady state
 * cannot be judged without samples), then every probe's error rate is checked.
 * @throws DrillproofError `SteadyStateFailed` (exit 3): nothing was injected
 */
export async function baselinePhase(d: Drill): Promise<void> {
  await journaled(d, 'baseline', async () => {
    const intervals = d.facts.probes?.intervals() ?? {};
    const iv = Object.values(intervals);
    const minMs = iv.length ? Math.max(...iv) * 3 + 500 : 0;
    const ms = Math.max(parseDurationMs(d.scenario.steps.baseline ?? '0s') ?? 0, minMs);
    d.sink.progress?.({ id: 'baseline', label: 'baseline', done: 0, total: ms });
    await d.clock.sleep(ms, d.abort.signal);
    const now = d.timeline.nowMs();
    const steady = steadyCheck(d.scenario, d.live, now - ms, now, intervals);
    for (const c of steady) d.journal.append('preflight.check', { ...c });
    const bad = steady.filter((c) => !c.ok);
    if (bad.length) {
      throw DrillproofError.user(
        'SteadyStateFailed',
        `steady state not met before injection: ${bad.map((b) => b.detail).join('; ')}; nothing was injected`,
        {
          exitCode: 3,
          hint: 'fix the service or the probe expectations first; a drill needs a steady baseline',
        },
      );
    }
  });
}

/**
 * Steady state before injection: every probe produced samples in the baseline and its error
 * rate is at most the tightest abort threshold configured for it (5 % when none is).
 */
export function steadyCheck(
  scenario: DrillScenario,
  live: LiveProbeState,
  from: number,
  to: number,
  intervals: Record<string, number>,
): { check: string; ok: boolean; detail: string }[] {
  const out: { check: string; ok: boolean; detail: string }[] = [];
  for (const p of scenario.probes ?? []) {
    const thresholds = (scenario.guardrails?.abort ?? [])
      .filter((a) => a.probe === p.name)
      .map((a) => parsePercent(a.errorRate) ?? 1);
    const max = thresholds.length ? Math.min(...thresholds) : 0.05;
    // Leave the newest samples out: they may still be in flight.
    const r = live.errorRate(p.name, from, to - 2 * (intervals[p.name] ?? 1000));
    const ok = r !== null && r.rate <= max;
    out.push({
      check: `steady ${p.name}`,
      ok,
      detail:
        r === null
          ? `probe ${p.name} produced no sample during the baseline`
          : `probe ${p.name} baseline error rate ${(r.rate * 100).toFixed(1)}% over ${r.n} samples (max ${(max * 100).toFixed(1)}%)`,
    });
  }
  return out;
}
