import type { ObjectiveVerdict } from '../run/measurements.js';

/**
 * The one place numbers become text. Every renderer (HTML, Markdown, JUnit, CLI) prints values
 * through these functions, so the same measurement reads the same everywhere.
 */
function trim(x: number, digits: number): string {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? '0' : String(r);
}

export function fmtSeconds(s: number): string {
  return `${trim(s, 3)}s`;
}

export function fmtMs(ms: number): string {
  return `${trim(ms, 1)}ms`;
}

/** A ratio in [0, 1] as a percentage with up to three decimals: 0.99512 → `99.512%`. */
export function fmtRatio(r: number): string {
  return `${trim(r * 100, 3)}%`;
}

export function fmtWrites(n: number): string {
  return `${trim(n, 0)} ${n === 1 ? 'write' : 'writes'}`;
}

export function fmtValue(value: number, unit: ObjectiveVerdict['unit']): string {
  switch (unit) {
    case 'seconds':
      return fmtSeconds(value);
    case 'ms':
      return fmtMs(value);
    case 'ratio':
      return fmtRatio(value);
    case 'writes':
      return fmtWrites(value);
  }
}

/** `<= 60s`: the objective in the same units the actual value is printed in. */
export function fmtExpected(o: Pick<ObjectiveVerdict, 'comparator' | 'targetValue' | 'unit'>): string {
  return `${o.comparator} ${fmtValue(o.targetValue, o.unit)}`;
}

/** The measured value, or `not measured` (an unmeasured objective fails, it is never 0). */
export function fmtActual(o: Pick<ObjectiveVerdict, 'measured' | 'unit'>): string {
  return o.measured === null ? 'not measured' : fmtValue(o.measured, o.unit);
}

/** `2026-11-22 07:31:05.123 UTC` from RFC 3339. */
export function fmtTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

/** Seconds relative to the fault time F: `F+12.35s`, `F−3s`. */
export function fmtOffset(seconds: number): string {
  if (seconds < 0) return `F\u2212${trim(-seconds, 3)}s`;
  return `F+${trim(seconds, 3)}s`;
}

/** The sentence with its first letter upper case (a caveat as a headline). */
export function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
