import type { Sample } from '../run/samples.js';
import type { AnchoredClock } from '../util/clock.js';
import type { ProbeCommon } from './config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from './runner.js';

export interface SchedulerOptions {
  /** Monotonic reading of t0 (sample 0 is due then). */
  t0Mono: number;
  /** Stop scheduling at t0 + durationMs (exclusive); absent = until stopped. */
  durationMs?: number;
  /** Called for every sample, in completion order. */
  onSample(s: Sample): void;
}

const DEADLINE_CANCELLED = new Error('sample settled before its deadline');
const DEADLINE_REACHED = new DOMException('probe deadline reached', 'TimeoutError');

/**
 * A slot the engine reaches more than this after its scheduled time is not sent: it is a `late`
 * failure (flagged), never a success. A request sent that late would not say whether the target
 * was up at the scheduled time, and counting it ok could move the recovery time R earlier than
 * the truth (an RTO underestimate). The bound is one interval, at least 50 ms so timer jitter does
 * not count, and at most T.
 */
export function lateThresholdMs(intervalMs: number, timeoutMs: number): number {
  return Math.min(timeoutMs, Math.max(intervalMs, 50));
}

/**
 * Open-loop scheduler: sample i is due at t0 + i·Δ whatever happened to earlier ones (no
 * coordinated omission). Latency is measured from the due time; a request not complete at
 * due + T is a `timeout` with latency T. Slots the engine cannot send on time (in-flight cap
 * reached, or reached too late) are recorded as failures with `late: true`, never skipped.
 */
export class OpenLoopScheduler {
  private seq = 0;
  private inFlight = 0;
  private stopped = false;
  private readonly stopCtl = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  /** Send lag (actual start − due) of every slot, for accuracy checks. */
  readonly lags: number[] = [];
  keepLags = false;

  constructor(
    private readonly cfg: ProbeCommon,
    private readonly runner: ProbeRunner,
    private readonly clock: AnchoredClock,
    private readonly opts: SchedulerOptions,
  ) {}

  get scheduledCount(): number {
    return this.seq;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Runs until `stop()` or the duration ends; resolves when every started slot has a sample. */
  async run(): Promise<void> {
    const { intervalMs } = this.cfg;
    const endMono = this.opts.durationMs === undefined ? Infinity : this.opts.t0Mono + this.opts.durationMs;
    const mono = this.clock.clock;
    while (!this.stopped) {
      const due = this.opts.t0Mono + this.seq * intervalMs;
      if (due >= endMono) break;
      const now = mono.monotonicMs();
      if (due > now) {
        try {
          await mono.sleep(due - now, this.stopCtl.signal);
        } catch {
          break;
        }
        continue;
      }
      this.fire(this.seq, due, now);
      this.seq++;
    }
    await this.drain();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopCtl.abort();
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private fire(seq: number, dueMono: number, nowMono: number): void {
    const { timeoutMs, intervalMs, maxInFlight, name } = this.cfg;
    const scheduled = this.clock.toEpochMs(dueMono);
    const lag = nowMono - dueMono;
    if (this.keepLags) this.lags.push(lag);
    const base = { probe: name, seq, scheduled };
    if (lag > lateThresholdMs(intervalMs, timeoutMs)) {
      this.opts.onSample({
        ...base,
        ok: false,
        latencyMs: timeoutMs,
        serviceMs: null,
        status: null,
        error: 'late',
        late: true,
        detail: `engine reached this slot ${lag.toFixed(1)} ms late`,
      });
      return;
    }
    if (this.inFlight >= maxInFlight) {
      this.opts.onSample({
        ...base,
        ok: false,
        latencyMs: timeoutMs,
        serviceMs: null,
        status: null,
        error: 'overflow',
        late: true,
        detail: `in-flight cap ${maxInFlight} reached`,
      });
      return;
    }
    const p = this.attempt(seq, dueMono, nowMono, scheduled);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async attempt(seq: number, dueMono: number, startMono: number, scheduled: number): Promise<void> {
    const { timeoutMs, name } = this.cfg;
    const mono = this.clock.clock;
    const abort = new AbortController();
    const timerCtl = new AbortController();
    const attempt: ProbeAttempt = { seq, scheduled, signal: abort.signal };
    this.inFlight++;
    const work = this.runner
      .attempt(attempt)
      .catch(
        (err: unknown): ProbeOutcome => ({
          ok: false,
          status: null,
          error: 'other',
          detail: String((err as Error)?.message ?? err).slice(0, 200),
        }),
      )
      .finally(() => {
        this.inFlight--;
      });
    const deadline = mono.sleep(dueMono + timeoutMs - startMono, timerCtl.signal).then(
      () => 'deadline' as const,
      () => 'cancelled' as const,
    );
    const first = await Promise.race([work.then((o) => ({ o })), deadline]);
    if (first === 'deadline' || first === 'cancelled') {
      abort.abort(DEADLINE_REACHED);
      const o = this.runner.timeoutOutcome?.(attempt);
      this.opts.onSample({
        probe: name,
        seq,
        scheduled,
        ok: false,
        latencyMs: timeoutMs,
        serviceMs: timeoutMs - (startMono - dueMono),
        status: o?.status ?? null,
        error: 'timeout',
        ...(o?.write ? { write: o.write } : {}),
        ...(o?.detail ? { detail: o.detail } : {}),
      });
      // The in-flight slot stays taken until the kind really lets go of the request.
      await work;
      return;
    }
    // A constant reason: a DOMException per sample showed up in profiles at high rates.
    timerCtl.abort(DEADLINE_CANCELLED);
    const end = mono.monotonicMs();
    const latency = end - dueMono;
    const o = first.o;
    const timedOut = latency > timeoutMs;
    const sample: Sample = {
      probe: name,
      seq,
      scheduled,
      ok: o.ok && !timedOut,
      latencyMs: timedOut ? timeoutMs : round3(latency),
      serviceMs: round3(end - startMono),
      status: o.status,
      error: timedOut ? 'timeout' : o.ok ? null : (o.error ?? 'other'),
    };
    if (o.backend !== undefined) sample.backend = o.backend;
    if (o.answers !== undefined) sample.answers = o.answers;
    if (o.write !== undefined) sample.write = o.write;
    if (o.detail !== undefined) sample.detail = o.detail;
    this.opts.onSample(sample);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
