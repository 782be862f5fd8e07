import { CounterRng, streamId } from '../pricing/rng.js';

/**
 * Effective number of independent trials among the farm's configurations.
 *
 * The sampled traders are clustered on the correlation of their daily P&L net of the market mode
 * (average linkage on the distance 1 − ρ, cut where the average correlation between two clusters
 * falls below ρ*). Unlike an eigenvalue count, the number of clusters is not capped by the number
 * of days: a T × n series matrix has rank ≤ T, but n series can still be pairwise far apart.
 *
 * ρ* = 0.9 is calibrated on zero-edge farms (fair simulated markets): there the best sampled
 * Sharpe sits on average 2.44 cross-sectional sd above the mean (180 windows, 256-trader grid)
 * and 3.14 (9 windows, full grid); E[max] of N_eff normals at ρ* = 0.9 is 2.49 and 3.18, at 0.5
 * only 1.88 and 2.66 (too few trials: false promotions).
 *
 * The sample holds a few thousand of the grid's traders, so the count is scaled to the grid by
 * a power law K(n) = K(n_s)·(n/n_s)^b whose exponent b is fitted on nested sub-samples
 * (n_s/16 … n_s). Clusters saturate as configurations repeat each other, so the fitted curve is
 * concave in log–log and extrapolating the average slope over-counts: conservative for the
 * deflated Sharpe ratio, which only gets stricter as N grows.
 */

export interface TrialEstimate {
  method: string;
  /** The estimate used by the deflated Sharpe ratio. */
  nEff: number;
  /** Correlation threshold of the cut. */
  rho: number;
  /** Sampled traders, and those with any P&L variance in the window (the rest are no trial). */
  sampleSize: number;
  sampleActive: number;
  /** Clusters among the active sampled traders. */
  clusters: number;
  gridTraders: number;
  /** Grid traders expected to be active in the window (the sample's active share × grid). */
  gridActive: number;
  /** Fitted exponent, null when the sample is the whole grid (no extrapolation). */
  exponent: number | null;
  /** Cluster counts by sub-sample size (mean over the nested draws). */
  points: { n: number; clusters: number }[];
  /** Share of the sample's variance in the market mode that was removed before clustering. */
  marketShare: number | null;
}

/** See the calibration above. */
export const DEFAULT_RHO = 0.9;

export const TRIALS_METHOD =
  'average-linkage clusters of daily-P&L correlation net of the market mode, power-law scaled to the grid';

/** Condensed index of the pair (i, j), i ≠ j, in an n × n symmetric matrix. */
function cidx(i: number, j: number, n: number): number {
  if (i > j) {
    const t = i;
    i = j;
    j = t;
  }
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Rows of `x` (n rows of length t, row-major) centred and scaled to unit length; the indices of
 * rows with no variance are dropped. Dot products of the result are Pearson correlations.
 */
export function unitRows(x: ArrayLike<number>, n: number, t: number): { rows: Float64Array; kept: number[] } {
  const kept: number[] = [];
  const tmp = new Float64Array(t);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < t; d++) s += x[i * t + d];
    const m = s / t;
    let q = 0;
    for (let d = 0; d < t; d++) {
      tmp[d] = x[i * t + d] - m;
      q += tmp[d] * tmp[d];
    }
    // Relative floor: a constant series (no trade in the window) is no trial.
    if (!(q > 1e-18 * (m * m * t + 1))) continue;
    const inv = 1 / Math.sqrt(q);
    out.push(Array.from(tmp, (v) => v * inv));
    kept.push(i);
  }
  const rows = new Float64Array(kept.length * t);
  out.forEach((r, k) => {
    rows.set(r, k * t);
  });
  return { rows, kept };
}

/** Condensed correlation distances 1 − ρ between unit rows. */
export function correlationDistances(rows: Float64Array, n: number, t: number): Float64Array {
  const d = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * t;
    for (let j = i + 1; j < n; j++) {
      const oj = j * t;
      let s = 0;
      for (let u = 0; u < t; u++) s += rows[oi + u] * rows[oj + u];
      d[k++] = 1 - s;
    }
  }
  return d;
}

/**
 * Correlation distances with the market mode removed. Every configuration sells IBIT puts, so
 * one factor moves them all; the deflated Sharpe ratio measures dispersion around it (the
 * variance of Sharpe across trials), so trials are counted on what is left: the partial
 * correlation given the first principal component (λ, v) of the correlation matrix,
 * ρ'ᵢⱼ = (ρᵢⱼ − λvᵢvⱼ) / √((1 − λvᵢ²)(1 − λvⱼ²)). Without this, one cluster would hold every
 * short-put trader and the count would say "one trial" however many were tried.
 * `dist` (condensed 1 − ρ) is overwritten with 1 − ρ'.
 */
export function removeMarketMode(dist: Float64Array, n: number): { lambda: number; loadings: Float64Array } {
  const v = new Float64Array(n).fill(1 / Math.sqrt(n));
  const w = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    w.fill(0);
    let k = 0;
    for (let i = 0; i < n; i++) {
      w[i] += v[i];
      for (let j = i + 1; j < n; j++) {
        const c = 1 - dist[k++];
        w[i] += c * v[j];
        w[j] += c * v[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i] / norm;
      delta = Math.max(delta, Math.abs(x - v[i]));
      v[i] = x;
    }
    lambda = norm;
    if (delta < 1e-10) break;
  }
  const loadings = Float64Array.from(v, (x) => Math.sqrt(lambda) * x);
  const resid = Float64Array.from(loadings, (a) => 1 - a * a);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = 1 - dist[k];
      // Identical series stay one trial; a series that is all market has no residual to compare.
      if (c >= 1 - 1e-12) dist[k] = 0;
      else if (resid[i] < 1e-9 || resid[j] < 1e-9) dist[k] = 1;
      else
        dist[k] =
          1 - Math.max(-1, Math.min(1, (c - loadings[i] * loadings[j]) / Math.sqrt(resid[i] * resid[j])));
      k++;
    }
  }
  return { lambda, loadings };
}

/**
 * Merge heights of average-linkage (UPGMA) clustering by the nearest-neighbour chain, O(n²)
 * time. Average linkage has no inversions, so the clusters below a height h are
 * n − #(heights ≤ h). `dist` (condensed) is overwritten.
 */
export function averageLinkageHeights(dist: Float64Array, n: number): Float64Array {
  const heights = new Float64Array(Math.max(0, n - 1));
  if (n < 2) return heights;
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const chain = new Int32Array(n);
  let top = 0;
  let merges = 0;
  let start = 0;
  while (merges < n - 1) {
    if (top === 0) {
      while (!active[start]) start++;
      chain[top++] = start;
    }
    const a = chain[top - 1];
    const prev = top >= 2 ? chain[top - 2] : -1;
    // The previous chain element wins ties, which guarantees the chain ends in a reciprocal pair.
    let best = prev;
    let bd = prev >= 0 ? dist[cidx(a, prev, n)] : Number.POSITIVE_INFINITY;
    for (let b = 0; b < n; b++) {
      if (b === a || !active[b]) continue;
      const v = dist[cidx(a, b, n)];
      if (v < bd) {
        bd = v;
        best = b;
      }
    }
    if (best !== prev) {
      chain[top++] = best;
      continue;
    }
    top -= 2;
    heights[merges++] = bd;
    const keep = Math.min(a, prev);
    const gone = Math.max(a, prev);
    const sk = size[keep];
    const sg = size[gone];
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === keep || k === gone) continue;
      const ik = cidx(keep, k, n);
      dist[ik] = (sk * dist[ik] + sg * dist[cidx(gone, k, n)]) / (sk + sg);
    }
    size[keep] = sk + sg;
    active[gone] = 0;
  }
  return heights;
}

/** Clusters left when merging stops at distance 1 − rho. */
export function clustersAt(heights: Float64Array, n: number, rho: number): number {
  const h = 1 - rho;
  let merged = 0;
  // Tiny tolerance: identical series (ρ = 1 in exact arithmetic) merge at 0 up to rounding.
  for (const v of heights) if (v <= h + 1e-12) merged++;
  return n - merged;
}

/** Condensed distances among `idx` (indices into a condensed matrix over n). */
function subDistances(dist: Float64Array, n: number, idx: ArrayLike<number>): Float64Array {
  const m = idx.length;
  const out = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) out[k++] = dist[cidx(idx[a], idx[b], n)];
  return out;
}

export interface TrialOptions {
  /** Traders in the grid, and in the daily sample (active or not). */
  gridTraders: number;
  sampleSize: number;
  /** Correlation threshold of the cut (default 0.9). */
  rho?: number;
  seed: number;
  /** Sub-stream of the seed (e.g. the window number) so each window draws its own sub-samples. */
  substream?: number;
  /** Nested draws averaged per sub-sample size. */
  draws?: number;
  /** Smallest sub-sample in the fit. */
  minFit?: number;
}

/**
 * The effective number of trials from the sampled traders' daily P&L in one window.
 * `x` holds `n` series of `t` days (row-major); rows with no variance are not trials.
 */
export function effectiveTrials(x: ArrayLike<number>, n: number, t: number, o: TrialOptions): TrialEstimate {
  const rho = o.rho ?? DEFAULT_RHO;
  const { rows, kept } = unitRows(x, n, t);
  const m = kept.length;
  const gridActive =
    o.sampleSize >= o.gridTraders ? m : Math.round((o.gridTraders * m) / Math.max(1, o.sampleSize));
  const base = {
    method: TRIALS_METHOD,
    rho,
    sampleSize: o.sampleSize,
    sampleActive: m,
    gridTraders: o.gridTraders,
    gridActive,
  };
  if (m < 2) {
    return {
      ...base,
      nEff: Math.max(1, m),
      clusters: m,
      exponent: null,
      points: [{ n: m, clusters: m }],
      marketShare: null,
    };
  }
  const dist = correlationDistances(rows, m, t);
  const market = removeMarketMode(dist, m);
  const points: { n: number; clusters: number }[] = [];
  const extrapolate = gridActive > m;
  if (extrapolate) {
    const draws = o.draws ?? 4;
    const minFit = o.minFit ?? 32;
    const sizes: number[] = [];
    for (let s = Math.floor(m / 2); s >= minFit && sizes.length < 4; s = Math.floor(s / 2)) sizes.push(s);
    const rng = new CounterRng(o.seed, streamId('promote.trials'), o.substream ?? 0);
    const counts = new Map<number, number>();
    for (let r = 0; r < draws; r++) {
      // One seeded permutation per draw; its prefixes are the nested sub-samples.
      const perm = Int32Array.from({ length: m }, (_, i) => i);
      for (let i = m - 1; i > 0; i--) {
        const j = Math.floor(rng.nextUniform() * (i + 1));
        const v = perm[i];
        perm[i] = perm[j];
        perm[j] = v;
      }
      for (const s of sizes) {
        const idx = perm.subarray(0, s);
        const h = averageLinkageHeights(subDistances(dist, m, idx), s);
        counts.set(s, (counts.get(s) ?? 0) + clustersAt(h, s, rho) / draws);
      }
    }
    for (const s of [...sizes].reverse()) points.push({ n: s, clusters: counts.get(s)! });
  }
  const clusters = clustersAt(averageLinkageHeights(dist, m), m, rho);
  points.push({ n: m, clusters });
  const marketShare = market.lambda / m;
  if (!extrapolate) return { ...base, nEff: clusters, clusters, exponent: null, points, marketShare };
  const b = Math.min(1, Math.max(0, logSlope(points)));
  const nEff = Math.min(gridActive, Math.max(clusters, clusters * (gridActive / m) ** b));
  return { ...base, nEff, clusters, exponent: b, points, marketShare };
}

/** Least-squares slope of log(clusters) on log(n). */
function logSlope(points: { n: number; clusters: number }[]): number {
  const ps = points.filter((p) => p.n > 0 && p.clusters > 0);
  if (ps.length < 2) return 1;
  const xs = ps.map((p) => Math.log(p.n));
  const ys = ps.map((p) => Math.log(p.clusters));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 1;
}
