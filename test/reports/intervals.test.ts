import { describe, expect, it } from 'vitest';
import { binomialCdf, lnGamma } from '../../src/reports/compare/binomial.js';
import {
  batchMeansTau,
  proportionInterval,
  quantileInterval,
  quantileRanks,
  serialInterval,
} from '../../src/reports/compare/intervals.js';

/** P(K ≤ k) summed term by term with exact binomial coefficients (small n only). */
function bruteCdf(k: number, n: number, p: number): number {
  let sum = 0;
  let coef = 1; // C(n, 0)
  for (let i = 0; i <= k; i++) {
    sum += coef * p ** i * (1 - p) ** (n - i);
    coef = (coef * (n - i)) / (i + 1);
  }
  return sum;
}

describe('order-statistic confidence intervals for quantiles', () => {
  it('ln Γ matches factorials', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('the binomial CDF equals the term-by-term sum', () => {
    for (const n of [1, 5, 20, 57, 150])
      for (const p of [0.01, 0.5, 0.95, 0.99])
        for (let k = -1; k <= n; k += Math.max(1, Math.floor(n / 7)))
          expect(binomialCdf(k, n, p)).toBeCloseTo(k < 0 ? 0 : bruteCdf(k, n, p), 12);
  });

  it('gives the textbook 95% interval for the median of 20 values: X(6) to X(15), coverage 0.9586', () => {
    const r = quantileRanks(20, 0.5, 0.95);
    expect([r.lower, r.upper]).toEqual([6, 15]);
    expect(r.coverage).toBeCloseTo(0.9586, 4);
  });

  it('has no upper rank for a tail percentile of a small sample, and is close to the normal limit for a large one', () => {
    // P99 of 50 values: even X(50) is below the 99th percentile with probability 0.605.
    expect(quantileRanks(50, 0.99, 0.95).upper).toBe(51);
    const big = quantileRanks(10_000, 0.95, 0.95);
    const sd = Math.sqrt(10_000 * 0.95 * 0.05);
    expect(Math.abs(big.lower - (9500 - 1.96 * sd))).toBeLessThan(3);
    expect(Math.abs(big.upper - (9500 + 1.96 * sd))).toBeLessThan(3);
    expect(big.coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('every interval covers at least what was asked for', () => {
    for (const n of [3, 10, 40, 199, 1000])
      for (const p of [0.5, 0.95, 0.99])
        for (const c of [0.9, 0.95, 0.99]) {
          const r = quantileRanks(n, p, c);
          const lowerTail = r.lower >= 1 ? bruteCdfOrLarge(r.lower - 1, n, p) : 0;
          const upperTail = r.upper <= n ? bruteCdfOrLarge(r.upper - 1, n, p) : 1;
          expect(upperTail - lowerTail, `n=${n} p=${p} c=${c}`).toBeGreaterThanOrEqual(c - 1e-9);
        }
  });

  it('bounds the interval by the value range when a rank is missing', () => {
    const sorted = [10, 11, 12, 13, 14];
    // P99 of 5 values: at least X(4) (P(K ≤ 3) = 0.00098), no upper rank: the ceiling.
    expect(quantileInterval(sorted, 0.99, 0.95, 0, 2000)).toMatchObject({ lower: 4, low: 13, upper: 6, high: 2000 });
    // The median of 2 values has no lower rank either: the floor.
    expect(quantileInterval([5, 7], 0.5, 0.95, 0, 2000)).toMatchObject({ lower: 0, low: 0, upper: 3, high: 2000 });
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    const ci = quantileInterval(many, 0.5, 0.95, 0, 2000);
    expect(ci.low).toBeLessThan(50);
    expect(ci.high).toBeGreaterThan(50);
  });
});

describe('serially correlated samples', () => {
  // A deterministic, well-mixed sequence (a Weyl sequence): no serial dependence to speak of.
  const independent = Array.from({ length: 2500 }, (_, i) => ((i * 0.6180339887498949) % 1) * 100);
  // The same values, each repeated 25 times in a row: slow and fast stretches, as a slow second gives.
  const blocky = Array.from({ length: 2500 }, (_, i) => independent[Math.floor(i / 25)] as number);

  it('counts independent samples as they are and a blocky run as about one sample per block', () => {
    const sorted = (v: number[]) => Float64Array.from(v).sort();
    const q = (v: number[]) => sorted(v)[Math.ceil(0.95 * v.length) - 1] as number;
    const tauOf = (v: number[]) => batchMeansTau(v.length, (i) => ((v[i] as number) <= q(v) ? 1 : 0));
    expect(tauOf(independent)).toBeLessThan(1.5);
    const tau = tauOf(blocky);
    expect(tau).toBeGreaterThan(12);
    expect(tau).toBeLessThan(50);
  });

  it('widens the interval by the dependence and never narrows it', () => {
    const sortedI = Float64Array.from(independent).sort();
    const sortedB = Float64Array.from(blocky).sort();
    const plain = quantileInterval(sortedB, 0.95, 0.95, 0, 100);
    const serial = serialInterval(blocky, sortedB, 0.95, 0.95, 0, 100);
    expect(serial.nEff).toBeLessThan(250);
    expect(serial.high - serial.low).toBeGreaterThan(3 * (plain.high - plain.low));
    const iid = serialInterval(independent, sortedI, 0.95, 0.95, 0, 100);
    expect(iid.tau).toBeGreaterThanOrEqual(1);
    expect(iid.low).toBeLessThanOrEqual(quantileInterval(sortedI, 0.95, 0.95, 0, 100).low);
  });
});

describe('availability intervals (Clopper–Pearson on the independent samples)', () => {
  it('gives the exact textbook bounds for independent samples', () => {
    // Weyl-sequence flags: no serial dependence, so τ = 1 and n_eff = n.
    const flags = (n: number, k: number) => Array.from({ length: n }, (_, i) => ((i * 7) % n < k ? 1 : 0));
    expect(proportionInterval(flags(10, 0), 0.95).high).toBeCloseTo(1 - 0.025 ** (1 / 10), 6);
    expect(proportionInterval(flags(10, 10), 0.95).low).toBeCloseTo(0.025 ** (1 / 10), 6);
    const mid = proportionInterval(flags(10, 5), 0.95);
    expect(mid.low).toBeCloseTo(0.187086, 5);
    expect(mid.high).toBeCloseTo(0.812914, 5);
  });

  it('counts one long outage as few samples, and scattered failures as many', () => {
    const n = 1000;
    const outage = Array.from({ length: n }, (_, i) => (i >= 400 && i < 500 ? 0 : 1));
    const scattered = Array.from({ length: n }, (_, i) => (i % 10 === 3 ? 0 : 1));
    const a = proportionInterval(outage, 0.95);
    const b = proportionInterval(scattered, 0.95);
    expect(a.nEff).toBeLessThan(100);
    expect(b.nEff).toBe(n);
    expect(a.high - a.low).toBeGreaterThan(2 * (b.high - b.low));
    expect(b.low).toBeLessThan(0.9);
    expect(b.high).toBeGreaterThan(0.9);
  });
});

function bruteCdfOrLarge(k: number, n: number, p: number): number {
  return n <= 200 ? bruteCdf(k, n, p) : binomialCdf(k, n, p);
}
