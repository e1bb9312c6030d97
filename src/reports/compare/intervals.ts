/**
 * Distribution-free confidence intervals for a quantile from order statistics. For n independent
 * values from any distribution with p-quantile ξ, the number of values at or below ξ is
 * Binomial(n, p), so the interval [X(l), X(u)] between the l-th and u-th smallest values covers ξ
 * with probability at least B(u − 1; n, p) − B(l − 1; n, p), where B is the binomial CDF. l and u
 * are chosen equal-tailed: the largest l with B(l − 1) ≤ α/2 and the smallest u with
 * B(u − 1) ≥ 1 − α/2. Ties (many failures counted at the timeout) only make it more conservative.
 * Sources: G. J. Hahn, W. Q. Meeker, Statistical Intervals (Wiley 1991), §5.2; W. J. Conover,
 * Practical Nonparametric Statistics (3rd ed., Wiley 1999), §3.2; Penn State STAT 415, lesson
 * "Distribution-Free Confidence Intervals for Percentiles".
 *
 * Probe samples are not independent: a slow second slows every request in it. `serialInterval`
 * therefore counts the n samples as n_eff = n / τ independent ones, where τ (the integrated
 * autocorrelation time of the indicator "value ≤ the sample quantile", in schedule order) is
 * estimated by non-overlapping batch means with batches of ⌊√n⌋ samples, and scales the ranks
 * back to n. The indicator is how the effective sample size of a quantile is defined (A. Vehtari
 * et al., "Rank-normalization, folding, and localization: an improved R̂", Bayesian Analysis 16
 * (2021) §4.3); batch means with ⌊√n⌋ batches estimate τ consistently (J. M. Flegal, G. L. Jones,
 * "Batch means and spectral variance estimators in Markov chain Monte Carlo", Annals of Statistics
 * 38 (2010) 1034–1070). τ is never taken below 1: a run is never trusted more than independent
 * samples would be. `proportionInterval` does the same for availability (Clopper–Pearson).
 */
import { binomialCdf } from './binomial.js';

export interface QuantileRanks {
  /** 1-based rank of the lower bound; 0 when the sample is too small for one (the bound is the minimum possible value). */
  lower: number;
  /** 1-based rank of the upper bound; n + 1 when there is none (the bound is the largest possible value). */
  upper: number;
  /** The interval's actual coverage, B(u − 1) − B(l − 1) (at least the confidence asked for). */
  coverage: number;
}

/** Equal-tailed order-statistic ranks for the p-quantile (0 < p < 1) of n values. */
export function quantileRanks(n: number, p: number, confidence: number): QuantileRanks {
  const half = (1 - confidence) / 2;
  const F = (k: number) => binomialCdf(k, n, p);
  // Largest l in [0, n] with F(l − 1) ≤ α/2 (F is non-decreasing; F(−1) = 0).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (F(mid - 1) <= half) lo = mid;
    else hi = mid - 1;
  }
  const lower = lo;
  // Smallest u in [1, n + 1] with F(u − 1) ≥ 1 − α/2 (F(n) = 1).
  lo = 1;
  hi = n + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (F(mid - 1) >= 1 - half) hi = mid;
    else lo = mid + 1;
  }
  const upper = lo;
  return { lower, upper, coverage: F(upper - 1) - F(lower - 1) };
}

export interface QuantileInterval extends QuantileRanks {
  low: number;
  high: number;
}

/**
 * The interval for the p-quantile of ascending `sorted` values. Without a lower (upper) rank the
 * bound is `floor` (`ceiling`): latencies are at least 0, and with failures counted at the timeout
 * T they are at most T.
 */
export function quantileInterval(
  sorted: ArrayLike<number>,
  p: number,
  confidence: number,
  floor: number,
  ceiling: number,
): QuantileInterval {
  const n = sorted.length;
  const r = quantileRanks(n, p, confidence);
  return {
    ...r,
    low: r.lower >= 1 ? (sorted[r.lower - 1] as number) : floor,
    high: r.upper <= n ? (sorted[r.upper - 1] as number) : ceiling,
  };
}

/**
 * τ of a 0/1 indicator in schedule order by batch means: ⌊√n⌋ samples per batch, τ = batch size ×
 * variance of the batch means / variance of the indicator, at least 1.
 */
export function batchMeansTau(n: number, y: (i: number) => number): number {
  const m = Math.floor(Math.sqrt(n));
  const b = m > 0 ? Math.floor(n / m) : 0;
  if (b < 2) return 1;
  let all = 0;
  for (let i = 0; i < n; i++) all += y(i);
  const mean = all / n;
  let varY = 0;
  for (let i = 0; i < n; i++) varY += (y(i) - mean) ** 2;
  varY /= n - 1;
  if (varY === 0) return 1;
  let varB = 0;
  for (let j = 0; j < b; j++) {
    let sum = 0;
    for (let i = j * m; i < (j + 1) * m; i++) sum += y(i);
    varB += (sum / m - mean) ** 2;
  }
  varB /= b - 1;
  return Math.max(1, (m * varB) / varY);
}

export interface SerialInterval extends QuantileInterval {
  /** The autocorrelation time used and the resulting number of independent samples. */
  tau: number;
  nEff: number;
}

/**
 * The interval for the p-quantile of serially correlated values: `ordered` in schedule order,
 * `sorted` the same values ascending. With τ = 1 it is `quantileInterval`.
 */
export function serialInterval(
  ordered: ArrayLike<number>,
  sorted: ArrayLike<number>,
  p: number,
  confidence: number,
  floor: number,
  ceiling: number,
): SerialInterval {
  const n = sorted.length;
  if (n === 0) return { lower: 0, upper: 1, coverage: 1, low: floor, high: ceiling, tau: 1, nEff: 0 };
  const q = sorted[Math.max(1, Math.ceil(p * n - 1e-9)) - 1] as number;
  const tau = batchMeansTau(n, (i) => ((ordered[i] as number) <= q ? 1 : 0));
  const nEff = Math.max(1, Math.floor(n / tau));
  const r = quantileRanks(nEff, p, confidence);
  // The same fractions of the sample, as ranks of the n values.
  const lower = r.lower === 0 ? 0 : Math.max(1, Math.floor((r.lower * n) / nEff));
  const upper = r.upper > nEff ? n + 1 : Math.min(n, Math.ceil((r.upper * n) / nEff));
  return {
    lower,
    upper,
    coverage: r.coverage,
    low: lower >= 1 ? (sorted[lower - 1] as number) : floor,
    high: upper <= n ? (sorted[upper - 1] as number) : ceiling,
    tau,
    nEff,
  };
}

export interface ProportionInterval {
  low: number;
  high: number;
  tau: number;
  nEff: number;
}

/**
 * The interval for a share of ok samples (availability): Clopper–Pearson's exact binomial
 * interval (C. J. Clopper, E. S. Pearson, Biometrika 26 (1934) 404–413) for the ok count scaled to
 * n_eff = n / τ independent samples, τ from batch means of the ok indicator in schedule order. An
 * outage is one long run of failures, so it counts as few samples: the outage itself is judged by
 * the RTO, scattered failures by this interval.
 */
export function proportionInterval(ok: ArrayLike<number>, confidence: number): ProportionInterval {
  const n = ok.length;
  if (n === 0) return { low: 0, high: 1, tau: 1, nEff: 0 };
  let k = 0;
  for (let i = 0; i < n; i++) k += ok[i] ? 1 : 0;
  const tau = batchMeansTau(n, (i) => (ok[i] ? 1 : 0));
  const nEff = Math.max(1, Math.floor(n / tau));
  const kEff = Math.round((k * nEff) / n);
  const half = (1 - confidence) / 2;
  // Bisection on p: P(K ≥ kEff) rises with p, P(K ≤ kEff) falls.
  const solve = (f: (p: number) => number, rising: boolean) => {
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      const below = f(mid) < half;
      if (below === rising) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const low = kEff === 0 ? 0 : solve((p) => 1 - binomialCdf(kEff - 1, nEff, p), true);
  const high = kEff === nEff ? 1 : solve((p) => binomialCdf(kEff, nEff, p), false);
  return { low, high, tau, nEff };
}
