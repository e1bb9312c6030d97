import { DrillproofError } from '../errors.js';
import { type MessageSink, message } from '../io/messages.js';
import type { Journal } from '../run/journal.js';
import { pendingInverses } from '../run/journal.js';
import type { RecordedInverse } from '../run/journal-types.js';
import { isLeaseStep } from './faults/lease-kinds.js';
import { executeInverse } from './faults/registry.js';
import type { InverseContext, InverseSpec } from './faults/types.js';
import { type RetriedTry, withRollbackRetries } from './rollback-retry.js';

export type { RecordedInverse };

export interface RollbackOutcome {
  stepId: string;
  status: 'succeeded' | 'failed' | 'skipped';
  /** Epoch ms (run timeline) when the inverse finished. */
  at: number;
  requestIds: string[];
  error?: string;
  manualSteps?: string[];
}

/**
 * The undo stack of a drill. `record` writes the inverse to the journal (fsynced) before the
 * caller runs the destructive step; `drain` runs the inverses last-in first-out. A failing
 * inverse does not stop the others: each failure is reported with its manual steps. A drill's
 * lease (journaled first, so drained last) is kept when an undo before it failed or was skipped:
 * another drill must not start on a resource left broken; `recover` releases it once every undo
 * succeeded.
 */
export class RollbackStack {
  private readonly items: RecordedInverse[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly sink: MessageSink,
  ) {}

  /**
   * @throws DrillproofError `InverseNotRecorded` (exit 5) when the journal can no longer reach
   * the disk: a step whose undo is not on disk does not run.
   */
  record(stepId: string, fault: string, inverse: InverseSpec): void {
    this.journal.append('inverse.recorded', { stepId, fault, inverse });
    if (!this.journal.durable) {
      throw DrillproofError.user(
        'InverseNotRecorded',
        `the inverse of ${stepId} could not be journaled; not running it`,
        {
          exitCode: 5,
        },
      );
    }
    const i = this.items.findIndex((x) => x.stepId === stepId);
    // A late inverse (e.g. the FIS experiment id) replaces the provisional one of the same step.
    if (i >= 0) this.items[i] = { stepId, fault, inverse };
    else this.items.push({ stepId, fault, inverse });
  }

  /** Loads inverses not yet rolled back from an existing journal (recover). */
  load(items: RecordedInverse[]): void {
    this.items.push(...items);
  }

  get size(): number {
    return this.items.length;
  }

  pending(): RecordedInverse[] {
    return [...this.items];
  }

  /** Runs every inverse, newest first. `skip()` is checked before each (second Ctrl-C). */
  async drain(ctx: InverseContext, opts: { skip?: () => boolean } = {}): Promise<RollbackOutcome[]> {
    const outcomes: RollbackOutcome[] = [];
    while (this.items.length) {
      const item = this.items.pop() as RecordedInverse;
      const undone = outcomes.filter((o) => o.status !== 'succeeded' && !isLeaseStep(o.stepId));
      if (isLeaseStep(item.stepId) && undone.length > 0) {
        outcomes.push(this.keepLease(item, undone));
        continue;
      }
      if (opts.skip?.()) {
        this.journal.append('rollback.failed', {
          stepId: item.stepId,
          error: 'skipped by a second interrupt',
          manualSteps: item.inverse.manualSteps,
        });
        outcomes.push({
          stepId: item.stepId,
          status: 'skipped',
          at: this.journal.entries.at(-1)?.t ?? 0,
          requestIds: [],
          manualSteps: item.inverse.manualSteps,
        });
        continue;
      }
      outcomes.push(await this.runOne(item, ctx, opts.skip));
    }
    return outcomes;
  }

  /**
   * One inverse, tried again while it fails for a transient reason (rollback-retry.ts); each
   * failed try is journaled (`rollback.retrying`) and said, next to the `aws.call` records of its calls.
   */
  private async runOne(item: RecordedInverse, ctx: InverseContext, stop?: () => boolean): Promise<RollbackOutcome> {
    const { stepId } = item;
    this.journal.append('rollback.started', { stepId, inverse: item.inverse });
    this.sink.emit(message('info', 'DP_ROLLBACK_I4001', `rollback ${stepId}: ${item.inverse.description}`));
    const note = (m: string) => this.journal.append('note', { message: m, stepId });
    let failedTries = 0;
    const onRetry = (t: RetriedTry) => {
      failedTries = t.tryNo;
      this.journal.append('rollback.retrying', { stepId, ...t });
      this.sink.emit(
        message(
          'warn',
          'DP_ROLLBACK_W4801',
          `rollback ${stepId}: try ${t.tryNo} failed (${t.awsCode ?? t.error}); trying again in ${(t.retryInMs / 1000).toFixed(1)} s`,
        ),
      );
    };
    try {
      const { value: requestIds, tries } = await withRollbackRetries({
        run: () => executeInverse({ ...ctx, note }, item.inverse),
        clock: ctx.clock,
        budgetMs: ctx.waitTimeoutMs,
        onRetry,
        ...(stop ? { stop } : {}),
      });
      const e = this.journal.append('rollback.succeeded', { stepId, requestIds, ...(tries > 1 ? { tries } : {}) });
      return { stepId, status: 'succeeded', at: e.t, requestIds };
    } catch (err) {
      const msg = DrillproofError.is(err) || err instanceof Error ? err.message : String(err);
      const text = failedTries > 0 ? `${msg} (after ${failedTries + 1} tries)` : msg;
      const { manualSteps } = item.inverse;
      const e = this.journal.append('rollback.failed', { stepId, error: text, manualSteps });
      this.sink.emit(message('error', 'DP_ROLLBACK_E4002', `rollback ${stepId} failed: ${text}`, { manualSteps }));
      return { stepId, status: 'failed', at: e.t, requestIds: [], error: text, manualSteps };
    }
  }

  /** The lease stays (journaled as not rolled back, so `recover` releases it after the undo). */
  private keepLease(item: RecordedInverse, undone: RollbackOutcome[]): RollbackOutcome {
    const steps = undone.map((o) => o.stepId).join(', ');
    const error = `lease kept: ${steps} not undone; \`drillproof recover\` releases it once ${steps} is undone`;
    const manualSteps = [`first undo ${steps} (above), then:`, ...item.inverse.manualSteps];
    const e = this.journal.append('rollback.failed', { stepId: item.stepId, error, manualSteps });
    this.sink.emit(message('warn', 'DP_ROLLBACK_W4701', `rollback ${item.stepId}: ${error}`, { manualSteps }));
    return { stepId: item.stepId, status: 'skipped', at: e.t, requestIds: [], error, manualSteps };
  }
}

export { pendingInverses };
