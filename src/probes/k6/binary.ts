import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { DrillproofError } from '../../errors.js';
import { type K6BinaryInfo, parseK6VersionJson, parseK6VersionText } from './version.js';

export interface K6BinarySources {
  /** `--k6 <path>` on the command line. */
  flag?: string | undefined;
  /** `load.k6.binary` in the scenario. */
  scenario?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths (the scenario's directory for `scenario`). */
  cwd?: string;
}

async function executable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the k6 binary: `--k6`, then `K6_BIN`, then the scenario's `binary`, then `k6` on PATH.
 * A machine-local choice (flag, environment) wins over the one written in the scenario.
 */
export async function resolveK6Binary(src: K6BinarySources): Promise<string> {
  const env = src.env ?? process.env;
  const cwd = src.cwd ?? process.cwd();
  const explicit: [string, string | undefined][] = [
    ['--k6', src.flag],
    ['K6_BIN', env.K6_BIN],
    ['load.k6.binary', src.scenario],
  ];
  for (const [from, value] of explicit) {
    if (!value) continue;
    const p = isAbsolute(value) || value.includes('/') ? resolve(cwd, value) : value;
    if (p.includes('/')) {
      if (await executable(p)) return p;
      throw DrillproofError.user(
        'K6NotFound',
        `k6 binary ${value} (from ${from}) does not exist or is not executable`,
        {
          exitCode: 3,
          hint: `point ${from} at an executable k6 (stock k6 or one built with xk6)`,
        },
      );
    }
    const found = await searchPath(p, env);
    if (found) return found;
    throw DrillproofError.user('K6NotFound', `k6 binary ${value} (from ${from}) is not on PATH`, {
      exitCode: 3,
      hint: `give ${from} a path to the k6 executable`,
    });
  }
  const found = await searchPath('k6', env);
  if (found) return found;
  throw DrillproofError.user('K6NotFound', 'no k6 binary: not given with --k6 or K6_BIN and not on PATH', {
    exitCode: 3,
    hint: 'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or build one with xk6, then pass --k6 <path> or set K6_BIN',
  });
}

async function searchPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (await executable(p)) return p;
  }
  return undefined;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>((res) => {
    execFile(bin, args, { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === 'number'
          ? (error as { code: number }).code
          : null
        : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr), ...(error ? { error } : {}) });
    });
  });
}

/**
 * Asks the binary what it is: `k6 version --json` (k6 >= v0.56), falling back to the text form
 * for older builds whose `version` command has no `--json`.
 */
export async function inspectK6Binary(
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 15_000,
): Promise<K6BinaryInfo> {
  const runEnv = { ...env, K6_NO_USAGE_REPORT: 'true' };
  const j = await run(bin, ['version', '--json'], runEnv, timeoutMs);
  if (j.code === 0) {
    const info = parseK6VersionJson(j.stdout);
    if (info) return info;
  }
  const t = await run(bin, ['version'], runEnv, timeoutMs);
  if (t.code === 0) {
    const info = parseK6VersionText(t.stdout);
    if (info) return info;
  }
  const err = t.error ?? j.error;
  throw DrillproofError.user('K6NotRunnable', `${bin} did not answer \`version\` like k6 does`, {
    exitCode: 3,
    cause: err,
    hint: `check that ${bin} is a k6 binary for this OS/architecture (it printed: ${(t.stderr || t.stdout || j.stderr).trim().slice(0, 200) || 'nothing'})`,
  });
}
