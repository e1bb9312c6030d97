import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { AnchoredClock, Clock } from '../../util/clock.js';
import { parseDurationMs } from '../../util/units.js';
import { recoveryProbes, windowsLongerThanHold } from '../recovery-probes.js';
import { ConfirmationWatch } from './confirmation.js';
import { type Drill, journaled } from './drill-state.js';
import type { InjectedFault, ObserveResult } from './facts.js';
import type { LiveProbeState } from './live-state.js';

/** Each fault's follow-up (FIS polling, restore verification): its result as it comes, journaled. */
function trackFollowUps(injected: InjectedFault[], journal: Journal) {
  const followUps: ObserveResult['followUps'] = [];
  const pending = new Map<string, Promise<void>>();
  for (const f of injected) {
    if (!f.followUp) continue;
    const stepId = f.action.stepId;
    const entry: ObserveResult['followUps'][number] = { stepId, result: null };
    followUps.push(entry);
    pending.set(
      stepId,
      f.followUp.then(
        (r) => {
          entry.result = r;
          journal.append('note', { message: `${stepId}: ${r.detail}`, stepId, followUp: r });
        },
        (err: Error) => {
          entry.error = err.message;
          journal.append('note', { message: `${stepId} follow-up failed: ${err.message}`, stepId });
        },
      ),
    );
    pending.get(stepId)?.finally(() => pending.delete(stepId));
  }
  return { followUps, pending };
}

/**
 * Observes after injection until the recovery condition holds (every recovery probe ok for the
 * whole hold window, and every fault follow-up, such as a restore verification, finished) or the
 * timeout passes. Returns early when the signal aborts (guardrail or Ctrl-C). When recovery holds
 * while a fault confirmation is still pending, observe goes on until it settles or the timeout
 * (the recovery moment stays the one first seen).
 */
export async function observe(i: {
  injected: InjectedFault[];
  live: LiveProbeState;
  probes: string[];
  intervals: Record<string, number>;
  holdMs: number;
  timeoutMs: number;
  faultAt: number;
  clock: Clock;
  timeline: AnchoredClock;
  journal: Journal;
  sink: MessageSink;
  signal: AbortSignal;
  /** Pending fault confirmations keep observe going after recovery (until the timeout). */
  confirming?: () => boolean;
}): Promise<ObserveResult> {
  const { followUps, pending } = trackFollowUps(i.injected, i.journal);
  const maxInterval = Math.max(50, ...i.probes.map((p) => i.intervals[p] ?? 1000));
  const tick = Math.min(250, maxInterval);
  const deadline = i.faultAt + i.timeoutMs;
  let recoveredAt: number | null = null;
  for (;;) {
    if (i.signal.aborted) return { recovered: false, recoveredAt: null, timedOut: false, followUps };
    const now = i.timeline.nowMs();
    // Requests scheduled in the last probe timeout may still be in flight: judge behind them.
    const lag = maxInterval * 2;
    const probesHeld = now - i.faultAt >= i.holdMs && i.probes.every((p) => i.live.heldOk(p, now, i.holdMs, lag));
    if (recoveredAt === null && probesHeld && pending.size === 0) {
      recoveredAt = now;
      i.journal.append('recovery.detected', { probes: i.probes, at: now, holdMs: i.holdMs });
      i.sink.emit(
        message('info', 'DP_OBSERVE_I5001', `recovered: ${i.probes.join(', ')} held ok for ${i.holdMs / 1000}s`),
      );
      if (i.confirming?.()) i.journal.append('note', { message: 'recovered; waiting for the fault confirmation' });
    }
    if (recoveredAt !== null && (!i.confirming?.() || now >= deadline)) {
      return { recovered: true, recoveredAt, timedOut: false, followUps };
    }
    if (now >= deadline) {
      i.journal.append('note', { message: 'observe timeout reached before the recovery condition held' });
      i.sink.emit(message('warn', 'DP_OBSERVE_W5002', 'observe timeout reached before recovery held'));
      return { recovered: false, recoveredAt: null, timedOut: true, followUps };
    }
    i.sink.progress?.({
      id: 'observe',
      label: 'observe',
      done: Math.round(now - i.faultAt),
      total: i.timeoutMs,
      detail: i.probes
        .map((p) => {
          const r = i.live.errorRate(p, now - 2000, now);
          return r ? `${p} ${Math.round((1 - r.rate) * 100)}% ok` : `${p} -`;
        })
        .join(' '),
    });
    try {
      await i.clock.sleep(tick, i.signal);
    } catch {
      return { recovered: false, recoveredAt: null, timedOut: false, followUps };
    }
  }
}

/**
 * The observe phase, when the faults went in without error or abort: until the recovery condition
 * holds or the timeout. From recovery on, only the `recovery` abort rules apply (until the rollback).
 */
export async function observePhase(d: Drill): Promise<void> {
  const { scenario, facts } = d;
  if (facts.injectError || d.abort.signal.aborted || facts.faultAt === null) return;
  const recovery = scenario.steps.observe?.recovery;
  const faultAt = facts.faultAt;
  const watch = new ConfirmationWatch({
    injected: facts.injected,
    ctx: facts.ctx,
    clock: d.clock,
    journal: d.journal,
    sink: d.sink,
    pollMs: facts.ctx.pollMs,
  }).start();
  try {
    const probes = recoveryProbes(scenario);
    const holdMs = provableHoldMs(d, probes, parseDurationMs(recovery?.hold ?? '10s') ?? 10_000);
    facts.observed = await journaled(d, 'observe', () =>
      observe({
        injected: facts.injected,
        live: d.live,
        probes,
        intervals: facts.probes?.intervals() ?? {},
        holdMs,
        timeoutMs: parseDurationMs(scenario.steps.observe?.timeout ?? '5m') ?? 300_000,
        faultAt,
        clock: d.clock,
        timeline: d.timeline,
        journal: d.journal,
        sink: d.sink,
        signal: d.abort.signal,
        confirming: () => watch.pending,
      }),
    );
  } finally {
    facts.confirmations = await watch.stop();
  }
  if (facts.observed.recovered) d.guard.arm('recovery');
}

/**
 * The hold observe waits for: at least the recovery window W of every recovery probe. R needs W
 * ok samples before the end of observation (docs/measurements.md §4), so a shorter hold would end
 * the drill before the analysis could prove the recovery it saw, and leave the RTO unmeasured.
 */
function provableHoldMs(d: Drill, probes: string[], holdMs: number): number {
  const longer = windowsLongerThanHold(d.scenario, probes, holdMs);
  if (longer.length === 0) return holdMs;
  const ms = Math.max(...longer.map((p) => p.windowMs));
  const text = `holding ${ms / 1000}s, not ${holdMs / 1000}s: the recovery window of ${longer.map((p) => `${p.name} (${p.windowMs / 1000}s)`).join(', ')} must fit before the end, or the RTO cannot be measured`;
  d.journal.append('note', { message: text, holdMs: ms, scenarioHoldMs: holdMs });
  d.sink.emit(message('info', 'DP_OBSERVE_I5501', text));
  return ms;
}
