/**
 * SIGINT / SIGTERM handling for a drill, through an injected signal source so it is testable.
 * The first signal aborts the drill (rollback still runs); the second one skips the rollback,
 * which is the only way to skip it, and that is said loudly.
 */
export type DrillSignal = 'SIGINT' | 'SIGTERM';

export interface SignalSource {
  /** Subscribes; returns the unsubscribe function. */
  on(signal: DrillSignal, handler: () => void): () => void;
}

export const processSignalSource: SignalSource = {
  on(signal, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
};

/** A signal source tests fire by hand. */
export class ManualSignalSource implements SignalSource {
  private handlers = new Map<DrillSignal, Set<() => void>>();
  on(signal: DrillSignal, handler: () => void): () => void {
    const set = this.handlers.get(signal) ?? new Set();
    set.add(handler);
    this.handlers.set(signal, set);
    return () => set.delete(handler);
  }
  fire(signal: DrillSignal): void {
    for (const h of [...(this.handlers.get(signal) ?? [])]) h();
  }
  listenerCount(): number {
    let n = 0;
    for (const s of this.handlers.values()) n += s.size;
    return n;
  }
}

export interface InterruptEvents {
  /** First signal: the drill stops and rolls back. */
  onInterrupt(signal: DrillSignal, count: number): void;
  /** Second signal: the rollback is skipped. */
  onSkipRollback(signal: DrillSignal, count: number): void;
}

/** Turns signals into an AbortSignal (first) and a skip-rollback flag (second). */
export class InterruptController {
  private readonly controller = new AbortController();
  private count = 0;
  private skip = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(source: SignalSource, events: InterruptEvents) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      this.unsubscribe.push(
        source.on(sig, () => {
          this.count++;
          if (this.count === 1) {
            events.onInterrupt(sig, this.count);
            this.controller.abort(new InterruptedBySignal(sig));
          } else if (!this.skip) {
            this.skip = true;
            events.onSkipRollback(sig, this.count);
          }
        }),
      );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get interrupted(): boolean {
    return this.count > 0;
  }
  get skipRollback(): boolean {
    return this.skip;
  }
  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

export class InterruptedBySignal extends Error {
  constructor(readonly signal: DrillSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedBySignal';
  }
}
