import type { Measurements, ObjectiveVerdict } from './measurements.js';
import type { ServiceReplacement } from './replacements.js';

/**
 * Everything the evidence pack is built from, assembled by the drill engine at the end of a run
 * (or re-read from a run directory by `drillproof report`). Evidence is a pure function of it.
 */
export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'aborted' | 'error';

/**
 * Whether AWS's own answers showed a fault's effect: `confirmed`; `not-confirmed` (not by the end
 * of observe); `declined` (AWS refused it, e.g. RDS-EVENT-0034); `unconfirmable` (a fault no AWS
 * answer can confirm: exec, http; the probes are the only witness).
 */
export type FaultConfirmationStatus = 'confirmed' | 'not-confirmed' | 'declined' | 'unconfirmable';

export interface FaultConfirmationRecord {
  status: FaultConfirmationStatus;
  detail: string;
  /** The AWS answers that show it (the last look at AWS). */
  answers: unknown[];
  /** When the last check answered (RFC 3339), null when AWS was never asked. */
  at: string | null;
  checks: number;
}

/**
 * The record is persisted as `<run>/run.json` (the engine writes it when the run ends;
 * `writeEvidencePack` writes it when missing) so `drillproof report <run-dir>` can rebuild the
 * pack from the files alone.
 */
export const RUN_RECORD_FILE = 'run.json';

export interface FaultRecord {
  stepId: string;
  /** Scenario fault type, e.g. `ec2-stop`. */
  type: string;
  /** The AWS action, e.g. `ec2:StopInstances`. */
  action: string;
  targets: string[];
  /** When the call was first issued (`fault.requested`), before any SDK retry. */
  injectedAt: string | null;
  /** When AWS accepted it (`fault.acknowledged`: the successful answer after SDK retries). */
  acknowledgedAt: string | null;
  rolledBackAt: string | null;
  rollback: 'succeeded' | 'failed' | 'not-needed' | 'skipped' | 'pending';
  requestIds: string[];
  error?: string;
  /** Exact manual steps when the rollback failed. */
  manualSteps?: string[];
  /** Absent in runs made before confirmation existed, and for an action that never ran. */
  confirmation?: FaultConfirmationRecord;
}

/**
 * Where a drill that never finished stopped (kill -9, a crash): its record was rebuilt from the
 * journal and samples by `drillproof report` (src/experiments/interrupted.ts).
 */
export interface InterruptedAt {
  /** The phase it was in (or, `inside` false, the last it finished); `evidence` once run.finished was written. */
  phase: string | null;
  inside: boolean;
  /** The drill's own last journal entry. */
  lastEntry: { seq: number; kind: string; time: string };
  /** When `drillproof recover` finished the rollback, null when it did not run. */
  recoveredAt: string | null;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId?: string;
}

export interface RunRecord {
  runId: string;
  toolVersion: string;
  scenario: {
    name: string;
    /** The file path as given. */
    path: string;
    sha256: string;
    /** The scenario text exactly as run. */
    text: string;
    ftrItems: string[];
  };
  target: { provider: 'aws' | 'lab'; region: string; endpoint?: string };
  caller: CallerIdentity | null;
  startedAt: string;
  finishedAt: string;
  clock: { source: string; driftMs: number };
  verdict: Verdict;
  exitCode: number;
  /** Why the run was aborted or errored, for people. */
  reason?: string;
  faults: FaultRecord[];
  /**
   * Probe coverage: the scenario resources the faults impair, and those no probe depends on
   * (a drill with any `unexercised` is inconclusive). Absent in older runs.
   */
  coverage?: { affected: string[]; unexercised: string[] };
  measurements: Measurements;
  objectives: ObjectiveVerdict[];
  /**
   * Task stops: when each service was back at its desired count with healthy targets, and where
   * its replacements were placed (next to the probes' RTO). Absent when no task was stopped.
   */
  replacements?: ServiceReplacement[];
  /** Restore drills: what the verification queries found. */
  verification?: { ok: boolean; checks: { name: string; ok: boolean; expected: string; actual: string }[] };
  /** Set when the drill never finished and this record was rebuilt from its journal and samples. */
  interrupted?: InterruptedAt;
  /** k6 thresholds and summary when k6 load ran. */
  k6?: { exitCode: number | null; classification: string; thresholds: Record<string, boolean>; summary?: unknown };
}
