/**
 * Exact nearest-rank percentile of ascending `sorted[0..n)`: the smallest value with at least p %
 * of the values at or below it, i.e. sorted[ceil(p/100 · n) − 1] (p = 0 gives the minimum).
 * null for no values.
 */
export function nearestRank(sorted: Float64Array, p: number, n = sorted.length): number | null {
  if (n === 0) return null;
  // The epsilon keeps 0.95 · 100 = 95.00000000000001 at rank 95.
  const rank = Math.max(1, Math.ceil((p * n) / 100 - 1e-9));
  return sorted[Math.min(n, rank) - 1] as number;
}
