import { fsyncSync, writeSync } from 'node:fs';
import { isoMs } from '../util/clock.js';

/**
 * The two writes a run makes while the drill runs (journal lines with their fsync, sample lines).
 * Injected so the error paths a real disk gives only when it is full or failing (ENOSPC, EIO)
 * are testable; `realWrites` is the file system.
 */
export interface WriteOps {
  write(path: string, fd: number, buf: Buffer): number;
  fsync(path: string, fd: number): void;
}

export const realWrites: WriteOps = {
  write: (_path, fd, buf) => writeSync(fd, buf),
  fsync: (_path, fd) => fsyncSync(fd),
};

/** A write of the run directory that failed mid-drill, and what it lost. */
export interface WriteFailure {
  /** The file that could not be written. */
  file: string;
  op: 'write' | 'fsync';
  /** errno code (`ENOSPC`, `EIO` ...), or `unknown`. */
  code: string;
  /** Epoch ms (run timeline) of the first record that is not on disk, when known. */
  lostFrom: number | null;
  /** What is lost, for people: "journal entries from …", "samples of probe web from …". */
  lost: string;
}

/** Writes the whole buffer (short writes continue), through `ops`. */
export function writeAll(ops: WriteOps, path: string, fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += ops.write(path, fd, off === 0 ? buf : buf.subarray(off));
}

/**
 * The run's write channel: every writer reports its first failure here, once; the drill engine
 * subscribes and aborts (the rollback then runs from memory, needing no disk).
 */
export class RunWrites {
  failure: WriteFailure | null = null;
  private readonly listeners: ((f: WriteFailure) => void)[] = [];

  constructor(readonly ops: WriteOps = realWrites) {}

  onFailure(l: (f: WriteFailure) => void): void {
    this.listeners.push(l);
    if (this.failure) l(this.failure);
  }

  /** Records a failure (the first one is the story) and tells every listener. */
  fail(f: WriteFailure): void {
    if (this.failure) return;
    this.failure = f;
    for (const l of this.listeners) {
      try {
        l(f);
      } catch {
        // A listener's fault never hides the write failure itself.
      }
    }
  }
}

export function errnoOf(err: unknown): string {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : 'unknown';
}

/** "cannot write samples/web.ndjson (ENOSPC): samples of probe web from 12:00:01.250Z are lost" */
export function describeWriteFailure(f: WriteFailure): string {
  const from = f.lostFrom === null ? '' : ` from ${isoMs(f.lostFrom)}`;
  return `cannot ${f.op === 'fsync' ? 'fsync' : 'write'} ${f.file} (${f.code}): ${f.lost}${from} are lost`;
}
