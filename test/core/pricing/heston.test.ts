import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import { batesPrice, hestonPrice, hestonPricer } from '../../../src/core/pricing/heston.js';

// Fang & Oosterlee (2008); the Feller condition 2 kappa theta >= xi^2 fails here.
const FO = { v0: 0.0175, kappa: 1.5768, theta: 0.0398, xi: 0.5751, rho: -0.5711 };
// QuantLib test-suite cached analytic case.
const QL = { v0: 0.1, kappa: 3.16, theta: 0.09, xi: 0.4, rho: -0.2 };
const QL_T = 5 / 366 + 86 / 365;

/** Deterministic-variance limit: BS vol = sqrt of the time-averaged variance. */
function avgVol(p: { v0: number; kappa: number; theta: number }, T: number): number {
  const avg = p.theta + ((p.v0 - p.theta) * -Math.expm1(-p.kappa * T)) / (p.kappa * T);
  return Math.sqrt(avg);
}

describe('hestonPrice', () => {
  it('reproduces Fang & Oosterlee (2008) at 1e-6', () => {
    expect(Math.abs(hestonPrice('call', 100, 100, 1, 0, 0, FO) - 5.78515545)).toBeLessThan(1e-6);
  });

  it('reproduces the QuantLib cached value at 1e-8', () => {
    const c = hestonPrice('call', 1, 1.05, QL_T, 0.0225, 0.02, QL);
    expect(Math.abs(c - 0.0404774515)).toBeLessThan(1e-8);
  });

  it('satisfies put-call parity', () => {
    for (const K of [70, 90, 100, 115, 150]) {
      const c = hestonPrice('call', 100, K, 0.5, 0.04, 0.01, FO);
      const p = hestonPrice('put', 100, K, 0.5, 0.04, 0.01, FO);
      expect(c - p).toBeCloseTo(100 * Math.exp(-0.01 * 0.5) - K * Math.exp(-0.04 * 0.5), 10);
    }
  });

  it('equals BS with the average variance when xi = 0 (no 1/xi^2 blow-up)', () => {
    for (const T of [2 / 365, 30 / 365, 1, 5]) {
      const p = { ...QL, xi: 0 };
      for (const K of [0.6, 0.95, 1.05, 1.4]) {
        const h = hestonPrice('put', 1, K, T, 0.03, 0.01, p);
        const b = bsPrice('put', 1, K, T, 0.03, 0.01, avgVol(p, T));
        expect(Math.abs(h - b)).toBeLessThan(1e-11);
      }
    }
  });

  it('approaches that BS limit linearly as xi -> 0', () => {
    const T = 0.5;
    const b = bsPrice('call', 100, 105, T, 0.02, 0, avgVol(FO, T));
    const errs = [1e-1, 1e-2, 1e-3, 1e-4].map((xi) =>
      Math.abs(hestonPrice('call', 100, 105, T, 0.02, 0, { ...FO, xi }) - b),
    );
    for (let i = 1; i < errs.length; i++) {
      expect(errs[i]).toBeLessThan(errs[i - 1] / 5);
    }
    expect(errs[3]).toBeLessThan(1e-3);
  });

  it('stays continuous and arbitrage-free across long maturities with Feller violated', () => {
    // a branch-cut error in the CF's complex log would show up as a jump in T here
    const p = { v0: 0.04, kappa: 0.5, theta: 0.04, xi: 1.0, rho: -0.9 };
    let prev = 0;
    for (let T = 0.25; T <= 20; T += 0.25) {
      const c = hestonPrice('call', 100, 100, T, 0, 0, p);
      expect(c).toBeGreaterThan(prev);
      expect(c).toBeLessThan(100);
      prev = c;
    }
    // convex, decreasing in strike
    const Ks = [60, 80, 100, 120, 140];
    const cs = Ks.map((K) => hestonPrice('call', 100, K, 3, 0.01, 0, p));
    for (let i = 1; i < cs.length; i++) expect(cs[i]).toBeLessThan(cs[i - 1]);
    for (let i = 1; i < cs.length - 1; i++) expect(cs[i - 1] + cs[i + 1] - 2 * cs[i]).toBeGreaterThan(0);
  });

  it('prices short-dated far-OTM puts (an IBIT-like case) inside no-arbitrage bounds', () => {
    const p = { v0: 0.36, kappa: 3, theta: 0.3, xi: 1.2, rho: -0.4 };
    const put = hestonPrice('put', 50, 42, 7 / 365, 0.045, 0, p);
    expect(put).toBeGreaterThan(0);
    expect(put).toBeLessThan(0.5);
    // a negative rho fattens the left tail relative to the flat-vol price
    expect(put).toBeGreaterThan(bsPrice('put', 50, 42, 7 / 365, 0.045, 0, avgVol(p, 7 / 365)));
  });

  it('rejects invalid parameters', () => {
    expect(() => hestonPrice('call', 100, 100, 1, 0, 0, { ...FO, rho: 1.5 })).toThrow(RangeError);
    expect(() => hestonPrice('call', 100, 100, 1, 0, 0, { ...FO, v0: -0.1 })).toThrow(RangeError);
    expect(() => hestonPrice('call', -1, 100, 1, 0, 0, FO)).toThrow(RangeError);
  });
});

describe('batesPrice', () => {
  it('equals Heston when lambda = 0', () => {
    const h = hestonPrice('call', 1, 1.05, QL_T, 0.0225, 0.02, QL);
    const b = batesPrice('call', 1, 1.05, QL_T, 0.0225, 0.02, QL, {
      lambda: 0,
      jumpMean: -0.1,
      jumpVol: 0.2,
    });
    expect(Math.abs(b - h)).toBeLessThan(1e-13);
  });

  it('adds value to OTM puts when downward jumps are added', () => {
    const j = { lambda: 2, jumpMean: -0.08, jumpVol: 0.1 };
    const h = hestonPrice('put', 100, 80, 30 / 365, 0.04, 0, FO);
    const b = batesPrice('put', 100, 80, 30 / 365, 0.04, 0, FO, j);
    expect(b).toBeGreaterThan(h);
    const c = batesPrice('call', 100, 80, 30 / 365, 0.04, 0, FO, j);
    expect(c - b).toBeCloseTo(100 - 80 * Math.exp((-0.04 * 30) / 365), 10);
  });
});

describe('hestonPricer: many strikes of one expiry', () => {
  it('agrees with the adaptive hestonPrice to 1e-8 of spot from a day to a year, both rights', () => {
    // The sim's fitted Heston (mean-reverting fast, vol of vol 2) at a high variance.
    const p = { v0: 0.627544, kappa: 12, theta: 0.267596, xi: 2, rho: -0.0393018 };
    for (const T of [1 / 365, 14 / 365, 45 / 365, 1]) {
      const price = hestonPricer(T, 0, 0, p);
      for (const K of [30, 42, 50, 58, 75]) {
        for (const right of ['put', 'call'] as const) {
          expect(Math.abs(price(right, 50, K) - hestonPrice(right, 50, K, T, 0, 0, p))).toBeLessThan(50e-8);
        }
      }
    }
    // Expired: intrinsic.
    expect(hestonPricer(0, 0, 0, p)('put', 50, 55)).toBe(5);
  });
});
