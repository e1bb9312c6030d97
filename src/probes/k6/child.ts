import type { ChildProcess } from 'node:child_process';
import { LineSplitter } from './ndjson.js';

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** k6 could not be started (binary missing, not executable). */
  spawnError?: Error;
}

/** The child's exit (or failure to start), and whether it happened yet. */
export function exitOf(child: ChildProcess): { exit: Promise<ChildExit>; exited: () => boolean } {
  let exited = false;
  const exit = new Promise<ChildExit>((res) => {
    child.once('error', (err) => {
      exited = true;
      res({ code: null, signal: null, spawnError: err });
    });
    child.once('close', (code, signal) => {
      exited = true;
      res({ code, signal });
    });
  });
  return { exit, exited: () => exited };
}

/** The last 40 lines k6 wrote to stdout and stderr (500 characters each), for the result. */
export class OutputTail {
  readonly lines: string[] = [];
  private readonly stderr = new LineSplitter();
  private readonly stdout = new LineSplitter();

  constructor(child: ChildProcess) {
    child.stderr?.on('data', (c: Buffer) => this.stderr.push(c).forEach(this.keep));
    child.stdout?.on('data', (c: Buffer) => this.stdout.push(c).forEach(this.keep));
  }

  /** The lines still in the splitters once the process has exited. */
  flush(): void {
    this.stderr.flush().forEach(this.keep);
    this.stdout.flush().forEach(this.keep);
  }

  private readonly keep = (line: string): void => {
    this.lines.push(line.slice(0, 500));
    if (this.lines.length > 40) this.lines.shift();
  };
}
