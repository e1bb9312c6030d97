import type { SampleError } from '../../run/samples.js';

/**
 * k6 `error_code` tag → drillproof sample error. Codes from k6 `lib/netext/httpext/error_codes.go`
 * (identical in v1.x and v2.x); HTTP statuses >= 400 appear as `1000 + status`.
 */
export function mapK6ErrorCode(code: number, status: number | null): SampleError {
  if (code === 1050 || code === 1211) return 'timeout'; // request timeout; TCP dial timeout
  if (code === 1212) return 'refused';
  if (code === 1220 || code === 1201) return 'reset'; // reset by peer; broken pipe
  if (code >= 1100 && code < 1200) return 'dns';
  if (code >= 1300 && code < 1400) return 'tls';
  if (code >= 1400 && code < 1600) return 'http_status';
  if (code === 0 && status !== null && status > 0) return 'http_status';
  return 'other';
}

/** True when the request was never written (refused, DNS, dial failures): no service time. */
export function neverSent(error: SampleError | null): boolean {
  return error === 'refused' || error === 'dns' || error === 'late';
}
