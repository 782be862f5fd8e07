import { describe, expect, it } from 'vitest';
import { type PriceRequest, priceOption, priceSpread } from '../../src/services/price.js';

const put = (o: Partial<PriceRequest> = {}): PriceRequest => ({
  type: 'put',
  spot: 45.37,
  strike: 42,
  rate: 0,
  dividendYield: 0,
  years: 11 / 365,
  style: 'european',
  model: 'gbm',
  vol: 0.65,
  paths: 20_000,
  seed: 1,
  ...o,
});

describe('price: greeks as a trader reads them', () => {
  it('per contract: theta a day and vega a vol point (−25.7615/yr and 2.3888/σ per share → −$7.06 and $2.39)', () => {
    const r = priceOption(put());
    expect(r.theta).toBeCloseTo(-25.7615, 3);
    expect(r.vega).toBeCloseTo(2.3888, 3);
    expect(r.perContract.thetaPerDay).toBeCloseTo((-25.7615 * 100) / 365, 2); // −7.058
    expect(r.perContract.vegaPerVolPoint).toBeCloseTo(2.3888, 3); // 2.3888 × 100 shares ÷ 100 points
    expect(r.perContract.delta).toBeCloseTo(r.delta! * 100, 10);
    expect(r.warnings).toEqual([]);
  });

  it('American greeks come from bumping the lattice: close to the European ones for an OTM put without rates', () => {
    const a = priceOption(put({ style: 'american' }));
    expect(a.vega).not.toBeNull();
    expect(a.theta).not.toBeNull();
    expect(a.rho).not.toBeNull();
    expect(a.vega!).toBeCloseTo(2.3888, 1);
    expect(a.theta!).toBeCloseTo(-25.76, -1);
  });

  it('--vol 65 warns that vols are fractions; every missing Heston parameter is named at once', () => {
    expect(priceOption(put({ vol: 65 })).warnings).toEqual([
      '--vol 65 is 6,500% a year; volatilities are fractions — did you mean 0.65?',
    ]);
    expect(() => priceOption(put({ model: 'heston', vol: undefined }))).toThrow(
      '--model heston needs --v0, --kappa, --theta, --xi, --rho',
    );
    expect(() => priceOption(put({ model: 'heston-jump', vol: undefined, heston: { v0: 0.4 } }))).toThrow(
      '--model heston-jump needs --kappa, --theta, --xi, --rho, --lambda, --jump-mean, --jump-vol',
    );
  });
});

describe('price spread: the numbers and the payoff', () => {
  const deps = { farmConfig: { engine: 'js' } } as Parameters<typeof priceSpread>[0];
  const r = priceSpread(deps, {
    ...put(),
    shortStrike: 42,
    longStrike: 40,
    credit: 0.4,
    engine: 'js',
    paths: 4_000,
  });

  it('breakeven 42 − 0.40 = 41.60, max loss $160 a contract, credit/risk 0.40 / 1.60 = 0.25', () => {
    expect(r.breakeven).toBeCloseTo(41.6, 12);
    expect(r.maxLoss * 100).toBeCloseTo(160, 10);
    expect(r.creditToRisk).toBeCloseTo(0.25, 12);
  });

  it('net greeks of the short spread: the long put’s minus the short put’s', () => {
    expect(r.netGreeks.thetaPerDay).toBeCloseTo(
      r.longPut.perContract.thetaPerDay! - r.shortPut.perContract.thetaPerDay!,
      10,
    );
    // short the spread: long delta (gains as the price rises), collects theta
    expect(r.netGreeks.delta!).toBeGreaterThan(0);
    expect(r.netGreeks.thetaPerDay!).toBeGreaterThan(0);
  });

  it('payoff at expiry: −$160 at or below 40, +$40 at or above 42, $0 at the breakeven; today spans the spot', () => {
    const { spot, expiry, today } = r.payoff;
    expect(spot[0]).toBeLessThanOrEqual(40);
    expect(spot.at(-1)!).toBeGreaterThanOrEqual(45.37);
    spot.forEach((S, i) => {
      const hand = S <= 40 ? -160 : S >= 42 ? 40 : (0.4 - (42 - S)) * 100;
      expect(expiry[i]).toBeCloseTo(hand, 9);
    });
    // today, near the spot, the spread is worth about its model value: P&L ≈ credit − model credit
    const i = spot.findIndex((S) => S >= 45.37);
    expect(today[i]).toBeGreaterThan(-10);
    expect(today[i]).toBeLessThan(40);
  });
});
