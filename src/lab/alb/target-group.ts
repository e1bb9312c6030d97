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

/** What the target group needs to know about an instance. */
export interface InstanceView {
  running: boolean;
  port: number;
  az: string;
}

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
  ) {}

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

  register(items: { id: string; port?: number }[]): void {
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
      const t: Target = {
        id: it.id,
        port: it.port ?? inst.port,
        az: inst.az,
        state: 'initial',
        reason: undefined,
        description: undefined,
        okStreak: 0,
        failStreak: 0,
        drainingUntil: undefined,
        checking: false,
      };
      this.setState(t, 'initial', 'Elb.InitialHealthChecking');
      this.targets.set(it.id, t);
    }
  }

  deregister(ids: string[]): void {
    for (const id of ids) {
      if (!this.instance(id))
        throw new ApiError('InvalidTarget', `The following targets are not valid instances: '${id}'`);
    }
    for (const id of ids) {
      const t = this.targets.get(id);
      if (!t || t.state === 'draining') continue;
      t.drainingUntil = Date.now() + this.hc.deregistrationDelayMs;
      this.setState(t, 'draining', 'Target.DeregistrationInProgress');
    }
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
        if (t.drainingUntil !== undefined && now >= t.drainingUntil) this.targets.delete(t.id);
        continue;
      }
      const inst = this.instance(t.id);
      if (!inst) {
        this.targets.delete(t.id);
        continue;
      }
      if (t.state === 'unused' || t.checking) continue;
      t.checking = true;
      void this.check(t).then((r) => {
        t.checking = false;
        if (t.state === 'draining' || t.state === 'unused' || !this.targets.has(t.id)) return;
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
          port: t.port,
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
