import { DrillproofError } from '../errors.js';
import { defaultRecoveryWindowMs } from '../run/samples.js';
import { parseDurationMs, parsePercent, parseRatePerSecond } from '../util/units.js';

/**
 * Unit helpers for code that consumes a loaded scenario. Every duration, rate and percentage in a
 * `Scenario` has passed the schema, so a failure here is a bug (tool error), not a user error.
 */
export function durationMs(s: string): number {
  const ms = parseDurationMs(s);
  if (ms === undefined) throw DrillproofError.tool('InvalidDuration', `not a validated duration: "${s}"`);
  return ms;
}

/** `'20/s'` → 20. */
export function ratePerSecond(s: string): number {
  const r = parseRatePerSecond(s);
  if (r === undefined) throw DrillproofError.tool('InvalidRate', `not a validated rate: "${s}"`);
  return r;
}

/** `'99.9%'` → 0.999. */
export function percentRatio(s: string): number {
  const p = parsePercent(s);
  if (p === undefined) throw DrillproofError.tool('InvalidPercent', `not a validated percentage: "${s}"`);
  return p;
}

/** The schedule of a scenario probe, whatever its kind (`rate` exists only where a kind has it). */
export interface ProbeSchedule {
  name: string;
  interval?: string | undefined;
  rate?: string | undefined;
  recoveryWindow?: string | undefined;
}

/** The probe's interval Δ in ms (from `interval`, or 1000 / rate for kinds with a rate). */
export function probeIntervalMs(p: ProbeSchedule): number {
  if (p.interval !== undefined) return durationMs(p.interval);
  if (p.rate !== undefined) return 1000 / ratePerSecond(p.rate);
  throw DrillproofError.tool('ProbeWithoutSchedule', `probe "${p.name}" has neither interval nor rate`);
}

/** The recovery window W in ms: the configured one, else max(10 × Δ, 5 s). */
export function recoveryWindowMs(p: ProbeSchedule): number {
  return p.recoveryWindow !== undefined ? durationMs(p.recoveryWindow) : defaultRecoveryWindowMs(probeIntervalMs(p));
}

/** A port after `resolveScenarioVars` (always a number then). */
export function portNumber(port: number | string): number {
  const n = typeof port === 'number' ? port : Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw DrillproofError.user('ScenarioVarUnresolved', `port "${port}" is not resolved to a number`, {
      hint: 'resolve scenario variables (resolveScenarioVars) before connecting',
    });
  }
  return n;
}
