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
  | 'fault.requested' // data: { stepId, fault, action, targets }             — F for the first one
  | 'fault.acknowledged' // data: { stepId, requestIds, response }
  | 'fault.failed' // data: { stepId, error }
  | 'aws.call' // data: { service, operation, requestId, ms, ok, errorCode?, params (redacted) }
  | 'watch.event' // data: { source: 'ec2'|'elbv2'|'rds'|'fis'|'dns', resource, state, reason?, eventId?, message? }
  | 'guardrail.tripped' // data: { guardrail, detail }
  | 'recovery.detected' // data: { probe, at }
  | 'rollback.started' // data: { stepId }
  | 'rollback.succeeded' // data: { stepId, requestIds }
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
