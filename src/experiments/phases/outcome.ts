import type { DrillproofError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { MEASUREMENTS_SCHEMA_VERSION, type Measurements, type ObjectiveVerdict } from '../../run/measurements.js';
import type { CallerIdentity, FaultRecord, RunRecord, Verdict } from '../../run/record.js';
import { isoMs } from '../../util/clock.js';
import { toolVersion } from '../../util/version.js';
import type { GuardrailTrip } from '../guardrails-runtime.js';
import type { RollbackOutcome } from '../rollback.js';
import type { DrillInput } from './drill-input.js';
import type { InjectedFault } from './inject.js';
import type { ObserveResult } from './observe.js';

export interface Outcome {
  verdict: Verdict;
  exitCode: number;
  reason?: string;
}

/**
 * The exit code contract (docs/exit-codes.md), most severe first: a failed or skipped rollback
 * (6) outranks an abort (5), which outranks everything else; a preflight failure is 3 only when
 * nothing was injected.
 */
export function decideOutcome(i: {
  preflightFailed: DrillproofError | null;
  injectError: DrillproofError | null;
  toolError: unknown;
  aborted: boolean;
  abortReason: string | null;
  trip: GuardrailTrip | null;
  observed: ObserveResult | null;
  rollbacks: RollbackOutcome[];
  steadyAfter: boolean | null;
  objectives: ObjectiveVerdict[];
  injectedAnything: boolean;
}): Outcome {
  const badRollback = i.rollbacks.filter((r) => r.status !== 'succeeded');
  if (badRollback.length) {
    return {
      verdict: i.aborted ? 'aborted' : 'error',
      exitCode: ExitCode.RollbackFailed,
      reason: `rollback ${badRollback.map((r) => `${r.stepId} ${r.status}${r.error ? ` (${r.error})` : ''}`).join(', ')}; manual steps: ${badRollback.flatMap((r) => r.manualSteps ?? []).join(' ; ')}`,
    };
  }
  if (i.preflightFailed && !i.injectedAnything) {
    return {
      verdict: 'error',
      exitCode: i.preflightFailed.exitCode ?? ExitCode.Preflight,
      reason: i.preflightFailed.message,
    };
  }
  if (i.aborted) {
    return { verdict: 'aborted', exitCode: ExitCode.Aborted, reason: i.abortReason ?? 'aborted' };
  }
  if (i.injectError) return { verdict: 'error', exitCode: ExitCode.ToolError, reason: i.injectError.message };
  if (i.toolError) {
    return {
      verdict: 'error',
      exitCode: ExitCode.ToolError,
      reason: (i.toolError as Error).message ?? String(i.toolError),
    };
  }
  const reasons: string[] = [];
  const failedObjectives = i.objectives.filter((o) => !o.ok);
  if (failedObjectives.length) {
    reasons.push(
      `objectives not met: ${failedObjectives.map((o) => `${o.name} ${o.measured ?? 'unmeasured'} vs ${o.target}`).join(', ')}`,
    );
  }
  if (i.observed && !i.observed.recovered) reasons.push('not recovered before the observe timeout');
  for (const f of i.observed?.followUps ?? []) {
    if (f.error) reasons.push(`${f.stepId}: ${f.error}`);
    else if (f.result && !f.result.ok) reasons.push(`${f.stepId}: ${f.result.detail}`);
  }
  if (i.steadyAfter === false) reasons.push('steady state not regained after rollback');
  if (reasons.length) return { verdict: 'failed', exitCode: ExitCode.ObjectivesNotMet, reason: reasons.join('; ') };
  return { verdict: 'passed', exitCode: ExitCode.Ok };
}

export function emptyMeasurements(): Measurements {
  return {
    schemaVersion: MEASUREMENTS_SCHEMA_VERSION,
    faultAt: null,
    faultAtMs: null,
    rto: null,
    rpo: null,
    probes: {},
  };
}

/** Assembles what the evidence pack is built from. */
export function buildRunRecord(i: {
  input: DrillInput;
  provider: 'aws' | 'lab';
  region: string;
  endpoint?: string;
  caller: CallerIdentity | null;
  startedAt: number;
  finishedAt: number;
  driftMs: number;
  outcome: Outcome;
  injected: InjectedFault[];
  rollbacks: RollbackOutcome[];
  observed: ObserveResult | null;
  analysis: { measurements: Measurements; objectives: ObjectiveVerdict[] } | null;
}): RunRecord {
  const faults: FaultRecord[] = i.injected.map((f) => {
    const rb = i.rollbacks.find((r) => r.stepId === f.action.stepId);
    return {
      stepId: f.action.stepId,
      type: f.action.fault,
      action: f.action.action,
      targets: f.action.targets,
      injectedAt: f.requestedAt === null ? null : isoMs(f.requestedAt),
      acknowledgedAt: f.acknowledgedAt === null ? null : isoMs(f.acknowledgedAt),
      rolledBackAt: rb?.status === 'succeeded' ? isoMs(rb.at) : null,
      rollback: rb
        ? rb.status === 'succeeded'
          ? 'succeeded'
          : rb.status === 'skipped'
            ? 'skipped'
            : 'failed'
        : f.action.inverse
          ? 'pending'
          : 'not-needed',
      requestIds: [...f.requestIds, ...(rb?.requestIds ?? [])],
      ...(f.error ? { error: f.error } : {}),
      ...(rb && rb.status !== 'succeeded' && rb.manualSteps ? { manualSteps: rb.manualSteps } : {}),
    };
  });
  const s = i.input.scenario;
  const rec: RunRecord = {
    runId: i.input.runId,
    toolVersion: toolVersion(),
    scenario: {
      name: s.metadata.name,
      path: i.input.scenarioPath,
      sha256: i.input.scenarioSha256,
      text: i.input.scenarioText,
      ftrItems: s.metadata.ftr ?? [],
    },
    target: { provider: i.provider, region: i.region, ...(i.endpoint ? { endpoint: i.endpoint } : {}) },
    caller: i.caller,
    startedAt: isoMs(i.startedAt),
    finishedAt: isoMs(i.finishedAt),
    clock: { source: 'performance.now anchored to Date.now', driftMs: i.driftMs },
    verdict: i.outcome.verdict,
    exitCode: i.outcome.exitCode,
    ...(i.outcome.reason ? { reason: i.outcome.reason } : {}),
    faults,
    measurements: i.analysis?.measurements ?? emptyMeasurements(),
    objectives: i.analysis?.objectives ?? [],
  };
  const verification = i.observed?.followUps
    .map((f) => f.result?.data?.verification as RunRecord['verification'] | undefined)
    .find((v) => v !== undefined);
  if (verification) rec.verification = verification;
  return rec;
}
