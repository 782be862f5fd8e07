import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanTest,
  hacTest,
  holmAdjust,
  type JointBootstrap,
  jointBootstrap,
  minDetectableSharpe,
  resamplesFor,
  stationaryVarianceShare,
  stepDownMinP,
  tStat,
} from '../../../src/core/judge/bootstrap.js';
import { normCdf } from '../../../src/core/pricing/bs.js';
import { CounterRng } from '../../../src/core/pricing/rng.js';

describe('group gate statistics', () => {
  it('t = √T·mean/sd: [1, 2, 3, 4] gives 2·2.5/√(5/3) = 3.8730', () => {
    expect(tStat([1, 2, 3, 4])).toBeCloseTo(3.872983, 5);
    expect(tStat([2, 2, 2])).toBeNull();
    expect(tStat([1])).toBeNull();
  });

  it('Newey–West: lag 0 uses the population variance 1.25 (t 4.4721); lag 1 adds 2·½·γ₁ = 0.3125 (t 4)', () => {
    const x = [1, 2, 3, 4];
    const l0 = hacTest(x, 0)!;
    expect(l0.t).toBeCloseTo(4.472136, 5);
    expect(l0.p).toBeCloseTo(normCdf(-4.472136), 8);
    expect(hacTest(x, 1)!.t).toBeCloseTo(4, 10);
  });

  it('Holm: p (0.01, 0.04, 0.03, 0.005) → (0.03, 0.06, 0.06, 0.02)', () => {
    const a = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(a.map((v) => Number(v.toFixed(10)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
  });

  it('resamples resolve Holm: 40·8/0.05 = 6,400; 40·100/0.05 = 80,000', () => {
    expect(resamplesFor(8, 0.05)).toBe(6400);
    expect(resamplesFor(100, 0.05)).toBe(80_000);
  });

  it('smallest Sharpe certified with 80 % power: 126 days, 8 groups, α 5 % → (2.4977 + 0.8416)/√126·√252 = 4.72/yr', () => {
    expect(minDetectableSharpe(126, 8, 0.05)).toBeCloseTo(4.7224, 3);
    // One group: z 1.6449 + 0.8416 over √252 days = 2.486/yr.
    expect(minDetectableSharpe(252, 1, 0.05)).toBeCloseTo(2.4865, 3);
    expect(minDetectableSharpe(1, 8, 0.05)).toBe(Number.POSITIVE_INFINITY);
  });

  it('the stationary bootstrap keeps 1 − 2·Σb(k)/(T − 1) of the variance: T 3, p ½ → 1/6; blocks of 1 keep all', () => {
    // b(1) = (2/3)(1/2) + (1/3)(1/4) = 5/12; b(2) = (1/3)(1/4) + (2/3)(1/2) = 5/12; 1 − 2·(10/12)/2 = 1/6.
    expect(stationaryVarianceShare(3, 0.5)).toBeCloseTo(1 / 6, 12);
    expect(stationaryVarianceShare(126, 1)).toBe(1);
    expect(stationaryVarianceShare(126, 1 / 15)).toBeCloseTo(0.6053, 4);
  });

  it('the bootstrap is seeded (same seed, same p), resolves 1/(B + 1), and keeps its level on a zero-mean series', () => {
    const rng = new CounterRng(7, 1);
    const series = (mu: number, n: number) => Array.from({ length: n }, () => mu + rng.nextNormal());
    const x = series(0.15, 126);
    const o = { resamples: 999, meanBlock: 15, seed: 3, substream: 4 };
    const a = bootstrapMeanTest(x, o)!;
    expect(bootstrapMeanTest(x, o)!.p).toBe(a.p);
    expect(a.t).toBeCloseTo(tStat(x)!, 12);
    expect(a.p).toBeGreaterThan(1 / 1000);
    expect(bootstrapMeanTest(x, { ...o, seed: 4 })!.p).not.toBe(a.p);
    // A mean 10 sd away: no resample reaches it.
    expect(bootstrapMeanTest(series(10, 126), o)!.p).toBe(1 / 1000);
    // Zero mean, volatility that jumps tenfold halfway (a calm stretch, then a storm): 300 series,
    // p < 0.05 in about 5 % of them; the binomial 99.9 % band of 300 draws at 5 % is 3–29.
    let hits = 0;
    for (let k = 0; k < 300; k++) {
      const y = Array.from({ length: 126 }, (_, i) => (i < 63 ? 0.2 : 2) * rng.nextNormal());
      if (bootstrapMeanTest(y, { resamples: 199, meanBlock: 10, seed: 1, substream: k })!.p < 0.05) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(3);
    expect(hits).toBeLessThanOrEqual(29);
  });
});

describe('joint bootstrap and the min-p step-down', () => {
  it('draws one set of blocks for every series: a series and its affine copy resample to the same t*', () => {
    const rng = new CounterRng(3, 1);
    const a = Float64Array.from({ length: 60 }, () => rng.nextNormal() + 0.2);
    const b = a.map((v) => 3 * v + 7);
    const c = Float64Array.from({ length: 60 }, () => rng.nextNormal());
    const jb = jointBootstrap([a, b, c], { resamples: 200, meanBlock: 10, seed: 1, substream: 0 });
    expect(jb.t[0]).toBeCloseTo(tStat(a)!, 12);
    let same = 0;
    let sameC = 0;
    for (let r = 0; r < 200; r++) {
      if (Math.abs(jb.tStar[r * 3] - jb.tStar[r * 3 + 1]) < 1e-9) same++;
      if (Math.abs(jb.tStar[r * 3] - jb.tStar[r * 3 + 2]) < 1e-9) sameC++;
    }
    expect(same).toBe(200);
    expect(sameC).toBe(0);
    // Each series' own p is the single-series test's p with these draws: both ≈ the same t.
    const again = jointBootstrap([a, b, c], { resamples: 200, meanBlock: 10, seed: 1, substream: 0 });
    expect(again.tStar).toEqual(jb.tStar);
  });

  it('adjusted p by hand: two series, four resamples', () => {
    // t* columns: series 0 [0.5, 3.5, 1, 2], series 1 [2, 0, 1.5, −1]; t = [3, 1].
    const jb: JointBootstrap = {
      t: [3, 1, null],
      resamples: 4,
      tStar: Float64Array.from([0.5, 2, 0, 3.5, 0, 0, 1, 1.5, 0, 2, -1, 0]),
    };
    const r = stepDownMinP(jb, 0.5);
    // Own p: series 0 (1 + #{t* ≥ 3} = 1)/5 = 0.4; series 1 (1 + #{t* ≥ 1} = 2)/5 = 0.6.
    expect(r.p).toEqual([0.4, 0.6, null]);
    // Resample p's (share at or above): series 0 [1, 1/4, 3/4, 1/2], series 1 [1/4, 3/4, 1/2, 1].
    // Series 1 last: #{its p* ≤ 0.6} = 2 → 3/5. Series 0: min over both [1/4, 1/4, 1/2, 1/2],
    // #{≤ 0.4} = 2 → 3/5. Monotone: both 0.6.
    expect(r.adjusted[0]).toBeCloseTo(0.6, 12);
    expect(r.adjusted[1]).toBeCloseTo(0.6, 12);
    expect(r.adjusted[2]).toBeNull();
    // Bar at α 0.5: (1 + #{≤ p})/5 ≤ 0.5 needs #{≤ p} ≤ 1: p below the 2nd smallest minimum, 1/4.
    expect(r.bar).toBe(0.25);
  });

  it('pays nothing for copies: eight identical series keep their own p, where Holm multiplies it by eight', () => {
    const rng = new CounterRng(9, 4);
    const z = Float64Array.from({ length: 126 }, () => rng.nextNormal());
    const m = z.reduce((s, v) => s + v, 0) / 126;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - m) ** 2, 0) / 125);
    // t = √126·0.2 = 2.245: one-sided p ≈ 0.015 alone, 8 × that under Holm.
    const x = z.map((v) => 0.2 + (v - m) / sd);
    const series = Array.from({ length: 8 }, () => x);
    const jb = jointBootstrap(series, { resamples: 6400, meanBlock: 10, seed: 1, substream: 0 });
    const r = stepDownMinP(jb, 0.05);
    const own = r.p[0]!;
    expect(own).toBeLessThan(0.05 / 2);
    for (let k = 0; k < 8; k++) expect(r.adjusted[k]).toBeCloseTo(own, 12);
    expect(holmAdjust(r.p as number[])[0]).toBeGreaterThan(0.05);
  });

  it('balanced: a series that trades on two days (heavy-tailed t*) does not raise the bar of the others', () => {
    const rng = new CounterRng(4, 2);
    const strong = Float64Array.from({ length: 126 }, () => rng.nextNormal() + 0.4);
    const sparse = new Float64Array(126);
    sparse[10] = 5;
    sparse[100] = -2;
    const jb = jointBootstrap([strong, sparse], { resamples: 3200, meanBlock: 10, seed: 1, substream: 0 });
    // Over 5 % of the resamples miss both days: no variance, t* = +∞. A max-t step-down's bar
    // (the 95th percentile of the larger t*) would be +∞ and nothing could pass; the min-p one
    // sees those resamples as p* of their share, not as 0.
    let inf = 0;
    for (let r = 0; r < 3200; r++) if (jb.tStar[r * 2 + 1] === Number.POSITIVE_INFINITY) inf++;
    expect(inf).toBeGreaterThan(3200 * 0.05);
    const r = stepDownMinP(jb, 0.05);
    expect(r.adjusted[0]).toBeLessThan(0.01);
  });
});
