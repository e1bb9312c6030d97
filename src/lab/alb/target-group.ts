import { request } from 'node:http';
import { ApiError } from '../api/errors.js';

/** Target states and reason codes exactly as ELBv2 names them. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export interface Target {
  id: string;
  port: number;
  az: string;
  state: TargetState;
  reason: string | undefined;
  description: string | undefined;
  okStreak: number;
  failStreak: number;
  drainingUntil: number | undefined;
  checking: boolean;
}

export interface HealthCheckSettings {
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  path: string;
  deregistrationDelayMs: number;
}

/** What the target group needs to know about an instance (or, for `ip` targets, the host at an IP). */
export interface InstanceView {
  running: boolean;
  /** Loopback port the lab dials for this target. */
  port: number;
  az: string;
}

/** `instance` targets are lab instances by id; `ip` targets are task IPs (lab identities mapped to loopback ports). */
export type TargetType = 'instance' | 'ip';

/** Where an IP target lives: the AZ of the subnet holding it, or undefined when outside the VPC. */
export type IpAz = (ip: string) => string | undefined;

const DESCRIPTIONS: Record<string, string> = {
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.Timeout': 'Request timed out',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes: [%s]',
  'Target.InvalidState': 'Target is in the stopped state',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.NotRegistered': 'Target is not registered to the target group',
};

type CheckResult = { ok: true } | { ok: false; reason: string; description: string };

/**
 * An ALB target group: active health checks with interval / timeout / thresholds, ELBv2 target states
 * and reason codes, deregistration delay, and the routing set (healthy targets; all of them when none
 * is healthy, i.e. fail-open).
 */
export class TargetGroup {
  readonly targets = new Map<string, Target>();
  private timer: NodeJS.Timeout | undefined;
  private rr = 0;

  constructor(
    readonly arn: string,
    readonly name: string,
    readonly port: number,
    readonly hc: HealthCheckSettings,
    private readonly instance: (id: string) => InstanceView | undefined,
    private readonly reachable: (az: string) => boolean,
    readonly targetType: TargetType = 'instance',
    private readonly ipAz: IpAz = () => undefined,
  ) {}

  /** Instance targets are unique by id; IP targets by IP and port (one IP may serve several ports). */
  keyOf(id: string, port?: number): string {
    return this.targetType === 'ip' ? `${id}:${port ?? this.port}` : id;
  }

  find(id: string, port?: number): Target | undefined {
    return this.targets.get(this.keyOf(id, port));
  }

  /** The loopback port a request or health check for this target goes to; undefined = nothing at that IP. */
  dialPort(t: Target): number | undefined {
    if (this.targetType === 'instance') return t.port;
    const host = this.instance(t.id);
    return host?.running ? host.port : undefined;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.hc.intervalMs);
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private setState(t: Target, state: TargetState, reason?: string, description?: string): void {
    t.state = state;
    t.reason = reason;
    t.description = reason ? (description ?? DESCRIPTIONS[reason]) : undefined;
  }

  register(items: { id: string; port?: number; az?: string }[]): void {
    if (this.targetType === 'ip') {
      this.registerIps(items);
      return;
    }
    for (const it of items) {
      const inst = this.instance(it.id);
      if (!inst) throw new ApiError('InvalidTarget', `The following targets are not valid instances: '${it.id}'`);
      if (!inst.running) {
        throw new ApiError(
          'InvalidTarget',
          `The following targets are not in a running state and cannot be registered: '${it.id}'`,
        );
      }
    }
    for (const it of items) {
      const inst = this.instance(it.id) as InstanceView;
      this.targets.set(it.id, this.newTarget(it.id, it.port ?? inst.port, inst.az));
    }
  }

  /** A freshly registered target: `initial` until the health checks decide. */
  private newTarget(id: string, port: number, az: string): Target {
    const t: Target = {
      id,
      port,
      az,
      state: 'initial',
      reason: undefined,
      description: undefined,
      okStreak: 0,
      failStreak: 0,
      drainingUntil: undefined,
      checking: false,
    };
    this.setState(t, 'initial', 'Elb.InitialHealthChecking');
    return t;
  }

  /** ELBv2 `ip` targets: any IPv4 address of the VPC (its AZ from the subnet); health checks decide the rest. */
  private registerIps(items: { id: string; port?: number; az?: string }[]): void {
    const bad = items.filter(
      (it) => !/^(\d{1,3})(\.\d{1,3}){3}$/.test(it.id) || it.id.split('.').some((o) => Number(o) > 255),
    );
    if (bad.length > 0) {
      throw new ApiError('ValidationError', `The IP address '${bad[0]?.id}' is not a valid IPv4 address`);
    }
    const outside = items.filter((it) => this.ipAz(it.id) === undefined && it.az === undefined);
    if (outside.length > 0) {
      throw new ApiError(
        'InvalidTarget',
        `The following targets are not in the target group's VPC and need an Availability Zone: '${outside.map((o) => o.id).join(', ')}'`,
      );
    }
    for (const it of items) {
      const key = this.keyOf(it.id, it.port);
      const existing = this.targets.get(key);
      if (existing && existing.state !== 'draining') continue;
      this.targets.set(key, this.newTarget(it.id, it.port ?? this.port, this.ipAz(it.id) ?? (it.az as string)));
    }
  }

  /** Starts draining the given targets; unregistered ones are ignored (as ELBv2 does for IP targets). */
  deregisterTargets(items: { id: string; port?: number }[]): void {
    if (this.targetType === 'instance') {
      this.deregister(items.map((i) => i.id));
      return;
    }
    for (const it of items) this.drain(this.targets.get(this.keyOf(it.id, it.port)));
  }

  private drain(t: Target | undefined): void {
    if (!t || t.state === 'draining') return;
    t.drainingUntil = Date.now() + this.hc.deregistrationDelayMs;
    this.setState(t, 'draining', 'Target.DeregistrationInProgress');
  }

  deregister(ids: string[]): void {
    for (const id of ids) {
      if (!this.instance(id))
        throw new ApiError('InvalidTarget', `The following targets are not valid instances: '${id}'`);
    }
    for (const id of ids) this.drain(this.targets.get(id));
  }

  /** Instance state changes show at once as `unused` (stopped) or back to `initial` (running again). */
  onInstance(id: string, state: string): void {
    const t = this.targets.get(id);
    if (!t || t.state === 'draining') return;
    if (state === 'stopped' || state === 'terminated') {
      if (state === 'terminated') {
        this.targets.delete(id);
        return;
      }
      t.okStreak = 0;
      t.failStreak = 0;
      this.setState(t, 'unused', 'Target.InvalidState');
    } else if (state === 'running' && t.state === 'unused') {
      this.setState(t, 'initial', 'Elb.InitialHealthChecking');
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const t of this.targets.values()) {
      if (t.state === 'draining') {
        if (t.drainingUntil !== undefined && now >= t.drainingUntil) this.targets.delete(this.keyOf(t.id, t.port));
        continue;
      }
      if (this.targetType === 'instance' && !this.instance(t.id)) {
        this.targets.delete(t.id);
        continue;
      }
      if (t.state === 'unused' || t.checking) continue;
      t.checking = true;
      void this.check(t).then((r) => {
        t.checking = false;
        if (t.state === 'draining' || t.state === 'unused' || this.targets.get(this.keyOf(t.id, t.port)) !== t) return;
        this.apply(t, r);
      });
    }
  }

  private apply(t: Target, r: CheckResult): void {
    if (r.ok) {
      t.okStreak++;
      t.failStreak = 0;
      if (t.state !== 'healthy' && t.okStreak >= this.hc.healthyThreshold) this.setState(t, 'healthy');
    } else {
      t.failStreak++;
      t.okStreak = 0;
      if (t.state === 'unhealthy') this.setState(t, 'unhealthy', r.reason, r.description);
      else if (t.failStreak >= this.hc.unhealthyThreshold) this.setState(t, 'unhealthy', r.reason, r.description);
    }
  }

  private check(t: Target): Promise<CheckResult> {
    if (!this.reachable(t.az)) {
      // A disrupted AZ drops packets: the check times out rather than being refused.
      return new Promise((r) =>
        setTimeout(
          () => r({ ok: false, reason: 'Target.Timeout', description: DESCRIPTIONS['Target.Timeout'] as string }),
          this.hc.timeoutMs,
        ),
      );
    }
    const port = this.dialPort(t);
    if (port === undefined) {
      // Nothing answers at that IP: the check times out.
      return new Promise((r) =>
        setTimeout(
          () => r({ ok: false, reason: 'Target.Timeout', description: DESCRIPTIONS['Target.Timeout'] as string }),
          this.hc.timeoutMs,
        ),
      );
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: CheckResult) => {
        if (done) return;
        done = true;
        resolve(r);
      };
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: this.hc.path,
          method: 'GET',
          agent: false,
          timeout: this.hc.timeoutMs,
        },
        (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) finish({ ok: true });
          else {
            finish({
              ok: false,
              reason: 'Target.ResponseCodeMismatch',
              description: `Health checks failed with these codes: [${code}]`,
            });
          }
        },
      );
      req.on('timeout', () => {
        req.destroy();
        finish({ ok: false, reason: 'Target.Timeout', description: DESCRIPTIONS['Target.Timeout'] as string });
      });
      req.on('error', () =>
        finish({
          ok: false,
          reason: 'Target.FailedHealthChecks',
          description: DESCRIPTIONS['Target.FailedHealthChecks'] as string,
        }),
      );
      req.end();
    });
  }

  /** The next target to send a request to, or undefined when nothing is registered (503). */
  pick(): Target | undefined {
    const all = [...this.targets.values()];
    let pool = all.filter((t) => t.state === 'healthy');
    // Fail-open: with no healthy target, ALB routes to all registered targets regardless of health.
    if (pool.length === 0) pool = all.filter((t) => t.state === 'unhealthy' || t.state === 'initial');
    if (pool.length === 0) return undefined;
    this.rr = (this.rr + 1) % pool.length;
    return pool[this.rr];
  }

  describe(t: Target) {
    return { id: t.id, port: t.port, az: t.az, state: t.state, reason: t.reason, description: t.description };
  }

  allHealthy(): boolean {
    return [...this.targets.values()].every((t) => t.state === 'healthy');
  }

  /** Back to the initial topology: every given instance registered (health checks decide the state). */
  /** Drops every target (an IP target group's owner registers its tasks again). */
  clear(): void {
    this.targets.clear();
  }

  reset(all: { id: string; port: number }[]): void {
    for (const t of [...this.targets.keys()]) if (!all.some((a) => a.id === t)) this.targets.delete(t);
    for (const a of all) {
      const t = this.targets.get(a.id);
      if (!t || t.state === 'draining' || t.state === 'unused') {
        this.targets.delete(a.id);
        this.register([a]);
      }
    }
  }
}
