import type { Measurements, ObjectiveVerdict } from './measurements.js';

/**
 * Everything the evidence pack is built from, assembled by the drill engine at the end of a run
 * (or re-read from a run directory by `drillproof report`). Evidence is a pure function of it.
 */
export type Verdict = 'passed' | 'failed' | 'aborted' | 'error';

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
  injectedAt: string | null;
  acknowledgedAt: string | null;
  rolledBackAt: string | null;
  rollback: 'succeeded' | 'failed' | 'not-needed' | 'skipped' | 'pending';
  requestIds: string[];
  error?: string;
  /** Exact manual steps when the rollback failed. */
  manualSteps?: string[];
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
  measurements: Measurements;
  objectives: ObjectiveVerdict[];
  /** Restore drills: what the verification queries found. */
  verification?: { ok: boolean; checks: { name: string; ok: boolean; expected: string; actual: string }[] };
  /** k6 thresholds and summary when k6 load ran. */
  k6?: { exitCode: number | null; classification: string; thresholds: Record<string, boolean>; summary?: unknown };
}
