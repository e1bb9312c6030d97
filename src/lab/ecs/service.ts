import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TargetGroup } from '../alb/target-group.js';
import { ApiError } from '../api/errors.js';
import { waitForPort } from '../ec2/fleet.js';
import { nodeArgsFor, sleep } from '../node-entry.js';
import { type ProcessRegistry, spawnTracked, stopChild } from '../processes.js';
import { isActive, type LabTask, newTask, type StopCode } from './tasks.js';
import { ECS_CONTAINER_PORT, ECS_SERVICE, IpPool, newDeploymentId, newTaskId } from './topology.js';

/** The service's tags as the lab starts it (and `lab reset` puts back). */
const SERVICE_TAGS: Readonly<Record<string, string>> = { app: 'api', drillproof: 'allowed' };
export interface EcsLabDeps {
  registry: ProcessRegistry;
  logsDir: string;
  cwd: string;
  appEnv: NodeJS.ProcessEnv;
  azs: string[];
  subnetOf: (az: string) => string;
  transitionMs: number;
  /** How long a stopping task drains in the target group before its process gets SIGTERM. */
  deregistrationDelayMs: number;
  reachable: (az: string) => boolean;
  group: TargetGroup;
  freePort: () => Promise<number>;
  desiredCount: number;
  healthCheckGracePeriodSeconds: number;
  /** Scheduler tick. */
  tickMs?: number;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface DeploymentState {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
}

/**
 * One ECS service on Fargate in the lab: the service scheduler keeps `desiredCount` tasks running,
 * spread across the reachable AZs, each task a real app process with its own IP registered in the
 * `ip` target group. Tasks walk the ECS lifecycle (PROVISIONING → PENDING → RUNNING → DEACTIVATING →
 * STOPPING → DEPROVISIONING → STOPPED); a task whose target turns unhealthy after the health-check
 * grace period is stopped and replaced, as ECS does.
 */
export class EcsServiceLab {
  readonly tasks = new Map<string, LabTask>();
  readonly events: ServiceEvent[] = [];
  desiredCount: number;
  healthCheckGracePeriodSeconds: number;
  deployment: DeploymentState;
  readonly createdAt = new Date();
  readonly tags: Record<string, string> = { ...SERVICE_TAGS };
  private readonly ips: IpPool;
  private timer: NodeJS.Timeout | undefined;
  private steady = false;
  private stopped = false;
  private readonly lifecycles = new Set<Promise<void>>();

  constructor(private readonly d: EcsLabDeps) {
    this.ips = new IpPool(d.azs);
    this.desiredCount = d.desiredCount;
    this.healthCheckGracePeriodSeconds = d.healthCheckGracePeriodSeconds;
    this.deployment = this.newDeployment();
  }

  private newDeployment(): DeploymentState {
    const now = new Date();
    return {
      id: newDeploymentId(),
      createdAt: now,
      updatedAt: now,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment in progress.',
      failedTasks: 0,
    };
  }

  event(message: string): void {
    this.events.unshift({ id: randomUUID(), createdAt: new Date(), message: `(service ${ECS_SERVICE}) ${message}` });
    if (this.events.length > 100) this.events.length = 100;
  }

  get runningCount(): number {
    return [...this.tasks.values()].filter((t) => t.lastStatus === 'RUNNING').length;
  }

  get pendingCount(): number {
    return [...this.tasks.values()].filter(
      (t) => t.desiredStatus === 'RUNNING' && (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING'),
    ).length;
  }

  start(): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.d.tickMs ?? 250);
  }

  /** The AZ with the fewest active tasks among the reachable ones (Fargate spreads across AZs). */
  private placeAz(): string {
    const reachable = this.d.azs.filter((az) => this.d.reachable(az));
    const pool = reachable.length > 0 ? reachable : this.d.azs;
    const count = (az: string) => [...this.tasks.values()].filter((t) => isActive(t) && t.az === az).length;
    return [...pool].sort((a, b) => count(a) - count(b) || pool.indexOf(a) - pool.indexOf(b))[0] as string;
  }

  private tick(): void {
    if (this.stopped) return;
    const active = [...this.tasks.values()].filter(isActive);
    // Targets that failed ELB health checks after the grace period: the scheduler replaces them.
    const graceMs = this.healthCheckGracePeriodSeconds * 1000;
    for (const t of active) {
      if (t.lastStatus !== 'RUNNING' || !t.startedAt || Date.now() - t.startedAt.getTime() < graceMs) continue;
      const target = this.d.group.find(t.ip, ECS_CONTAINER_PORT);
      if (target?.state !== 'unhealthy') continue;
      this.event(
        `(port ${ECS_CONTAINER_PORT}) is unhealthy in (target-group ${this.d.group.arn}) due to (reason ${target.description ?? 'Health checks failed'}).`,
      );
      this.stopTask(
        t,
        'ServiceSchedulerInitiated',
        `Task failed ELB health checks in (target-group ${this.d.group.arn})`,
      );
      this.event(`has stopped 1 running tasks: (task ${t.id}).`);
    }
    const stillActive = [...this.tasks.values()].filter(isActive);
    const missing = this.desiredCount - stillActive.length;
    if (missing > 0) {
      const started: string[] = [];
      for (let i = 0; i < missing; i++) started.push(this.launch().id);
      this.steady = false;
      this.event(`has started ${started.length} tasks: ${started.map((id) => `(task ${id})`).join(' ')}.`);
    } else if (missing < 0) {
      const extra = stillActive.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, -missing);
      for (const t of extra) {
        this.stopTask(
          t,
          'ServiceSchedulerInitiated',
          `Scaling activity initiated by (deployment ${this.deployment.id})`,
        );
      }
      this.steady = false;
      this.event(`has stopped ${extra.length} running tasks: ${extra.map((t) => `(task ${t.id})`).join(' ')}.`);
    }
    const all = [...this.tasks.values()];
    const settled =
      this.runningCount === this.desiredCount &&
      all.every((t) => t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED') &&
      all
        .filter((t) => t.lastStatus === 'RUNNING')
        .every((t) => this.d.group.find(t.ip, ECS_CONTAINER_PORT)?.state === 'healthy');
    if (settled && !this.steady) {
      this.steady = true;
      if (this.deployment.rolloutState === 'IN_PROGRESS') {
        this.deployment.rolloutState = 'COMPLETED';
        this.deployment.rolloutStateReason = `ECS deployment ${this.deployment.id} completed.`;
        this.deployment.updatedAt = new Date();
        this.event(`deployment ${this.deployment.id} deployment completed.`);
      }
      this.event('has reached a steady state.');
    } else if (!settled) this.steady = false;
  }

  private track(p: Promise<void>): void {
    this.lifecycles.add(p);
    void p.finally(() => this.lifecycles.delete(p));
  }

  private launch(): LabTask {
    const az = this.placeAz();
    const t = newTask({
      id: newTaskId(),
      az,
      subnetId: this.d.subnetOf(az),
      ip: this.ips.take(az),
      port: 0,
      startedBy: this.deployment.id,
      group: `service:${ECS_SERVICE}`,
      tags: { ...this.tags },
    });
    this.tasks.set(t.id, t);
    this.track(this.bringUp(t));
    return t;
  }

  private async bringUp(t: LabTask): Promise<void> {
    const half = this.d.transitionMs / 2;
    await sleep(half);
    if (t.desiredStatus !== 'RUNNING') return this.finishStop(t);
    t.lastStatus = 'PENDING';
    t.version++;
    t.connectivityAt = new Date();
    t.pullStartedAt = new Date();
    t.port = await this.d.freePort();
    const child = spawnTracked(this.d.registry, {
      name: `ecs task ${t.id}`,
      command: process.execPath,
      args: nodeArgsFor('app-server'),
      cwd: this.d.cwd,
      env: { ...this.d.appEnv, LAB_INSTANCE_ID: t.id, LAB_AZ: t.az, LAB_PORT: String(t.port) },
      logFile: join(this.d.logsDir, `ecs-task-${t.id}.log`),
    });
    t.child = child;
    let spawnError: Error | undefined;
    child.once('error', (e) => (spawnError = e));
    child.once('exit', (code, sig) => this.onExit(t, child, code, sig));
    // ECS knows nothing of ports: a container that is up but not listening runs, and fails its
    // health checks. The wait only keeps the RUNNING state honest for a normal start.
    await waitForPort(t.port, 15_000, () => t.child !== child || child.exitCode !== null).catch(() => {});
    t.pullStoppedAt = new Date();
    await sleep(half);
    const exited = spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
    if (t.desiredStatus === 'RUNNING' && exited) {
      this.deployment.failedTasks++;
      if (spawnError) this.stopTask(t, 'TaskFailedToStart', `CannotStartContainerError: ${spawnError.message}`);
      else this.stopTask(t, 'EssentialContainerExited', 'Essential container in task exited');
      this.event(`has stopped 1 running tasks: (task ${t.id}).`);
    }
    if (t.desiredStatus !== 'RUNNING') return this.walkStop(t);
    t.lastStatus = 'RUNNING';
    t.containerStatus = 'RUNNING';
    t.startedAt = new Date();
    t.version++;
    this.d.group.register([{ id: t.ip, port: ECS_CONTAINER_PORT }]);
    this.event(`registered 1 targets in (target-group ${this.d.group.arn})`);
  }

  private onExit(t: LabTask, child: NonNullable<LabTask['child']>, code: number | null, sig: string | null): void {
    if (t.child !== child) return;
    t.child = undefined;
    t.exitCode = code ?? (sig === 'SIGKILL' ? 137 : 143);
    t.containerStatus = 'STOPPED';
    if (t.desiredStatus === 'RUNNING' && t.lastStatus === 'RUNNING') {
      // The essential container died on its own (crash, kill -9): the task stops and is replaced.
      this.stopTask(t, 'EssentialContainerExited', 'Essential container in task exited');
      this.event(`has stopped 1 running tasks: (task ${t.id}).`);
    }
  }

  /** StopTask and the scheduler's own stops: desired STOPPED now, the lifecycle walks to STOPPED. */
  stopTask(t: LabTask, code: StopCode, reason: string): LabTask {
    if (t.desiredStatus === 'STOPPED') return t;
    t.desiredStatus = 'STOPPED';
    t.stopCode = code;
    t.stoppedReason = reason;
    t.stoppingAt = new Date();
    t.version++;
    this.steady = false;
    // A task still starting is taken down by bringUp itself once its current step ends.
    if (t.lastStatus !== 'PROVISIONING' && t.lastStatus !== 'PENDING') this.track(this.walkStop(t));
    return t;
  }

  private async walkStop(t: LabTask): Promise<void> {
    const wasRegistered = t.lastStatus === 'RUNNING';
    t.lastStatus = 'DEACTIVATING';
    t.version++;
    if (wasRegistered) {
      this.d.group.deregisterTargets([{ id: t.ip, port: ECS_CONTAINER_PORT }]);
      this.event(`deregistered 1 targets in (target-group ${this.d.group.arn})`);
      // ECS waits for the target group's deregistration delay before stopping the containers.
      await sleep(this.d.deregistrationDelayMs);
    } else await sleep(this.d.transitionMs / 2);
    t.lastStatus = 'STOPPING';
    t.version++;
    await this.kill(t, 'SIGTERM');
    await this.finishStop(t);
  }

  private async finishStop(t: LabTask): Promise<void> {
    if (t.lastStatus === 'STOPPED' || t.lastStatus === 'DEPROVISIONING') return;
    t.executionStoppedAt = new Date();
    t.lastStatus = 'DEPROVISIONING';
    t.version++;
    await sleep(this.d.transitionMs / 2);
    t.lastStatus = 'STOPPED';
    t.stoppedAt = new Date();
    t.containerStatus = 'STOPPED';
    t.version++;
    this.ips.release(t.ip);
  }

  private async kill(t: LabTask, sig: NodeJS.Signals): Promise<void> {
    // Fargate sends SIGKILL after the stop timeout (30 s on AWS; 3 s in the lab).
    await stopChild(t.child, sig, 3000);
  }

  task(idOrArn: string): LabTask {
    const id = idOrArn.includes('/') ? (idOrArn.split('/').pop() as string) : idOrArn;
    const t = this.tasks.get(id);
    if (!t) throw new ApiError('InvalidParameterException', 'The referenced task was not found.');
    return t;
  }

  setDesiredCount(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new ApiError('InvalidParameterException', 'desiredCount must be >= 0.');
    this.desiredCount = n;
    this.steady = false;
    this.tick();
  }

  /** Resolves once desired count tasks run with healthy targets (lab up / reset). */
  async waitSteady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.steady) {
      if (Date.now() > end) throw new Error('the ECS service did not reach a steady state');
      await sleep(50);
    }
  }

  /** Stops the scheduler and every task process (lab down). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.tasks.values()].map((t) => this.kill(t, 'SIGTERM')));
  }

  /** Back to the initial state: the desired count restored, stopped tasks forgotten, the service steady. */
  async reset(desiredCount: number, healthCheckGracePeriodSeconds: number): Promise<void> {
    await Promise.all([...this.lifecycles]);
    for (const k of Object.keys(this.tags)) delete this.tags[k];
    Object.assign(this.tags, SERVICE_TAGS);
    this.desiredCount = desiredCount;
    this.healthCheckGracePeriodSeconds = healthCheckGracePeriodSeconds;
    for (const t of [...this.tasks.values()]) {
      if (t.lastStatus === 'STOPPED') this.tasks.delete(t.id);
    }
    // The initial spread: tasks beyond an AZ's even share are stopped; the scheduler refills the others.
    const share = Math.ceil(desiredCount / this.d.azs.length);
    for (const az of this.d.azs) {
      const here = [...this.tasks.values()].filter((t) => isActive(t) && t.az === az);
      for (const t of here.slice(share)) {
        this.stopTask(
          t,
          'ServiceSchedulerInitiated',
          `Scaling activity initiated by (deployment ${this.deployment.id})`,
        );
      }
    }
    this.tick();
    await this.waitSteady(30_000);
    await Promise.all([...this.lifecycles]);
    this.tick();
    await this.waitSteady(30_000);
  }
}
