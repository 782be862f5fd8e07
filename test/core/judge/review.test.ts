import { describe, expect, it } from 'vitest';
import { expectedTrades, reviewForward, shrunkMean, tradeStats } from '../../../src/core/judge/review.js';

// In sample: $1.00 a trade with t = 2 → shrunk to 1 − 1/4 = 75 % of it, 75 cents; sd $3.
const IS = { isMean: 100, isSd: 300, isT: 2, alpha: 0.05, beta: 0.2 };

describe('sequential review of a promoted configuration', () => {
  it('shrinks the in-sample mean by its t: t 2 keeps 3/4, t 1 or less nothing', () => {
    expect(shrunkMean(100, 2)).toBe(75);
    expect(shrunkMean(100, 1)).toBe(0);
    expect(shrunkMean(100, 0.5)).toBe(0);
  });

  it('losing $3 a trade: each adds 75·337.5/90,000 = 0.28125 to the log LR; Wald’s ln(0.8/0.05) = 2.7726 is passed at trade 10', () => {
    const r = reviewForward({ ...IS, trades: new Array(20).fill(-300) });
    expect(r.status).toBe('demote');
    expect(r.trades).toBe(10);
    expect(r.llr).toBeCloseTo(2.8125, 12);
    expect(r.demoteAt).toBeCloseTo(Math.log(16), 12);
    expect(r.reason).toMatch(/^after 10 forward trades .*false demotion ≤ 6\.3 %\)$/);
  });

  it('making $2 a trade: −75·162.5/90,000 = −0.135417 each; ln(0.2/0.95) = −1.5581 is passed at trade 12', () => {
    const r = reviewForward({ ...IS, trades: new Array(20).fill(200) });
    expect(r.status).toBe('keep');
    expect(r.trades).toBe(12);
    expect(r.llr).toBeCloseTo(-1.625, 12);
  });

  it('too few trades to decide: keep following; nothing left after shrinking: demote at once', () => {
    expect(reviewForward({ ...IS, trades: [-300, 200, 37.5] }).status).toBe('continue');
    const gone = reviewForward({ ...IS, isT: 0.9, trades: [] });
    expect(gone.status).toBe('demote');
    expect(gone.reason).toMatch(/^no edge left to defend/);
  });
});

describe('the per-trade evidence a promotion records', () => {
  it('trades 100, 300, 200, −200 cents: mean 100, sd √(140,000/3) = 216.02, t = 100/(216.02/2) = 0.9258', () => {
    const s = tradeStats([100, 300, 200, -200])!;
    expect(s.mean).toBe(100);
    expect(s.sd).toBeCloseTo(Math.sqrt(140_000 / 3), 12);
    expect(s.sd).toBeCloseTo(216.0247, 4);
    expect(s.t).toBeCloseTo(0.92582, 5);
  });

  it('one trade, or trades all alike, give no evidence of spread: null', () => {
    expect(tradeStats([])).toBeNull();
    expect(tradeStats([500])).toBeNull();
    expect(tradeStats([500, 500, 500])).toBeNull();
  });
});

describe("what a review can see: the trades it needs (Wald's approximation)", () => {
  it('μ₀ 75, σ 300: ±0.03125 a trade; no edge (0.8·ln 16 + 0.2·ln(0.2/0.95))/0.03125 = 61.0, the edge (0.05·ln 16 + 0.95·ln(0.2/0.95))/−0.03125 = 42.93', () => {
    const e = expectedTrades(IS)!;
    expect(e.noEdge).toBeCloseTo(61.006, 3);
    expect(e.edge).toBeCloseTo(42.931, 3);
  });

  it('t 1.02 keeps 3.9 % of the mean, 1/19.3 of t 2’s 75 %: 373 times the trades (22,758); nothing left: null', () => {
    const weak = expectedTrades({ ...IS, isT: 1.02 })!;
    const f = (1 - 1 / 1.02 ** 2) / 0.75;
    expect(weak.noEdge).toBeCloseTo(61.006 / (f * f), 0);
    expect(weak.noEdge).toBeCloseTo(22_758, 0);
    expect(expectedTrades({ ...IS, isT: 1 })).toBeNull();
  });
});
