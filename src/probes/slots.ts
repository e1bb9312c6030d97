/**
 * A counting semaphore whose waiters can give up (abort) in O(1). The HTTP probe keeps requests
 * here instead of in undici's queue: undici removes an aborted queued request in time linear in
 * the queue, so thousands of timeouts at once (a hung target at a high rate) stalled the event
 * loop for seconds.
 */
export class Slots {
  private active = 0;
  private waiters: { grant: () => void; done: boolean }[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    let n = 0;
    for (let i = this.head; i < this.waiters.length; i++) if (!this.waiters[i]?.done) n++;
    return n;
  }

  /** Resolves true with a slot, or false when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const w = {
        done: false,
        grant: () => {
          w.done = true;
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = () => {
        w.done = true;
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Hands the slot to the oldest waiter still waiting, or frees it. */
  release(): void {
    while (this.head < this.waiters.length) {
      const w = this.waiters[this.head++] as { grant: () => void; done: boolean };
      if (!w.done) {
        w.grant();
        this.compact();
        return;
      }
    }
    this.compact();
    this.active--;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
