import type { ChildProcess } from 'node:child_process';
import { type MessageSink, message } from '../../io/messages.js';
import type { Clock } from '../../util/clock.js';
import type { K6RestClient } from './rest.js';
import type { K6Result } from './result.js';

/**
 * Stops a running k6 once, escalating: the REST API's stop (k6 winds down and writes its
 * summary), then SIGTERM after `stopGraceMs`, then SIGKILL after `killAfterMs`. Records why and
 * how, for the k6 result.
 */
export class K6Stopper {
  reason: string | null = null;
  with: K6Result['stoppedWith'] = null;
  /** Settles when the stop sequence has finished (undefined before a stop). */
  stopping: Promise<void> | undefined;

  constructor(
    private readonly k: {
      child: ChildProcess;
      rest: K6RestClient;
      sink: MessageSink;
      clock: Clock;
      exit: Promise<unknown>;
      exited: () => boolean;
      stopGraceMs: number;
      killAfterMs: number;
    },
  ) {}

  /** Idempotent: a second call returns the first stop. */
  stop(reason: string): Promise<void> {
    if (this.stopping) return this.stopping;
    this.reason = reason;
    this.stopping = this.escalate(reason);
    return this.stopping;
  }

  private async escalate(reason: string): Promise<void> {
    const { child, sink } = this.k;
    if (this.k.exited()) return;
    sink.emit(message('warn', 'DP_K6_W0001', `stopping k6: ${reason}`, { reason }));
    let asked = false;
    try {
      await this.k.rest.stop();
      asked = true;
      this.with = 'rest';
    } catch {
      // REST not reachable (not started, or hung): fall back to a signal at once.
    }
    if (asked && (await this.waitExit(this.k.stopGraceMs))) return;
    if (this.k.exited()) return;
    sink.emit(
      message('warn', 'DP_K6_W0002', `k6 did not stop through its REST API: sending SIGTERM to pid ${child.pid}`),
    );
    this.with = 'sigterm';
    child.kill('SIGTERM');
    if (await this.waitExit(this.k.killAfterMs)) return;
    sink.emit(message('warn', 'DP_K6_W0003', `k6 ignored SIGTERM: sending SIGKILL to pid ${child.pid}`));
    this.with = 'sigkill';
    child.kill('SIGKILL');
  }

  /** True when k6 exited within `ms`. */
  private async waitExit(ms: number): Promise<boolean> {
    if (this.k.exited()) return true;
    const ac = new AbortController();
    const timer = this.k.clock.sleep(ms, ac.signal).then(
      () => false,
      () => false,
    );
    const r = await Promise.race([this.k.exit.then(() => true), timer]);
    ac.abort();
    return r;
  }
}
