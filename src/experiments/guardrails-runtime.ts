import type { CloudWatchApi } from '../aws/apis.js';
import type { Sample } from '../run/samples.js';
import type { Clock } from '../util/clock.js';
import { parseDurationMs, parsePercent } from '../util/units.js';
import type { GuardrailsConfig } from './guardrails.js';

export interface GuardrailTrip {
  guardrail: 'error-rate' | 'max-duration' | 'cloudwatch-alarm';
  detail: string;
}

interface RateRule {
  probe: string;
  threshold: number;
  windowMs: number;
  samples: { scheduled: number; ok: boolean }[];
  firstAt: number | null;
  latest: number;
  /** When the rule may trip: from F (`any`, `fault`), or once recovered (`recovery`). */
  phase: 'any' | 'fault' | 'recovery';
}

/**
 * Watches the drill while faults are active. Error-rate rules are evaluated on every sample, so
 * a crossing is detected within one probe interval of the sample that crosses it (plus the
 * probe's own timeout for hanging requests); the maximum duration is a timer; CloudWatch alarms
 * are polled. The first trip calls `onTrip` once.
 */
export class GuardrailMonitor {
  private readonly rules: RateRule[];
  private tripped: GuardrailTrip | null = null;
  private armed: 'off' | 'fault' | 'recovery' = 'off';
  private timers: AbortController | null = null;

  constructor(
    private readonly config: GuardrailsConfig,
    private readonly deps: {
      clock: Clock;
      onTrip: (trip: GuardrailTrip) => void;
      cloudwatch?: CloudWatchApi;
      alarmPollMs?: number;
    },
  ) {
    this.rules = (config.abort ?? []).map((r) => ({
      probe: r.probe,
      threshold: parsePercent(r.errorRate) ?? 1,
      windowMs: parseDurationMs(r.window) ?? 5000,
      samples: [],
      firstAt: null,
      latest: Number.NEGATIVE_INFINITY,
      phase: (r as { phase?: 'any' | 'fault' | 'recovery' }).phase ?? 'any',
    }));
  }

  get trip(): GuardrailTrip | null {
    return this.tripped;
  }

  /** Starts the duration timer (from now) and alarm polling. */
  start(maxDurationMs: number | null): void {
    this.timers = new AbortController();
    const signal = this.timers.signal;
    if (maxDurationMs !== null) {
      this.deps.clock.sleep(maxDurationMs, signal).then(
        () =>
          this.fire({
            guardrail: 'max-duration',
            detail: `drill exceeded guardrails.maxDuration ${this.config.maxDuration}`,
          }),
        () => {},
      );
    }
    const alarms = this.config.cloudwatchAlarms ?? [];
    if (alarms.length && this.deps.cloudwatch) void this.pollAlarms(alarms, signal);
  }

  stop(): void {
    this.timers?.abort();
    this.timers = null;
  }

  /** From now on a crossing aborts the drill: `fault` at F, `recovery` once recovery held. */
  arm(phase: 'fault' | 'recovery' = 'fault'): void {
    this.armed = phase;
  }

  /**
   * Feed every sample of every probe from the start of the baseline: the window is then always
   * full at F, and a crossing after F trips at the sample that crosses it.
   */
  onSample(s: Sample): void {
    if (this.tripped) return;
    for (const r of this.rules) {
      if (r.probe !== s.probe) continue;
      r.firstAt ??= s.scheduled;
      r.latest = Math.max(r.latest, s.scheduled);
      r.samples.push({ scheduled: s.scheduled, ok: s.ok });
      const from = r.latest - r.windowMs;
      r.samples = r.samples.filter((x) => x.scheduled > from);
      // Half a window of data at least, so a single early failure cannot abort a drill.
      if (this.armed === 'off' || r.latest - r.firstAt < r.windowMs / 2) continue;
      if ((r.phase === 'fault' && this.armed !== 'fault') || (r.phase === 'recovery' && this.armed !== 'recovery'))
        continue;
      const failed = r.samples.filter((x) => !x.ok).length;
      const rate = failed / r.samples.length;
      if (rate > r.threshold) {
        this.fire({
          guardrail: 'error-rate',
          detail: `probe ${r.probe} error rate ${(rate * 100).toFixed(1)}% over ${r.windowMs / 1000}s exceeds ${(r.threshold * 100).toFixed(1)}%`,
        });
        return;
      }
    }
  }

  private fire(trip: GuardrailTrip): void {
    if (this.tripped) return;
    this.tripped = trip;
    this.deps.onTrip(trip);
  }

  private async pollAlarms(alarmArns: string[], signal: AbortSignal): Promise<void> {
    const names = alarmArns.map((a) => a.split(':alarm:')[1] ?? a);
    while (!signal.aborted && !this.tripped) {
      try {
        // Without AlarmTypes, DescribeAlarms answers metric alarms only: a composite alarm would
        // never trip the guardrail.
        const res = await this.deps.cloudwatch?.describeAlarms({
          AlarmNames: names,
          AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
        });
        const firing = (res?.MetricAlarms ?? [])
          .concat(res?.CompositeAlarms ?? [])
          .filter((a) => a.StateValue === 'ALARM');
        if (firing.length) {
          this.fire({
            guardrail: 'cloudwatch-alarm',
            detail: `CloudWatch alarm ${firing.map((a) => a.AlarmName).join(', ')} is in ALARM`,
          });
          return;
        }
      } catch {
        // An unreadable alarm must not abort a drill by itself; the call is in the journal.
      }
      try {
        await this.deps.clock.sleep(this.deps.alarmPollMs ?? 10_000, signal);
      } catch {
        return;
      }
    }
  }
}
