import type { AwsAttempt } from './attempts.js';

/**
 * Every AWS call drillproof makes is reported as one record (service, operation, request id,
 * timing, outcome, redacted parameters) so the journal can show exactly what was done to the
 * account. Recording never throws.
 */
export interface AwsCallRecord {
  service: string;
  operation: string;
  /** AWS request id (x-amzn-RequestId / EC2 requestId), null when the call never reached AWS. */
  requestId: string | null;
  /** Wall time of the call including SDK retries, ms. */
  ms: number;
  /** SDK attempts (1 = no retry). */
  attempts: number;
  ok: boolean;
  /** AWS error code (e.g. `UnauthorizedOperation`), when the call failed. */
  errorCode?: string;
  /** Each attempt of a retried call (attempts > 1), oldest first, with its own answer and timing. */
  tries?: AwsAttempt[];
  /** Request parameters with anything secret-looking replaced by `[redacted]`. */
  params: Record<string, unknown>;
}

export type CallRecorder = (record: AwsCallRecord) => void;

const SECRET_KEY = /pass(word)?|secret|token|credential|private|authorization|signature|sessionkey/i;

/** Deep copy with secret-looking keys replaced; bounded so huge inputs stay small in the journal. */
export function redactParams(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (depth > 6) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactParams(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redactParams(v, depth + 1);
  }
  return out;
}
