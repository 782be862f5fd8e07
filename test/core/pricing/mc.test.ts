import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import { batesPrice, hestonPrice } from '../../../src/core/pricing/heston.js';
import { mcEuropean, pairedMeanSe } from '../../../src/core/pricing/mc.js';
import { mertonPrice } from '../../../src/core/pricing/merton.js';
import type { ModelSpec } from '../../../src/core/pricing/models.js';

const FO = { v0: 0.0175, kappa: 1.5768, theta: 0.0398, xi: 0.5751, rho: -0.5711 };
const QL = { v0: 0.1, kappa: 3.16, theta: 0.09, xi: 0.4, rho: -0.2 };
const QL_T = 5 / 366 + 86 / 365;

function zScore(m: { price: number; standardError: number }, exact: number): number {
  return (m.price - exact) / m.standardError;
}

describe('mcEuropean', () => {
  it('matches Black-Scholes under gbm (call and put) within 2.5 SE', () => {
    const spec: ModelSpec = { model: 'gbm', vol: 0.2 };
    const o = { S0: 100, r: 0.05, q: 0.01, T: 1, steps: 1, paths: 100_000, seed: 1 };
    for (const right of ['call', 'put'] as const) {
      const m = mcEuropean(right, 100, spec, o);
      expect(Math.abs(zScore(m, bsPrice(right, 100, 100, 1, 0.05, 0.01, 0.2)))).toBeLessThan(2.5);
      expect(m.paths).toBe(100_000);
    }
  });

  it('reports an SE that matches the spread of independent replications (pair-averaged)', () => {
    // 64 independent runs: the reported SE must agree with the empirical SD of the estimates
    const spec: ModelSpec = { model: 'gbm', vol: 0.5 };
    for (const antithetic of [true, false]) {
      const prices: number[] = [];
      let se2 = 0;
      for (let seed = 0; seed < 64; seed++) {
        const m = mcEuropean('put', 45, spec, {
          S0: 50,
          r: 0.04,
          q: 0,
          T: 0.1,
          steps: 1,
          paths: 2000,
          seed,
          antithetic,
        });
        prices.push(m.price);
        se2 += m.standardError ** 2;
      }
      const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
      const sd = Math.sqrt(prices.reduce((a, b) => a + (b - mean) ** 2, 0) / (prices.length - 1));
      const ratio = sd / Math.sqrt(se2 / prices.length);
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.35);
    }
  });

  it('pairs antithetic paths (2j, 2j+1) before the SE and never splits a pair', () => {
    // perfectly anti-correlated pairs have zero pair-average variance
    const v = new Float64Array([1, -1, 2, -2, 3, -3]);
    expect(pairedMeanSe(v, true)).toEqual({ mean: 0, se: 0 });
    expect(pairedMeanSe(v, false).se).toBeGreaterThan(0);
    const m = mcEuropean(
      'call',
      100,
      { model: 'gbm', vol: 0.2 },
      { S0: 100, r: 0, q: 0, T: 1, steps: 1, paths: 11, seed: 3 },
    );
    expect(m.paths).toBe(12);
  });

  it('is reproducible for a seed and changes with it', () => {
    const o = { S0: 100, r: 0, q: 0, T: 0.5, steps: 4, paths: 1000, seed: 42 };
    const spec: ModelSpec = { model: 'heston', heston: QL };
    expect(mcEuropean('put', 95, spec, o)).toEqual(mcEuropean('put', 95, spec, o));
    expect(mcEuropean('put', 95, spec, { ...o, seed: 43 }).price).not.toBe(
      mcEuropean('put', 95, spec, o).price,
    );
  });

  it('matches the QuantLib Heston case under both schemes within 2.5 SE', () => {
    const exact = hestonPrice('call', 1, 1.05, QL_T, 0.0225, 0.02, QL);
    for (const scheme of ['qe', 'full-truncation'] as const) {
      const m = mcEuropean(
        'call',
        1.05,
        { model: 'heston', heston: QL },
        { S0: 1, r: 0.0225, q: 0.02, T: QL_T, steps: 20, paths: 100_000, seed: 7, scheme },
      );
      expect(Math.abs(zScore(m, exact))).toBeLessThan(2.5);
    }
  });

  it('matches Fang & Oosterlee (Feller violated) under QE within 2.5 SE', () => {
    const m = mcEuropean(
      'call',
      100,
      { model: 'heston', heston: FO },
      { S0: 100, r: 0, q: 0, T: 1, steps: 20, paths: 100_000, seed: 5, scheme: 'qe' },
    );
    expect(Math.abs(zScore(m, 5.78515545))).toBeLessThan(2.5);
  });

  it('shows why QE is the default: coarse full-truncation Euler is biased when Feller fails', () => {
    const o = { S0: 100, r: 0, q: 0, T: 1, steps: 10, paths: 100_000, seed: 9 };
    const spec: ModelSpec = { model: 'heston', heston: FO };
    const qe = mcEuropean('call', 100, spec, { ...o, scheme: 'qe' });
    const ft = mcEuropean('call', 100, spec, { ...o, scheme: 'full-truncation' });
    expect(Math.abs(zScore(qe, 5.78515545))).toBeLessThan(2.5);
    expect(zScore(ft, 5.78515545)).toBeGreaterThan(5);
  });

  it('matches the Merton series within 2.5 SE', () => {
    const jumps = { lambda: 4, jumpMean: -0.06, jumpVol: 0.12 };
    for (const [right, K, steps] of [
      ['put', 42, 1],
      ['call', 52, 10],
    ] as const) {
      const m = mcEuropean(
        right,
        K,
        { model: 'merton', vol: 0.45, jumps },
        { S0: 50, r: 0.04, q: 0, T: 45 / 365, steps, paths: 100_000, seed: 11 },
      );
      expect(Math.abs(zScore(m, mertonPrice(right, 50, K, 45 / 365, 0.04, 0, 0.45, jumps)))).toBeLessThan(
        2.5,
      );
    }
  });

  it('matches Bates (heston-jump) by characteristic function within 2.5 SE', () => {
    const heston = { v0: 0.3, kappa: 3, theta: 0.3, xi: 1.0, rho: -0.3 };
    const jumps = { lambda: 4, jumpMean: -0.06, jumpVol: 0.12 };
    const T = 30 / 365;
    for (const [right, K] of [
      ['put', 43],
      ['call', 54],
    ] as const) {
      const m = mcEuropean(
        right,
        K,
        { model: 'heston-jump', heston, jumps },
        { S0: 50, r: 0.04, q: 0, T, steps: 30, paths: 100_000, seed: 13 },
      );
      expect(Math.abs(zScore(m, batesPrice(right, 50, K, T, 0.04, 0, heston, jumps)))).toBeLessThan(2.5);
    }
  });

  it('rejects a bad strike or right', () => {
    const o = { S0: 100, r: 0, q: 0, T: 1, steps: 1, paths: 10, seed: 1 };
    expect(() => mcEuropean('call', -5, { model: 'gbm', vol: 0.2 }, o)).toThrow(RangeError);
    expect(() => mcEuropean('straddle' as 'call', 100, { model: 'gbm', vol: 0.2 }, o)).toThrow(RangeError);
  });
});
