import type { Clock } from '../../src/util/clock.js';

interface Timer {
  at: number;
  order: number;
  resolve: () => void;
}

/** A clock that only moves when told to; sleepers wake in time order. */
export class FakeClock implements Clock {
  now = 1000;
  readonly wallOrigin = 1_800_000_000_000;
  private timers: Timer[] = [];
  private order = 0;

  monotonicMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallOrigin + this.now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t: Timer = { at: this.now + Math.max(0, ms), order: this.order++, resolve };
      t.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(t);
    });
  }

  /** Lets every pending promise chain run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  /** Moves time forward to `t`, waking sleepers in order and letting each reaction run. */
  async advanceTo(t: number): Promise<void> {
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.timers[0];
      if (!next || next.at > t) break;
      this.timers.shift();
      this.now = Math.max(this.now, next.at);
      next.resolve();
      await this.settle();
    }
    this.now = Math.max(this.now, t);
    await this.settle();
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.now + ms);
  }

  /** The process stalls: time passes and no timer fires until the next advance. */
  stall(ms: number): void {
    this.now += ms;
  }
}
