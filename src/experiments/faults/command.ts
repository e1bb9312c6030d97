import { spawn } from 'node:child_process';
import { request } from 'undici';

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs an argv (no shell) with a hard timeout; output is capped so a chatty command cannot fill
 * memory. The process is killed by its own pid on timeout.
 */
export function runCommand(
  argv: string[],
  o: { timeoutMs: number; cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      resolve({ exitCode: null, stdout: '', stderr: 'empty command', timedOut: false });
      return;
    }
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const cap = (s: string, c: Buffer) => (s.length > 65_536 ? s : s + c.toString('utf8'));
    child.stdout.on('data', (c: Buffer) => (stdout = cap(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = cap(stderr, c)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout, stderr: `${stderr}${err.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: timedOut ? null : code, stdout, stderr, timedOut });
    });
  });
}

export interface HttpActionSpec {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  expectStatus?: number[];
  timeoutMs?: number;
}

/** One HTTP request for `http` fault actions and their inverses. Never throws for HTTP answers. */
export async function sendHttp(spec: HttpActionSpec): Promise<{ ok: boolean; status: number | null; detail: string }> {
  const expect = spec.expectStatus ?? [200, 201, 202, 204];
  try {
    const res = await request(spec.url, {
      method: (spec.method ?? 'POST') as 'POST',
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      headersTimeout: spec.timeoutMs ?? 10_000,
      bodyTimeout: spec.timeoutMs ?? 10_000,
    });
    const text = (await res.body.text()).slice(0, 300);
    return { ok: expect.includes(res.statusCode), status: res.statusCode, detail: text };
  } catch (err) {
    return { ok: false, status: null, detail: (err as Error).message };
  }
}
