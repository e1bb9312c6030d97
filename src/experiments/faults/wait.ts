import { DrillproofError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';

export interface WaitOptions {
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For the timeout message, e.g. `instance i-1 running`. */
  what: string;
}

/**
 * Polls `check` until it returns a value other than undefined. Transient errors (throttling
 * after SDK retries) are tolerated until the timeout; the last one is the cause on timeout.
 * @throws DrillproofError `WaitTimeout`, or the signal's reason when aborted.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, o: WaitOptions): Promise<T> {
  const deadline = o.clock.monotonicMs() + o.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    try {
      const v = await check();
      if (v !== undefined) return v;
      lastError = undefined;
    } catch (err) {
      if (DrillproofError.is(err) && !isTransient(err)) throw err;
      lastError = err;
    }
    if (o.clock.monotonicMs() >= deadline) {
      throw DrillproofError.aws(
        'WaitTimeout',
        `timed out after ${Math.round(o.timeoutMs / 1000)}s waiting for ${o.what}`,
        {
          cause: lastError,
          hint: 'the resource did not reach the expected state in time; check it in the AWS console',
        },
      );
    }
    await o.clock.sleep(Math.min(o.intervalMs, Math.max(0, deadline - o.clock.monotonicMs())), o.signal);
  }
}

/** Errors worth retrying at the poll level: throttling, AWS-side faults, an unreachable endpoint. */
export function isTransient(err: DrillproofError): boolean {
  return (
    err.code === 'AwsThrottled' ||
    err.code === 'AwsUnreachable' ||
    (err.code === 'AwsCallFailed' && err.source === 'aws')
  );
}
