import { ExitCode } from '../../exit-codes.js';
import { type MessageSink, message } from '../../io/messages.js';
import { formatHeadline, headlineOf } from '../../reports/headline.js';
import { MEASUREMENTS_SCHEMA_VERSION, type Measurements } from '../../run/measurements.js';
import type { FaultRecord, RunRecord, Verdict } from '../../run/record.js';
import { replacementsFromJournal } from '../../run/replacements.js';
import { isoMs } from '../../util/clock.js';
import { toolVersion } from '../../util/version.js';
import type { Drill, DrillResult } from './drill-state.js';
import type { DrillFacts } from './facts.js';

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
export function decideOutcome(f: DrillFacts, aborted: boolean): Outcome {
  const injectedAnything = f.faultAt !== null;
  const badRollback = f.rollbacks.filter((r) => r.status !== 'succeeded');
  if (badRollback.length) {
    return {
      verdict: aborted ? 'aborted' : 'error',
      exitCode: ExitCode.RollbackFailed,
      reason: `rollback ${badRollback.map((r) => `${r.stepId} ${r.status}${r.error ? ` (${r.error})` : ''}`).join(', ')}; manual steps: ${badRollback.flatMap((r) => r.manualSteps ?? []).join(' ; ')}`,
    };
  }
  if (f.preflightFailed && !injectedAnything) {
    return {
      verdict: 'error',
      exitCode: f.preflightFailed.exitCode ?? ExitCode.Preflight,
      reason: f.preflightFailed.message,
    };
  }
  if (aborted) {
    return { verdict: 'aborted', exitCode: ExitCode.Aborted, reason: f.abortReason ?? 'aborted' };
  }
  if (f.injectError) {
    // A failed exec / http step carries its own code (11): the drill's action failed, not the tool.
    return { verdict: 'error', exitCode: f.injectError.exitCode ?? ExitCode.ToolError, reason: f.injectError.message };
  }
  if (f.toolError) {
    return {
      verdict: 'error',
      exitCode: ExitCode.ToolError,
      reason: (f.toolError as Error).message ?? String(f.toolError),
    };
  }
  const reasons: string[] = [];
  const failedObjectives = (f.analysis?.objectives ?? []).filter((o) => !o.ok);
  if (failedObjectives.length) {
    reasons.push(
      `objectives not met: ${failedObjectives.map((o) => `${o.name} ${o.measured ?? 'unmeasured'} vs ${o.target}`).join(', ')}`,
    );
  }
  if (f.observed && !f.observed.recovered) reasons.push('not recovered before the observe timeout');
  for (const u of f.observed?.followUps ?? []) {
    if (u.error) reasons.push(`${u.stepId}: ${u.error}`);
    else if (u.result && !u.result.ok) reasons.push(`${u.stepId}: ${u.result.detail}`);
  }
  if (f.steadyAfter === false) reasons.push('steady state not regained after rollback');
  const unproven = inconclusiveReasons(f);
  if (unproven.length) {
    // What was measured is not evidence of the fault: say why first, then what else went wrong.
    return {
      verdict: 'inconclusive',
      exitCode: ExitCode.Inconclusive,
      reason: [...unproven, ...reasons].join('; '),
    };
  }
  if (reasons.length) return { verdict: 'failed', exitCode: ExitCode.ObjectivesNotMet, reason: reasons.join('; ') };
  return { verdict: 'passed', exitCode: ExitCode.Ok };
}

/**
 * Why a drill that went in and was observed proves nothing about the fault: a fault action AWS
 * did not confirm or declined, or a faulted resource no probe depends on. `unconfirmable`
 * (exec, http) is no reason: nothing could have confirmed it, and the record says so.
 */
export function inconclusiveReasons(f: Pick<DrillFacts, 'confirmations' | 'unexercised'>): string[] {
  const out: string[] = [];
  for (const c of f.confirmations) {
    if (c.status === 'not-confirmed') out.push(`fault ${c.stepId} not confirmed: ${c.detail}`);
    else if (c.status === 'declined') out.push(`fault ${c.stepId} declined: ${c.detail}`);
  }
  for (const r of f.unexercised) out.push(`no probe exercised ${r}`);
  return out;
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
export function buildRunRecord(d: Drill, outcome: Outcome): RunRecord {
  const f = d.facts;
  const { input, aws } = d;
  const faults: FaultRecord[] = f.injected.map((x) => {
    const rb = f.rollbacks.find((r) => r.stepId === x.action.stepId);
    return {
      stepId: x.action.stepId,
      type: x.action.fault,
      action: x.action.action,
      targets: x.action.targets,
      injectedAt: x.requestedAt === null ? null : isoMs(x.requestedAt),
      acknowledgedAt: x.acknowledgedAt === null ? null : isoMs(x.acknowledgedAt),
      rolledBackAt: rb?.status === 'succeeded' ? isoMs(rb.at) : null,
      rollback: rb
        ? rb.status === 'succeeded'
          ? 'succeeded'
          : rb.status === 'skipped'
            ? 'skipped'
            : 'failed'
        : x.action.inverse
          ? 'pending'
          : 'not-needed',
      requestIds: [...x.requestIds, ...(rb?.requestIds ?? [])],
      ...(x.error ? { error: x.error } : {}),
      ...(rb && rb.status !== 'succeeded' && rb.manualSteps ? { manualSteps: rb.manualSteps } : {}),
      ...confirmationOf(f, x.action.stepId),
    };
  });
  const s = input.scenario;
  const rec: RunRecord = {
    runId: input.runId,
    toolVersion: toolVersion(),
    scenario: {
      name: s.metadata.name,
      path: input.scenarioPath,
      sha256: input.scenarioSha256,
      text: input.scenarioText,
      ftrItems: s.metadata.ftr ?? [],
    },
    target: { provider: d.options.provider, region: aws.region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) },
    caller: f.caller,
    startedAt: isoMs(d.startedAt),
    finishedAt: isoMs(d.timeline.nowMs()),
    clock: { source: 'performance.now anchored to Date.now', driftMs: d.timeline.driftMs() },
    verdict: outcome.verdict,
    exitCode: outcome.exitCode,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    faults,
    coverage: { affected: f.affected, unexercised: f.unexercised },
    measurements: f.analysis?.measurements ?? emptyMeasurements(),
    objectives: f.analysis?.objectives ?? [],
  };
  const verification = f.observed?.followUps
    .map((u) => u.result?.data?.verification as RunRecord['verification'] | undefined)
    .find((v) => v !== undefined);
  if (verification) rec.verification = verification;
  const replacements = replacementsFromJournal(d.journal.entries);
  if (replacements.length) rec.replacements = replacements;
  return rec;
}

function confirmationOf(f: DrillFacts, stepId: string): Pick<FaultRecord, 'confirmation'> {
  const c = f.confirmations.find((x) => x.stepId === stepId);
  if (!c) return {};
  const { status, detail, answers, checks } = c;
  return { confirmation: { status, detail, answers, checks, at: c.at === null ? null : isoMs(c.at) } };
}

/**
 * The end of every drill: the outcome decided from the facts, `run.finished`, the journal closed,
 * the evidence written (a failure to write it turns a pass into a tool error) and the verdict said.
 */
export async function finishDrill(d: Drill): Promise<DrillResult> {
  const outcome = decideOutcome(d.facts, d.abort.signal.aborted);
  const rec = buildRunRecord(d, outcome);
  d.journal.append('run.finished', {
    verdict: outcome.verdict,
    exitCode: outcome.exitCode,
    reason: outcome.reason ?? null,
  });
  d.journal.close();
  const runDir = d.input.runDir;
  let files: string[] = [];
  try {
    files = await d.options.ports.writeEvidence(runDir, rec);
  } catch (err) {
    d.sink.emit(message('error', 'DP_RUN_E1006', `evidence not written: ${(err as Error).message}`));
    if (rec.exitCode === ExitCode.Ok) rec.exitCode = ExitCode.ToolError;
  }
  sayVerdict(d.sink, runDir, rec, files);
  return { runDir, exitCode: rec.exitCode, record: rec, files };
}

/** The verdict, once: the headline (RTO, RPO, objectives, exit code, where the report is). */
function sayVerdict(sink: MessageSink, runDir: string, rec: RunRecord, files: string[]): void {
  const headline = headlineOf(rec, runDir);
  sink.emit(message('result', 'DP_RUN_I1009', formatHeadline(headline), { ...headline, files }));
}
