import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, renameSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Files inside the state directory. */
export interface LabPaths {
  dir: string;
  labJson: string;
  pidsJson: string;
  supervisorLog: string;
  logsDir: string;
  /** PostgreSQL data, sockets, WAL archive, snapshots. Outside the state dir: see runtimeDirFor. */
  runtimeDir: string;
}

/** The state dir: `--dir`, else $DRILLPROOF_LAB_DIR, else `.lab` in the working directory. */
export function resolveLabDir(dir: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()) {
  return resolve(cwd, dir ?? env.DRILLPROOF_LAB_DIR ?? '.lab');
}

/**
 * Memory-backed /dev/shm when it has room: the lab copies data directories for every backup,
 * standby and restore, and on a busy disk (or one mounted with online discard) that costs seconds.
 */
function runtimeBase(uid: number, env: NodeJS.ProcessEnv): string {
  if (env.DRILLPROOF_LAB_RUNTIME) return env.DRILLPROOF_LAB_RUNTIME;
  try {
    accessSync('/dev/shm', constants.W_OK | constants.X_OK);
    const s = statfsSync('/dev/shm');
    if (s.bavail * s.bsize > 2 * 1024 ** 3) return '/dev/shm';
  } catch {
    // No usable /dev/shm: fall back to the temp dir.
  }
  return uid === 0 ? '/tmp' : tmpdir();
}

/**
 * PostgreSQL refuses to run as root, so as root the data lives where the unprivileged `postgres` user
 * can traverse: /dev/shm or /tmp ($DRILLPROOF_LAB_RUNTIME overrides), never under the checkout (which
 * may sit in a mode-700 home). The name is derived from the state dir so two labs never share it.
 */
export function runtimeDirFor(stateDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  const base = runtimeBase(uid, env);
  const h = createHash('sha256').update(stateDir).digest('hex').slice(0, 10);
  return join(base, `drillproof-lab-${uid}-${h}`);
}

export function labPaths(dir: string): LabPaths {
  return {
    dir,
    labJson: join(dir, 'lab.json'),
    pidsJson: join(dir, 'pids.json'),
    supervisorLog: join(dir, 'supervisor.log'),
    logsDir: join(dir, 'logs'),
    runtimeDir: runtimeDirFor(dir),
  };
}

export function ensureDir(p: string, mode = 0o755): void {
  mkdirSync(p, { recursive: true, mode });
}

/** Write-then-rename so readers never see a half-written file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
