import type { Message, MessageSink, Progress } from '../index.js';

/** Where the CLI writes. Injected so commands can be tested in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
}

/**
 * A reader that closed the pipe (`drillproof schema | head -1`) is not an error: further output
 * is dropped quietly and the command ends with its own exit code. A drill never stops because its
 * output went away: its rollback must still run.
 */
export function quietOnClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    process.exitCode = 1;
  });
}

let guarded = false;

export const processIo = (): CliIo => {
  if (!guarded) {
    quietOnClosedPipe(process.stdout);
    quietOnClosedPipe(process.stderr);
    guarded = true;
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin };
};

const COLORS = { error: '\x1b[31m', warn: '\x1b[33m', info: '', debug: '\x1b[2m', result: '\x1b[1m' } as const;
const RESET = '\x1b[0m';

/** Renders library messages for people (TTY: colour and a live progress line) or as JSON lines. */
export class ConsoleSink implements MessageSink {
  private progressShown = false;
  private lastPlain = new Map<string, number>();

  constructor(
    private readonly io: CliIo,
    private readonly opts: { json: boolean; verbose?: boolean },
  ) {}

  private get tty(): boolean {
    return Boolean(this.io.stderr.isTTY) && !this.io.env.NO_COLOR && !this.opts.json;
  }

  emit(msg: Message): void {
    if (this.opts.json) {
      this.io.stdout.write(`${JSON.stringify(msg)}\n`);
      return;
    }
    if (msg.level === 'debug' && !this.opts.verbose) return;
    this.clearProgress();
    const prefix = msg.level === 'error' ? 'error: ' : msg.level === 'warn' ? 'warning: ' : '';
    const line = `${prefix}${msg.message}`;
    const out = msg.level === 'result' ? this.io.stdout : this.io.stderr;
    out.write(this.tty ? `${COLORS[msg.level]}${line}${RESET}\n` : `${line}\n`);
  }

  progress(p: Progress): void {
    if (this.opts.json) {
      this.io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'progress', ...p })}\n`);
      return;
    }
    const pct = p.total ? Math.min(1, p.done / p.total) : undefined;
    if (this.tty) {
      const width = 24;
      const bar =
        pct === undefined
          ? ''
          : `[${'#'.repeat(Math.round(pct * width)).padEnd(width, '.')}] ${Math.round(pct * 100)}% `;
      const text = `${p.label} ${bar}${p.detail ?? ''}`;
      const cols = this.io.stderr.columns ?? 100;
      this.io.stderr.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
      this.progressShown = true;
      return;
    }
    // Plain output: one line per step at most every 5 s, so logs stay readable.
    const now = Date.now();
    const last = this.lastPlain.get(p.id) ?? 0;
    if (now - last < 5000 && !(p.total !== undefined && p.done >= p.total)) return;
    this.lastPlain.set(p.id, now);
    const frac = pct === undefined ? '' : ` ${Math.round(pct * 100)}%`;
    this.io.stderr.write(`${p.label}${frac}${p.detail ? ` ${p.detail}` : ''}\n`);
  }

  clearProgress(): void {
    if (this.progressShown) {
      this.io.stderr.write('\r\x1b[2K');
      this.progressShown = false;
    }
  }
}
