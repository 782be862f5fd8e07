import { describe, expect, it } from 'vitest';
import { expectedTrades, reviewForward } from '../../../src/core/judge/review.js';
import { CounterRng, streamId } from '../../../src/core/pricing/rng.js';

// In sample: $1.00 a trade, sd $3.00, t 2 → the review tests against μ₀ = $0.75 (cents below).
const IS = { isMean: 100, isSd: 300, isT: 2 };
/** 100 · (1 − 1/2²): the shrunk edge, by hand (the review must test against it, not the in-sample 100). */
const MU0 = 75;
const RUNS = 2000;
/** Forward trades per run at most: the test decides long before (about 50 trades at μ₀, 90 at 0). */
const HORIZON = 1000;

type Draw = (rng: CounterRng) => number;
const normal =
  (mean: number): Draw =>
  (rng) =>
    mean + IS.isSd * rng.nextNormal();
/** Short-put shaped, same mean and sd: 90 % small wins, 10 % losses (w + L = 1,000 gives sd 300). */
const skewed =
  (mean: number): Draw =>
  (rng) =>
    rng.nextUniform() < 0.9 ? mean + 100 : mean - 900;

function rates(draw: Draw, alpha: number, beta: number, seed: number) {
  const out = { demote: 0, keep: 0, continue: 0 };
  let read = 0;
  const rng = new CounterRng(seed, streamId('test.review'));
  for (let run = 0; run < RUNS; run++) {
    rng.seek(run);
    const trades = Array.from({ length: HORIZON }, () => draw(rng));
    const v = reviewForward({ ...IS, trades, alpha, beta });
    out[v.status]++;
    read += v.trades;
  }
  return {
    demote: out.demote / RUNS,
    keep: out.keep / RUNS,
    continue: out.continue / RUNS,
    meanTrades: read / RUNS,
  };
}

/** The binomial 3-sigma margin of a rate p over RUNS runs. */
const margin = (p: number) => 3 * Math.sqrt((p * (1 - p)) / RUNS);

describe('the stated error rates of the forward review, by seeded simulation (2,000 runs each)', () => {
  // Measured (seeds 11 and 12, quoted in the README): demoted 5.0 % and kept 17.8 % at α 5 %, β 20 %;
  // demoted 0.95 % and kept 8.7 % at α 1 %, β 10 %.
  for (const [alpha, beta, demoted, kept] of [
    [0.05, 0.2, 0.05, 0.178],
    [0.01, 0.1, 0.0095, 0.087],
  ]) {
    const falseDemotion = alpha / (1 - beta);
    const missed = beta / (1 - alpha);
    it(`α ${alpha}, β ${beta}: trades with the shrunk edge are demoted in ≤ α/(1 − β) = ${falseDemotion.toFixed(4)}, trades with none kept in ≤ β/(1 − α) = ${missed.toFixed(4)}`, () => {
      const edge = rates(normal(MU0), alpha, beta, 11);
      const none = rates(normal(0), alpha, beta, 12);
      expect(edge.demote).toBeLessThanOrEqual(falseDemotion + margin(falseDemotion));
      expect(none.keep).toBeLessThanOrEqual(missed + margin(missed));
      // The test has teeth: a configuration with no edge is demoted most of the time.
      expect(none.demote).toBeGreaterThanOrEqual(1 - missed - margin(missed));
      expect(edge.continue + none.continue).toBe(0);
      expect([edge.demote, none.keep]).toEqual([demoted, kept]);
      // Wald's average sample numbers ignore the overshoot: the measured averages are 0–20 % above them
      // (with the edge 47.3 trades vs 42.9, none 67.7 vs 61.0; at α 1 %, β 10 %: 74.4 vs 71.2, 128.7 vs 122.3).
      const wald = expectedTrades({ ...IS, alpha, beta })!;
      expect(edge.meanTrades / wald.edge).toBeGreaterThan(1);
      expect(edge.meanTrades / wald.edge).toBeLessThan(1.2);
      expect(none.meanTrades / wald.noEdge).toBeGreaterThan(1);
      expect(none.meanTrades / wald.noEdge).toBeLessThan(1.2);
    });
  }

  it('short-put shaped trades (90 % +$1.75, 10 % −$8.25 at the edge): the normal likelihood is liberal at small α — measured 6.0 % at α 5 % (bound 6.25 %) and 1.75 % at α 1 % (bound 1.11 %)', () => {
    // Pinned seeded figures, quoted in the README; not a bound the test guarantees.
    expect(rates(skewed(MU0), 0.05, 0.2, 13).demote).toBe(0.06);
    expect(rates(skewed(0), 0.05, 0.2, 14).keep).toBe(0.125);
    expect(rates(skewed(MU0), 0.01, 0.1, 13).demote).toBe(0.0175);
    expect(rates(skewed(0), 0.01, 0.1, 14).keep).toBe(0.0525);
  });
});
