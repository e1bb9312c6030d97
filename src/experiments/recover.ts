import type { AwsApis } from '../aws/apis.js';
import type { CallRecorder } from '../aws/call-record.js';
import type { AwsTarget } from '../aws/clients.js';
import { DrillproofError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { type MessageSink, message } from '../io/messages.js';
import { describeWriteFailure, RunWrites, type WriteFailure, type WriteOps } from '../run/disk.js';
import { journalPath } from '../run/files.js';
import { Journal, readJournal } from '../run/journal.js';
import type { JournalEntry } from '../run/journal-types.js';
import { AnchoredClock, type Clock, systemClock } from '../util/clock.js';
import { registerEnvSecrets } from '../util/secrets.js';
import { pendingInverses, type RollbackOutcome, RollbackStack } from './rollback.js';
import { scrubbingSink } from './secret-sink.js';

export interface RecoverOptions {
  createAws: (target: AwsTarget, record: CallRecorder) => AwsApis;
  sink: MessageSink;
  clock?: Clock;
  /** Lab endpoint when the lab was restarted since the run (overrides the journal's). */
  endpointOverride?: string;
  /** `--profile` / `--region` of `recover` (credentials at hand now may differ from the drill's). */
  profileOverride?: string;
  regionOverride?: string;
  pollMs?: number;
  waitTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Check whether the process that ran the drill is alive (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  /** The journal's writes (the file system by default; injected to test a full or failing disk). */
  writeOps?: WriteOps;
}

export interface RecoverResult {
  exitCode: number;
  outcomes: RollbackOutcome[];
  nothingToDo: boolean;
  /** The failed journal write when recover could not record what it did (the undo still ran). */
  unrecorded: WriteFailure | null;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Finishes an interrupted rollback from a run's journal (after a crash, kill -9 or a skipped
 * rollback): every inverse recorded and not yet rolled back runs, newest first, appended to the
 * same journal. Refuses while the drill's own process is still running.
 * @throws DrillproofError `RunStillActive`, `JournalUnreadable`
 */
export async function recoverRun(runDir: string, opts: RecoverOptions): Promise<RecoverResult> {
  const o = { ...opts, sink: scrubbingSink(opts.sink) };
  registerEnvSecrets(o.env ?? process.env);
  const path = journalPath(runDir);
  const { entries } = readJournal(path);
  const d = runStarted(path, entries);
  const finished = entries.some((e) => e.kind === 'run.finished');
  if (!finished && typeof d.pid === 'number' && d.pid !== process.pid && (o.isAlive ?? alive)(d.pid)) {
    throw DrillproofError.user('RunStillActive', `the drill that wrote ${path} is still running (pid ${d.pid})`, {
      hint: 'let it finish (its rollback runs), or stop it with Ctrl-C; run recover only after it is gone',
    });
  }
  const pending = pendingInverses(entries);
  if (pending.length === 0) {
    o.sink.emit(message('result', 'DP_RECOVER_I8001', `nothing to recover in ${runDir}: every recorded inverse ran`));
    return { exitCode: ExitCode.Ok, outcomes: [], nothingToDo: true, unrecorded: null };
  }
  const lab = d.target?.provider === 'lab';
  const clock = o.clock ?? systemClock;
  // A full disk must not stop the undo: a failed append is reported once and the journal goes on
  // in memory (the inverses need no new space), so every pending inverse still runs.
  const writes = new RunWrites(o.writeOps);
  let lostAt = -1;
  const journal = Journal.reopen(path, new AnchoredClock(clock), writes);
  writes.onFailure(() => {
    lostAt = journal.entries.length;
  });
  try {
    journal.append('note', {
      message: `recover started by pid ${process.pid}`,
      pending: pending.map((p) => p.stepId),
      ...(journal.tornBytesCut ? { tornLineCut: `${journal.tornBytesCut} bytes of a torn last line removed` } : {}),
    });
    o.sink.emit(
      message(
        'info',
        'DP_RECOVER_I8002',
        `recovering ${pending.length} step(s): ${pending.map((p) => p.inverse.description).join('; ')}`,
      ),
    );
    const target = awsTargetOf(d, o);
    const aws = o.createAws(target, (r) => journal.append('aws.call', r as unknown as Record<string, unknown>));
    const stack = new RollbackStack(journal, o.sink);
    stack.load(pending);
    const outcomes = await stack.drain({
      aws,
      clock,
      pollMs: o.pollMs ?? (lab ? 200 : 5000),
      waitTimeoutMs: o.waitTimeoutMs ?? (lab ? 120_000 : 30 * 60_000),
      env: o.env ?? process.env,
      scenarioDir: runDir,
    });
    const failed = outcomes.filter((x) => x.status !== 'succeeded');
    const exitCode = failed.length ? ExitCode.RollbackFailed : ExitCode.Ok;
    journal.append('note', { message: 'recover finished', exitCode });
    if (!finished) {
      journal.append('run.finished', {
        verdict: 'aborted',
        exitCode: failed.length ? ExitCode.RollbackFailed : ExitCode.Aborted,
        reason: 'interrupted; rolled back by drillproof recover',
      });
    }
    sayRecovered(o.sink, outcomes, failed);
    if (writes.failure) sayUnrecorded(o.sink, writes.failure, journal.entries.slice(lostAt));
    return { exitCode, outcomes, nothingToDo: false, unrecorded: writes.failure };
  } finally {
    journal.close();
  }
}

/** What recover needs of the run's `run.started` entry. */
interface RunStart {
  pid?: number;
  runId?: string;
  profile?: string | null;
  target?: { provider?: string; region?: string; endpoint?: string };
}

function runStarted(path: string, entries: JournalEntry[]): RunStart {
  const started = entries.find((e) => e.kind === 'run.started');
  if (!started) {
    throw DrillproofError.user('JournalUnreadable', `${path} has no run.started entry`, {
      hint: 'pass the run directory of a drill',
    });
  }
  return started.data as RunStart;
}

/** The AWS target the drill ran against (the lab's fixed credentials for a lab run). */
function awsTargetOf(
  d: RunStart,
  o: Pick<RecoverOptions, 'endpointOverride' | 'profileOverride' | 'regionOverride'>,
): AwsTarget {
  const region = o.regionOverride ?? d.target?.region ?? 'us-east-1';
  const profile = o.profileOverride ?? d.profile;
  const endpoint = o.endpointOverride ?? d.target?.endpoint;
  return d.target?.provider === 'lab'
    ? {
        region,
        ...(endpoint ? { endpoint } : {}),
        credentials: { accessKeyId: 'drillproof-lab', secretAccessKey: 'drillproof-lab' },
      }
    : { region, ...(profile ? { profile } : {}), ...(endpoint ? { endpoint } : {}) };
}

function sayRecovered(sink: MessageSink, outcomes: RollbackOutcome[], failed: RollbackOutcome[]): void {
  for (const f of failed) {
    sink.emit(
      message(
        'error',
        'DP_RECOVER_E8003',
        `${f.stepId} not rolled back: ${f.error ?? f.status}. Do it by hand:\n  ${(f.manualSteps ?? []).join('\n  ')}`,
      ),
    );
  }
  sink.emit(
    message(
      'result',
      'DP_RECOVER_I8004',
      failed.length
        ? `recover incomplete: ${failed.length} step(s) need manual action`
        : `recovered ${outcomes.length} step(s)`,
    ),
  );
}

/**
 * What recover did that its journal does not show. The exit code stays the undo's: the resources
 * are as they were; only the record is short, and a later recover repeats the unrecorded undos
 * (every inverse is idempotent), which then records them.
 */
function sayUnrecorded(sink: MessageSink, f: WriteFailure, lost: readonly JournalEntry[]): void {
  const steps = (kind: string) =>
    lost.filter((e) => e.kind === kind).map((e) => String((e.data as { stepId?: unknown }).stepId));
  const undone = steps('rollback.succeeded');
  const notUndone = steps('rollback.failed');
  const calls = lost.filter((e) => e.kind === 'aws.call').length;
  const parts = [
    undone.length ? `undone but recorded as pending: ${undone.join(', ')}` : '',
    notUndone.length ? `failed undo of ${notUndone.join(', ')}` : '',
    lost.some((e) => e.kind === 'run.finished') ? "the run's end" : '',
    calls ? `${calls} AWS call record(s)` : '',
  ].filter(Boolean);
  sink.emit(
    message(
      'warn',
      'DP_RECOVER_W8301',
      `recover could not write its own journal entries: ${describeWriteFailure(f)}; not recorded: ${
        parts.join('; ') || 'nothing else'
      }. Free space and run recover again to record it (it repeats the undo, which is harmless)`,
    ),
  );
}
