import type { DrillPorts, ProbeSession } from '../../src/experiments/phases/ports.js';
import type { Sample } from '../../src/run/samples.js';
import type { AnchoredClock } from '../../src/util/clock.js';

/**
 * A probe that answers ok while any instance of the fake is running, like a service behind a
 * load balancer, every 20 ms. Samples are synthetic; the engine logic is what is under test.
 * Like the real open-loop scheduler it stays on its grid of the drill's timeline: when timers fire
 * late on a busy machine it emits every slot due by now (a count of ticks would fall seconds
 * behind the timeline, and the recovery hold would never see samples in its window).
 */
export function fakeProbe(
  isUp: () => boolean = () => true,
  opts: { failAlways?: boolean } = {},
): DrillPorts['startProbes'] {
  return async ({ timeline }: { timeline: AnchoredClock }): Promise<ProbeSession> => {
    const listeners: ((s: Sample) => void)[] = [];
    let seq = 0;
    const t0 = timeline.nowMs();
    const timer = setInterval(() => {
      const ok = !opts.failAlways && isUp();
      for (const now = timeline.nowMs(); t0 + seq * 20 <= now; seq++) {
        const s: Sample = {
          probe: 'web',
          seq,
          scheduled: t0 + seq * 20,
          ok,
          latencyMs: 1,
          serviceMs: 1,
          status: ok ? 200 : 503,
          error: ok ? null : 'http_status',
        };
        for (const l of listeners) l(s);
      }
    }, 20);
    return {
      onSample: (l) => listeners.push(l),
      intervals: () => ({ web: 20 }),
      stop: async () => clearInterval(timer),
    };
  };
}
