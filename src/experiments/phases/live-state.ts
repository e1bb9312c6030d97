import type { Sample } from '../../run/samples.js';

/**
 * Live per-probe view of the samples, for the decisions the engine takes while running: is the
 * baseline steady, has the service recovered and held. Reported numbers are never taken from
 * here; they come from the analysis of the sample files.
 */
export class LiveProbeState {
  private readonly byProbe = new Map<string, { scheduled: number; ok: boolean }[]>();

  add(s: Sample): void {
    const list = this.byProbe.get(s.probe) ?? [];
    list.push({ scheduled: s.scheduled, ok: s.ok });
    this.byProbe.set(s.probe, list);
  }

  probes(): string[] {
    return [...this.byProbe.keys()];
  }

  /** Failed / total of samples scheduled in [from, to). null when there are none. */
  errorRate(probe: string, from: number, to: number): { rate: number; n: number } | null {
    const xs = (this.byProbe.get(probe) ?? []).filter((x) => x.scheduled >= from && x.scheduled < to);
    if (xs.length === 0) return null;
    return { rate: xs.filter((x) => !x.ok).length / xs.length, n: xs.length };
  }

  /**
   * True when the probe's samples scheduled in [now − hold, now − lag) exist and are all ok, and
   * no failure is scheduled after them. `lag` leaves room for requests still in flight.
   */
  heldOk(probe: string, now: number, holdMs: number, lagMs: number): boolean {
    const xs = (this.byProbe.get(probe) ?? []).filter((x) => x.scheduled >= now - holdMs - lagMs);
    const window = xs.filter((x) => x.scheduled < now - lagMs);
    if (window.length === 0) return false;
    const first = Math.min(...window.map((x) => x.scheduled));
    // The window must really span the hold (minus one interval of slack for the schedule grid).
    if (now - lagMs - first < holdMs * 0.9) return false;
    return xs.every((x) => x.ok);
  }
}
