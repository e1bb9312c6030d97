import type { AwsTarget } from '../../../aws/clients.js';
import { createLambdaInvoker, type LambdaInvoker } from '../../../aws/probe-apis.js';
import { classifyNetworkError, errorDetail } from '../../classify.js';
import type { ProbeCommon } from '../../config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../runner.js';

export interface LambdaExpect {
  /** Invoke status codes that count as success (200 for RequestResponse). */
  status: number[];
  /** false: an X-Amz-Function-Error answer is a failure; true: only a function error is a success. */
  functionError: boolean;
  bodyContains?: string;
  /** A JavaScript regular expression source, matched against the response payload. */
  bodyMatches?: string;
}

export interface LambdaProbeConfig extends ProbeCommon {
  kind: 'lambda';
  /** Name, ARN or partial ARN. */
  functionName: string;
  /** Version or alias. */
  qualifier?: string;
  /** The event (JSON text); absent = `{}`. */
  payload?: string;
  expect: LambdaExpect;
  aws: AwsTarget;
}

export type { LambdaInvoker };

/**
 * Lambda probe: every Δ one synchronous Invoke (RequestResponse), open loop like the other kinds.
 * The client makes one attempt per sample (no SDK retries); the deadline T aborts the request
 * through its AbortSignal. A function error, throttling (429) and any other status are failures
 * with their own codes; the answer's payload can be matched like an HTTP body.
 */
export class LambdaProbe implements ProbeRunner {
  readonly kind = 'lambda' as const;
  private readonly bodyRe: RegExp | null;
  private readonly payload: Uint8Array;

  constructor(
    private readonly cfg: LambdaProbeConfig,
    private readonly client: LambdaInvoker = createLambdaInvoker(cfg.aws),
  ) {
    this.bodyRe = cfg.expect.bodyMatches === undefined ? null : new RegExp(cfg.expect.bodyMatches);
    this.payload = new TextEncoder().encode(cfg.payload ?? '{}');
  }

  async attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    const { cfg } = this;
    try {
      const out = await this.client.invoke(
        {
          FunctionName: cfg.functionName,
          ...(cfg.qualifier ? { Qualifier: cfg.qualifier } : {}),
          InvocationType: 'RequestResponse',
          Payload: this.payload,
        },
        { abortSignal: a.signal },
      );
      const status = out.StatusCode ?? out.$metadata.httpStatusCode ?? null;
      const body = out.Payload ? new TextDecoder().decode(out.Payload) : '';
      const base: ProbeOutcome = { ok: true, status, error: null };
      if (out.ExecutedVersion) base.backend = out.ExecutedVersion;
      if (status === null || !cfg.expect.status.includes(status)) return { ...base, ok: false, error: 'http_status' };
      if (out.FunctionError && !cfg.expect.functionError) {
        return { ...base, ok: false, error: 'function_error', detail: functionErrorDetail(out.FunctionError, body) };
      }
      if (!out.FunctionError && cfg.expect.functionError) {
        return {
          ...base,
          ok: false,
          error: 'function_error',
          detail: 'expected a function error, the function succeeded',
        };
      }
      if (cfg.expect.bodyContains !== undefined && !body.includes(cfg.expect.bodyContains)) {
        return { ...base, ok: false, error: 'body_mismatch' };
      }
      if (this.bodyRe && !this.bodyRe.test(body)) return { ...base, ok: false, error: 'body_mismatch' };
      return base;
    } catch (err) {
      if (a.signal.aborted) return { ok: false, status: null, error: 'timeout', detail: errorDetail(err) };
      const e = err as { name?: string; Reason?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode ?? null;
      if (e.name === 'TooManyRequestsException' || status === 429) {
        return {
          ok: false,
          status: 429,
          error: 'throttled',
          detail: `TooManyRequestsException${e.Reason ? ` (${e.Reason})` : ''}`,
        };
      }
      if (status !== null) return { ok: false, status, error: 'http_status', detail: errorDetail(err) };
      return { ok: false, status: null, error: classifyNetworkError(err), detail: errorDetail(err) };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** `Unhandled: Error: message` from the error payload Lambda returns (never the whole payload). */
function functionErrorDetail(kind: string, body: string): string {
  try {
    const e = JSON.parse(body) as { errorType?: string; errorMessage?: string };
    return `${kind}: ${e.errorType ?? 'Error'}: ${e.errorMessage ?? ''}`.slice(0, 200);
  } catch {
    return kind;
  }
}
