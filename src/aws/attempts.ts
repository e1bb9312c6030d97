/**
 * Every attempt of an SDK call, as the wire saw it. The SDK's retry middleware (finalizeRequest
 * step) retries throttled and 5xx answers inside one `send`; the outcome it hands back carries only
 * the last answer and an attempt count. A middleware placed right after the retry middleware runs
 * once per attempt, so it sees each attempt's answer: its HTTP status, error code, request id and
 * timing. An initialize-step middleware (once per call) collects them and hangs the list on the
 * call's output or error, where the call recorder (clients.ts) reads it.
 */
import { awsErrorCode } from './errors.js';

/** One attempt of one call. */
export interface AwsAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** When the attempt was sent, ms after the call started (the gaps are the SDK's backoff). */
  atMs: number;
  /** How long the attempt took, ms. */
  ms: number;
  /** HTTP status of the answer, null when none arrived (connection refused, timeout). */
  httpStatus: number | null;
  /** AWS error code of a failed attempt (e.g. `RequestLimitExceeded`, `InternalError`). */
  errorCode?: string;
  requestId: string | null;
}

const ATTEMPTS = Symbol('drillproof.awsAttempts');

interface Meta {
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
}
type Handler = (args: unknown) => Promise<{ output?: unknown; response?: { statusCode?: number } }>;
type Ctx = { drillproofAttempts?: { startedMs: number; list: AwsAttempt[] } };

export interface AttemptStack {
  add(mw: (next: Handler, ctx: Ctx) => Handler, o: { step: 'initialize'; name: string; priority: 'high' }): void;
  addRelativeTo(
    mw: (next: Handler, ctx: Ctx) => Handler,
    o: { relation: 'after'; toMiddleware: string; name: string },
  ): void;
}

/** The attempts of the call that produced `outcome` (an output or a thrown error), oldest first. */
export function attemptsOf(outcome: unknown): AwsAttempt[] {
  const list = (outcome as { [ATTEMPTS]?: AwsAttempt[] } | null)?.[ATTEMPTS];
  return Array.isArray(list) ? list : [];
}

function attach(target: unknown, list: AwsAttempt[]): void {
  if (typeof target !== 'object' || target === null) return;
  // Not enumerable: outputs are spread and serialized elsewhere; the list must not travel with them.
  Object.defineProperty(target, ATTEMPTS, { value: list, enumerable: false, configurable: true });
}

/** Records every attempt of every call made with the client that owns `stack`. */
export function addAttemptRecorder(stack: AttemptStack, now: () => number = () => performance.now()): void {
  stack.add(
    (next, ctx) => async (args) => {
      const state = { startedMs: now(), list: [] as AwsAttempt[] };
      ctx.drillproofAttempts = state;
      try {
        const r = await next(args);
        attach(r.output, state.list);
        return r;
      } catch (err) {
        attach(err, state.list);
        throw err;
      }
    },
    { step: 'initialize', name: 'drillproofAttempts', priority: 'high' },
  );
  stack.addRelativeTo(
    (next, ctx) => async (args) => {
      const state = ctx.drillproofAttempts;
      const t0 = now();
      const attempt = (state?.list.length ?? 0) + 1;
      try {
        const r = await next(args);
        const meta = (r.output as Meta | undefined)?.$metadata;
        state?.list.push({
          attempt,
          atMs: t0 - (state?.startedMs ?? t0),
          ms: now() - t0,
          httpStatus: meta?.httpStatusCode ?? r.response?.statusCode ?? null,
          requestId: meta?.requestId ?? null,
        });
        return r;
      } catch (err) {
        const e = (err ?? {}) as Meta;
        state?.list.push({
          attempt,
          atMs: t0 - (state?.startedMs ?? t0),
          ms: now() - t0,
          httpStatus: e.$metadata?.httpStatusCode ?? e.$response?.statusCode ?? null,
          errorCode: awsErrorCode(err) ?? 'Unknown',
          requestId: e.$metadata?.requestId ?? null,
        });
        throw err;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'drillproofAttempt' },
  );
}
