/**
 * Parsers for the human units scenarios and flags use: durations (`500ms`, `30s`, `2m`, `1h`,
 * `1m30s`), rates (`20/s`, `600/m`) and percentages (`99.9%`). Each returns `undefined` on bad
 * input so callers can report the problem with their own context (file, line, field).
 */
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `'1m30s'` → 90000. Bare numbers are rejected: a unit is always required. */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (!DURATION_WHOLE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(DURATION_PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}

/** 90000 → `'1m30s'`; 500 → `'500ms'`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${round(ms, 1)}ms`;
  if (ms < 60_000) return `${round(ms / 1000, 3)}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = round((ms % 60_000) / 1000, 3);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|m|h)$/;

/** `'20/s'` → 20 per second. */
export function parseRatePerSecond(text: string): number | undefined {
  const m = RATE.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const per = (UNIT_MS[m[2] as string] as number) / 1000;
  const r = n / per;
  return r > 0 && Number.isFinite(r) ? r : undefined;
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** `'99.9%'` → 0.999. */
export function parsePercent(text: string): number | undefined {
  const m = PERCENT.exec(text.trim());
  if (!m) return undefined;
  const v = Number(m[1]) / 100;
  return v >= 0 && v <= 1 ? v : undefined;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
