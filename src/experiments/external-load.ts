import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillproofError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { type MessageSink, message, silentSink } from '../io/messages.js';
import { type ImportK6Options, type ImportK6Result, importK6Output } from '../probes/k6/import.js';
import { rerenderRunDir } from '../reports/pack.js';
import { loadRunDir } from '../reports/run-dir.js';
import { RUN_RECORD_FILE, type RunRecord } from '../run/record.js';
import { objectivesSchema } from '../scenario/objectives.js';
import { analyzeDrill } from './analysis/drill.js';
import { EXTERNAL_PENDING } from './compose/k6-load.js';
import { parseYaml } from './load.js';

export interface ImportIntoRunResult {
  imported: ImportK6Result;
  record: RunRecord;
  /** The drill's exit code with the imported load judged (0 passed, 4 objectives not met, else unchanged). */
  exitCode: number;
  /** The pack was signed before: it must be signed again. */
  resignNeeded: boolean;
}

/** What the drill's scenario says about the analysis (objectives, recovery probes, the external probe). */
function scenarioForAnalysis(record: RunRecord) {
  const parsed = parseYaml(record.scenario.text, record.scenario.path);
  const raw = (parsed.value ?? {}) as {
    objectives?: unknown;
    steps?: { observe?: { recovery?: { probes?: string[] } } };
    load?: { k6?: { external?: { probe?: string; runners?: number } } };
  };
  const objectives = objectivesSchema.safeParse(raw.objectives ?? {});
  return {
    objectives: objectives.success ? objectives.data : undefined,
    steps: raw.steps ?? {},
    external: raw.load?.k6?.external,
  };
}

/**
 * `drillproof import-k6 --run <run-dir> <files…>`: the k6 results of load that ran outside
 * drillproof during a drill (k6 operator runners, a cloud service) join the drill's samples; the
 * analysis is run again over all of them with F from the journal, the objectives are judged (those
 * on the load included), the record and the reports are rewritten. A signed pack must be signed
 * again (its files changed); the caller says so.
 */
export async function importLoadIntoRun(
  runDir: string,
  files: readonly string[],
  o: Omit<ImportK6Options, 'input' | 'inputs' | 'outDir'> & { sink?: MessageSink } = {},
): Promise<ImportIntoRunResult> {
  const sink = o.sink ?? silentSink;
  const run = await loadRunDir(runDir);
  const scenario = scenarioForAnalysis(run.record);
  const probe = o.probe ?? scenario.external?.probe ?? 'k6';
  if (run.samples.some((s) => s.header.probe === probe) && run.record.k6?.classification !== EXTERNAL_PENDING)
    throw DrillproofError.user('K6ProbeExists', `${runDir} already has samples of a probe named ${probe}`, {
      hint: 'give another --probe name, or import into a fresh copy of the run directory',
    });
  const want = scenario.external?.runners;
  if (want !== undefined && want !== files.length)
    sink.emit(
      message('warn', 'DP_K6_W0202', `the scenario says ${want} k6 runner(s), ${files.length} file(s) were given`, {
        expected: want,
        given: files.length,
      }),
    );
  const imported = await importK6Output({ ...o, probe, inputs: files, outDir: runDir });
  const { measurements, objectives } = await analyzeDrill({ runDir, scenario, journal: run.journal, write: true });
  const record: RunRecord = {
    ...run.record,
    measurements,
    objectives,
    k6: {
      exitCode: null,
      classification: `external: ${imported.runners.length} runner(s) imported`,
      thresholds: run.record.k6?.thresholds ?? {},
    },
  };
  // Only a drill that ran to its judgement is judged again; an abort or a failed rollback stays as it was.
  if (record.verdict === 'passed' || record.verdict === 'failed') {
    const met = objectives.every((x) => x.ok);
    record.verdict = met ? 'passed' : 'failed';
    record.exitCode = met ? ExitCode.Ok : ExitCode.ObjectivesNotMet;
  }
  await writeFile(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  const rendered = await rerenderRunDir(runDir);
  const resignNeeded = rendered.changed.length > 0;
  return { imported, record, exitCode: record.exitCode, resignNeeded };
}
