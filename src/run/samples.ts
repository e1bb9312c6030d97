/**
 * One line of `<run>/samples/<probe>.ndjson`. Probes only emit samples; measurements compute.
 * This is a contract shared by every probe kind (http, tcp, dns, heartbeat, k6 import) and by
 * `analyze`: change it only with a new `SAMPLE_FORMAT_VERSION`.
 */
export const SAMPLE_FORMAT_VERSION = 1;

/** The kind of probe that wrote a sample file: a scenario probe kind (`http`, `postgres-heartbeat` ...) or `k6`. */
export type ProbeKind = string;

/**
 * What a probe's samples stand for, so measurements need no list of probe kinds. Written into the
 * sample file header from the probe kind's definition (src/probes/kinds) or by k6.
 */
export interface SampleMeaning {
  /**
   * `user`: what users feel, the headline RTO; `service`: a dependency, in the headline RTO only
   * when no user probe ran; `none`: never in the headline RTO (DNS answers).
   */
  rto: 'user' | 'service' | 'none';
  /** Heartbeat writes with read-backs: the RPO is measured from these samples. */
  rpo: boolean;
}

/** Stable error codes recorded in samples (never thrown). */
export type SampleError =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'dns'
  | 'tls'
  | 'http_status'
  | 'body_mismatch'
  | 'header_mismatch'
  | 'late'
  | 'overflow'
  | 'closed'
  | 'db_error'
  /** Lambda: the invocation returned a function error (X-Amz-Function-Error) that was not expected. */
  | 'function_error'
  /** Lambda: 429 TooManyRequestsException (reserved concurrency exhausted or 0). */
  | 'throttled'
  | 'other';

export interface Sample {
  probe: string;
  /** 0-based index in the probe's schedule: sample i is scheduled at t0 + i·Δ. */
  seq: number;
  /** Scheduled time, epoch milliseconds (fractional), from the monotonic clock anchored at start. */
  scheduled: number;
  ok: boolean;
  /** Measured from the scheduled time; T (the timeout) for a timeout. */
  latencyMs: number;
  /** Send to completion, when the request was sent; null when it never was. */
  serviceMs: number | null;
  status: number | null;
  error: SampleError | null;
  /**
   * The engine could not send this slot on time: the in-flight cap was reached (error `overflow`)
   * or it reached the slot more than one interval (at least 50 ms, at most T) late (error `late`).
   * Always a failure at latency T, never skipped.
   */
  late?: boolean;
  /** Which backend answered (from a configured response header), when known. */
  backend?: string | null;
  /** DNS probe: the answers, so an endpoint flip is visible. */
  answers?: string[];
  /** Heartbeat writers: the write's outcome and its `sent_at` (epoch ms). */
  write?: { outcome: 'acknowledged' | 'indeterminate'; sentAt: number };
  /** Free-form detail for people (an error message, never a secret). */
  detail?: string;
  /** The k6 runner that sent the request, when samples of several runners were merged. */
  runner?: string;
}

/** First line of every sample file: what produced it and with which schedule. */
export interface SampleFileHeader {
  type: 'header';
  formatVersion: typeof SAMPLE_FORMAT_VERSION;
  probe: string;
  kind: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
  /** Epoch ms of the schedule origin t0. */
  t0: number;
  /** Recovery window W for this probe, when configured (else the default max(10Δ, 5 s)). */
  recoveryWindowMs?: number;
  /** Clock information recorded at start (source, wall/monotonic offset). */
  clock?: { source: string; driftMs: number };
  /** What the samples stand for; files written before this field existed: see `meaningOf`. */
  measures?: SampleMeaning;
}

/** Files written before headers carried `measures`: the meaning of the kinds that existed then. */
const EARLIER_KINDS: Record<string, SampleMeaning> = {
  http: { rto: 'user', rpo: false },
  k6: { rto: 'user', rpo: false },
  tcp: { rto: 'service', rpo: false },
  dns: { rto: 'none', rpo: false },
  'postgres-heartbeat': { rto: 'service', rpo: true },
  'mysql-heartbeat': { rto: 'service', rpo: true },
};

/** What a sample file's samples stand for (its header's `measures`, else by its kind). */
export function meaningOf(h: Pick<SampleFileHeader, 'kind' | 'measures'>): SampleMeaning {
  return h.measures ?? EARLIER_KINDS[h.kind] ?? { rto: 'service', rpo: false };
}

/** The recovery window W when a probe configures none: max(10 × Δ, 5 s) (docs/measurements.md). */
export function defaultRecoveryWindowMs(intervalMs: number): number {
  return Math.max(10 * intervalMs, 5000);
}

/**
 * Heartbeat read-back, written to `<run>/samples/<probe>.readback.json` after recovery: the seqs
 * of this run found on the (new) primary or the restored database.
 */
export interface HeartbeatReadback {
  probe: string;
  runId: string;
  /** Epoch ms when the read-back ran. */
  readAt: number;
  /** Where it read from (host:port/database, never credentials). */
  source: string;
  /** failover: read from the (new) primary after recovery; restore: read from the restored database. */
  kind?: 'failover' | 'restore';
  seqs: number[];
  /** sent_at (epoch ms) of each row read back, same order as seqs. */
  sentAt: number[];
}
