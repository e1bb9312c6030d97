import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { readJson, writeJsonAtomic } from './state-dir.js';

/** A recorded lab process: the pid plus its start time, so a recycled pid is never signalled. */
export interface PidRecord {
  pid: number;
  name: string;
  startTicks: string | undefined;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); undefined where /proc is absent. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie is not running anything: treat it as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** True when the pid is alive and still the process that was recorded. */
export function isSameProcess(r: PidRecord): boolean {
  if (!isAlive(r.pid)) return false;
  if (r.startTicks === undefined) return true;
  const now = processStartTicks(r.pid);
  return now === undefined || now === r.startTicks;
}

/** The pids file in the state dir, rewritten whenever a lab process starts or ends. */
export class ProcessRegistry {
  private readonly records = new Map<number, PidRecord>();
  constructor(private readonly file: string) {}

  add(pid: number, name: string): void {
    this.records.set(pid, { pid, name, startTicks: processStartTicks(pid) });
    this.flush();
  }

  remove(pid: number): void {
    if (this.records.delete(pid)) this.flush();
  }

  all(): PidRecord[] {
    return [...this.records.values()];
  }

  private flush(): void {
    writeJsonAtomic(this.file, { processes: this.all() });
  }

  static read(file: string): PidRecord[] {
    return readJson<{ processes: PidRecord[] }>(file)?.processes ?? [];
  }
}

export interface SpawnTrackedOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  uid?: number;
  gid?: number;
}

/** Spawns a lab process with output appended to its log and its pid recorded until it exits. */
export function spawnTracked(registry: ProcessRegistry, o: SpawnTrackedOptions): ChildProcess {
  const fd = openSync(o.logFile, 'a');
  const opts: SpawnOptions = {
    cwd: o.cwd,
    env: o.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: false,
  };
  if (o.uid !== undefined) opts.uid = o.uid;
  if (o.gid !== undefined) opts.gid = o.gid;
  const child = spawn(o.command, o.args, opts);
  closeSync(fd);
  const pid = child.pid;
  if (pid !== undefined) {
    registry.add(pid, o.name);
    child.once('exit', () => registry.remove(pid));
  }
  child.once('error', () => {
    if (pid !== undefined) registry.remove(pid);
  });
  return child;
}

/**
 * Resolves once `ready()` succeeds for a server just spawned with spawnTracked, polling every
 * 30 ms; throws when the server exits first (naming its log) or when `ready` still fails after
 * `timeoutMs` (the server is left to its owner's stop).
 */
export async function untilReady(
  child: ChildProcess,
  o: Pick<SpawnTrackedOptions, 'name' | 'logFile'>,
  ready: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${o.name} exited during start (see logs/${basename(o.logFile)})`);
    }
    try {
      await ready();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** Sends `sig` to a child and waits for its exit, with SIGKILL after `killAfterMs` (no-op when it already exited). */
export async function stopChild(child: ChildProcess | undefined, sig: NodeJS.Signals = 'SIGTERM', killAfterMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(sig);
  const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await gone;
  clearTimeout(t);
}

/** Pids of processes whose working directory is inside `dir` (every lab process runs inside its dirs). */
export function processesWithCwdUnder(dirs: string[]): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${e}/cwd`);
      if (dirs.some((d) => cwd === d || cwd.startsWith(`${d}/`)) && isAlive(pid)) out.push(pid);
    } catch {
      // Gone already, or not ours to inspect.
    }
  }
  return out;
}

/** Resolves when the pid is gone or the timeout passes; returns whether it is gone. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}
