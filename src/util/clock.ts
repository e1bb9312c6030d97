/**
 * Time is injected. Durations come from the monotonic clock; every timestamp shown to people is
 * wall-clock UTC derived from an anchor taken once at start, so the two never disagree mid-run.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional), arbitrary origin. */
  monotonicMs(): number;
  /** Wall-clock epoch milliseconds. */
  wallMs(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Converts monotonic readings into epoch milliseconds anchored at one instant, so that
 * `scheduled` times of samples are epoch ms that advance exactly with the monotonic clock.
 */
export class AnchoredClock {
  readonly anchorWallMs: number;
  readonly anchorMonoMs: number;
  constructor(readonly clock: Clock = systemClock) {
    this.anchorMonoMs = clock.monotonicMs();
    this.anchorWallMs = clock.wallMs();
  }
  /** Epoch ms (fractional) of the current monotonic reading. */
  nowMs(): number {
    return this.toEpochMs(this.clock.monotonicMs());
  }
  toEpochMs(mono: number): number {
    return this.anchorWallMs + (mono - this.anchorMonoMs);
  }
  /** Current drift between wall clock and anchored monotonic time, ms (positive: wall ahead). */
  driftMs(): number {
    return this.clock.wallMs() - this.nowMs();
  }
}

/** RFC 3339 UTC with milliseconds. */
export function isoMs(epochMs: number): string {
  return new Date(Math.round(epochMs)).toISOString();
}
