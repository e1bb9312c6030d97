import { DrillproofError } from '../../errors.js';
import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import { isoMs } from '../../util/clock.js';
import { parseDurationMs } from '../../util/units.js';
import type { FaultAction, FaultContext } from '../faults/types.js';
import { verifyLease } from '../lease.js';
import type { RollbackStack } from '../rollback.js';
import type { WatcherSet } from '../watchers/watchers.js';
import { type Drill, journaled } from './drill-state.js';
import type { InjectedFault } from './facts.js';
import { recordScenarioRollback } from './rollback.js';

/**
 * Runs the fault actions in order. For each: its `before` (inverse journaled first) and its setup
 * (if any), then its inverse is written to
 * the journal (fsynced) BEFORE the destructive call, then `fault.requested`, the call, and
 * `fault.acknowledged` (AWS accepted it, after any SDK retries) or `fault.failed`. Stops at the
 * first failure or abort. `onFirstFault` fires when the first fault call is issued (guardrails and
 * watchers start), `onFirstAccepted` when AWS accepted it: F, so throttled attempts are no outage.
 */
export async function injectFaults(i: {
  actions: FaultAction[];
  ctx: FaultContext;
  journal: Journal;
  rollback: RollbackStack;
  watchers: WatcherSet;
  sink: MessageSink;
  onFirstFault: (at: number) => void;
  onFirstAccepted?: (at: number) => void;
}): Promise<{ injected: InjectedFault[]; failed: DrillproofError | null }> {
  const { ctx, journal, rollback, sink } = i;
  const injected: InjectedFault[] = [];
  let first = true;
  for (const action of i.actions) {
    if (ctx.signal.aborted) break;
    const rec: InjectedFault = { action, requestedAt: null, acknowledgedAt: null, requestIds: [] };
    injected.push(rec);
    try {
      if (action.before) {
        if (action.before.inverse) rollback.record(`${action.stepId}.before`, action.fault, action.before.inverse);
        journal.append('note', { message: `${action.before.description} for ${action.stepId}`, stepId: action.stepId });
        rec.requestIds.push(...(await action.before.run(ctx)).requestIds);
      }
      if (action.setup) {
        journal.append('note', { message: `setup for ${action.stepId}`, stepId: action.stepId });
        const s = await action.setup(ctx);
        rec.requestIds.push(...s.requestIds);
        if (s.inverse) rollback.record(`${action.stepId}.setup`, action.fault, s.inverse);
      }
      if (action.inverse) rollback.record(action.stepId, action.fault, action.inverse);
      for (const w of action.watch ?? []) i.watchers.add(w);
      const req = journal.append('fault.requested', {
        stepId: action.stepId,
        fault: action.fault,
        action: action.action,
        targets: action.targets,
      });
      rec.requestedAt = req.t;
      const isFirst = first;
      if (first) {
        first = false;
        i.onFirstFault(req.t);
      }
      sink.emit(
        message('info', 'DP_INJECT_I3001', `inject ${action.stepId}: ${action.action} ${action.targets.join(', ')}`),
      );
      const res = await action.run(ctx);
      rec.requestIds.push(...res.requestIds);
      const ack = journal.append('fault.acknowledged', {
        stepId: action.stepId,
        requestIds: res.requestIds,
        response: res.response ?? {},
      });
      rec.acknowledgedAt = ack.t;
      if (isFirst) i.onFirstAccepted?.(ack.t);
      if (res.lateInverse) rollback.record(action.stepId, action.fault, res.lateInverse);
      if (action.followUp) {
        const fu = action.followUp(ctx);
        // Never an unhandled rejection: the observe phase awaits and reports it.
        fu.catch(() => {});
        rec.followUp = fu;
      }
    } catch (err) {
      const e = DrillproofError.is(err)
        ? err
        : DrillproofError.tool('InjectFailed', `fault ${action.stepId} failed: ${(err as Error).message}`, {
            cause: err,
          });
      if (ctx.signal.aborted && !DrillproofError.is(err)) break;
      rec.error = e.message;
      journal.append('fault.failed', { stepId: action.stepId, error: e.message, code: e.code });
      sink.emit(message('error', 'DP_INJECT_E3002', `fault ${action.stepId} failed: ${e.message}`));
      return { injected, failed: e };
    }
  }
  return { injected, failed: null };
}

/**
 * The inject phase: the scenario's own rollback steps are recorded, the duration guardrail starts,
 * then the faults run (with `rollback.mode: explicit` their own inverses are not recorded). At F
 * the guardrails arm and the AWS watchers start.
 */
export async function injectPhase(d: Drill): Promise<void> {
  const { scenario, facts } = d;
  // Two drills that leased at once: the one whose lease was overwritten stops here (exit 3).
  await verifyLease(d.aws, facts.leased, d.input.runId, d.timeline.nowMs());
  recordScenarioRollback(scenario, d.rollback, d.faultCtx.scenarioDir);
  const maxDur = scenario.guardrails?.maxDuration ? (parseDurationMs(scenario.guardrails.maxDuration) ?? null) : null;
  d.guard.start(maxDur);
  const actions = facts.actions;
  const inj = await journaled(d, 'inject', () =>
    injectFaults({
      actions: scenario.rollback?.mode === 'explicit' ? actions.map((a) => ({ ...a, inverse: null })) : actions,
      ctx: facts.ctx,
      journal: d.journal,
      rollback: d.rollback,
      watchers: d.watchers,
      sink: d.sink,
      onFirstFault: (at) => {
        // Provisional F until AWS accepts the call (it stays when the call fails or is cut short).
        facts.faultIssuedAt = at;
        facts.faultAt = at;
        d.guard.arm();
        d.watchers.start();
      },
      onFirstAccepted: (at) => {
        facts.faultAt = at;
      },
    }),
  );
  facts.injected = inj.injected;
  facts.injectError = inj.failed;
}

export function faultTimeIso(ms: number | null): string | null {
  return ms === null ? null : isoMs(ms);
}
