import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { request } from 'undici';
import { isSecretKey, registerSecret } from '../../util/secrets.js';
import { expandTemplate, shellQuote, shellScript, shellScriptIndex, shellWord } from './shell-words.js';

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs an argv (no shell) with a hard timeout; output is capped so a chatty command cannot fill
 * memory. The child leads its own process group, and the timeout kills the whole group, so a
 * script's children (a `sleep`, a pipeline) cannot outlive it.
 */
export function runCommand(
  argv: string[],
  o: { timeoutMs: number; cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((done) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      done({ exitCode: null, stdout: '', stderr: 'empty command', timedOut: false });
      return;
    }
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const finish = (r: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(r);
    };
    const cap = (s: string, c: Buffer) => (s.length > 65_536 ? s : s + c.toString('utf8'));
    child.stdout.on('data', (c: Buffer) => (stdout = cap(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = cap(stderr, c)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      // A grandchild that left the group may hold the pipes open: do not wait for it.
      setTimeout(() => finish({ exitCode: null, stdout, stderr, timedOut }), 500).unref();
    }, o.timeoutMs);
    child.on('error', (err) => finish({ exitCode: null, stdout, stderr: `${stderr}${err.message}`, timedOut }));
    child.on('close', (code) => finish({ exitCode: timedOut ? null : code, stdout, stderr, timedOut }));
  });
}

/**
 * An exec step as journaled: templates (`${env.X}` unexpanded), absolute `cwd` and the base
 * directory relative programs resolve against, so `recover` runs exactly what the drill would.
 */
export interface ExecSpec {
  command: string[] | string;
  shell?: boolean;
  env?: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  /** The scenario's directory: relative programs (`./undo.sh`) resolve against it. */
  baseDir: string;
  timeoutMs: number;
}

/** The argv actually started: variables expanded as whole values, or left to the shell's environment. */
export function execArgv(spec: ExecSpec, env: Record<string, string | undefined>, where: string): string[] {
  if (spec.shell || typeof spec.command === 'string') {
    const script = typeof spec.command === 'string' ? spec.command : spec.command.join(' ');
    return ['/bin/sh', '-c', shellScript(script)];
  }
  const script = shellScriptIndex(spec.command);
  const argv = spec.command.map((a, i) => (i === script ? shellScript(a) : expandTemplate(a, env, where)));
  const program = argv[0] as string;
  if (program.includes('/') && !isAbsolute(program)) argv[0] = resolve(spec.baseDir, program);
  return argv;
}

/** Runs a journaled exec spec with the process environment plus the step's own `env`. */
export function runExec(spec: ExecSpec, env: NodeJS.ProcessEnv, where: string): Promise<CommandResult> {
  const stepEnv = Object.fromEntries(
    Object.entries(spec.env ?? {}).map(([k, v]) => [k, expandTemplate(String(v), env, `${where} env ${k}`)]),
  );
  for (const [k, v] of Object.entries(stepEnv)) if (isSecretKey(k)) registerSecret(v);
  return runCommand(execArgv(spec, env, where), {
    timeoutMs: spec.timeoutMs,
    cwd: spec.cwd,
    env: { ...env, ...stepEnv },
  });
}

function manualArg(spec: ExecSpec, a: string, i: number): string {
  if (i === 0 && a.includes('/') && !isAbsolute(a)) return shellQuote(resolve(spec.baseDir, a));
  // A `sh -c` script keeps reading ${X} itself: expanding it in the outer shell would splice it in.
  if (i === shellScriptIndex(spec.command as string[])) return shellQuote(shellScript(a));
  return shellWord(a);
}

/** What a person types to run the spec by hand: quoted, with variables as `"${X}"`, never values. */
export function execManualStep(spec: ExecSpec): string {
  const envPart = Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${shellWord(String(v))} `);
  const cmd =
    spec.shell || typeof spec.command === 'string'
      ? `sh -c ${shellQuote(shellScript(typeof spec.command === 'string' ? spec.command : spec.command.join(' ')))}`
      : spec.command.map((a, i) => manualArg(spec, a, i)).join(' ');
  return `cd ${shellQuote(spec.cwd)} && ${envPart.join('')}${cmd}`;
}

export interface HttpActionSpec {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  expectStatus?: number[];
  timeoutMs?: number;
}

/** The request with `${env.X}` expanded in url, headers and body (at send time, never journaled). */
export function expandHttp(
  spec: HttpActionSpec,
  env: Record<string, string | undefined>,
  where: string,
): HttpActionSpec {
  return {
    ...spec,
    url: expandTemplate(spec.url, env, `${where} url`),
    ...(spec.body !== undefined ? { body: expandTemplate(spec.body, env, `${where} body`) } : {}),
    ...(spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([k, v]) => {
              const value = expandTemplate(String(v), env, `${where} header ${k}`);
              if (isSecretKey(k)) registerSecret(value);
              return [k, value];
            }),
          ),
        }
      : {}),
  };
}

/** `curl` for the manual rollback steps: every part quoted, variables as `"${X}"`. */
export function curlManualStep(spec: HttpActionSpec): string {
  const h = Object.entries(spec.headers ?? {}).map(([k, v]) => ` -H ${shellWord(`${k}: ${v}`)}`);
  const body = spec.body !== undefined ? ` --data ${shellWord(spec.body)}` : '';
  return `curl -X ${shellQuote(spec.method ?? 'POST')}${h.join('')}${body} ${shellWord(spec.url)}`;
}

/**
 * One HTTP request for `http` fault actions and their inverses. Never throws for HTTP answers;
 * `timeoutMs` bounds the whole exchange (connect, headers, body).
 */
export async function sendHttp(spec: HttpActionSpec): Promise<{ ok: boolean; status: number | null; detail: string }> {
  const expect = spec.expectStatus ?? [200, 201, 202, 204];
  const timeoutMs = spec.timeoutMs ?? 10_000;
  try {
    const res = await request(spec.url, {
      method: (spec.method ?? 'POST') as 'POST',
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await res.body.text()).slice(0, 300);
    return { ok: expect.includes(res.statusCode), status: res.statusCode, detail: text };
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, status: null, detail: timedOut ? `no answer within ${timeoutMs} ms` : e.message };
  }
}
