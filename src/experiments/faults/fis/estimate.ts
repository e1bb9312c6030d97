import type { FisTemplate } from './template.js';

const ISO = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

/** `PT5M` → 300000; undefined when not an ISO 8601 time duration. */
export function isoDurationMs(s: string): number | undefined {
  const m = ISO.exec(s);
  if (!m || s === 'PT') return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/**
 * Expected run time of a FIS template: the longest chain of actions, each lasting its `duration`
 * (or `startInstancesAfterDuration`, `maxDuration`) parameter; actions without a duration count
 * 30 s. `startAfterDelay` is not part of the FIS API (drillproof drops it), so it adds nothing.
 */
export function fisTemplateEstimateMs(t: FisTemplate): number {
  const memo = new Map<string, number>();
  const own = (name: string): number => {
    const a = t.actions[name];
    if (!a) return 0;
    const p = a.parameters ?? {};
    const d = [p.duration, p.startInstancesAfterDuration, p.maxDuration]
      .map((x) => (x ? isoDurationMs(x) : undefined))
      .find((x) => x !== undefined);
    return d ?? 30_000;
  };
  const end = (name: string, seen: Set<string>): number => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    if (seen.has(name)) return 0;
    seen.add(name);
    const before = (t.actions[name]?.startAfter ?? []).map((b) => end(b, seen));
    const v = Math.max(0, ...before) + own(name);
    memo.set(name, v);
    return v;
  };
  return Math.max(0, ...Object.keys(t.actions).map((n) => end(n, new Set())));
}
