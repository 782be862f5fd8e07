import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import { batesPrice, hestonPrice } from '../../../src/core/pricing/heston.js';
import { mertonPrice } from '../../../src/core/pricing/merton.js';
import type { ModelSpec } from '../../../src/core/pricing/models.js';
import { gbmProbAbove, gbmProbTouchBelow, spreadOutcomes, spreadPnl } from '../../../src/core/pricing/pop.js';

const T30 = 30 / 365;

describe('gbmProbAbove', () => {
  it('reproduces the published value 0.700730', () => {
    expect(Math.abs(gbmProbAbove(100, 90, 0, 0.6, T30) - 0.70073)).toBeLessThan(1e-6);
  });

  it('degenerates to the deterministic forward without diffusion', () => {
    expect(gbmProbAbove(100, 101, 0.05, 0, 1)).toBe(1);
    expect(gbmProbAbove(100, 106, 0.05, 0, 1)).toBe(0);
  });
});

describe('spreadPnl', () => {
  it('keeps the credit above shortK, loses the width minus credit below longK, is linear between', () => {
    expect(spreadPnl(60, 45, 42, 0.8)).toBeCloseTo(0.8, 14);
    expect(spreadPnl(40, 45, 42, 0.8)).toBeCloseTo(0.8 - 3, 14);
    expect(spreadPnl(44.2, 45, 42, 0.8)).toBeCloseTo(0, 14);
  });
});

describe('spreadOutcomes', () => {
  // credit 1 on a 91/85 spread: breakeven 90, so PoP is the published P(S_T > 90)
  const gbmOpts = {
    S0: 100,
    shortK: 91,
    longK: 85,
    credit: 1,
    T: T30,
    r: 0,
    q: 0,
    steps: 30,
    paths: 200_000,
    seed: 11,
  };
  const gbm = spreadOutcomes({ model: 'gbm', vol: 0.6 }, gbmOpts);

  it('converges to the closed-form GBM PoP and max-loss probability within 3 SE', () => {
    expect(gbm.breakeven).toBe(90);
    expect(gbm.maxLoss).toBeCloseTo(5, 14);
    expect(gbm.paths).toBe(200_000);
    expect(Math.abs(gbm.pop - 0.70073) / gbm.popSE).toBeLessThan(3);
    const pMax = 1 - gbmProbAbove(100, 85, 0, 0.6, T30);
    expect(Math.abs(gbm.pMaxLoss - pMax) / gbm.pMaxLossSE).toBeLessThan(3);
    expect(gbm.pMaxLoss).toBeLessThan(1 - gbm.pop);
  });

  it('gives a discrete-step touch probability near the BGK-shifted reflection formula', () => {
    const cont = gbmProbTouchBelow(100, 91, 0, 0.6, T30);
    const bgk = gbmProbTouchBelow(100, 91, 0, 0.6, T30, T30 / 30);
    // 30 looks miss crossings between steps: clearly below the continuous barrier...
    expect((cont - gbm.pTouch) / gbm.pTouchSE).toBeGreaterThan(20);
    // ...and the BGK shift removes >90% of that gap (its residual is O(1/steps))
    expect(Math.abs(gbm.pTouch - bgk)).toBeLessThan(3 * gbm.pTouchSE + 0.1 * (cont - gbm.pTouch));
    expect(Math.abs(gbm.pTouch - bgk)).toBeLessThan(0.005);
    // touching shortK is necessary for finishing below it
    expect(gbm.pTouch).toBeGreaterThan(1 - gbm.pop);
  });

  it('checks the continuous reflection formula against its own limits', () => {
    expect(gbmProbTouchBelow(100, 100, 0, 0.6, 1)).toBe(1);
    // P(touch) > P(end below) = 1 - P(S_T > H)
    for (const mu of [-0.2, 0, 0.3]) {
      const touch = gbmProbTouchBelow(100, 85, mu, 0.5, 0.25);
      expect(touch).toBeGreaterThan(1 - gbmProbAbove(100, 85, mu, 0.5, 0.25));
    }
    // zero drift: exactly twice the probability of ending below (reflection principle in log space
    // holds for nu = 0, i.e. mu = vol^2/2)
    const nuZero = gbmProbTouchBelow(100, 85, 0.125, 0.5, 0.25);
    expect(nuZero).toBeCloseTo(2 * (1 - gbmProbAbove(100, 85, 0.125, 0.5, 0.25)), 14);
  });

  describe('expected P&L at the model-fair credit is zero within 3 SE (15-delta IBIT-like spread)', () => {
    // r = q = 0 so the analytic spread price is also the undiscounted fair credit
    const heston = { v0: 0.3, kappa: 3, theta: 0.3, xi: 1.0, rho: -0.3 };
    const jumps = { lambda: 4, jumpMean: -0.06, jumpVol: 0.12 };
    const S0 = 50;
    const shortK = 43;
    const longK = 40;
    const cases: [string, ModelSpec, (K: number) => number][] = [
      ['gbm', { model: 'gbm', vol: 0.55 }, (K) => bsPrice('put', S0, K, T30, 0, 0, 0.55)],
      ['heston', { model: 'heston', heston }, (K) => hestonPrice('put', S0, K, T30, 0, 0, heston)],
      [
        'merton',
        { model: 'merton', vol: 0.45, jumps },
        (K) => mertonPrice('put', S0, K, T30, 0, 0, 0.45, jumps),
      ],
      [
        'heston-jump',
        { model: 'heston-jump', heston, jumps },
        (K) => batesPrice('put', S0, K, T30, 0, 0, heston, jumps),
      ],
    ];
    for (const [name, spec, put] of cases) {
      it(name, () => {
        const credit = put(shortK) - put(longK);
        const o = spreadOutcomes(spec, {
          S0,
          shortK,
          longK,
          credit,
          T: T30,
          r: 0,
          q: 0,
          steps: 30,
          paths: 100_000,
          seed: 21,
        });
        expect(Math.abs(o.expectedPnl) / o.expectedPnlSE).toBeLessThan(3);
        // sanity on the probabilities the trader sees
        expect(o.pop).toBeGreaterThan(0.5);
        expect(o.pMaxLoss).toBeLessThan(1 - o.pop);
        expect(o.pTouch).toBeGreaterThan(1 - o.pop);
        for (const se of [o.popSE, o.pTouchSE, o.pMaxLossSE, o.expectedPnlSE]) {
          expect(se).toBeGreaterThan(0);
          expect(se).toBeLessThan(0.01);
        }
      });
    }
  });

  it('works without antithetic pairing and validates the legs', () => {
    const base = {
      S0: 50,
      shortK: 45,
      longK: 42,
      credit: 0.5,
      T: T30,
      r: 0.04,
      q: 0,
      steps: 5,
      paths: 999,
      seed: 1,
    };
    const o = spreadOutcomes({ model: 'gbm', vol: 0.5 }, { ...base, antithetic: false });
    expect(o.paths).toBe(999);
    expect(spreadOutcomes({ model: 'gbm', vol: 0.5 }, base).paths).toBe(1000);
    expect(() => spreadOutcomes({ model: 'gbm', vol: 0.5 }, { ...base, longK: 46 })).toThrow(RangeError);
    expect(() => spreadOutcomes({ model: 'gbm', vol: 0.5 }, { ...base, credit: Number.NaN })).toThrow(
      RangeError,
    );
  });
});
