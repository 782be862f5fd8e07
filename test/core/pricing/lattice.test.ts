import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import {
  americanApprox,
  americanPrice,
  DEFAULT_LATTICE_STEPS,
  earlyExerciseBoundary,
  earlyExerciseOptimal,
} from '../../../src/core/pricing/lattice.js';

const REF: [number, number, number, number, number, number] = [36, 40, 1, 0.06, 0, 0.2];

describe('American put reference (reference-values.md)', () => {
  it('K=40, S=36, r=0.06, vol=0.2, T=1: 4.4867 within 1e-3 (CRR 20,000 steps: 4.48668)', () => {
    const v = americanPrice('put', ...REF);
    expect(Math.abs(v - 4.4867)).toBeLessThan(1e-3);
    // Tighter: the extrapolated lattice lands within 5e-5 of the 20,000-step CRR value.
    expect(Math.abs(v - 4.48668)).toBeLessThan(5e-5);
  });

  it('sits above the Bermudan (50 dates/yr, 4.478) and European (3.844) values', () => {
    const v = americanPrice('put', ...REF);
    const euro = bsPrice('put', ...REF);
    expect(euro).toBeCloseTo(3.844, 3);
    expect(v).toBeGreaterThan(4.478);
    expect(v - 4.478).toBeLessThan(0.02);
  });

  it('plain lattice converges toward the extrapolated value as steps grow', () => {
    const ref = americanPrice('put', ...REF);
    let prev = Number.POSITIVE_INFINITY;
    for (const steps of [51, 201, 801]) {
      const err = Math.abs(americanPrice('put', ...REF, { steps, extrapolate: false }) - ref);
      expect(err).toBeLessThan(prev);
      prev = err;
    }
    expect(prev).toBeLessThan(2e-3);
    expect(DEFAULT_LATTICE_STEPS % 2).toBe(1);
  });
});

describe('American option properties', () => {
  it('calls without dividends (r >= 0) equal the European value exactly', () => {
    expect(americanPrice('call', 100, 95, 0.5, 0.05, 0, 0.4)).toBe(
      bsPrice('call', 100, 95, 0.5, 0.05, 0, 0.4),
    );
    expect(americanPrice('put', 100, 95, 0.5, 0, 0.01, 0.4)).toBe(bsPrice('put', 100, 95, 0.5, 0, 0.01, 0.4));
  });

  it('put-call symmetry: C(S, K, r, q) = P(K, S, q, r) for American options', () => {
    for (const [S, K, T, r, q, vol] of [
      [100, 100, 1, 0.03, 0.08, 0.3],
      [50, 45, 0.25, 0.02, 0.06, 0.6],
      [20, 24, 60 / 365, 0.05, 0.1, 0.9],
    ]) {
      const c = americanPrice('call', S, K, T, r, q, vol);
      const p = americanPrice('put', K, S, T, q, r, vol);
      expect(Math.abs(c - p)).toBeLessThan(1e-4);
      expect(c).toBeGreaterThan(bsPrice('call', S, K, T, r, q, vol));
    }
  });

  it('bounds and monotonicity on an IBIT-like strip', () => {
    let prev = Number.POSITIVE_INFINITY;
    for (let S = 30; S <= 70; S += 2.5) {
      const v = americanPrice('put', S, 50, 30 / 365, 0.045, 0, 0.6);
      expect(v).toBeGreaterThanOrEqual(Math.max(50 - S, 0));
      expect(v).toBeGreaterThanOrEqual(bsPrice('put', S, 50, 30 / 365, 0.045, 0, 0.6) - 1e-12);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
  });

  it('edge cases: expiry, zero vol, deep ITM, invalid input', () => {
    expect(americanPrice('put', 36, 40, 0, 0.06, 0, 0.2)).toBe(4);
    expect(americanPrice('put', 36, 40, 1, 0.06, 0, 0)).toBe(4); // exercise now beats K e^{-rT} - S
    expect(americanPrice('put', 39.99, 40, 1, 0, -0.1, 0)).toBeCloseTo(0.01, 12);
    expect(americanPrice('put', 1, 100, 1, 0.05, 0, 0.3)).toBe(99);
    expect(americanPrice('put', 36, 40, 1, 0.06, 0, 1e-9)).toBeCloseTo(4, 9);
    expect(() => americanPrice('put', 0, 40, 1, 0.06, 0, 0.2)).toThrow(RangeError);
    expect(() => americanPrice('put', 36, 40, 1, 0.06, 0, 0.2, { steps: 0 })).toThrow(/steps/);
  });
});

describe('early exercise boundary', () => {
  const { t, boundary } = earlyExerciseBoundary('put', ...REF);

  it('put boundary rises to K at expiry and stays below K', () => {
    expect(t[0]).toBe(0);
    expect(t[t.length - 1]).toBeCloseTo(1, 14);
    expect(boundary[boundary.length - 1]).toBe(40);
    let bad = 0;
    for (let i = 0; i < boundary.length; i++) if (!(boundary[i] > 25 && boundary[i] <= 40)) bad++;
    expect(bad).toBe(0);
    // Rising on a coarse grid (row-to-row parity wiggles are ~0.01).
    for (let i = 100; i < boundary.length; i += 100) expect(boundary[i]).toBeGreaterThan(boundary[i - 100]);
    // About 32.9 a year out for this put.
    expect(boundary[0]).toBeGreaterThan(32.8);
    expect(boundary[0]).toBeLessThan(33.0);
  });

  it('agrees with earlyExerciseOptimal and with the price touching intrinsic', () => {
    const b = boundary[0];
    expect(earlyExerciseOptimal('put', b * 0.997, 40, 1, 0.06, 0, 0.2)).toBe(true);
    expect(earlyExerciseOptimal('put', b * 1.003, 40, 1, 0.06, 0, 0.2)).toBe(false);
    expect(americanPrice('put', b * 0.99, 40, 1, 0.06, 0, 0.2)).toBeCloseTo(40 - b * 0.99, 10);
    expect(americanPrice('put', b * 1.02, 40, 1, 0.06, 0, 0.2)).toBeGreaterThan(40 - b * 1.02 + 1e-4);
  });

  it('long maturity approaches the perpetual put boundary K * 2r/(2r + vol^2) = 30', () => {
    const long = earlyExerciseBoundary('put', 36, 40, 30, 0.06, 0, 0.2, { steps: 2000 });
    expect(Math.abs(long.boundary[0] - 30) / 30).toBeLessThan(0.03);
  });

  it('call with dividends: boundary falls to max(K, rK/q) at expiry', () => {
    const c = earlyExerciseBoundary('call', 100, 100, 1, 0.03, 0.08, 0.3, { steps: 500 });
    expect(c.boundary[500]).toBe(100);
    expect(c.boundary[0]).toBeGreaterThan(c.boundary[400]);
    expect(earlyExerciseOptimal('call', c.boundary[0] * 1.005, 100, 1, 0.03, 0.08, 0.3)).toBe(true);
    expect(earlyExerciseOptimal('call', c.boundary[0] * 0.995, 100, 1, 0.03, 0.08, 0.3)).toBe(false);
  });

  it('never-exercised cases: put boundary 0, call boundary Infinity', () => {
    expect(
      earlyExerciseBoundary('put', 36, 40, 1, 0, 0, 0.2, { steps: 10 }).boundary.every((x) => x === 0),
    ).toBe(true);
    const c = earlyExerciseBoundary('call', 36, 40, 1, 0.05, 0, 0.2, { steps: 10 }).boundary;
    expect(c.every((x) => x === Number.POSITIVE_INFINITY)).toBe(true);
    expect(earlyExerciseOptimal('call', 80, 40, 1, 0.05, 0, 0.2)).toBe(false);
    expect(earlyExerciseOptimal('put', 45, 40, 1, 0.05, 0, 0.2)).toBe(false);
    expect(earlyExerciseOptimal('put', 5, 40, 1, 0.05, 0, 0.2)).toBe(true);
    expect(() => earlyExerciseBoundary('put', 36, 40, 1, 0.06, 0, 0)).toThrow(/vol/);
  });
});

describe('americanApprox (Barone-Adesi-Whaley)', () => {
  it("matches Haug's published BAW values (T=0.1, r=q=0.10, vol=0.15, K=100)", () => {
    expect(americanApprox('call', 90, 100, 0.1, 0.1, 0.1, 0.15)).toBeCloseTo(0.0206, 4);
    expect(americanApprox('put', 100, 100, 0.1, 0.1, 0.1, 0.15)).toBeCloseTo(1.877, 3);
    expect(americanApprox('put', 110, 100, 0.1, 0.1, 0.1, 0.15)).toBeCloseTo(0.041, 3);
    expect(americanApprox('put', 90, 100, 0.1, 0.1, 0.1, 0.15)).toBeCloseTo(10, 4);
  });

  it('documents its max error vs the lattice on the IBIT put grid', () => {
    let maxAll = 0;
    let maxOtm = 0;
    let maxToAtm = 0;
    for (const S of [20, 50, 80])
      for (const m of [0.7, 0.85, 1, 1.15, 1.3])
        for (const days of [1, 7, 14, 30, 60])
          for (const vol of [0.3, 0.5, 0.75, 1])
            for (const r of [0, 0.02, 0.05]) {
              const K = S * m;
              const T = days / 365;
              const e = Math.abs(
                americanApprox('put', S, K, T, r, 0, vol) - americanPrice('put', S, K, T, r, 0, vol),
              );
              maxAll = Math.max(maxAll, e);
              if (m < 1) maxOtm = Math.max(maxOtm, e);
              if (m <= 1) maxToAtm = Math.max(maxToAtm, e);
            }
    // Measured: 0.0028 (OTM), 0.0092 (to ATM), 0.0605 (all, deep ITM 60 days).
    expect(maxOtm).toBeLessThan(0.003);
    expect(maxToAtm).toBeLessThan(0.0095);
    expect(maxAll).toBeLessThan(0.062);
  });

  it('reference put: BAW undervalues the 1-year case by ~0.027', () => {
    const v = americanApprox('put', ...REF);
    expect(v).toBeGreaterThan(4.45);
    expect(v).toBeLessThan(4.4867);
  });
});
