/**
 * One line of `<run>/journal.ndjson`, the write-ahead record of a drill. Every entry is fsynced
 * before the step it announces runs; reports and `recover` are pure readers of it.
 */
export const JOURNAL_FORMAT_VERSION = 1;

export type JournalKind =
  | 'run.started' // data: { runId, toolVersion, scenarioName, scenarioSha256, target, clock }
  | 'phase.started' // data: { phase: 'preflight' | 'baseline' | 'inject' | 'observe' | 'rollback' | 'verify' | 'analysis' | 'evidence' }
  | 'phase.finished' // data: { phase, ok, error? }
  | 'preflight.check' // data: { check, ok, detail }
  | 'inverse.recorded' // data: { stepId, fault, inverse: { action, params } }  — BEFORE the destructive step
  | 'fault.requested' // data: { stepId, fault, action, targets }             — the call issued (before retries)
  | 'fault.acknowledged' // data: { stepId, requestIds, response }             — AWS accepted it: F for the first one
  | 'fault.failed' // data: { stepId, error }
  | 'fault.confirmation' // data: { stepId, status: 'confirmed'|'not-confirmed'|'declined'|'unconfirmable', detail, answers, checks }
  | 'aws.call' // data: { service, operation, requestId, ms, attempts, ok, errorCode?, tries? (each attempt of a retried call), params (redacted) }
  | 'watch.event' // data: { source: 'ec2'|'elbv2'|'rds'|'fis'|'dns'|'lambda', resource, state, reason?, eventId?, message? }
  | 'guardrail.tripped' // data: { guardrail, detail }
  | 'recovery.detected' // data: { probe, at }
  | 'rollback.started' // data: { stepId }
  | 'rollback.succeeded' // data: { stepId, requestIds, tries? (when more than one) }
  | 'rollback.retrying' // data: { stepId, tryNo, error, awsCode?, sdkAttempts?, retryInMs }  — a try failed for a transient reason; it runs again
  | 'rollback.failed' // data: { stepId, error, manualSteps: string[] }
  | 'signal' // data: { signal, count }
  | 'note' // data: { message }
  | 'run.finished'; // data: { verdict, exitCode }

export interface JournalEntry<D extends Record<string, unknown> = Record<string, unknown>> {
  /** 0-based position in the journal. */
  seq: number;
  /** Wall-clock UTC, RFC 3339 with milliseconds. */
  time: string;
  /** Epoch ms from the run's anchored monotonic clock (same timeline as sample `scheduled`). */
  t: number;
  kind: JournalKind;
  data: D;
}

/**
 * A serialisable undo step (`inverse.recorded` data), written and fsynced before the step it
 * undoes. `action` names a handler of the inverse registry (src/experiments/faults/inverses.ts);
 * `recover` replays it from the journal alone.
 */
export interface InverseSpec {
  /** e.g. `ec2.start-instances`. */
  action: string;
  params: Record<string, unknown>;
  /** For people, e.g. `start i-0abc, i-0def`. */
  description: string;
  /** Exact steps an operator runs when the automatic inverse fails. */
  manualSteps: string[];
}

/** An inverse as journalled for one step. */
export interface RecordedInverse {
  stepId: string;
  fault: string;
  inverse: InverseSpec;
}

/**
 * What a restore drill's verification recorded (in the `note` entry of its follow-up, under
 * `followUp.data`): the facts its RTO is computed from (src/measurements/restore.ts).
 */
export interface RestoreVerification {
  /** The restored copy, e.g. the new DB instance id. */
  restoredInstance: string;
  /** F of the restore (the restore requested), RFC 3339 and epoch ms. */
  faultAt: string;
  faultAtMs: number;
  /** When the verification finished, RFC 3339 and epoch ms. */
  verifiedAt: string;
  verifiedAtMs: number;
  /** How often the restore was polled, ms: the resolution of its RTO. */
  resolutionMs: number;
  verification: { ok: boolean; checks: { name: string; ok: boolean; expected: string; actual: string }[] };
  /**
   * The restored AWS Backup recovery point or RDS snapshot (its ARN) and its creation time: the
   * RPO is F − it when the copy holds no heartbeat row.
   */
  recoveryPointArn?: string;
  recoveryPointCreatedAtMs?: number | null;
}
