/**
 * How often drillproof lets the SDK try one call. Every client uses the SDK's `adaptive` retry
 * mode (AWS's recommendation for callers that may be throttled: exponential backoff with full
 * jitter, 100 ms base for 5xx, 500 ms for throttling, each wait capped at 20 s, plus a client-side
 * rate limiter that slows down after throttling answers). The SDK retries throttling errors,
 * HTTP 500/502/503/504, timeouts and reset connections on every operation, idempotent or not.
 *
 * Reads (Describe*, List*, Get*, Simulate*) change nothing, so repeating one is always safe and a
 * drill that gives up on one (a preflight check, a watcher's poll) loses the run: they get more
 * attempts. Writes get fewer, and are safe to repeat for a reason of their own: the EC2 state
 * changes, tags, target registration, Auto Scaling processes and Lambda concurrency are idempotent;
 * FIS StartExperiment / CreateExperimentTemplate carry drillproof's own clientToken (run id and
 * step), and Backup StartRestoreJob the IdempotencyToken the SDK fills in when it serializes the
 * request, once, before its retry loop, so every attempt sends the same token;
 * the RDS and DynamoDB restores and deletes name their target, so a repeat of one AWS already
 * carried out is refused (`DBInstanceAlreadyExists`, `TableAlreadyExistsException`, not found,
 * invalid state) instead of creating or deleting a second resource, and the inverse journaled
 * before the call still cleans up. A forced failover repeated while the first one runs is refused
 * the same way (`InvalidDBInstanceState`).
 *
 * With a fraction p of attempts failing, a call fails with p^k after k attempts: at p = 0.44
 * (30 % throttled, then 20 % of the rest failing) a read fails with 5e-5 and a write with 1.4e-3,
 * so a drill of ~100 reads and a handful of writes gives up on a call in about 1 run in 100.
 * The waits are bounded: at most 11 backoffs of at most 20 s (worst case ~150 s for a read, ~70 s
 * for a write, both when every attempt is throttled and every jitter draws its maximum).
 */
export const READ_ATTEMPTS = 12;
export const WRITE_ATTEMPTS = 8;

/** Operations that only read (safe to repeat any number of times). */
export function isReadOperation(operation: string): boolean {
  return /^(Describe|List|Get|Simulate)/.test(operation);
}

/** One SDK client per budget: the SDK's attempt count is a client setting. */
export interface ClientPair<C> {
  read: C;
  write: C;
}

/** The client of `pair` whose retry budget fits `operation`. */
export function clientFor<C>(pair: ClientPair<C>, operation: string): C {
  return isReadOperation(operation) ? pair.read : pair.write;
}
