import { dirname, resolve } from 'node:path';
import { type AwsApiOptions, type AwsTarget, createAwsApis } from '../../aws/clients.js';
import { DrillproofError } from '../../errors.js';
import type { MessageSink } from '../../io/messages.js';
import type { WriteOps } from '../../run/disk.js';
import { resolveScenarioVars } from '../../scenario/vars.js';
import { registerEnvSecrets } from '../../util/secrets.js';
import { keepsEnvUntilRun } from '../faults/registry.js';
import { loadScenarioFile } from '../load.js';
import type { DrillScenario } from '../phases/drill-input.js';
import type { DrillPorts } from '../phases/ports.js';
import { type DrillResult, runDrill } from '../runner.js';
import { ACCOUNT_PATTERN } from '../schema/target.js';
import { registerDrillSecrets, scrubbingSink } from '../secret-sink.js';
import type { SignalSource } from '../signals.js';
import { warnIfProbeInImpairedAz } from '../vantage.js';
import { defaultDrillPorts } from './default-ports.js';
import { evidencePort } from './evidence-port.js';
import { withK6Load } from './k6-load.js';
import { type RunSigningFlags, resolveRunSigner } from './run-signer.js';
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
  /** `--profile`, `--region`, `--endpoint-url`: override the scenario's target (provider aws). */
  aws?: { profile?: string; region?: string; endpoint?: string };
  /** `--key`, `--kms-key`, `--keyless` and the Sigstore options: override `evidence.signing`. */
  signing?: RunSigningFlags;
  /** `--pdf`: also print report.pdf (Chromium from DRILLPROOF_CHROMIUM or the system). */
  pdf?: boolean;
  /** Instance metadata base URL for the vantage check (default IMDSv2 at 169.254.169.254; tests: loopback). */
  metadataBaseUrl?: string;
  /** SDK client hooks (tests capture every request for the API contract checks). */
  awsOptions?: AwsApiOptions;
  /** The run's journal and sample writes (tests inject failing ones for the disk-full paths). */
  writeOps?: WriteOps;
  /**
   * The bound of any single wait of the drill, and of one rollback step's retries (default 2 min on
   * the lab, 30 min on AWS).
   */
  waitTimeoutMs?: number;
}

/** `${env.X}` in allowedAccounts is resolved now; what it resolved to must be an account id. */
function checkAllowedAccounts(raw: DrillScenario, resolved: DrillScenario): void {
  const accounts = resolved.target.allowedAccounts ?? [];
  accounts.forEach((a, i) => {
    if (ACCOUNT_PATTERN.test(a)) return;
    const written = raw.target.allowedAccounts?.[i] ?? a;
    throw DrillproofError.user(
      'AllowedAccountInvalid',
      `target.allowedAccounts[${i}]: ${written} resolved to ${JSON.stringify(a)}, which is not a 12-digit AWS account id`,
      { hint: 'set the variable to the 12-digit id of the account this drill may break' },
    );
  });
}

/** The scenario's target with the command line's `--profile` / `--region` / `--endpoint-url`. */
function withAwsFlags(t: AwsTarget, f: RunFileOptions['aws'], provider: string): AwsTarget {
  if (!f || provider === 'lab') return t;
  return {
    ...t,
    ...(f.region ? { region: f.region } : {}),
    ...(f.profile ? { profile: f.profile } : {}),
    ...(f.endpoint ? { endpoint: f.endpoint } : {}),
  };
}

/**
 * What a lab scenario needs from the lab's facts in its environment, unless the user set it: the
 * lab database password (DRILLPROOF_LAB_DB_PASSWORD) and, for probes that call AWS themselves
 * (dynamodb-heartbeat), the lab's credentials.
 */
function withLabEnv(env: NodeJS.ProcessEnv, lab: LabFacts): NodeJS.ProcessEnv {
  let out = env;
  const pw = (lab.db as { password?: string } | undefined)?.password;
  if (pw !== undefined && out.DRILLPROOF_LAB_DB_PASSWORD === undefined) {
    out = { ...out, DRILLPROOF_LAB_DB_PASSWORD: pw };
  }
  const key = lab.credentials as { accessKeyId?: string; secretAccessKey?: string } | undefined;
  if (key?.accessKeyId && key.secretAccessKey && out.AWS_ACCESS_KEY_ID === undefined) {
    out = { ...out, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
  }
  return out;
}

/**
 * Loads, validates and resolves a scenario file, then runs it: what `drillproof run` and the demo
 * do. Lab scenarios read the running lab's facts (`lab.json`) for `${lab.*}` and the endpoint.
 * @throws DrillproofError `ScenarioInvalid` (exit 2), `LabNotRunning` (exit 3)
 */
export async function runScenarioFile(file: string, opts: RunFileOptions): Promise<DrillResult> {
  let o: RunFileOptions = { ...opts, sink: scrubbingSink(opts.sink) };
  registerEnvSecrets(o.env);
  const loaded = loadScenarioFile(file);
  for (const w of loaded.warnings) {
    o.sink.emit({ time: new Date().toISOString(), level: 'warn', code: 'DP_RUN_W1010', message: w.message, data: w });
  }
  const lab =
    loaded.scenario.target.provider === 'lab' ? readLabFacts(resolve(o.labDir ?? defaultLabDir(o.env))) : null;
  if (lab) o = { ...o, env: withLabEnv(o.env, lab) };
  const scenario = resolveScenarioVars(
    loaded.scenario,
    { env: o.env, ...(lab ? { lab } : {}) },
    { keepEnv: keepsEnvUntilRun },
  );
  registerDrillSecrets(o.env, scenario);
  checkAllowedAccounts(loaded.scenario, scenario);
  const runId = newRunId(scenario.metadata.name);
  const scenarioDir = dirname(resolve(file));
  // `evidence.dir` is the scenario's (relative to its file, whoever runs it); `--out` is the caller's.
  const runDir = o.out ? resolve(o.out) : resolve(scenarioDir, scenario.evidence?.dir ?? 'runs', runId);
  const provider = scenario.target.provider;
  const target = (o.targetOverride ?? ((t: AwsTarget) => t))(withAwsFlags(awsTargetOf(scenario, lab), o.aws, provider));
  const isLab = provider === 'lab';
  const pollMs = isLab ? 200 : 5000;
  let writeEvidence = o.writeEvidence;
  if (!writeEvidence) {
    const signer = await resolveRunSigner(scenario, o.signing ?? {}, { env: o.env, scenarioDir });
    const chromium = o.env.DRILLPROOF_CHROMIUM;
    writeEvidence = evidencePort({
      signer,
      sink: o.sink,
      ...(o.pdf ? { pdf: chromium ? { executablePath: chromium } : {} } : {}),
    });
  }
  // A probe inside the impaired AZ measures its own outage. Only real AWS drills ask (a lab runs
  // on this machine); DRILLPROOF_IMDS_URL overrides the address, `off` skips the check.
  if (provider === 'aws' && o.env.DRILLPROOF_IMDS_URL !== 'off') {
    const baseUrl = o.metadataBaseUrl ?? o.env.DRILLPROOF_IMDS_URL;
    await warnIfProbeInImpairedAz(scenario, o.sink, baseUrl ? { baseUrl } : {});
  }
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
      attachments: loaded.attachments,
    },
    {
      createAws: (record) => createAwsApis(target, record, { env: o.env, ...(o.awsOptions ?? {}) }),
      provider,
      ports: withK6Load(
        defaultDrillPorts({ env: o.env, sink: o.sink, scenarioPath: file, writeEvidence, aws: target }),
        {
          env: o.env,
          sink: o.sink,
          scenarioDir,
          ...(o.k6 ? { k6Flag: o.k6 } : {}),
        },
      ),
      sink: o.sink,
      pollMs,
      waitTimeoutMs: o.waitTimeoutMs ?? (isLab ? 120_000 : 30 * 60_000),
      env: o.env,
      ...(o.ask ? { ask: o.ask } : {}),
      ...(o.signals ? { signals: o.signals } : {}),
      ...(o.writeOps ? { writeOps: o.writeOps } : {}),
    },
  );
}
