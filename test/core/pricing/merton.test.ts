import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import { batesPrice } from '../../../src/core/pricing/heston.js';
import { mertonPrice } from '../../../src/core/pricing/merton.js';

describe('mertonPrice', () => {
  it('reproduces the Merton (1976) reference value 8.95 at 1e-2', () => {
    // total vol 0.25, a share gamma = 0.25 of the variance from jumps, lambda = 1
    const gamma = 0.25;
    const lambda = 1;
    const jumpVol = 0.25 * Math.sqrt(gamma / lambda);
    const vol = 0.25 * Math.sqrt(1 - gamma);
    const c = mertonPrice('call', 100, 100, 0.5, 0.08, 0, vol, {
      lambda,
      jumpMean: -(jumpVol ** 2) / 2,
      jumpVol,
    });
    expect(Math.abs(c - 8.95)).toBeLessThan(1e-2);
  });

  it('equals BS when lambda = 0', () => {
    for (const right of ['call', 'put'] as const) {
      const m = mertonPrice(right, 100, 95, 0.3, 0.05, 0.01, 0.4, {
        lambda: 0,
        jumpMean: -0.2,
        jumpVol: 0.3,
      });
      expect(m).toBe(bsPrice(right, 100, 95, 0.3, 0.05, 0.01, 0.4));
    }
  });

  it('matches Bates by characteristic function with constant variance (two independent methods)', () => {
    const j = { lambda: 3, jumpMean: -0.1, jumpVol: 0.15 };
    const heston = { v0: 0.16, theta: 0.16, kappa: 1, xi: 0, rho: 0 };
    for (const K of [60, 90, 100, 130]) {
      for (const right of ['call', 'put'] as const) {
        const m = mertonPrice(right, 100, K, 0.3, 0.03, 0.01, 0.4, j);
        const b = batesPrice(right, 100, K, 0.3, 0.03, 0.01, heston, j);
        expect(Math.abs(m - b)).toBeLessThan(1e-10);
      }
    }
  });

  it('satisfies put-call parity with a dividend yield and converges for a large jump intensity', () => {
    const j = { lambda: 200, jumpMean: -0.01, jumpVol: 0.03 };
    const c = mertonPrice('call', 50, 48, 0.25, 0.045, 0.02, 0.3, j);
    const p = mertonPrice('put', 50, 48, 0.25, 0.045, 0.02, 0.3, j);
    expect(c - p).toBeCloseTo(50 * Math.exp(-0.02 * 0.25) - 48 * Math.exp(-0.045 * 0.25), 10);
  });

  it('rejects a negative intensity', () => {
    expect(() =>
      mertonPrice('call', 100, 100, 1, 0, 0, 0.2, { lambda: -1, jumpMean: 0, jumpVol: 0.1 }),
    ).toThrow(RangeError);
  });
});
