import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AwsApis } from '../../aws/apis.js';
import type { CallRecorder } from '../../aws/call-record.js';
import { DrillproofError } from '../../errors.js';
import { type MessageSink, message } from '../../io/messages.js';
import { checkRunDir, estimateRunBytes } from '../../run/dir-check.js';
import { describeWriteFailure, RunWrites, type WriteOps } from '../../run/disk.js';
import { journalPath, samplesDir, scenarioCopyName } from '../../run/files.js';
import { Journal } from '../../run/journal.js';
import type { RunRecord } from '../../run/record.js';
import { durationMs, probeIntervalMs } from '../../scenario/helpers.js';
import { AnchoredClock, type Clock, isoMs, systemClock } from '../../util/clock.js';
import { scrubSecrets } from '../../util/secrets.js';
import { toolVersion } from '../../util/version.js';
import type { FaultContext } from '../faults/types.js';
import { GuardrailMonitor } from '../guardrails-runtime.js';
import { RollbackStack } from '../rollback.js';
import { InterruptController, processSignalSource, type SignalSource } from '../signals.js';
import { watchIntervalMs } from '../watchers/interval.js';
import { WatcherSet } from '../watchers/watchers.js';
import type { DrillInput, DrillScenario } from './drill-input.js';
import { type DrillFacts, emptyFacts } from './facts.js';
import { LiveProbeState } from './live-state.js';
import type { DrillPorts } from './ports.js';

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
  /** The run's journal and sample writes (tests inject failing ones; default the file system). */
  writeOps?: WriteOps;
}

export interface DrillResult {
  runDir: string;
  exitCode: number;
  record: RunRecord;
  files: string[];
}

/**
 * One drill in progress: its collaborators (journal, AWS, probes' live view, rollback stack,
 * watchers, guardrails, interrupts) and the facts its phases record. Each phase (phases/*.ts)
 * takes it, does one thing and writes what it found to `facts`; `runDrill` only sequences them.
 */
export interface Drill {
  input: DrillInput;
  scenario: DrillScenario;
  options: DrillOptions;
  sink: MessageSink;
  clock: Clock;
  timeline: AnchoredClock;
  journal: Journal;
  /** Where a failed write mid-drill is reported: it aborts the drill (see `abortOnWriteFailure`). */
  writes: RunWrites;
  aws: AwsApis;
  startedAt: number;
  /** Aborted by a guardrail trip or the first interrupt. */
  abort: AbortController;
  /** Aborted when observe ends: follow-ups (FIS polling, restore checks) stop waiting. */
  followUpStop: AbortController;
  /** The fault context before preflight resolved the resources. */
  faultCtx: Omit<FaultContext, 'resources'>;
  interrupts: InterruptController;
  live: LiveProbeState;
  rollback: RollbackStack;
  watchers: WatcherSet;
  guard: GuardrailMonitor;
  facts: DrillFacts;
}

/** Disk for the drill's samples over its longest allowed run (guardrails.maxDuration). */
function runBytes(s: DrillScenario): number {
  const samplesPerSecond = (s.probes ?? []).reduce((a, p) => a + 1000 / probeIntervalMs(p), 0);
  return estimateRunBytes({ samplesPerSecond, durationMs: durationMs(s.guardrails.maxDuration) });
}

/**
 * Opens the run directory (samples folder, the scenario as run), the write-ahead journal with its
 * `run.started` entry, and the drill's collaborators. Signals are handled from here on.
 * @throws DrillproofError `RunDirUnusable` (exit 2) when the run directory is not new or empty,
 * not writable or short of space for the drill's samples: before anything runs.
 */
export function openDrill(input: DrillInput, o: DrillOptions): Drill {
  const clock = o.clock ?? systemClock;
  const timeline = new AnchoredClock(clock);
  checkRunDir(input.runDir, runBytes(input.scenario));
  mkdirSync(samplesDir(input.runDir), { recursive: true });
  writeFileSync(join(input.runDir, scenarioCopyName(input.scenarioPath)), scrubSecrets(input.scenarioText));
  const writes = new RunWrites(o.writeOps);
  const journal = Journal.create(journalPath(input.runDir), timeline, writes);
  const aws = o.createAws((r) => {
    // Every AWS call is in the journal, until it closes (a watcher's last poll may come later).
    if (journal.isOpen) journal.append('aws.call', r as unknown as Record<string, unknown>);
  });
  const pre = {
    input,
    scenario: input.scenario,
    options: o,
    sink: o.sink,
    clock,
    timeline,
    journal,
    writes,
    aws,
    startedAt: timeline.nowMs(),
    abort: new AbortController(),
    followUpStop: new AbortController(),
  };
  journalRunStarted(pre);
  const faultCtx = faultContextOf(pre);
  const base = { ...pre, faultCtx, facts: emptyFacts({ ...faultCtx, resources: new Map() }) };
  const since = new Date(isoMs(base.startedAt));
  abortOnWriteFailure(base);
  return {
    ...base,
    interrupts: interruptsOf(base),
    live: new LiveProbeState(),
    rollback: new RollbackStack(journal, o.sink),
    watchers: new WatcherSet({ aws, journal, clock, pollMs: watchIntervalMs(input.scenario), since }),
    guard: guardOf(base),
  };
}

/** The parts of a drill its collaborators are built from. */
type DrillCore = Omit<Drill, 'faultCtx' | 'facts' | 'interrupts' | 'live' | 'rollback' | 'watchers' | 'guard'>;
type DrillBase = DrillCore & Pick<Drill, 'faultCtx' | 'facts'>;

function journalRunStarted(d: DrillCore): void {
  const { input, scenario, aws } = d;
  d.journal.append('run.started', {
    runId: input.runId,
    toolVersion: toolVersion(),
    scenarioName: scenario.metadata.name,
    scenarioSha256: input.scenarioSha256,
    scenarioPath: input.scenarioPath,
    target: { provider: d.options.provider, region: aws.region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) },
    profile: scenario.target.profile ?? null,
    clock: { source: 'performance.now anchored to Date.now', driftMs: d.timeline.driftMs() },
    pid: process.pid,
  });
  d.sink.emit(message('info', 'DP_RUN_I1001', `run ${input.runId}: ${scenario.metadata.name} → ${input.runDir}`));
}

/**
 * A write that fails mid-drill (full disk, I/O error, the journal's fsync) aborts the drill like a
 * guardrail: the rollback runs from the in-memory inverse stack, which needs no disk, and the
 * verdict (exit 5, or 6 if the rollback fails) says which file lost what from when.
 */
function abortOnWriteFailure(d: DrillBase): void {
  d.writes.onFailure((f) => {
    const what = describeWriteFailure(f);
    d.facts.abortReason = `${what}; the drill was aborted and rolled back`;
    d.sink.emit(
      message('error', 'DP_RUN_E1801', `${what}; aborting the drill and rolling back from memory`, {
        file: f.file,
        code: f.code,
        lostFrom: f.lostFrom === null ? null : isoMs(f.lostFrom),
      }),
    );
    d.abort.abort(new Error(d.facts.abortReason));
  });
}

/** The first interrupt aborts the drill (the rollback still runs); the second skips the rollback. */
function interruptsOf(d: DrillBase): InterruptController {
  return new InterruptController(d.options.signals ?? processSignalSource, {
    onInterrupt: (sig, count) => {
      d.journal.append('signal', { signal: sig, count });
      d.facts.abortReason = `interrupted by ${sig}`;
      d.sink.emit(
        message(
          'warn',
          'DP_RUN_W1002',
          `${sig}: stopping the drill and rolling back (press Ctrl-C again to SKIP the rollback)`,
        ),
      );
      d.abort.abort(new Error(d.facts.abortReason));
    },
    onSkipRollback: (sig, count) => {
      d.journal.append('signal', { signal: sig, count, skipRollback: true });
      d.sink.emit(
        message(
          'error',
          'DP_RUN_E1003',
          `${sig} again: ROLLBACK SKIPPED. Faults may still be active. Undo them with: drillproof recover ${d.input.runDir}`,
        ),
      );
    },
  });
}

function faultContextOf(d: DrillCore): Omit<FaultContext, 'resources'> {
  const o = d.options;
  const ctx: Omit<FaultContext, 'resources'> = {
    aws: d.aws,
    runId: d.input.runId,
    runDir: d.input.runDir,
    clock: d.clock,
    timeline: d.timeline,
    journal: d.journal,
    sink: d.sink,
    signal: AbortSignal.any([d.abort.signal, d.followUpStop.signal]),
    pollMs: o.pollMs ?? 5000,
    waitTimeoutMs: o.waitTimeoutMs ?? 30 * 60_000,
    env: o.env ?? process.env,
    scenarioDir: dirname(d.input.scenarioPath),
  };
  const db = o.ports.dbAccess?.(d.scenario, d.input.runId);
  if (db) ctx.db = db;
  return ctx;
}

/** A tripped guardrail aborts the drill and says why; the rollback still runs. */
function guardOf(d: DrillBase): GuardrailMonitor {
  return new GuardrailMonitor(d.scenario.guardrails ?? {}, {
    clock: d.clock,
    cloudwatch: d.aws.cloudwatch,
    alarmPollMs: Math.max(d.faultCtx.pollMs, 1000),
    onTrip: (t) => {
      d.facts.trip = t;
      d.journal.append('guardrail.tripped', { guardrail: t.guardrail, detail: t.detail });
      d.facts.abortReason = `guardrail ${t.guardrail}: ${t.detail}`;
      d.sink.emit(message('error', 'DP_GUARD_E6001', `guardrail tripped: ${t.detail}; aborting and rolling back`));
      d.abort.abort(new Error(d.facts.abortReason));
    },
  });
}

/** Runs one phase between `phase.started` and `phase.finished` journal entries. */
export async function journaled<T>(d: Drill, name: string, fn: () => Promise<T>): Promise<T> {
  d.journal.append('phase.started', { phase: name });
  try {
    const v = await fn();
    d.journal.append('phase.finished', { phase: name, ok: true });
    return v;
  } catch (err) {
    d.journal.append('phase.finished', { phase: name, ok: false, error: (err as Error).message });
    throw err;
  }
}

/**
 * What a phase threw before the rollback: a user error before anything was injected is a failed
 * preflight (exit 2 or 3); after an abort the abort is the story; anything else is a tool error.
 */
export function noteFailure(d: Drill, err: unknown): void {
  const f = d.facts;
  const aborted = d.abort.signal.aborted;
  if (DrillproofError.is(err) && (err.exitCode === 3 || err.exitCode === 2) && f.faultAt === null) {
    f.preflightFailed = err;
  } else if (!aborted) f.toolError = err;
  if (!f.preflightFailed && !aborted) {
    d.sink.emit(message('error', 'DP_RUN_E1004', `drill failed: ${(err as Error).message}`));
  }
}
