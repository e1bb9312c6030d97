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

const isCode = (err: unknown, code: string) => DrillproofError.is(err) && err.code === code;

/**
 * Deletes a resource the drill made and waits until it is gone. The delete is repeated while AWS
 * answers that the resource cannot be deleted yet (`AwsInvalidState`: still being created or
 * restored, instances still in a cluster); a not-found answer means it is gone already. After an
 * accepted delete, `exists` is polled until it answers false (or not found).
 * @returns the request ids of the accepted delete
 */
export async function deleteUntilGone(o: {
  remove: () => Promise<{ $metadata: { requestId?: string } }>;
  exists: () => Promise<boolean>;
  /** How messages name it, e.g. `DB cluster c-1`. */
  what: string;
  poll: Omit<WaitOptions, 'what'>;
}): Promise<string[]> {
  const accepted = await pollUntil(
    async () => {
      try {
        return await o.remove();
      } catch (err) {
        if (isCode(err, 'AwsResourceNotFound')) return null;
        if (isCode(err, 'AwsInvalidState')) return undefined;
        throw err;
      }
    },
    { ...o.poll, what: `${o.what} to accept deletion` },
  );
  if (accepted === null) return [];
  await pollUntil(
    async () => {
      try {
        return (await o.exists()) ? undefined : true;
      } catch (err) {
        if (isCode(err, 'AwsResourceNotFound')) return true;
        throw err;
      }
    },
    { ...o.poll, what: `${o.what} to be deleted` },
  );
  const id = accepted.$metadata.requestId;
  return id ? [id] : [];
}
