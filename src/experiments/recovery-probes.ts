import { probeKind } from '../probes/kinds/registry.js';
import { type ProbeSchedule, recoveryWindowMs } from '../scenario/helpers.js';

/**
 * The probes that must hold for recovery (observe) and for the steady state after rollback
 * (verify): `steps.observe.recovery.probes`, else every probe whose kind can show an outage (all
 * but DNS answers), as the plan and the scenario reference say.
 */
export function recoveryProbes(s: {
  probes?: readonly { name: string; type: string }[];
  steps: { observe?: { recovery?: { probes?: string[] | undefined } } };
}): string[] {
  return (
    s.steps.observe?.recovery?.probes ??
    (s.probes ?? []).filter((p) => probeKind(p.type)?.measures.rto !== 'none').map((p) => p.name)
  );
}

/** A recovery probe whose recovery window W is longer than the scenario's hold. */
export interface LongerWindow {
  name: string;
  windowMs: number;
}

/**
 * The recovery probes whose window W exceeds `holdMs`. R needs W ok samples before the end of
 * observation (docs/measurements.md §4), so observe holds the longest of them instead of the
 * scenario's hold; the plan's estimate uses the same figure.
 */
export function windowsLongerThanHold(
  s: Parameters<typeof recoveryProbes>[0] & { probes?: readonly ProbeSchedule[] },
  probes: readonly string[],
  holdMs: number,
): LongerWindow[] {
  return (s.probes ?? [])
    .filter((p) => probes.includes(p.name))
    .map((p) => ({ name: p.name, windowMs: recoveryWindowMs(p) }))
    .filter((p) => p.windowMs > holdMs);
}

/** The hold observe really waits for: the scenario's hold or the longest longer window. */
export function effectiveHoldMs(
  s: Parameters<typeof windowsLongerThanHold>[0],
  probes: readonly string[],
  holdMs: number,
): number {
  return Math.max(holdMs, ...windowsLongerThanHold(s, probes, holdMs).map((p) => p.windowMs));
}
