import { randomUUID } from 'node:crypto';
import type { TargetGroup } from '../alb/target-group.js';
import { ApiError } from '../api/errors.js';
import type { Ec2Fleet } from '../ec2/fleet.js';
import { INSTANCE_TAGS, instanceId, subnetId } from '../topology.js';
import {
  ASG_TAG,
  type AsgActivity,
  type AsgMember,
  causeTime,
  isScalingProcess,
  SCALING_PROCESSES,
  type ScalingProcess,
  type SuspendedProcess,
} from './model.js';

export interface AsgSettings {
  name: string;
  azs: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriodMs: number;
  /** How often the group checks its instances' health and capacity. */
  checkIntervalMs: number;
}

export interface AsgDeps {
  fleet: Ec2Fleet;
  targetGroups: TargetGroup[];
  /** False while the lab's AZ is cut off (aws:network:disrupt-connectivity): no launches there. */
  reachable: (az: string) => boolean;
  freePort: () => Promise<number>;
  log: (msg: string) => void;
  now?: () => number;
}

/**
 * A minimal EC2 Auto Scaling group over lab instances. Every `checkIntervalMs` it runs the
 * HealthCheck process (EC2: an instance not `running` is Unhealthy; ELB: also an `unhealthy`
 * target), after the grace period of each instance; ReplaceUnhealthy terminates Unhealthy
 * instances (needs Terminate); Launch brings the group back to its desired capacity in the
 * reachable AZ with the fewest instances, registering new instances in the target groups
 * (AddToLoadBalancer). Suspending a process stops exactly that part, as the Auto Scaling user guide
 * describes ("How suspended processes affect other processes").
 */
export class AutoScalingGroupLab {
  readonly members = new Map<string, AsgMember>();
  readonly activities: AsgActivity[] = [];
  readonly suspended = new Map<ScalingProcess, SuspendedProcess>();
  readonly createdTime = new Date();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly inflight = new Set<Promise<void>>();
  private next = 101;
  private readonly now: () => number;
  private readonly originalIds: Set<string>;

  constructor(
    readonly s: AsgSettings,
    private readonly d: AsgDeps,
    /** The instances `lab up` started in the group (`lab reset` brings exactly these back). */
    private readonly originals: { id: string; az: string }[],
  ) {
    this.now = d.now ?? Date.now;
    this.originalIds = new Set(originals.map((o) => o.id));
    for (const o of originals) this.addOriginal(o);
  }

  private addOriginal(o: { id: string; az: string }): void {
    this.members.set(o.id, {
      id: o.id,
      az: o.az,
      lifecycle: 'InService',
      health: 'Healthy',
      inServiceAt: this.now(),
      original: true,
    });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.s.checkIntervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  isSuspended(p: ScalingProcess): boolean {
    return this.suspended.has(p);
  }

  /** SuspendProcesses: the named processes, or all of them when none is named. */
  suspend(names: string[]): void {
    const list = this.validate(names);
    const reason = `User suspended at ${causeTime(new Date(this.now()))}`;
    for (const p of list) if (!this.suspended.has(p)) this.suspended.set(p, { name: p, reason });
  }

  resume(names: string[]): void {
    for (const p of this.validate(names)) this.suspended.delete(p);
  }

  private validate(names: string[]): ScalingProcess[] {
    const bad = names.filter((n) => !isScalingProcess(n));
    if (bad.length > 0) {
      throw new ApiError('ValidationError', `Process type(s) ${bad.join(', ')} not recognized.`);
    }
    return names.length === 0 ? [...SCALING_PROCESSES] : (names as ScalingProcess[]);
  }

  /** Instances that count toward capacity (Terminating ones do not: AWS launches while they go). */
  capacity(): AsgMember[] {
    return [...this.members.values()].filter((m) => m.lifecycle === 'Pending' || m.lifecycle === 'InService');
  }

  /** One pass of HealthCheck, ReplaceUnhealthy and Launch; exported for tests through the timer. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.healthCheck();
      this.replaceUnhealthy();
      await this.fillCapacity();
    } catch (e) {
      this.d.log(`auto scaling ${this.s.name}: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.checking = false;
    }
  }

  private healthCheck(): void {
    if (this.isSuspended('HealthCheck')) return;
    const now = this.now();
    for (const m of this.members.values()) {
      if (m.lifecycle !== 'InService' || m.health === 'Unhealthy') continue;
      if (now - m.inServiceAt < this.s.healthCheckGracePeriodMs) continue;
      const i = this.d.fleet.instances.get(m.id);
      const ec2Bad = i?.state !== 'running';
      const elbBad =
        this.s.healthCheckType === 'ELB' &&
        this.d.targetGroups.some((tg) => tg.targets.get(m.id)?.state === 'unhealthy');
      if (ec2Bad || elbBad) {
        m.health = 'Unhealthy';
        this.d.log(`auto scaling ${this.s.name}: ${m.id} is Unhealthy (${i?.state ?? 'gone'})`);
      }
    }
  }

  private replaceUnhealthy(): void {
    // With Terminate suspended, ReplaceUnhealthy is inactive (instances stay marked Unhealthy).
    if (this.isSuspended('ReplaceUnhealthy') || this.isSuspended('Terminate')) return;
    for (const m of this.members.values()) {
      if (m.lifecycle === 'InService' && m.health === 'Unhealthy') this.track(this.terminate(m));
    }
  }

  private async terminate(m: AsgMember): Promise<void> {
    m.lifecycle = 'Terminating';
    const i = this.d.fleet.instances.get(m.id);
    const elb = this.s.healthCheckType === 'ELB' && i?.state === 'running';
    const a = this.activity(
      `Terminating EC2 instance: ${m.id}`,
      `At ${causeTime(new Date(this.now()))} an instance was taken out of service in response to ${
        elb ? 'an ELB system health check failure' : 'an EC2 health check indicating it has been terminated or stopped'
      }.`,
      m.az,
    );
    try {
      for (const tg of this.d.targetGroups) if (tg.targets.has(m.id)) tg.deregister([m.id]);
      if (i) {
        this.d.fleet.terminate([m.id]);
        await this.d.fleet.settled(m.id);
      }
      this.finish(a, 'Successful');
    } catch (e) {
      this.finish(a, 'Failed', (e as Error).message);
    }
    m.lifecycle = 'Terminated';
    this.members.delete(m.id);
  }

  private async fillCapacity(): Promise<void> {
    if (this.isSuspended('Launch')) return;
    const missing = this.s.desiredCapacity - this.capacity().length;
    for (let k = 0; k < missing; k++) {
      const az = this.pickAz();
      if (!az) {
        this.d.log(`auto scaling ${this.s.name}: no reachable AZ to launch in`);
        return;
      }
      const before = this.capacity().length;
      const id = instanceId(az, this.next++);
      const m: AsgMember = { id, az, lifecycle: 'Pending', health: 'Healthy', inServiceAt: 0, original: false };
      this.members.set(id, m);
      const a = this.activity(
        `Launching a new EC2 instance: ${id}`,
        `At ${causeTime(new Date(this.now()))} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${before} to ${before + 1}.`,
        az,
      );
      const port = await this.d.freePort();
      this.track(this.launch(m, a, port));
    }
  }

  /** The reachable group AZ with the fewest instances (ties: the group's AZ order). */
  private pickAz(): string | undefined {
    const count = (az: string) => this.capacity().filter((m) => m.az === az).length;
    const open = this.s.azs.filter((az) => this.d.reachable(az));
    return open.sort((a, b) => count(a) - count(b))[0];
  }

  private async launch(m: AsgMember, a: AsgActivity, port: number): Promise<void> {
    try {
      await this.d.fleet.launch([
        {
          id: m.id,
          az: m.az,
          subnetId: subnetId(m.az),
          port,
          tags: { Name: `web-${m.az}-asg-${m.id.slice(-3)}`, ...INSTANCE_TAGS, [ASG_TAG]: this.s.name },
        },
      ]);
      if (!this.isSuspended('AddToLoadBalancer')) for (const tg of this.d.targetGroups) tg.register([{ id: m.id }]);
      m.lifecycle = 'InService';
      m.inServiceAt = this.now();
      this.finish(a, 'Successful');
    } catch (e) {
      this.members.delete(m.id);
      await this.d.fleet.remove(m.id);
      this.finish(a, 'Failed', (e as Error).message);
    }
  }

  private activity(description: string, cause: string, az: string): AsgActivity {
    const a: AsgActivity = {
      id: randomUUID(),
      description,
      cause,
      start: new Date(this.now()),
      end: undefined,
      status: 'InProgress',
      statusMessage: undefined,
      progress: 0,
      details: JSON.stringify({ 'Subnet ID': subnetId(az), 'Availability Zone': az }),
    };
    this.activities.push(a);
    this.d.log(`auto scaling ${this.s.name}: ${description}`);
    return a;
  }

  private finish(a: AsgActivity, status: 'Successful' | 'Failed', message?: string): void {
    a.status = status;
    a.end = new Date(this.now());
    a.progress = 100;
    a.statusMessage = message;
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Waits for launches and terminations under way. */
  async settle(): Promise<void> {
    while (this.checking || this.inflight.size > 0) {
      await Promise.all([...this.inflight]);
      if (this.checking) await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** `lab reset`, before the fleet's: stop checking and remove every replacement instance. */
  async pauseForReset(): Promise<void> {
    this.stop();
    await this.settle();
    for (const m of [...this.members.values()]) if (!m.original) this.members.delete(m.id);
    for (const id of [...this.d.fleet.instances.keys()]) {
      if (this.d.fleet.instances.get(id)?.tags[ASG_TAG] === this.s.name && !this.originalIds.has(id)) {
        await this.d.fleet.remove(id);
      }
    }
  }

  /** `lab reset`, after the fleet's: the original instances InService again, processes resumed. */
  restore(): void {
    this.members.clear();
    for (const o of this.originals) this.addOriginal(o);
    this.suspended.clear();
    this.activities.length = 0;
    this.start();
  }
}
