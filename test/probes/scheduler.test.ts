import { describe, expect, it } from 'vitest';
import type { ProbeCommon } from '../../src/probes/config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../src/probes/runner.js';
import { lateThresholdMs, OpenLoopScheduler } from '../../src/probes/scheduler.js';
import type { Sample } from '../../src/run/samples.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { FakeClock } from './_fake-clock.js';

type Behaviour = { delayMs: number; outcome?: Partial<ProbeOutcome> } | 'hang';

/** A probe kind whose answer time per seq is scripted on the fake clock. */
class ScriptedRunner implements ProbeRunner {
  readonly kind = 'http' as const;
  started: number[] = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly script: (seq: number) => Behaviour,
  ) {}
  async attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    this.started.push(a.seq);
    const b = this.script(a.seq);
    if (b === 'hang') {
      await new Promise((r) => a.signal.addEventListener('abort', r, { once: true }));
      return { ok: false, status: null, error: 'timeout' };
    }
    await this.clock.sleep(b.delayMs);
    return { ok: true, status: 200, error: null, ...b.outcome };
  }
  async close(): Promise<void> {}
}

function setup(cfg: Partial<ProbeCommon>, script: (seq: number) => Behaviour, durationMs: number) {
  const fake = new FakeClock();
  const clock = new AnchoredClock(fake);
  const full: ProbeCommon = { name: 'p', intervalMs: 10, timeoutMs: 50, maxInFlight: 100, ...cfg };
  const samples: Sample[] = [];
  const runner = new ScriptedRunner(fake, script);
  const t0Mono = fake.now;
  const sched = new OpenLoopScheduler(full, runner, clock, { t0Mono, durationMs, onSample: (s) => samples.push(s) });
  const done = sched.run();
  const t0 = clock.toEpochMs(t0Mono);
  const bySeq = () => [...samples].sort((a, b) => a.seq - b.seq);
  return { fake, samples, bySeq, done, t0, runner, sched };
}

describe('open-loop scheduler on a fake clock', () => {
  it('schedules sample i at t0 + i·Δ even while earlier requests hang (no coordinated omission)', async () => {
    const { fake, bySeq, done, t0 } = setup({}, (seq) => (seq >= 2 && seq <= 4 ? 'hang' : { delayMs: 3 }), 100);
    await fake.advance(200);
    await done;
    const s = bySeq();
    expect(s.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.map((x) => x.scheduled - t0)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(s.filter((x) => !x.ok).map((x) => [x.seq, x.error, x.latencyMs])).toEqual([
      [2, 'timeout', 50],
      [3, 'timeout', 50],
      [4, 'timeout', 50],
    ]);
    expect(s.filter((x) => x.ok).every((x) => x.latencyMs === 3 && x.serviceMs === 3)).toBe(true);
  });

  it('measures latency from the scheduled time, including the engine’s own lag', async () => {
    const { fake, bySeq, done } = setup({}, () => ({ delayMs: 2 }), 60);
    await fake.advanceTo(fake.now + 15); // seq 0 and 1 done
    fake.stall(30); // due: seq 2 (t=20), 3 (30), 4 (40) now 45 → late by 25, 15, 5
    await fake.advance(100);
    await done;
    const s = bySeq();
    expect(s.map((x) => x.latencyMs)).toEqual([2, 2, 27, 17, 7, 2]);
    expect(s.map((x) => x.serviceMs)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(s.every((x) => x.ok && !x.late)).toBe(true);
  });

  it('records slots reached more than the late threshold after their time as late failures', async () => {
    expect(lateThresholdMs(10, 1000)).toBe(50);
    expect(lateThresholdMs(200, 1000)).toBe(200);
    expect(lateThresholdMs(200, 100)).toBe(100);
    const { fake, bySeq, done } = setup({ timeoutMs: 1000 }, () => ({ delayMs: 1 }), 200);
    await fake.advanceTo(fake.now + 5); // seq 0 sent
    fake.stall(120); // now t=125: seq 1..12 due at 10..120; lag > 50 for due < 75 → seq 1..7
    await fake.advance(2000);
    await done;
    const s = bySeq();
    expect(s).toHaveLength(20);
    const late = s.filter((x) => x.error === 'late');
    expect(late.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(late.every((x) => x.late === true && !x.ok && x.latencyMs === 1000 && x.serviceMs === null)).toBe(true);
    // Sent within the threshold: ok, the delay is part of the latency (due 80 → sent 125: 46 ms).
    expect(s.filter((x) => x.ok).map((x) => x.latencyMs)).toEqual([1, 46, 36, 26, 16, 6, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('records slots beyond the in-flight cap as overflow failures, flagged, never skipped', async () => {
    const { fake, bySeq, done, runner } = setup({ maxInFlight: 2, timeoutMs: 50 }, () => 'hang', 100);
    await fake.advance(300);
    await done;
    const s = bySeq();
    expect(s).toHaveLength(10);
    // seq 0 and 1 hang until their deadlines (50, 60); 2..4 find the cap reached; the deadline of
    // seq 0 frees a slot for seq 5 at t=50, that of seq 1 one for seq 6 at 60; 7..9 overflow again.
    expect(runner.started).toEqual([0, 1, 5, 6]);
    expect(s.filter((x) => x.error === 'timeout').map((x) => x.seq)).toEqual([0, 1, 5, 6]);
    const overflow = s.filter((x) => x.error === 'overflow');
    expect(overflow.map((x) => x.seq)).toEqual([2, 3, 4, 7, 8, 9]);
    expect(overflow.every((x) => x.late === true && !x.ok && x.latencyMs === 50)).toBe(true);
  });

  it('stops scheduling on stop() and waits for samples in flight', async () => {
    const { fake, bySeq, done, sched } = setup({}, () => ({ delayMs: 25 }), 10_000);
    await fake.advanceTo(fake.now + 35);
    sched.stop();
    await fake.advance(100);
    await done;
    expect(bySeq().map((x) => x.seq)).toEqual([0, 1, 2, 3]);
  });
});
