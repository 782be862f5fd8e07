import { describe, expect, it } from 'vitest';
import { bsGreeks, bsPrice, normCdf, normInv, normPdf, type Right } from '../../../src/core/pricing/bs.js';

describe('normal distribution', () => {
  it('normCdf matches high-precision values in the body and both tails', () => {
    // mpmath ncdf at 50 digits, rounded to the nearest double; covers all three Cody regions and their edges.
    const cases: [number, number][] = [
      [0, 0.5],
      [1.96, 0.9750021048517795],
      [-1, 0.15865525393145705],
      [0.5, 0.6914624612740131],
      [0.67448975, 0.7499999999376898],
      [-0.7, 0.24196365222307303],
      [-3, 0.0013498980316300946],
      [-5.5, 1.8989562465887718e-8],
      [5.657, 0.9999999922979118],
      [-5.66, 7.568649751997714e-9],
      [-10, 7.619853024160525e-24],
      [-20, 2.7536241186062337e-89],
      [-37, 5.725571222524577e-300],
    ];
    for (const [x, p] of cases) expect(Math.abs(normCdf(x) - p) / p).toBeLessThan(2e-15);
    expect(normCdf(8.3)).toBe(1 - normCdf(-8.3));
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(Number.isNaN(normCdf(Number.NaN))).toBe(true);
  });

  it('normCdf is symmetric and normPdf is the standard density', () => {
    for (const x of [0.1, 0.6744, 0.7, 2.5, 5.6, 6]) expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 15);
    expect(normPdf(0)).toBeCloseTo(0.3989422804014327, 16);
    expect(normPdf(1.5)).toBeCloseTo(Math.exp(-1.125) / Math.sqrt(2 * Math.PI), 16);
  });

  it('normInv inverts normCdf to ~1e-15 relative, including far tails', () => {
    for (const p of [
      1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999,
    ]) {
      const x = normInv(p);
      expect(Math.abs(normCdf(x) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-13);
    }
    expect(normInv(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normInv(0.5)).toBe(0);
    expect(normInv(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normInv(1)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(normInv(1.5))).toBe(true);
    expect(Number.isNaN(normInv(-0.1))).toBe(true);
  });
});

describe('Black-Scholes-Merton reference values (reference-values.md)', () => {
  it('call S=K=100, r=0.05, T=1, vol=0.2: 10.450583572185565 (1e-9)', () => {
    expect(Math.abs(bsPrice('call', 100, 100, 1, 0.05, 0, 0.2) - 10.450583572185565)).toBeLessThan(1e-9);
  });
  it('put S=K=100, r=0.05, T=1, vol=0.2: 5.573526022256971 (1e-9)', () => {
    expect(Math.abs(bsPrice('put', 100, 100, 1, 0.05, 0, 0.2) - 5.573526022256971)).toBeLessThan(1e-9);
  });
  it('call S=60, K=65, r=0.08, T=0.25, vol=0.3: 2.1334 (1e-4)', () => {
    expect(Math.abs(bsPrice('call', 60, 65, 0.25, 0.08, 0, 0.3) - 2.1334)).toBeLessThan(1e-4);
  });
  it('call S=42, K=40, r=0.04, q=0.08, T=0.75, vol=0.35: 5.0975 (1e-4)', () => {
    expect(Math.abs(bsPrice('call', 42, 40, 0.75, 0.04, 0.08, 0.35) - 5.0975)).toBeLessThan(1e-4);
  });
  it('greeks S=105, K=100, r=q=0.10, T=0.5, vol=0.36: call delta 0.5946, put delta -0.3566 (1e-4)', () => {
    expect(Math.abs(bsGreeks('call', 105, 100, 0.5, 0.1, 0.1, 0.36).delta - 0.5946)).toBeLessThan(1e-4);
    expect(Math.abs(bsGreeks('put', 105, 100, 0.5, 0.1, 0.1, 0.36).delta - -0.3566)).toBeLessThan(1e-4);
  });
  it('European put K=40, S=36, r=0.06, vol=0.2, T=1 (American reference context): 3.844', () => {
    expect(bsPrice('put', 36, 40, 1, 0.06, 0, 0.2)).toBeCloseTo(3.844, 3);
  });
});

describe('identities and greeks', () => {
  const grid: [number, number, number, number, number, number][] = [];
  for (const S of [20, 48, 100])
    for (const m of [0.7, 1, 1.3])
      for (const T of [2 / 365, 0.25, 3])
        for (const [r, q] of [
          [0, 0],
          [0.05, 0.02],
          [-0.01, 0.04],
        ])
          for (const vol of [0.05, 0.6, 1.5]) grid.push([S, S * m, T, r, q, vol]);

  it('put-call parity C - P = S e^{-qT} - K e^{-rT}', () => {
    for (const [S, K, T, r, q, vol] of grid) {
      const lhs = bsPrice('call', S, K, T, r, q, vol) - bsPrice('put', S, K, T, r, q, vol);
      expect(lhs).toBeCloseTo(S * Math.exp(-q * T) - K * Math.exp(-r * T), 10);
    }
  });

  it('analytic greeks match central finite differences', () => {
    for (const right of ['call', 'put'] as Right[]) {
      for (const [S, K, T, r, q, vol] of grid) {
        if (vol * Math.sqrt(T) < 0.02) continue; // near-kink cases make differences meaningless
        const g = bsGreeks(right, S, K, T, r, q, vol);
        const f = (s: number, t: number, rr: number, v: number) => bsPrice(right, s, K, t, rr, q, v);
        const hS = 1e-4 * S;
        const delta = (f(S + hS, T, r, vol) - f(S - hS, T, r, vol)) / (2 * hS);
        const gamma = (f(S + hS, T, r, vol) - 2 * g.price + f(S - hS, T, r, vol)) / (hS * hS);
        const vega = (f(S, T, r, vol + 1e-5) - f(S, T, r, vol - 1e-5)) / 2e-5;
        const hT = Math.min(1e-5, T / 10);
        const theta = -(f(S, T + hT, r, vol) - f(S, T - hT, r, vol)) / (2 * hT);
        const rho = (f(S, T, r + 1e-6, vol) - f(S, T, r - 1e-6, vol)) / 2e-6;
        expect(g.price).toBe(bsPrice(right, S, K, T, r, q, vol));
        expect(g.delta).toBeCloseTo(delta, 6);
        expect(Math.abs(g.gamma - gamma)).toBeLessThan(1e-4 * Math.max(1, Math.abs(g.gamma)));
        expect(Math.abs(g.vega - vega)).toBeLessThan(1e-5 * Math.max(1, g.vega));
        expect(Math.abs(g.theta - theta)).toBeLessThan(1e-4 * Math.max(1, Math.abs(g.theta)));
        expect(Math.abs(g.rho - rho)).toBeLessThan(1e-5 * Math.max(1, Math.abs(g.rho)));
      }
    }
  });

  it('call delta - put delta = e^{-qT}; gamma and vega agree across rights', () => {
    const c = bsGreeks('call', 105, 100, 0.5, 0.1, 0.1, 0.36);
    const p = bsGreeks('put', 105, 100, 0.5, 0.1, 0.1, 0.36);
    expect(c.delta - p.delta).toBeCloseTo(Math.exp(-0.05), 14);
    expect(c.gamma).toBeCloseTo(p.gamma, 14);
    expect(c.vega).toBeCloseTo(p.vega, 12);
  });
});

describe('edge cases', () => {
  it('T <= 0 gives intrinsic', () => {
    expect(bsPrice('call', 110, 100, 0, 0.05, 0, 0.3)).toBe(10);
    expect(bsPrice('put', 110, 100, -1, 0.05, 0, 0.3)).toBe(0);
    expect(bsPrice('put', 90, 100, 0, 0.05, 0, 0.3)).toBe(10);
    const g = bsGreeks('put', 90, 100, 0, 0.05, 0, 0.3);
    expect(g).toEqual({ price: 10, delta: -1, gamma: 0, vega: 0, theta: 0, rho: 0 });
  });

  it('vol <= 0 gives the discounted forward intrinsic, never NaN', () => {
    const fwd = 110 * Math.exp(-0.01) - 100 * Math.exp(-0.05);
    expect(bsPrice('call', 110, 100, 1, 0.05, 0.01, 0)).toBeCloseTo(fwd, 12);
    expect(bsPrice('put', 110, 100, 1, 0.05, 0.01, 0)).toBe(0);
    expect(bsPrice('put', 90, 100, 1, 0.05, 0, -0.2)).toBeCloseTo(100 * Math.exp(-0.05) - 90, 12);
    const g = bsGreeks('call', 110, 100, 1, 0.05, 0.01, 0);
    expect(g.delta).toBeCloseTo(Math.exp(-0.01), 14);
    for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true);
  });

  it('extreme but valid inputs stay finite', () => {
    for (const [S, K, T, vol] of [
      [1e-8, 100, 1, 0.3],
      [1e8, 100, 1, 0.3],
      [100, 100, 1e-12, 0.3],
      [100, 100, 100, 5],
      [100, 100, 1, 1e-12],
    ]) {
      for (const right of ['call', 'put'] as Right[]) {
        const g = bsGreeks(right, S, K, T, 0.05, 0, vol);
        for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true);
        expect(g.price).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('invalid inputs throw a RangeError naming the argument', () => {
    expect(() => bsPrice('call', 0, 100, 1, 0.05, 0, 0.2)).toThrow(/S \(spot\)/);
    expect(() => bsPrice('call', -1, 100, 1, 0.05, 0, 0.2)).toThrow(RangeError);
    expect(() => bsPrice('call', 100, 0, 1, 0.05, 0, 0.2)).toThrow(/K \(strike\)/);
    expect(() => bsPrice('call', 100, Number.NaN, 1, 0.05, 0, 0.2)).toThrow(/K \(strike\)/);
    expect(() => bsPrice('call', Number.NaN, 100, 1, 0.05, 0, 0.2)).toThrow(/S \(spot\)/);
    expect(() => bsPrice('call', 100, 100, Number.NaN, 0.05, 0, 0.2)).toThrow(/T \(years/);
    expect(() => bsPrice('call', 100, 100, 1, Number.NaN, 0, 0.2)).toThrow(/r \(rate\)/);
    expect(() => bsPrice('call', 100, 100, 1, 0.05, Number.NaN, 0.2)).toThrow(/q \(dividend/);
    expect(() => bsGreeks('put', 100, 100, 1, 0.05, 0, Number.NaN)).toThrow(/vol/);
    expect(() => bsPrice('straddle' as Right, 100, 100, 1, 0.05, 0, 0.2)).toThrow(/right/);
  });
});
