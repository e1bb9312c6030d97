import { dirname, join, resolve } from 'node:path';
import { type AwsApiOptions, type AwsTarget, createAwsApis } from '../../aws/clients.js';
import type { MessageSink } from '../../io/messages.js';
import { withK6Load } from '../../probes/k6/drill-load.js';
import { loadScenarioFile } from '../load.js';
import { type DrillResult, runDrill } from '../runner.js';
import type { SignalSource } from '../signals.js';
import { resolveScenarioVars } from '../vars.js';
import { defaultDrillPorts } from './default-ports.js';
import { evidencePort } from './evidence-port.js';
import type { DrillPorts } from './ports.js';
import { awsTargetOf, defaultLabDir, type LabFacts, newRunId, readLabFacts } from './target.js';

export interface RunFileOptions {
  out?: string;
  yes: boolean;
  labDir?: string;
  env: NodeJS.ProcessEnv;
  sink: MessageSink;
  ask?: (q: string) => Promise<boolean>;
  signals?: SignalSource;
  writeEvidence?: DrillPorts['writeEvidence'];
  /** `--k6`: the k6 binary for scenarios with `load.k6`. */
  k6?: string;
  /** Adjusts where and as whom AWS is called (tests: read-only lab credentials). */
  targetOverride?: (t: AwsTarget) => AwsTarget;
  /** SDK client hooks (tests capture every request for the API contract checks). */
  awsOptions?: AwsApiOptions;
}

/**
 * Loads, validates and resolves a scenario file, then runs it: what `drillproof run` and the demo
 * do. Lab scenarios read the running lab's facts (`lab.json`) for `${lab.*}` and the endpoint.
 * @throws DrillproofError `ScenarioInvalid` (exit 2), `LabNotRunning` (exit 3)
 */
export async function runScenarioFile(file: string, opts: RunFileOptions): Promise<DrillResult> {
  let o = opts;
  const loaded = loadScenarioFile(file);
  for (const w of loaded.warnings) {
    o.sink.emit({ time: new Date().toISOString(), level: 'warn', code: 'DP_RUN_W1010', message: w.message, data: w });
  }
  let lab: LabFacts | null = null;
  if (loaded.scenario.target.provider === 'lab') {
    lab = readLabFacts(resolve(o.labDir ?? defaultLabDir(o.env)));
    // Lab scenarios read the lab database password from this variable; the lab knows it.
    const pw = (lab.db as { password?: string } | undefined)?.password;
    if (pw !== undefined && o.env.DRILLPROOF_LAB_DB_PASSWORD === undefined) {
      o = { ...o, env: { ...o.env, DRILLPROOF_LAB_DB_PASSWORD: pw } };
    }
  }
  const scenario = resolveScenarioVars(loaded.scenario, { env: o.env, ...(lab ? { lab } : {}) });
  const runId = newRunId(scenario.metadata.name);
  const runDir = resolve(o.out ?? join(scenario.evidence?.dir ?? 'runs', runId));
  const target = (o.targetOverride ?? ((t: AwsTarget) => t))(awsTargetOf(scenario, lab));
  const isLab = scenario.target.provider === 'lab';
  const pollMs = isLab ? 200 : 5000;
  return runDrill(
    {
      scenario,
      scenarioPath: file,
      scenarioText: loaded.text,
      scenarioSha256: loaded.sha256,
      runDir,
      runId,
      yes: o.yes,
      interactive: o.ask !== undefined,
      fisTemplates: loaded.fisTemplates,
    },
    {
      createAws: (record) => createAwsApis(target, record, { env: o.env, ...(o.awsOptions ?? {}) }),
      provider: scenario.target.provider,
      ports: withK6Load(
        defaultDrillPorts({
          env: o.env,
          sink: o.sink,
          pollMs,
          scenarioPath: file,
          writeEvidence:
            o.writeEvidence ??
            evidencePort({ scenario, scenarioDir: dirname(resolve(file)), aws: target, sink: o.sink }),
        }),
        { env: o.env, sink: o.sink, scenarioDir: dirname(resolve(file)), ...(o.k6 ? { k6Flag: o.k6 } : {}) },
      ),
      sink: o.sink,
      pollMs,
      waitTimeoutMs: isLab ? 120_000 : 30 * 60_000,
      env: o.env,
      ...(o.ask ? { ask: o.ask } : {}),
      ...(o.signals ? { signals: o.signals } : {}),
    },
  );
}
