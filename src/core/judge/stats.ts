import { normCdf, normInv } from '../pricing/bs.js';

/** Euler–Mascheroni constant (the expected-maximum formula's weight). */
export const EULER_GAMMA = 0.5772156649015329;

export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  sd: number;
  /** Skewness and (non-excess) kurtosis from population moments, as Bailey & López de Prado use. */
  skew: number;
  kurt: number;
}

/** Moments of one daily P&L series; sd 0 (no activity) leaves skew 0 and kurtosis 3. */
export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  if (n < 2) return { n, mean: n ? x[0] : 0, sd: 0, skew: 0, kurt: 3 };
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // Relative floor: float noise on a constant series must not read as activity.
  if (!(m2 > 1e-18 * (mean * mean + 1))) return { n, mean, sd: 0, skew: 0, kurt: 3 };
  return { n, mean, sd, skew: m3 / m2 ** 1.5, kurt: m4 / (m2 * m2) };
}

/** Per-period (here: per-day) Sharpe ratio, not annualised; null without variance. */
export function sharpe(m: Moments): number | null {
  return m.sd > 0 ? m.mean / m.sd : null;
}

/**
 * Expected maximum of N independent standard normals (Bailey & López de Prado 2014):
 * (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)). Zero for N ≤ 1 (one trial has nothing to deflate).
 */
export function expectedMaxZ(n: number): number {
  if (!(n > 1)) return 0;
  const v = (1 - EULER_GAMMA) * normInv(1 - 1 / n) + EULER_GAMMA * normInv(1 - 1 / (n * Math.E));
  return Math.max(0, v);
}

export interface DsrInput {
  /** The candidate's per-day Sharpe, skewness, kurtosis (non-excess) and number of days. */
  sr: number;
  skew: number;
  kurt: number;
  t: number;
  /** Variance across trials of the per-day Sharpe estimates. */
  srVariance: number;
  /** Effective number of independent trials. */
  nEff: number;
}

export interface DsrResult {
  /** The benchmark: the Sharpe the best of nEff zero-edge trials is expected to show. */
  sr0: number;
  /** The test statistic and the deflated Sharpe ratio Φ(z) = P(true SR > sr0). */
  z: number;
  dsr: number;
  /** One-sided p-value 1 − DSR, computed in the tail (no cancellation). */
  pValue: number;
  /** Null when the moments leave the estimator's variance non-positive (the test is undefined). */
  undefinedReason: string | null;
}

/**
 * Deflated Sharpe ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio", 2014):
 * PSR against sr0 = √V[SR]·E[max of nEff normals], with the non-normal standard error
 * √(1 − γ₃·SR + (γ₄ − 1)/4·SR²) / √(T − 1).
 */
export function deflatedSharpe(x: DsrInput): DsrResult {
  const sr0 = Math.sqrt(Math.max(0, x.srVariance)) * expectedMaxZ(x.nEff);
  const v = 1 - x.skew * x.sr + ((x.kurt - 1) / 4) * x.sr * x.sr;
  if (!(x.t > 1) || !(v > 0) || !Number.isFinite(x.sr)) {
    return {
      sr0,
      z: Number.NaN,
      dsr: 0,
      pValue: 1,
      undefinedReason: !(x.t > 1)
        ? 'fewer than 2 days'
        : 'skew/kurtosis leave the Sharpe estimator without variance',
    };
  }
  const z = ((x.sr - sr0) * Math.sqrt(x.t - 1)) / Math.sqrt(v);
  return { sr0, z, dsr: normCdf(z), pValue: normCdf(-z), undefinedReason: null };
}

/** Annualised from per-day (252 NYSE days), for display only. */
export function annualise(srPerDay: number): number {
  return srPerDay * Math.sqrt(252);
}

/** Population variance of the finite values (the cross-section of trial Sharpes). */
export function variance(xs: ArrayLike<number>): number {
  let n = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) continue;
    n++;
    s += xs[i];
  }
  if (n < 2) return 0;
  const m = s / n;
  let q = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) q += (xs[i] - m) ** 2;
  return q / (n - 1);
}

/** Median (the mean of the two middle values for an even count); NaN when empty. */
export function median(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Quantile p of an ascending array, linear between order statistics; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Clopper–Pearson upper bound on a binomial proportion: the p at which k or fewer successes in n
 * have probability (1 − conf)/2 (bisection on the binomial CDF). 1 when n is 0.
 */
export function binomialUpper(k: number, n: number, conf = 0.95): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  const tail = (1 - conf) / 2;
  const cdf = (p: number) => {
    // Σ_{i ≤ k} C(n, i) pⁱ (1 − p)ⁿ⁻ⁱ in logs, term by term.
    let term = n * Math.log1p(-p);
    let sum = Math.exp(term);
    for (let i = 1; i <= k; i++) {
      term += Math.log((n - i + 1) / i) + Math.log(p) - Math.log1p(-p);
      sum += Math.exp(term);
    }
    return sum;
  };
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
