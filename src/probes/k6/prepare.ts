import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DrillproofError } from '../../errors.js';
import { parseDurationMs } from '../../util/units.js';
import { inspectK6Binary, resolveK6Binary } from './binary.js';
import { checkLoadConfig, type K6LoadConfig, resolveGenerateSpec } from './config.js';
import type { K6SampleSource } from './convert.js';
import { GENERATED_CONFIG_NAME, GENERATED_SCRIPT, GENERATED_SCRIPT_NAME, planGeneratedScript } from './script.js';
import { checkK6Binary, type K6BinaryInfo, scriptExtensionImports } from './version.js';

/** Everything checked before any fault is injected: binary, version, extensions, script. */
export interface K6Prepared {
  bin: string;
  info: K6BinaryInfo;
  scriptPath: string;
  generated: boolean;
  /** Samples come from the wall-clock Trend (generated) or http_req_duration (user script). */
  source: K6SampleSource;
  /** Δ of the generated schedule; null for a user script (estimated from the samples at the end). */
  intervalMs: number | null;
  timeoutMs: number;
  /** Planned load duration; null when the user's script decides. */
  durationMs: number | null;
  gracefulStopMs: number;
  env: Record<string, string>;
  imports: string[];
}

export interface PrepareK6Options {
  config: K6LoadConfig;
  /** The run directory: the generated script goes to `<outDir>/k6/`. */
  outDir: string;
  /** `--k6` from the command line. */
  k6Flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Directory of the scenario file (relative `script` / `binary` paths). */
  scenarioDir?: string;
  /** How long generated load runs unless stopped earlier (the drill's maximum duration). */
  defaultDurationMs?: number;
}

/** k6's default request timeout, used for samples of user scripts that do not say otherwise. */
export const K6_DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Preflight for k6 load: finds the binary, checks its version and extensions against what the
 * script imports, and writes the generated script. Throws DrillproofError (exit 3) on problems.
 */
export async function prepareK6Load(opts: PrepareK6Options): Promise<K6Prepared> {
  const { config } = opts;
  checkLoadConfig(config);
  const cwd = opts.scenarioDir ?? process.cwd();
  const env = opts.env ?? process.env;
  const bin = await resolveK6Binary({ flag: opts.k6Flag, scenario: config.binary, env, cwd });
  const info = await inspectK6Binary(bin, env);
  const k6Dir = join(opts.outDir, 'k6');
  await mkdir(k6Dir, { recursive: true });

  if (config.generate) {
    const spec = resolveGenerateSpec(config.generate);
    const plan = planGeneratedScript(spec, opts.defaultDurationMs ?? 15 * 60_000);
    checkK6Binary(bin, info, { imports: [], extensions: config.extensions ?? [] });
    const scriptPath = join(k6Dir, GENERATED_SCRIPT_NAME);
    await writeFile(scriptPath, GENERATED_SCRIPT);
    await writeFile(join(k6Dir, GENERATED_CONFIG_NAME), `${JSON.stringify(plan.config, null, 2)}\n`);
    return {
      bin,
      info,
      scriptPath,
      generated: true,
      source: 'wallclock',
      intervalMs: plan.intervalMs,
      timeoutMs: plan.timeoutMs,
      durationMs: plan.durationMs,
      gracefulStopMs: plan.gracefulStopMs,
      env: config.env ?? {},
      imports: [],
    };
  }

  const scriptPath = resolve(cwd, config.script as string);
  let text: string;
  try {
    text = await readFile(scriptPath, 'utf8');
  } catch (err) {
    throw DrillproofError.user('K6ScriptNotFound', `k6 script ${config.script} cannot be read (${scriptPath})`, {
      exitCode: 3,
      cause: err,
      hint: 'load.k6.script is relative to the scenario file; check the path',
    });
  }
  const imports = scriptExtensionImports(text);
  checkK6Binary(bin, info, { imports, extensions: config.extensions ?? [] });
  return {
    bin,
    info,
    scriptPath,
    generated: false,
    source: 'http',
    intervalMs: null,
    timeoutMs: config.timeout ? (parseDurationMs(config.timeout) as number) : K6_DEFAULT_TIMEOUT_MS,
    durationMs: null,
    gracefulStopMs: 30_000,
    env: config.env ?? {},
    imports,
  };
}
