import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { nodeArgsFor, sleep } from '../node-entry.js';
import { type ProcessRegistry, spawnTracked } from '../processes.js';

/** EC2's StateTransitionReason for a user's stop or terminate: `User initiated (2026-09-01 14:30:00 GMT)`. */
export function userInitiated(at: Date): string {
  return `User initiated (${at.toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface InstanceSpec {
  id: string;
  az: string;
  subnetId: string;
  port: number;
  tags: Record<string, string>;
}

export interface LabInstance extends InstanceSpec {
  state: InstanceStateName;
  launchTime: Date;
  stateTransitionReason: string;
  /** When the app process last came up (instance status `initializing` shortly after). */
  upSince: number;
  child: ChildProcess | undefined;
}

export interface StateChange {
  id: string;
  previous: InstanceStateName;
  current: InstanceStateName;
}

export interface FleetContext {
  registry: ProcessRegistry;
  logsDir: string;
  cwd: string;
  transitionMs: number;
  /** Environment of every app process (DB endpoint and credentials). */
  appEnv: NodeJS.ProcessEnv;
}

/**
 * The lab's EC2 instances. Each running instance is a real app process; state changes follow the
 * EC2 lifecycle and every transitional state is held at least `transitionMs` so that describe calls,
 * SDK waiters and the drill engine's watchers can see it.
 */
export class Ec2Fleet {
  readonly instances = new Map<string, LabInstance>();
  private readonly listeners: ((i: LabInstance) => void)[] = [];
  private readonly busy = new Map<string, Promise<void>>();

  private readonly initialTags = new Map<string, Record<string, string>>();

  constructor(private readonly ctx: FleetContext) {}

  onChange(fn: (i: LabInstance) => void): void {
    this.listeners.push(fn);
  }

  private set(i: LabInstance, state: InstanceStateName, reason = ''): void {
    i.state = state;
    i.stateTransitionReason = reason;
    for (const fn of this.listeners) fn(i);
  }

  async launch(specs: InstanceSpec[]): Promise<void> {
    for (const s of specs) {
      this.initialTags.set(s.id, { ...s.tags });
      this.instances.set(s.id, {
        ...s,
        tags: { ...s.tags },
        state: 'pending',
        launchTime: new Date(),
        stateTransitionReason: '',
        upSince: Date.now(),
        child: undefined,
      });
    }
    await Promise.all(specs.map((s) => this.bringUp(this.get(s.id))));
  }

  get(id: string): LabInstance {
    const i = this.instances.get(id);
    if (!i) throw new ApiError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return i;
  }

  /** Validates every id first, like EC2: one unknown id fails the whole call. */
  getAll(ids: string[]): LabInstance[] {
    const missing = ids.filter((id) => !this.instances.has(id));
    if (missing.length > 0) {
      throw new ApiError(
        'InvalidInstanceID.NotFound',
        `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`,
      );
    }
    return ids.map((id) => this.get(id));
  }

  private serial(id: string, op: () => Promise<void>): void {
    const prev = this.busy.get(id) ?? Promise.resolve();
    const next = prev.then(op, op).catch(() => {});
    this.busy.set(id, next);
  }

  /** Resolves when every queued transition of the instance has finished. */
  async settled(id: string): Promise<void> {
    await this.busy.get(id);
  }

  private incorrect(i: LabInstance, what: string): ApiError {
    return new ApiError(
      'IncorrectInstanceState',
      `The instance '${i.id}' is not in a state from which it can be ${what}.`,
    );
  }

  stop(ids: string[], force = false): StateChange[] {
    const list = this.getAll(ids);
    for (const i of list) {
      if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'pending')
        throw this.incorrect(i, 'stopped');
    }
    return list.map((i) => {
      const previous = i.state;
      if (previous === 'running') {
        this.set(i, 'stopping', userInitiated(new Date()));
        this.serial(i.id, async () => {
          const t0 = Date.now();
          await this.killApp(i, force ? 'SIGKILL' : 'SIGTERM');
          await sleep(Math.max(0, this.ctx.transitionMs - (Date.now() - t0)));
          this.set(i, 'stopped', i.stateTransitionReason);
        });
      }
      return { id: i.id, previous, current: i.state };
    });
  }

  start(ids: string[]): StateChange[] {
    const list = this.getAll(ids);
    for (const i of list) {
      if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'stopping')
        throw this.incorrect(i, 'started');
    }
    return list.map((i) => {
      const previous = i.state;
      if (previous === 'stopped') {
        this.set(i, 'pending');
        this.serial(i.id, () => this.bringUp(i));
      }
      return { id: i.id, previous, current: i.state };
    });
  }

  /** A reboot keeps the instance `running` (as EC2 does) while the app process restarts. */
  reboot(ids: string[]): void {
    const list = this.getAll(ids);
    for (const i of list) {
      if (i.state !== 'running') continue;
      this.serial(i.id, async () => {
        await this.killApp(i, 'SIGTERM');
        await sleep(this.ctx.transitionMs);
        await this.spawnApp(i);
      });
    }
  }

  terminate(ids: string[]): StateChange[] {
    const list = this.getAll(ids);
    return list.map((i) => {
      const previous = i.state;
      if (previous !== 'terminated' && previous !== 'shutting-down') {
        this.set(i, 'shutting-down', userInitiated(new Date()));
        this.serial(i.id, async () => {
          const t0 = Date.now();
          await this.killApp(i, 'SIGTERM');
          await sleep(Math.max(0, this.ctx.transitionMs - (Date.now() - t0)));
          this.set(i, 'terminated', i.stateTransitionReason);
        });
      }
      return { id: i.id, previous, current: i.state };
    });
  }

  private async bringUp(i: LabInstance): Promise<void> {
    const t0 = Date.now();
    await this.spawnApp(i);
    await sleep(Math.max(0, this.ctx.transitionMs - (Date.now() - t0)));
    i.launchTime = new Date();
    this.set(i, 'running');
  }

  private async spawnApp(i: LabInstance): Promise<void> {
    const child = spawnTracked(this.ctx.registry, {
      name: `app ${i.id}`,
      command: process.execPath,
      args: nodeArgsFor('app-server'),
      cwd: this.ctx.cwd,
      env: { ...this.ctx.appEnv, LAB_INSTANCE_ID: i.id, LAB_AZ: i.az, LAB_PORT: String(i.port) },
      logFile: join(this.ctx.logsDir, `app-${i.id}.log`),
    });
    i.child = child;
    child.once('exit', () => {
      if (i.child === child) i.child = undefined;
    });
    await waitForPort(i.port, 15_000, () => i.child !== child);
    i.upSince = Date.now();
  }

  private async killApp(i: LabInstance, sig: NodeJS.Signals): Promise<void> {
    const child = i.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** Forgets an instance entirely (its app process is stopped first): `lab reset` drops instances launched later. */
  async remove(id: string): Promise<void> {
    const i = this.instances.get(id);
    if (!i) return;
    await this.busy.get(id);
    await this.killApp(i, 'SIGKILL');
    this.instances.delete(id);
    this.busy.delete(id);
  }

  /** Stops every app process (lab down). */
  async shutdown(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => this.killApp(i, 'SIGTERM')));
  }

  /** Back to the initial topology: every instance running with a live app process. */
  async reset(): Promise<void> {
    await Promise.all([...this.busy.values()]);
    await Promise.all(
      [...this.instances.values()].map(async (i) => {
        // Tags drills wrote (a lease) go too: the topology is as launched.
        i.tags = { ...(this.initialTags.get(i.id) ?? i.tags) };
        if (i.state === 'running' && i.child) return;
        await this.killApp(i, 'SIGKILL');
        this.set(i, 'pending');
        await this.bringUp(i);
      }),
    );
  }
}

/** Polls until something accepts TCP connections on the port (or `gaveUp()` says to stop). */
export async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean = () => false) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !gaveUp()) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(40);
  }
  if (!gaveUp()) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
