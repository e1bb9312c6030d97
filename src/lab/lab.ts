import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { DrillproofError } from '../errors.js';
import { type MessageSink, message, silentSink } from '../io/messages.js';
import { requireRedisServer } from './elasticache/binary.js';
import { REDIS_AUTH_ENV } from './elasticache/part.js';
import { requireMariadbBinaries } from './mysql/binaries.js';
import { nodeArgsFor, sleep } from './node-entry.js';
import { isAlive, isSameProcess, ProcessRegistry, processesWithCwdUnder, signal, waitForExit } from './processes.js';
import { labPaths, readJson, resolveLabDir } from './state-dir.js';
import { type ControlPlaneFaults, DEFAULT_LAB_OPTIONS, type LabInfo, type LabOptions } from './types.js';

export type LabUpOptions = Partial<Omit<LabOptions, 'dir'>> & {
  /** State dir; default $DRILLPROOF_LAB_DIR or `.lab` in the working directory. */
  dir?: string;
  /** How long to wait for the lab to be ready (default 120 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
};

/**
 * Reads `<dir>/lab.json`, the one reader of it (lab commands, and drills for `${lab.*}` and the
 * endpoint). `exitCode`: what a missing lab means to the caller (3 for a drill: nothing injected).
 * @throws DrillproofError `LabNotRunning` when absent or its supervisor is gone, `LabStateInvalid`
 */
export function readLabInfo(
  dir?: string,
  env: NodeJS.ProcessEnv = process.env,
  o: { exitCode?: number } = {},
): LabInfo {
  const d = resolveLabDir(dir, env);
  const path = labPaths(d).labJson;
  const code = o.exitCode !== undefined ? { exitCode: o.exitCode } : {};
  if (!existsSync(path)) {
    throw DrillproofError.user('LabNotRunning', `no lab is running in ${d} (no lab.json)`, {
      ...code,
      hint: 'start one with: drillproof lab up (or pass --dir / set DRILLPROOF_LAB_DIR to its state dir)',
    });
  }
  const info = readJson<LabInfo>(path);
  if (!info || typeof info.awsEndpoint !== 'string') {
    throw DrillproofError.user('LabStateInvalid', `lab state ${path} is unreadable`, {
      ...code,
      hint: 'restart the lab: `drillproof lab down && drillproof lab up`',
    });
  }
  if (!isAlive(info.supervisorPid)) {
    throw DrillproofError.user(
      'LabNotRunning',
      `the lab in ${d} is not running (supervisor ${info.supervisorPid} is gone)`,
      { ...code, hint: 'clean up with: drillproof lab down, then start again with: drillproof lab up' },
    );
  }
  return info;
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts the lab as a detached supervisor process and resolves with lab.json once everything is
 * up (all targets healthy, lab-db primary + synchronous standby, lab-aurora writer + reader).
 * If a lab is already running in the dir, returns its info.
 */
export async function labUp(o: LabUpOptions = {}, sink: MessageSink = silentSink): Promise<LabInfo> {
  const env = o.env ?? process.env;
  const dir = resolveLabDir(o.dir, env);
  const paths = labPaths(dir);
  const existing = readJson<LabInfo>(paths.labJson);
  if (existing && isAlive(existing.supervisorPid)) {
    sink.emit(message('info', 'DP_LAB_I0002', `lab already running in ${dir}`, { stateDir: dir }));
    return existing;
  }
  // Leftovers of a crashed lab would hold ports and data directories.
  await labDown({ dir, env }, silentSink);
  const { dir: _d, timeoutMs: _t, env: _e, ...rest } = o;
  const options: LabOptions = { ...DEFAULT_LAB_OPTIONS, ...rest, faults: { ...(rest.faults ?? {}) }, dir };
  if (options.instancesPerAz < 2) {
    throw DrillproofError.user(
      'LabOptionInvalid',
      `instances per AZ must be at least 2, not ${options.instancesPerAz}`,
    );
  }
  if (options.asg && !(options.asgInstancesPerAz >= 1 && options.asgInstancesPerAz <= options.instancesPerAz)) {
    throw DrillproofError.user(
      'LabOptionInvalid',
      `the Auto Scaling group takes 1 to ${options.instancesPerAz} instances per AZ (the instances per AZ), not ${options.asgInstancesPerAz}`,
    );
  }
  if (options.azCount < 2 || options.azCount > 3) {
    throw DrillproofError.user('LabOptionInvalid', `the lab has 2 or 3 AZs, not ${options.azCount}`);
  }
  // A missing system package is the user's to install: say so before anything starts.
  if (options.auroraMysql) requireMariadbBinaries();
  if (options.redis !== 'off') requireRedisServer(env);
  mkdirSync(paths.logsDir, { recursive: true });
  mkdirSync(paths.runtimeDir, { recursive: true, mode: 0o755 });
  rmSync(paths.labJson, { force: true });
  const fd = openSync(paths.supervisorLog, 'a');
  const child = spawn(process.execPath, [...nodeArgsFor('supervisor-main'), '--options', JSON.stringify(options)], {
    cwd: paths.runtimeDir,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  let exited = false;
  child.once('exit', () => (exited = true));
  const started = Date.now();
  const timeout = o.timeoutMs ?? 120_000;
  sink.emit(message('info', 'DP_LAB_I0001', `starting the lab in ${dir}`, { stateDir: dir, supervisorPid: pid }));
  for (;;) {
    const info = readJson<LabInfo>(paths.labJson);
    if (info && info.supervisorPid === pid) {
      sink.progress?.({ id: 'lab-up', label: 'lab up', done: 1, total: 1 });
      sink.emit(
        message(
          'info',
          'DP_LAB_I0003',
          `lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${info.appUrl}`,
          {
            elapsedMs: Date.now() - started,
          },
        ),
      );
      return info;
    }
    if (exited || Date.now() - started > timeout) {
      // Why and the log's tail now: stopping the lab below ends the supervisor (it would read as exited).
      const why = exited
        ? 'the lab supervisor exited during start'
        : `the lab was not ready within ${timeout / 1000} s`;
      const tail = logTail(paths.supervisorLog);
      await labDown({ dir, env }, silentSink);
      throw DrillproofError.tool('LabStartFailed', why, {
        hint: `see ${paths.supervisorLog} and ${paths.logsDir}:\n${tail}`,
      });
    }
    sink.progress?.({
      id: 'lab-up',
      label: 'lab up',
      done: 0,
      detail: `${((Date.now() - started) / 1000).toFixed(0)} s`,
    });
    await sleep(100);
  }
}

/**
 * Stops every lab process: the supervisor first (it shuts its children down cleanly), then any
 * recorded pid still alive, then any PostgreSQL/Node process still working inside the runtime dir.
 * Returns how many processes had to be signalled after the supervisor's own shutdown.
 */
export async function labDown(
  o: { dir?: string; env?: NodeJS.ProcessEnv } = {},
  sink: MessageSink = silentSink,
): Promise<{ stopped: boolean; leftovers: number }> {
  const dir = resolveLabDir(o.dir, o.env ?? process.env);
  const paths = labPaths(dir);
  const info = readJson<LabInfo>(paths.labJson);
  const records = ProcessRegistry.read(paths.pidsJson);
  const sup =
    records.find((r) => r.name === 'supervisor') ??
    (info ? { pid: info.supervisorPid, name: 'supervisor', startTicks: undefined } : undefined);
  let stopped = false;
  if (sup && isSameProcess(sup)) {
    stopped = true;
    signal(sup.pid, 'SIGTERM');
    if (!(await waitForExit(sup.pid, 35_000))) signal(sup.pid, 'SIGKILL');
  }
  let leftovers = 0;
  const alive = ProcessRegistry.read(paths.pidsJson).filter((r) => isSameProcess(r));
  for (const r of alive) signal(r.pid, 'SIGTERM');
  for (const r of alive) {
    leftovers++;
    if (!(await waitForExit(r.pid, 3000))) signal(r.pid, 'SIGKILL');
  }
  // PostgreSQL backends whose postmaster was killed, identified by their working directory.
  const stray = existsSync(paths.runtimeDir) ? processesWithCwdUnder([paths.runtimeDir]).filter(isLabCommand) : [];
  for (const pid of stray) signal(pid, 'SIGKILL');
  leftovers += stray.length;
  for (const pid of stray) await waitForExit(pid, 2000);
  rmSync(paths.labJson, { force: true });
  rmSync(paths.pidsJson, { force: true });
  rmSync(paths.runtimeDir, { recursive: true, force: true });
  if (stopped || leftovers > 0) {
    sink.emit(message('info', 'DP_LAB_I0004', `lab in ${dir} stopped`, { stateDir: dir, leftovers }));
  } else {
    sink.emit(message('info', 'DP_LAB_I0005', `no lab was running in ${dir}`, { stateDir: dir }));
  }
  return { stopped, leftovers };
}

function isLabCommand(pid: number): boolean {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === 'postgres' || comm === 'node' || comm.startsWith('postgres') || comm === 'mariadbd';
  } catch {
    return false;
  }
}

async function admin<T>(info: LabInfo, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${info.adminUrl}/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) {
    throw DrillproofError.user('LabAdminFailed', `lab ${route} failed: ${json.message ?? res.status}`);
  }
  return json;
}

export interface LabStatus {
  running: boolean;
  stateDir: string;
  info?: LabInfo;
  detail?: unknown;
}

/** Whether a lab runs in the dir, with its live state (instances, targets, DB, faults). */
export async function labStatus(o: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<LabStatus> {
  const stateDir = resolveLabDir(o.dir, o.env ?? process.env);
  let info: LabInfo;
  try {
    info = readLabInfo(stateDir);
  } catch {
    return { running: false, stateDir };
  }
  return { running: true, stateDir, info, detail: await admin(info, 'GET', 'status') };
}

/** Back to the initial topology (instances running, targets healthy, DB primary in the first AZ, restores deleted). */
export async function labReset(o: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<unknown> {
  return admin(readLabInfo(o.dir, o.env ?? process.env), 'POST', 'reset');
}

/** Sets (replaces) the control-plane faults of a running lab; `{}` clears them. */
export async function setLabFaults(faults: ControlPlaneFaults, o: { dir?: string; env?: NodeJS.ProcessEnv } = {}) {
  return admin<ControlPlaneFaults>(readLabInfo(o.dir, o.env ?? process.env), 'POST', 'faults', faults);
}

/** Gives a lab access key exactly this IAM policy (null: no policy, every call allowed). */
export async function setLabIamPolicy(
  accessKeyId: string,
  policy: unknown,
  o: { dir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Record<string, unknown>> {
  const info = readLabInfo(o.dir, o.env ?? process.env);
  return policy === null
    ? admin(info, 'DELETE', 'iam', { accessKeyId })
    : admin(info, 'POST', 'iam', { accessKeyId, policy });
}

/** Ships WAL now so LatestRestorableTime is current (otherwise it advances every logShipIntervalMs). */
export async function labShipLogs(o: { dir?: string; env?: NodeJS.ProcessEnv } = {}) {
  return admin<{ latestRestorableTime?: string }>(readLabInfo(o.dir, o.env ?? process.env), 'POST', 'ship-logs');
}

/** SDK client settings for a lab: `new EC2Client(labClientConfig(info))`. */
export function labClientConfig(info: LabInfo) {
  return {
    region: info.region,
    endpoint: info.awsEndpoint,
    credentials: { ...info.credentials },
  };
}

/**
 * Environment for a process that should talk to the lab: the SDK endpoint, region and dummy
 * credentials, plus `DRILLPROOF_LAB_DB_PASSWORD` for scenarios that read the DB password with
 * `password: { env: DRILLPROOF_LAB_DB_PASSWORD }`.
 */
export function labEnv(info: LabInfo): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: info.awsEndpoint,
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: info.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.credentials.secretAccessKey,
    DRILLPROOF_LAB_DB_PASSWORD: info.db.password,
    ...(info.elasticache?.authToken ? { [REDIS_AUTH_ENV]: info.elasticache.authToken } : {}),
  };
}
