import type { HeartbeatReadback, ProbeKind, Sample } from '../run/samples.js';

/** What one attempt of a probe kind produced. The engine adds seq, times and latency. */
export interface ProbeOutcome {
  ok: boolean;
  status: number | null;
  error: Sample['error'];
  backend?: string | null;
  answers?: string[];
  write?: Sample['write'];
  detail?: string;
}

export interface ProbeAttempt {
  seq: number;
  /** Scheduled time, epoch ms on the run's anchored clock. */
  scheduled: number;
  /** Aborted at scheduled + T (the deadline); kinds must settle promptly once it fires. */
  signal: AbortSignal;
}

/**
 * One probe kind bound to its configuration. `attempt` never throws for anything the target can
 * cause: it classifies the failure into the outcome (a throw is recorded as `other`).
 */
export interface ProbeRunner {
  readonly kind: ProbeKind;
  /** Called once before the schedule starts (must not throw for target failures). */
  start?(): Promise<void>;
  attempt(a: ProbeAttempt): Promise<ProbeOutcome>;
  /** Outcome recorded when the deadline fires first (heartbeats mark the write indeterminate). */
  timeoutOutcome?(a: ProbeAttempt): ProbeOutcome;
  /** Heartbeat writers: reads back this run's rows (after recovery, or from a restored copy). */
  readback?(kind?: 'failover' | 'restore'): Promise<HeartbeatReadback>;
  close(): Promise<void>;
}
