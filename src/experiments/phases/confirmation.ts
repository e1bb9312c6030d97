import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { Clock } from '../../util/clock.js';
import type { FaultConfirmation } from '../faults/definition.js';
import { faultDefinition } from '../faults/registry.js';
import type { FaultContext } from '../faults/types.js';
import type { ConfirmationState, InjectedFault } from './facts.js';

export type { ConfirmationState };

/**
 * Confirms each injected fault action from AWS's answers while observe runs: its definition's
 * `confirm.check` once per poll interval until `confirmed` or `declined`, or until `stop()` (the
 * end of observe), after which the last `not-confirmed` stands. A check that throws counts as
 * not confirmed yet. A fault type without `confirm` (exec, http) is `unconfirmable` at once.
 * Each final result is journaled (`fault.confirmation`) with the AWS answers that prove it.
 */
export class ConfirmationWatch {
  readonly states: ConfirmationState[] = [];
  private readonly stopper = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly i: {
      injected: InjectedFault[];
      ctx: FaultContext;
      clock: Clock;
      journal: Journal;
      sink: MessageSink;
      pollMs: number;
      /** Resolves a fault type to its confirmation (the registry; tests inject their own). */
      confirmationOf?: (type: string) => FaultConfirmation | undefined;
    },
  ) {}

  start(): this {
    const of = this.i.confirmationOf ?? ((t: string) => faultDefinition(t)?.confirm);
    for (const f of this.i.injected) {
      if (f.error || f.requestedAt === null) continue;
      const st: ConfirmationState = {
        stepId: f.action.stepId,
        status: 'not-confirmed',
        detail: 'not checked yet',
        answers: [],
        at: null,
        checks: 0,
        settled: false,
      };
      this.states.push(st);
      const confirm = of(f.action.fault);
      if (!confirm) {
        st.status = 'unconfirmable';
        st.detail = `no AWS answer can confirm a ${f.action.fault} fault; only the probes show its effect`;
        this.settle(st);
        continue;
      }
      this.loops.push(this.poll(f, confirm, st));
    }
    return this;
  }

  /** True while a check may still turn into confirmed or declined. */
  get pending(): boolean {
    return this.states.some((s) => !s.settled);
  }

  /** Ends the polling (observe is over); the pending ones stay `not-confirmed`. */
  async stop(): Promise<ConfirmationState[]> {
    this.stopper.abort();
    await Promise.all(this.loops);
    return this.states;
  }

  private async poll(f: InjectedFault, confirm: FaultConfirmation, st: ConfirmationState): Promise<void> {
    // The action itself, not a copy: fault modules keep what `run` learned in WeakMaps keyed by it
    // (the TestFailover time, the restore job, the throttled answer); a copy found none of it.
    const action = f.action;
    if (f.requestedAt !== null) action.requestedAt = f.requestedAt;
    const signal = this.stopper.signal;
    for (;;) {
      try {
        const r = await confirm.check(action, this.i.ctx);
        Object.assign(st, { status: r.status, detail: r.detail, answers: r.answers });
      } catch (err) {
        Object.assign(st, { status: 'not-confirmed', detail: `check failed: ${(err as Error).message}` });
      }
      st.checks += 1;
      st.at = this.i.ctx.timeline.nowMs();
      if (st.status !== 'not-confirmed' || signal.aborted) break;
      try {
        await this.i.clock.sleep(this.i.pollMs, signal);
      } catch {
        break;
      }
    }
    this.settle(st);
  }

  private settle(st: ConfirmationState): void {
    st.settled = true;
    const { stepId, status, detail, answers, checks } = st;
    this.i.journal.append('fault.confirmation', { stepId, status, detail, answers, checks });
    const level = status === 'confirmed' || status === 'unconfirmable' ? 'info' : 'warn';
    this.i.sink.emit(
      message(level, level === 'info' ? 'DP_OBSERVE_I5601' : 'DP_OBSERVE_W5602', `${stepId} ${status}: ${detail}`, {
        stepId,
        status,
      }),
    );
  }
}
