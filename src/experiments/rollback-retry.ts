import { isTransientAwsError } from '../aws/errors.js';
import { DrillproofError } from '../errors.js';
import type { Clock } from '../util/clock.js';

/**
 * A rollback step must not be lost to a moment of throttling or a 5xx answer. The SDK retries
 * each call (retry-policy.ts), but within limits of its own: its attempt count, and its retry quota
 * (a token bucket per client: 500 tokens, each retry costs some, a success gives a little back;
 * when it is empty the SDK sends every call once and no more). So a failed inverse whose error is
 * transient (errors.ts `isTransientAwsError`) runs again, whole (every inverse is idempotent), with
 * exponential backoff and full jitter, until it succeeds, fails for another reason, or the next try
 * would start after the step's deadline: `waitTimeoutMs` after its first try (the bound of any single
 * wait of the drill). Every try is journaled by the caller (`rollback.retrying`).
 */
export const ROLLBACK_RETRY = { baseMs: 1000, capMs: 20_000 } as const;

/** The wait before try `n + 1` after `n` failed tries: uniform in [0, min(cap, base · 2^(n-1))]. */
export function rollbackRetryDelayMs(failedTries: number, random: () => number = Math.random): number {
  const ceiling = Math.min(ROLLBACK_RETRY.capMs, ROLLBACK_RETRY.baseMs * 2 ** Math.max(0, failedTries - 1));
  return Math.round(random() * ceiling);
}

/** One failed try that is tried again. */
export interface RetriedTry {
  /** 1 for the first try. */
  tryNo: number;
  error: string;
  awsCode?: string;
  /** The SDK's attempts inside this try, when the error carries them. */
  sdkAttempts?: number;
  retryInMs: number;
}

/**
 * Runs `run` until it succeeds, throws a non-transient error, `stop()` says so (second interrupt)
 * or the deadline is reached; then the last error is thrown. Time is the clock's, or the sum of the
 * waits when the clock stands still (a test clock), so the loop always ends.
 * @returns the result and how many tries it took
 */
export async function withRollbackRetries<T>(o: {
  run: () => Promise<T>;
  clock: Clock;
  budgetMs: number;
  onRetry: (t: RetriedTry) => void;
  stop?: () => boolean;
  random?: () => number;
}): Promise<{ value: T; tries: number }> {
  const started = o.clock.monotonicMs();
  let waited = 0;
  for (let tryNo = 1; ; tryNo++) {
    try {
      return { value: await o.run(), tries: tryNo };
    } catch (err) {
      const delay = rollbackRetryDelayMs(tryNo, o.random);
      const elapsed = Math.max(o.clock.monotonicMs() - started, waited);
      if (!isTransientAwsError(err) || elapsed + delay >= o.budgetMs || o.stop?.()) throw err;
      const d = DrillproofError.is(err) ? err.details : {};
      o.onRetry({
        tryNo,
        error: err instanceof Error ? err.message : String(err),
        ...(d.awsCode !== undefined ? { awsCode: String(d.awsCode) } : {}),
        ...(typeof d.sdkAttempts === 'number' ? { sdkAttempts: d.sdkAttempts } : {}),
        retryInMs: delay,
      });
      await o.clock.sleep(delay);
      waited += delay;
    }
  }
}
