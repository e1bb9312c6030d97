import type { CaSource } from './tls.js';
/**
 * Normalized runtime configuration of probes: every duration is a number of milliseconds, every
 * default is applied. Probe kinds and the engine only ever see these types; scenario text (with
 * `2s`, `20/s`) is mapped onto them by `probeConfigFromScenario` (scenario-config.ts).
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

export interface HttpExpect {
  status: number[];
  bodyContains?: string;
  /** A JavaScript regular expression source, matched against the body. */
  bodyMatches?: string;
  /** Header name (any case) → exact expected value. */
  headers?: Record<string, string>;
}

export interface HttpProbeConfig extends ProbeCommon {
  kind: 'http';
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expect: HttpExpect;
  /** keep-alive: one pooled set of connections; fresh: a new connection (and DNS lookup) per sample. */
  connection: 'keep-alive' | 'fresh';
  /** Response header naming the backend that answered, recorded in the sample. */
  backendHeader?: string;
}

export interface TcpProbeConfig extends ProbeCommon {
  kind: 'tcp';
  host: string;
  port: number;
}

export interface DnsProbeConfig extends ProbeCommon {
  kind: 'dns';
  hostname: string;
  /** `lookup` uses the OS resolver (what applications see); A / AAAA / CNAME query DNS servers. */
  recordType: 'lookup' | 'A' | 'AAAA' | 'CNAME';
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

export interface HeartbeatProbeConfig extends ProbeCommon {
  kind: 'postgres-heartbeat' | 'mysql-heartbeat';
  /** Schema (PostgreSQL) or database (MySQL) holding the heartbeat table; created if missing. */
  schema: string;
  table: string;
  connection: DbConnectionConfig;
  /** Connect timeout (defaults to T). */
  connectTimeoutMs: number;
}

export type ProbeConfig = HttpProbeConfig | TcpProbeConfig | DnsProbeConfig | HeartbeatProbeConfig;

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_HEARTBEAT_TABLE = 'drillproof_heartbeat';

/** W = max(10Δ, 5 s) unless configured. */
export function defaultRecoveryWindowMs(intervalMs: number): number {
  return Math.max(10 * intervalMs, 5000);
}

/**
 * Default in-flight cap: every request of one timeout period may hang (Little's law), plus 20 %
 * and a small base, so a total outage of hung requests never makes the engine drop slots.
 */
export function defaultMaxInFlight(intervalMs: number, timeoutMs: number): number {
  return Math.ceil((timeoutMs / intervalMs) * 1.2) + 8;
}

/** An HTTP probe with defaults, for `drillproof probe <url>` and tests. */
export function httpProbe(
  url: string,
  opts: Partial<Omit<HttpProbeConfig, 'kind' | 'url'>> & { name?: string } = {},
): HttpProbeConfig {
  const intervalMs = opts.intervalMs ?? 50;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cfg: HttpProbeConfig = {
    kind: 'http',
    name: opts.name ?? 'http',
    url,
    intervalMs,
    timeoutMs,
    maxInFlight: opts.maxInFlight ?? defaultMaxInFlight(intervalMs, timeoutMs),
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    expect: opts.expect ?? { status: [200] },
    connection: opts.connection ?? 'keep-alive',
  };
  if (opts.recoveryWindowMs !== undefined) cfg.recoveryWindowMs = opts.recoveryWindowMs;
  if (opts.body !== undefined) cfg.body = opts.body;
  if (opts.backendHeader !== undefined) cfg.backendHeader = opts.backendHeader;
  return cfg;
}
