import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AwsApis } from '../aws/apis.js';
import type { CallRecorder } from '../aws/call-record.js';
import { DrillproofError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { type MessageSink, message } from '../io/messages.js';
import { journalPath, samplesDir, scenarioCopyName } from '../run/files.js';
import { Journal } from '../run/journal.js';
import type { CallerIdentity, RunRecord } from '../run/record.js';
import { AnchoredClock, type Clock, isoMs, systemClock } from '../util/clock.js';
import { parseDurationMs, parsePercent } from '../util/units.js';
import { toolVersion } from '../util/version.js';
import { confirmInjection } from './confirm.js';
import { execInverseSpec } from './faults/exec.js';
import { httpInverseSpec } from './faults/http.js';
import type { FaultAction, FaultContext } from './faults/types.js';
import { GuardrailMonitor, type GuardrailTrip } from './guardrails-runtime.js';
import type { DrillInput } from './phases/drill-input.js';
import { type InjectedFault, injectFaults } from './phases/inject.js';
import { LiveProbeState } from './phases/live-state.js';
import { type ObserveResult, observe } from './phases/observe.js';
import { buildRunRecord, decideOutcome } from './phases/outcome.js';
import type { DrillPorts, ProbeSession } from './phases/ports.js';
import { runPreflight } from './phases/preflight.js';
import { verifySteadyState } from './phases/verify.js';
import { recoveryProbes } from './recovery-probes.js';
import { type RollbackOutcome, RollbackStack } from './rollback.js';
import { InterruptController, processSignalSource, type SignalSource } from './signals.js';
import { WatcherSet } from './watchers/watchers.js';

export interface DrillOptions {
  /** Builds the AWS surface with the journal's call recorder attached. */
  createAws: (record: CallRecorder) => AwsApis;
  provider: 'aws' | 'lab';
  ports: DrillPorts;
  sink: MessageSink;
  clock?: Clock;
  signals?: SignalSource;
  ask?: (question: string) => Promise<boolean>;
  /** AWS polling interval (default 5 s; the lab uses a few hundred ms). */
  pollMs?: number;
  /** Longest single wait (default 30 min). */
  waitTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface DrillResult {
  runDir: string;
  exitCode: number;
  record: RunRecord;
  files: string[];
}

/**
 * Runs one drill end to end: preflight → baseline → inject → observe → rollback → steady-state
 * re-check → analysis → evidence. Probes run the whole time. The rollback runs whatever
 * happens (errors, guardrail trips, signals); only a second interrupt skips it. Never throws for
 * a drill outcome: the exit code and the run record say what happened.
 * @throws DrillproofError only when the run directory cannot be created.
 */
export async function runDrill(input: DrillInput, o: DrillOptions): Promise<DrillResult> {
  const clock = o.clock ?? systemClock;
  const timeline = new AnchoredClock(clock);
  const { runDir, runId } = input;
  const scenario = input.scenario;
  const sink = o.sink;
  mkdirSync(samplesDir(runDir), { recursive: true });
  writeFileSync(join(runDir, scenarioCopyName(input.scenarioPath)), input.scenarioText);
  const journal = Journal.create(journalPath(runDir), timeline);
  let journalOpen = true;
  const record: CallRecorder = (r) => {
    if (journalOpen) journal.append('aws.call', r as unknown as Record<string, unknown>);
  };
  const aws = o.createAws(record);
  const startedAt = timeline.nowMs();
  journal.append('run.started', {
    runId,
    toolVersion: toolVersion(),
    scenarioName: scenario.metadata.name,
    scenarioSha256: input.scenarioSha256,
    scenarioPath: input.scenarioPath,
    target: { provider: o.provider, region: aws.region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) },
    profile: scenario.target.profile ?? null,
    clock: { source: 'performance.now anchored to Date.now', driftMs: timeline.driftMs() },
    pid: process.pid,
  });
  sink.emit(message('info', 'DP_RUN_I1001', `run ${runId}: ${scenario.metadata.name} → ${runDir}`));

  const drillAbort = new AbortController();
  const followUpStop = new AbortController();
  let abortReason: string | null = null;
  const interrupts = new InterruptController(o.signals ?? processSignalSource, {
    onInterrupt: (sig, count) => {
      journal.append('signal', { signal: sig, count });
      abortReason = `interrupted by ${sig}`;
      sink.emit(
        message(
          'warn',
          'DP_RUN_W1002',
          `${sig}: stopping the drill and rolling back (press Ctrl-C again to SKIP the rollback)`,
        ),
      );
      drillAbort.abort(new Error(abortReason));
    },
    onSkipRollback: (sig, count) => {
      journal.append('signal', { signal: sig, count, skipRollback: true });
      sink.emit(
        message(
          'error',
          'DP_RUN_E1003',
          `${sig} again: ROLLBACK SKIPPED. Faults may still be active. Undo them with: drillproof recover ${runDir}`,
        ),
      );
    },
  });
  const faultCtxBase: Omit<FaultContext, 'resources'> = {
    aws,
    runId,
    runDir,
    clock,
    timeline,
    journal,
    sink,
    signal: AbortSignal.any([drillAbort.signal, followUpStop.signal]),
    pollMs: o.pollMs ?? 5000,
    waitTimeoutMs: o.waitTimeoutMs ?? 30 * 60_000,
    env: o.env ?? process.env,
    scenarioDir: dirname(input.scenarioPath),
  };
  const dbAccess = o.ports.dbAccess?.(scenario, runId);
  if (dbAccess) faultCtxBase.db = dbAccess;

  const live = new LiveProbeState();
  let probes: ProbeSession | null = null;
  let caller: CallerIdentity | null = null;
  let preflightFailed: DrillproofError | null = null;
  let injectError: DrillproofError | null = null;
  let toolError: unknown = null;
  let faultAt: number | null = null;
  let injected: InjectedFault[] = [];
  let observed: ObserveResult | null = null;
  let rollbacks: RollbackOutcome[] = [];
  let steadyAfter: boolean | null = null;
  let trip: GuardrailTrip | null = null;
  const rollback = new RollbackStack(journal, sink);
  const watchers = new WatcherSet({
    aws,
    journal,
    clock,
    pollMs: faultCtxBase.pollMs,
    since: new Date(isoMs(startedAt)),
  });
  const guard = new GuardrailMonitor(scenario.guardrails ?? {}, {
    clock,
    cloudwatch: aws.cloudwatch,
    alarmPollMs: Math.max(faultCtxBase.pollMs, 1000),
    onTrip: (t) => {
      trip = t;
      journal.append('guardrail.tripped', { guardrail: t.guardrail, detail: t.detail });
      abortReason = `guardrail ${t.guardrail}: ${t.detail}`;
      sink.emit(message('error', 'DP_GUARD_E6001', `guardrail tripped: ${t.detail}; aborting and rolling back`));
      drillAbort.abort(new Error(abortReason));
    },
  });

  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    journal.append('phase.started', { phase: name });
    try {
      const v = await fn();
      journal.append('phase.finished', { phase: name, ok: true });
      return v;
    } catch (err) {
      journal.append('phase.finished', { phase: name, ok: false, error: (err as Error).message });
      throw err;
    }
  };

  let actions: FaultAction[] = [];
  try {
    const pf = await phase('preflight', async () => {
      const r = await runPreflight({
        scenario,
        aws,
        journal,
        sink,
        faultCtx: faultCtxBase,
        ...(input.attachments ? { attachments: input.attachments } : {}),
      });
      probes = await o.ports.startProbes({ scenario, runDir, runId, timeline, signal: drillAbort.signal });
      probes.onSample((s) => {
        live.add(s);
        guard.onSample(s);
      });
      return r;
    });
    caller = pf.caller;
    actions = pf.actions;
    const ctx: FaultContext = pf.ctx;

    // Ask before the baseline, so the baseline directly precedes the injection.
    const summary = actions.map((a) => `  ${a.stepId}: ${a.action} ${a.targets.join(', ')}`).join('\n');
    await confirmInjection({
      mode: scenario.guardrails?.confirm ?? 'auto',
      provider: o.provider,
      yes: input.yes,
      interactive: input.interactive,
      ...(o.ask ? { ask: o.ask } : {}),
      summary: `drill ${scenario.metadata.name} in ${aws.region} (account ${caller?.account ?? '?'}) will:\n${summary}`,
    });

    await phase('baseline', async () => {
      // A steady state cannot be judged without samples: at least three intervals of baseline.
      const iv = Object.values((probes as ProbeSession | null)?.intervals() ?? {});
      const minMs = iv.length ? Math.max(...iv) * 3 + 500 : 0;
      const ms = Math.max(parseDurationMs(scenario.steps.baseline ?? '0s') ?? 0, minMs);
      sink.progress?.({ id: 'baseline', label: 'baseline', done: 0, total: ms });
      await clock.sleep(ms, drillAbort.signal);
      const steady = steadyCheck(scenario, live, timeline.nowMs() - ms, timeline.nowMs(), probes as ProbeSession);
      for (const c of steady) {
        journal.append('preflight.check', { ...c });
      }
      const bad = steady.filter((c) => !c.ok);
      if (bad.length) {
        throw DrillproofError.user(
          'SteadyStateFailed',
          `steady state not met before injection: ${bad.map((b) => b.detail).join('; ')}; nothing was injected`,
          {
            exitCode: 3,
            hint: 'fix the service or the probe expectations first; a drill needs a steady baseline',
          },
        );
      }
    });

    recordScenarioRollback(scenario, rollback);
    const maxDur = scenario.guardrails?.maxDuration ? (parseDurationMs(scenario.guardrails.maxDuration) ?? null) : null;
    guard.start(maxDur);
    const inj = await phase('inject', () =>
      injectFaults({
        actions: scenario.rollback?.mode === 'explicit' ? actions.map((a) => ({ ...a, inverse: null })) : actions,
        ctx,
        journal,
        rollback,
        watchers,
        sink,
        onFirstFault: (at) => {
          faultAt = at;
          guard.arm();
          watchers.start();
        },
      }),
    );
    injected = inj.injected;
    injectError = inj.failed;
    if (!injectError && !drillAbort.signal.aborted && faultAt !== null) {
      const recovery = scenario.steps.observe?.recovery;
      const holding = recoveryProbes(scenario);
      observed = await phase('observe', () =>
        observe({
          injected,
          live,
          probes: holding,
          intervals: (probes as ProbeSession | null)?.intervals() ?? {},
          holdMs: parseDurationMs(recovery?.hold ?? '10s') ?? 10_000,
          timeoutMs: parseDurationMs(scenario.steps.observe?.timeout ?? '5m') ?? 300_000,
          faultAt: faultAt as number,
          clock,
          timeline,
          journal,
          sink,
          signal: drillAbort.signal,
        }),
      );
      // From recovery on, only `recovery` abort rules apply (until the rollback starts).
      if ((observed as ObserveResult | null)?.recovered) guard.arm('recovery');
    }
  } catch (err) {
    if (DrillproofError.is(err) && (err.exitCode === 3 || err.exitCode === 2) && faultAt === null)
      preflightFailed = err;
    else if (!drillAbort.signal.aborted) toolError = err;
    if (!preflightFailed && !drillAbort.signal.aborted) {
      sink.emit(message('error', 'DP_RUN_E1004', `drill failed: ${(err as Error).message}`));
    }
  } finally {
    followUpStop.abort(new Error('observe ended'));
    guard.stop();
    // Rollback always runs; only a second interrupt skips it (each inverse checks the flag).
    if (rollback.size > 0) {
      rollbacks = await phase('rollback', () =>
        rollback.drain(faultCtxBase, { skip: () => interrupts.skipRollback }),
      ).catch(() => []);
    }
    await watchers.stop().catch(() => {});
  }

  if (faultAt !== null && probes && !interrupts.skipRollback) {
    steadyAfter = await phase('verify', () =>
      verifySteadyState({
        live,
        probes: recoveryProbes(scenario),
        intervals: (probes as ProbeSession).intervals(),
        clock,
        timeline,
        journal,
        sink,
        // At least 10 s: restarted instances need a few health checks before they serve again.
        timeoutMs: Math.max(10_000, Math.min(faultCtxBase.waitTimeoutMs, 120_000)),
      }),
    ).catch(() => false);
  }
  const probeSession = probes as ProbeSession | null;
  if (probeSession)
    await probeSession
      .stop()
      .catch((err) => journal.append('note', { message: `probes did not stop cleanly: ${(err as Error).message}` }));
  interrupts.dispose();

  let analysis: Awaited<ReturnType<DrillPorts['analyze']>> | null = null;
  if (faultAt !== null || preflightFailed === null) {
    analysis = await phase('analysis', () => o.ports.analyze({ runDir, scenario, journal: journal.entries })).catch(
      (err) => {
        sink.emit(message('error', 'DP_RUN_E1005', `analysis failed: ${(err as Error).message}`));
        toolError ??= err;
        return null;
      },
    );
  }
  const outcome = decideOutcome({
    preflightFailed,
    injectError,
    toolError,
    aborted: drillAbort.signal.aborted,
    abortReason,
    trip,
    observed,
    rollbacks,
    steadyAfter,
    objectives: analysis?.objectives ?? [],
    injectedAnything: faultAt !== null,
  });
  const rec = buildRunRecord({
    input,
    provider: o.provider,
    region: aws.region,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    caller,
    startedAt,
    finishedAt: timeline.nowMs(),
    driftMs: timeline.driftMs(),
    outcome,
    injected,
    rollbacks,
    observed,
    analysis,
  });
  journal.append('run.finished', {
    verdict: outcome.verdict,
    exitCode: outcome.exitCode,
    reason: outcome.reason ?? null,
  });
  journalOpen = false;
  journal.close();
  let files: string[] = [];
  try {
    files = await o.ports.writeEvidence(runDir, rec);
  } catch (err) {
    sink.emit(message('error', 'DP_RUN_E1006', `evidence not written: ${(err as Error).message}`));
    if (rec.exitCode === ExitCode.Ok) rec.exitCode = ExitCode.ToolError;
  }
  const level = rec.exitCode === 0 ? 'result' : 'result';
  sink.emit(
    message(
      level,
      'DP_RUN_I1009',
      `verdict ${rec.verdict} (exit ${rec.exitCode})${rec.reason ? `: ${rec.reason}` : ''}`,
      {
        runDir,
        verdict: rec.verdict,
        exitCode: rec.exitCode,
      },
    ),
  );
  return { runDir, exitCode: rec.exitCode, record: rec, files };
}

/**
 * Rollback steps of the scenario become recorded inverses before injection. `auto` runs them
 * after the faults' own inverses (recorded first, so drained last); `explicit` runs only them.
 */
function recordScenarioRollback(scenario: DrillInput['scenario'], rollback: RollbackStack): void {
  const steps = scenario.rollback?.steps ?? [];
  for (const [n, st] of [...steps.entries()].reverse()) {
    const stepId = `rollback-${n + 1}-${st.id}`;
    const timeoutMs = parseDurationMs(st.timeout) ?? (st.type === 'exec' ? 30_000 : 10_000);
    if (st.type === 'exec') {
      rollback.record(stepId, 'rollback', execInverseSpec(st.command, timeoutMs));
    } else {
      const call = {
        url: st.url,
        method: st.method,
        ...(st.body !== undefined ? { body: st.body } : {}),
        ...(st.headers ? { headers: st.headers } : {}),
        expectStatus: st.expectStatus,
        timeoutMs,
      };
      rollback.record(stepId, 'rollback', httpInverseSpec(call, `curl -X ${st.method} ${st.url}`));
    }
  }
}

/**
 * Steady state before injection: every probe produced samples in the baseline and its error
 * rate is at most the tightest abort threshold configured for it (5 % when none is).
 */
function steadyCheck(
  scenario: DrillInput['scenario'],
  live: LiveProbeState,
  from: number,
  to: number,
  probes: ProbeSession,
): { check: string; ok: boolean; detail: string }[] {
  const out: { check: string; ok: boolean; detail: string }[] = [];
  const intervals = probes.intervals();
  for (const p of scenario.probes ?? []) {
    const thresholds = (scenario.guardrails?.abort ?? [])
      .filter((a) => a.probe === p.name)
      .map((a) => parsePercent(a.errorRate) ?? 1);
    const max = thresholds.length ? Math.min(...thresholds) : 0.05;
    // Leave the newest samples out: they may still be in flight.
    const r = live.errorRate(p.name, from, to - 2 * (intervals[p.name] ?? 1000));
    const ok = r !== null && r.rate <= max;
    out.push({
      check: `steady ${p.name}`,
      ok,
      detail:
        r === null
          ? `probe ${p.name} produced no sample during the baseline`
          : `probe ${p.name} baseline error rate ${(r.rate * 100).toFixed(1)}% over ${r.n} samples (max ${(max * 100).toFixed(1)}%)`,
    });
  }
  return out;
}
