import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { AnchoredClock, Clock } from '../../util/clock.js';
import { recoveryProbes } from '../recovery-probes.js';
import { type Drill, journaled } from './drill-state.js';
import type { LiveProbeState } from './live-state.js';

/**
 * Steady state after the rollback: every probe answers ok for a short window (five intervals,
 * at least 2 s). Waits up to `timeoutMs` for it, since restarted instances need a few health
 * checks before the load balancer sends them traffic again.
 */
export async function verifySteadyState(i: {
  live: LiveProbeState;
  probes: string[];
  intervals: Record<string, number>;
  clock: Clock;
  timeline: AnchoredClock;
  journal: Journal;
  sink: MessageSink;
  timeoutMs: number;
}): Promise<boolean> {
  if (i.probes.length === 0) return true;
  const maxInterval = Math.max(50, ...i.probes.map((p) => i.intervals[p] ?? 1000));
  const windowMs = Math.max(2000, maxInterval * 5);
  const deadline = i.timeline.nowMs() + i.timeoutMs;
  for (;;) {
    const now = i.timeline.nowMs();
    if (i.probes.every((p) => i.live.heldOk(p, now, windowMs, maxInterval * 2))) {
      i.journal.append('note', {
        message: `steady state after rollback: ${i.probes.join(', ')} ok`,
        steadyAfter: true,
      });
      i.sink.emit(message('info', 'DP_VERIFY_I7001', `steady state after rollback: ${i.probes.join(', ')} ok`));
      return true;
    }
    if (now >= deadline) {
      i.journal.append('note', { message: 'steady state not regained after rollback', steadyAfter: false });
      i.sink.emit(message('warn', 'DP_VERIFY_W7002', 'steady state not regained after rollback'));
      return false;
    }
    await i.clock.sleep(Math.min(250, maxInterval));
  }
}

/**
 * The verify phase, after a rollback that ran (not after a skipped one, nor when nothing was
 * injected): the steady state again, waiting at least 10 s, as restarted instances need a few
 * health checks before they serve again.
 */
export async function verifyPhase(d: Drill): Promise<void> {
  const { facts } = d;
  const probes = facts.probes;
  if (facts.faultAt === null || !probes || d.interrupts.skipRollback) return;
  facts.steadyAfter = await journaled(d, 'verify', () =>
    verifySteadyState({
      live: d.live,
      probes: recoveryProbes(d.scenario),
      intervals: probes.intervals(),
      clock: d.clock,
      timeline: d.timeline,
      journal: d.journal,
      sink: d.sink,
      timeoutMs: Math.max(10_000, Math.min(d.faultCtx.waitTimeoutMs, 120_000)),
    }),
  ).catch(() => false);
}

/** Stops the probes (in-flight requests settle, heartbeats are read back) and the signal handling. */
export async function stopProbes(d: Drill): Promise<void> {
  const probes = d.facts.probes;
  if (probes) {
    await probes
      .stop()
      .catch((err) => d.journal.append('note', { message: `probes did not stop cleanly: ${(err as Error).message}` }));
  }
  d.interrupts.dispose();
}
