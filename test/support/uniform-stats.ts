// Quality checks for a block of uniforms laid out unit-major, 4 per unit (whUniformsOnEngine).
// Each statistic is returned in standard deviations (z) or as chi-square with its df, so a test
// can assert |z| < 4 and chi-square inside mean ± 4.5 sd whatever the sample size.

export interface UniformQuality {
  n: number;
  meanZ: number;
  varianceZ: number;
  /** Lag-1 correlation inside units ((u0,u1), (u1,u2), (u2,u3)), as z = r * sqrt(pairs). */
  lag1Z: number;
  /** Correlation of u0 between neighbouring units (substream independence). */
  crossUnitZ: number;
  /** 100 equal bins over all values. */
  chi2Bins100: { chi2: number; df: number };
  /** 10 x 10 bins over (u0, u1): the pairs Box-Muller turns into normals. */
  chi2Pairs10x10: { chi2: number; df: number };
  min: number;
  max: number;
}

function corrZ(xs: number[], ys: number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return (sxy / Math.sqrt(sxx * syy)) * Math.sqrt(n);
}

function chi2(counts: number[], expected: number): number {
  let c = 0;
  for (const k of counts) c += ((k - expected) * (k - expected)) / expected;
  return c;
}

export function uniformQuality(u: ArrayLike<number>): UniformQuality {
  const n = u.length;
  const units = n / 4;
  let sum = 0;
  let min = 1;
  let max = 0;
  const bins = new Array<number>(100).fill(0);
  for (let i = 0; i < n; i++) {
    const x = u[i];
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    bins[Math.min(99, Math.floor(x * 100))]++;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (u[i] - mean) * (u[i] - mean);
  const variance = ss / (n - 1);
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < units; k++)
    for (let j = 0; j < 3; j++) {
      a.push(u[4 * k + j]);
      b.push(u[4 * k + j + 1]);
    }
  const c0: number[] = [];
  const c1: number[] = [];
  for (let k = 0; k + 1 < units; k++) {
    c0.push(u[4 * k]);
    c1.push(u[4 * (k + 1)]);
  }
  const pairs = new Array<number>(100).fill(0);
  for (let k = 0; k < units; k++) {
    const i = Math.min(9, Math.floor(u[4 * k] * 10));
    const j = Math.min(9, Math.floor(u[4 * k + 1] * 10));
    pairs[i * 10 + j]++;
  }
  return {
    n,
    meanZ: (mean - 0.5) / Math.sqrt(1 / 12 / n),
    // Var of the sample variance of U(0,1) is (1/80 - 1/144) / n = 1/(180 n).
    varianceZ: (variance - 1 / 12) / Math.sqrt(1 / (180 * n)),
    lag1Z: corrZ(a, b),
    crossUnitZ: corrZ(c0, c1),
    chi2Bins100: { chi2: chi2(bins, n / 100), df: 99 },
    chi2Pairs10x10: { chi2: chi2(pairs, units / 100), df: 99 },
    min,
    max,
  };
}

/** chi-square with df degrees of freedom inside mean ± 4.5 sd (normal approximation, df ~ 100). */
export function chi2Plausible(c: { chi2: number; df: number }): boolean {
  const sd = Math.sqrt(2 * c.df);
  return Math.abs(c.chi2 - c.df) < 4.5 * sd;
}
