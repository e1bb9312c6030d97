import type { SampleError } from '../run/samples.js';

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR',
  'UND_ERR_ABORTED',
]);
const DNS = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ENODATA',
  'ESERVFAIL',
  'ENOTIMP',
  'EREFUSED',
]);
const CLOSED = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

/** Codes of an error and of its causes (undici wraps errno errors in `cause`). */
function codes(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof x.code === 'string') out.push(x.code);
    if (x.name === 'TimeoutError' || x.name === 'AbortError') out.push('ABORT_ERR');
    if (Array.isArray(x.errors)) for (const inner of x.errors) out.push(...codes(inner));
    e = x.cause;
  }
  return out;
}

/**
 * Maps a network error to the stable sample error code. Undici error codes and Node errno codes
 * (also inside `cause` and AggregateError members) are recognised; anything else is `other`.
 */
export function classifyNetworkError(err: unknown): SampleError {
  const cs = codes(err);
  for (const c of cs) {
    if (REFUSED.has(c)) return 'refused';
    if (DNS.has(c)) return 'dns';
    if (c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || c.includes('CERT') || c.startsWith('UNABLE_TO_')) {
      return 'tls';
    }
    if (c === 'EPROTO') return 'tls';
  }
  for (const c of cs) {
    if (RESET.has(c)) return 'reset';
    if (TIMEOUT.has(c)) return 'timeout';
    if (CLOSED.has(c)) return 'closed';
  }
  return 'other';
}

/** A short description for the sample's `detail` (first line of the message, codes). */
export function errorDetail(err: unknown): string {
  const cs = [...new Set(codes(err))];
  const msg = String((err as Error)?.message ?? err).split('\n')[0] ?? '';
  return `${cs.length ? `${cs.join('/')}: ` : ''}${msg}`.slice(0, 200);
}
