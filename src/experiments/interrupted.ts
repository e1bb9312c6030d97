import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MessageSink, message } from '../io/messages.js';
import { journalPath, RUN_FILES } from '../run/files.js';
import { pendingInverses, readJournal } from '../run/journal.js';
import type { JournalEntry } from '../run/journal-types.js';
import type { FaultRecord, InterruptedAt, RunRecord } from '../run/record.js';
import { listSampleFiles } from '../run/sample-reader.js';
import { scrubSecrets } from '../util/secrets.js';
import { analyzeDrill, type DrillAnalysisScenario } from './analysis/drill.js';
import { loadScenarioFile } from './load.js';
import { emptyMeasurements } from './phases/outcome.js';

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Where the drill stopped: the phase it was in (started, never finished) or the last one it
 * finished, and its last journal entry. Entries `drillproof recover` appended are not the
 * drill's: they start at its "recover started" note.
 */
export function interruptedAt(entries: readonly JournalEntry[]): InterruptedAt {
  const recoverAt = entries.findIndex((e) => e.kind === 'note' && /^recover started/.test(String(e.data.message)));
  const own = recoverAt < 0 ? entries : entries.slice(0, recoverAt);
  const open: string[] = [];
  let lastPhase: string | null = null;
  for (const e of own) {
    const phase = str(e.data.phase);
    if (e.kind === 'phase.started' && phase) open.push(phase);
    if (e.kind === 'phase.finished' && phase) {
      open.splice(open.lastIndexOf(phase), 1);
      lastPhase = phase;
    }
  }
  const last = own.at(-1) as JournalEntry;
  const finished = own.find((e) => e.kind === 'run.finished');
  const recovered =
    recoverAt >= 0 ? entries.findLast((e) => e.kind === 'note' && e.data.message === 'recover finished') : undefined;
  return {
    // A drill that wrote run.finished stopped while its evidence was being written.
    phase: open.at(-1) ?? (finished ? 'evidence' : lastPhase),
    inside: open.length > 0 || Boolean(finished),
    lastEntry: { seq: last.seq, kind: last.kind, time: last.time },
    recoveredAt: recovered?.time ?? null,
  };
}

/** The fault records of a journal: what was requested, acknowledged, confirmed and rolled back. */
export function faultsFromJournal(entries: readonly JournalEntry[]): FaultRecord[] {
  const pending = new Set(pendingInverses(entries).map((p) => p.stepId));
  const inverses = new Set(entries.filter((e) => e.kind === 'inverse.recorded').map((e) => String(e.data.stepId)));
  const of = (kind: string, stepId: string) =>
    entries.filter((e) => e.kind === kind && e.data.stepId === stepId) as JournalEntry<Data>[];
  return entries
    .filter((e) => e.kind === 'fault.requested')
    .map((req) => {
      const stepId = String(req.data.stepId);
      const ack = of('fault.acknowledged', stepId)[0];
      const ok = of('rollback.succeeded', stepId).at(-1);
      const bad = of('rollback.failed', stepId).at(-1);
      const conf = of('fault.confirmation', stepId).at(-1);
      const ids = (e: JournalEntry<Data> | undefined) =>
        Array.isArray(e?.data.requestIds) ? (e.data.requestIds as string[]) : [];
      const rollback: FaultRecord['rollback'] = ok
        ? 'succeeded'
        : bad
          ? 'failed'
          : pending.has(stepId)
            ? 'pending'
            : inverses.has(stepId)
              ? 'pending'
              : 'not-needed';
      const failed = of('fault.failed', stepId)[0];
      const rec: FaultRecord = {
        stepId,
        type: String(req.data.fault),
        action: String(req.data.action),
        targets: Array.isArray(req.data.targets) ? (req.data.targets as string[]) : [],
        injectedAt: req.time,
        acknowledgedAt: ack?.time ?? null,
        rolledBackAt: ok?.time ?? null,
        rollback,
        requestIds: [...ids(ack), ...ids(ok)],
      };
      if (failed) rec.error = String(failed.data.error);
      if (!ok && bad && Array.isArray(bad.data.manualSteps)) rec.manualSteps = bad.data.manualSteps as string[];
      if (conf) {
        const d = conf.data as {
          status: NonNullable<FaultRecord['confirmation']>['status'];
          detail?: string;
          answers?: unknown[];
          checks?: number;
        };
        rec.confirmation = {
          status: d.status,
          detail: String(d.detail ?? ''),
          answers: d.answers ?? [],
          checks: d.checks ?? 0,
          at: conf.time,
        };
      }
      return rec;
    });
}

function scenarioOf(runDir: string): { text: string; analysis: DrillAnalysisScenario; name?: string; ftr?: string[] } {
  const copy = readdirSync(runDir).find((f) => /^scenario\.[A-Za-z0-9]+$/.test(f));
  if (!copy) return { text: '', analysis: {} };
  const path = join(runDir, copy);
  const text = readFileSync(path, 'utf8');
  try {
    const s = loadScenarioFile(path).scenario;
    return { text, analysis: s, name: s.metadata.name, ftr: s.metadata.ftr ?? [] };
  } catch {
    // The copy as run should load; if it does not, measure without objectives rather than not at all.
    return { text, analysis: {} };
  }
}

/** No run.json, or one rebuilt before (recover may have run since): the engine's own is never replaced. */
function rebuildable(recordPath: string): boolean {
  if (!existsSync(recordPath)) return true;
  try {
    return (JSON.parse(readFileSync(recordPath, 'utf8')) as Partial<RunRecord>).interrupted !== undefined;
  } catch {
    return false;
  }
}

/**
 * The run record of a drill that never wrote one (kill -9, power loss, a crash), rebuilt from what
 * its run directory holds: the journal (with what `recover` did), the samples and the scenario
 * copy. Marked `interrupted` with where it stopped; what the samples allow is measured, the rest
 * is unmeasured (null), never invented. Its verdict and exit code are those of the last
 * `run.finished` (the drill's own, or recover's); without one, a drill with undone faults is an
 * error (exit 6: run `drillproof recover`) and one without is aborted (exit 5).
 * Returns null when the directory has the engine's run.json, or no journal with a `run.started`.
 * A record rebuilt before is rebuilt again (the journal may have grown: `recover` ran since).
 */
export async function recordInterruptedRun(runDir: string): Promise<RunRecord | null> {
  if (!existsSync(journalPath(runDir)) || !rebuildable(join(runDir, RUN_FILES.record))) return null;
  const entries = readJournal(journalPath(runDir), { skipBadLines: true }).entries;
  const started = entries.find((e) => e.kind === 'run.started');
  if (!started) return null;
  const sd = started.data as Data & { target?: RunRecord['target']; clock?: RunRecord['clock'] };
  const where = interruptedAt(entries);
  const scenario = scenarioOf(runDir);
  const analysis =
    listSampleFiles(runDir).length > 0
      ? await analyzeDrill({ runDir, scenario: scenario.analysis, journal: entries, write: true })
      : { measurements: emptyMeasurements(), objectives: [] };
  const finished = entries.findLast((e) => e.kind === 'run.finished');
  const pending = pendingInverses(entries);
  const stop = `interrupted ${where.inside ? 'during' : 'after'} ${where.phase ?? 'the start'} at ${where.lastEntry.time}`;
  const fallback = pending.length
    ? { verdict: 'error' as const, exitCode: 6, reason: `${stop}; not rolled back: run drillproof recover ${runDir}` }
    : { verdict: 'aborted' as const, exitCode: 5, reason: stop };
  const fd = finished?.data as
    | { verdict?: RunRecord['verdict']; exitCode?: number; reason?: string | null }
    | undefined;
  const outcome =
    fd?.verdict && typeof fd.exitCode === 'number'
      ? { verdict: fd.verdict, exitCode: fd.exitCode, reason: [stop, fd.reason].filter(Boolean).join('; ') }
      : fallback;
  const last = entries.at(-1) as JournalEntry;
  const record: RunRecord = {
    runId: String(sd.runId),
    toolVersion: String(sd.toolVersion),
    scenario: {
      name: String(sd.scenarioName ?? scenario.name ?? ''),
      path: String(sd.scenarioPath ?? ''),
      sha256: String(sd.scenarioSha256 ?? ''),
      text: scenario.text,
      ftrItems: scenario.ftr ?? [],
    },
    target: sd.target ?? { provider: 'aws', region: 'unknown' },
    caller: null,
    startedAt: started.time,
    finishedAt: last.time,
    clock: sd.clock ?? { source: 'unknown', driftMs: 0 },
    verdict: outcome.verdict,
    exitCode: outcome.exitCode,
    reason: outcome.reason,
    faults: faultsFromJournal(entries),
    measurements: analysis.measurements,
    objectives: analysis.objectives,
    interrupted: where,
  };
  writeFileSync(join(runDir, RUN_FILES.record), `${scrubSecrets(JSON.stringify(record, null, 2))}\n`);
  return record;
}

/**
 * `drillproof report` and `sign` on a run directory without run.json: rebuilds the record of the
 * interrupted drill (above) and says so. Nothing happens for a directory that has one.
 */
export async function completeInterruptedRun(runDir: string, sink: MessageSink): Promise<RunRecord | null> {
  const rec = await recordInterruptedRun(runDir);
  const at = rec?.interrupted;
  if (!rec || !at) return null;
  sink.emit(
    message(
      'warn',
      'DP_EVID_W0801',
      `${runDir} is a drill that never finished (${at.inside ? 'during' : 'after'} ${at.phase ?? 'the start'}, last journal entry ${at.lastEntry.time}${at.recoveredAt ? `, recovered ${at.recoveredAt}` : ', not recovered'}): its pack is built from the journal and samples and marked interrupted`,
      { runDir, interrupted: at, verdict: rec.verdict, exitCode: rec.exitCode },
    ),
  );
  return rec;
}
