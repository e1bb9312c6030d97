/** Where the CA certificates to verify a server against come from. */
export type CaSource = { type: 'file'; path: string } | { type: 'env'; name: string };
/**
 * Normalized runtime configuration of probes: every duration is a number of milliseconds, every
 * default is applied. Each probe kind defines its own config (src/probes/kinds/<kind>) on top of
 * `ProbeCommon`; scenario text (with `2s`, `20/s`) is mapped onto it by the kind's definition.
 */
export interface ProbeCommon {
  name: string;
  /** Δ: sample i is scheduled at t0 + i·Δ. */
  intervalMs: number;
  /** T: a sample not complete at scheduled + T is a `timeout` failure with latency T. */
  timeoutMs: number;
  /** W for RTO; absent = the default max(10Δ, 5 s). */
  recoveryWindowMs?: number;
  /** In-flight cap; a slot that finds the cap reached is recorded as an `overflow` failure. */
  maxInFlight: number;
}

/** Where a database password comes from. Secrets never reach samples, messages or the run record. */
export type CredentialSource =
  | { type: 'none' }
  | { type: 'literal'; value: string }
  | { type: 'env'; name: string }
  | { type: 'file'; path: string }
  | { type: 'secretsManager'; secretId: string; key?: string; region?: string; endpoint?: string }
  | { type: 'rdsIamAuth'; region?: string; endpoint?: string };

export interface DbConnectionConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password: CredentialSource;
  ssl: 'disable' | 'require' | 'verify-full';
  /** CA bundle for verify-full (Node's built-in CAs when absent). */
  sslCa?: CaSource;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_HEARTBEAT_TABLE = 'drillproof_heartbeat';

/**
 * Default in-flight cap: every request of one timeout period may hang (Little's law), plus 20 %
 * and a small base, so a total outage of hung requests never makes the engine drop slots.
 */
export function defaultMaxInFlight(intervalMs: number, timeoutMs: number): number {
  return Math.ceil((timeoutMs / intervalMs) * 1.2) + 8;
}
