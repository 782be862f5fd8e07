/**
 * The group gate's books kept by the host: each (symbol, dte, delta, width) group's daily P&L
 * summed over its traders, and each trader's monthly Σ(daily P&L)², on a hand-made market.
 */
import { describe, expect, it } from 'vitest';
import { Grid } from '../../../src/core/farm/grid.js';
import { FarmHost } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { FarmState } from '../../../src/core/farm/state.js';
import { HAND_RULES, handMarket } from '../../support/hand-market.js';

// Two groups ($3 and $5 wide), two traders each (PT 50 % and 75 %): ids 0, 1 | 2, 3.
const GRID = new Grid({
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [30],
  shortDelta: [0.2],
  width: [3, 5],
  profitTargetPct: [50, 75],
  stopLossX: [1],
  trailingStopPct: [0],
  sizePct: [5],
});
const RULES = HAND_RULES;
const T0 = Date.UTC(2026, 2, 2, 15, 0);
const { mark, step } = handMarket(T0, { expiryHours: 1000, combos: 2 });

describe('group books', () => {
  it('sums each group’s daily P&L over its traders and each trader’s monthly Σpnl², through a checkpoint', () => {
    const host = new FarmHost(GRID, RULES, { months: 1, kernels: new JsFarmKernels(), days: 2 });
    // Credit $0.50 on both. $3 wide: max loss 25,000 cents → 5 % of $100,000 buys 20 contracts;
    // $5 wide: 45,000 cents → 11.
    host.step(
      step(0, {
        candidates: [
          { spreadId: 0, creditPips: 5_000, midPips: 5_000, maxLossCents: 25_000, deltaUsd: 0, vegaUsd: 0 },
          { spreadId: 1, creditPips: 5_000, midPips: 5_000, maxLossCents: 45_000, deltaUsd: 0, vegaUsd: 0 },
        ],
      }),
    );
    // Close of day 0: the $3 spread marks at $0.40 (+1,000 pips × 20 = +20,000 cents, less entry fees
    // 2 × 65 × 20 = 2,600: +17,400 a trader); the $5 one at $0.60 (−1,000 × 11 − 2 × 65 × 11 = −12,430).
    host.step(
      step(1, {
        isClose: true,
        marks: new Map([
          [0, mark(4_000)],
          [1, mark(6_000)],
        ]),
      }),
    );
    // Through a checkpoint: the books come back with the state.
    const resumed = new FarmHost(
      GRID,
      RULES,
      { months: 1, kernels: new JsFarmKernels(), days: 2 },
      FarmState.deserialize(host.state.serialize(), 10_000_000),
    );
    // Close of day 1: $3 spread at $0.45 (−500 × 20 = −10,000 a trader); $5 unchanged (0).
    resumed.step(
      step(25, {
        isClose: true,
        marks: new Map([
          [0, mark(4_500)],
          [1, mark(6_000)],
        ]),
      }),
    );
    const st = resumed.state;
    // [group 0 day 0, group 0 day 1, group 1 day 0, group 1 day 1]
    expect(Array.from(st.groupDaily)).toEqual([34_800, -20_000, -24_860, 0]);
    // 17,400² + 10,000² = 402,760,000; 12,430² = 154,504,900 (float32: 154,504,896).
    expect(Array.from(st.monthlySumSq)).toEqual([
      402_760_000,
      402_760_000,
      Math.fround(154_504_900),
      Math.fround(154_504_900),
    ]);
    expect(Array.from(st.monthlyCents)).toEqual([7_400, 7_400, -12_430, -12_430]);
  });

  it('a live host (no day count) keeps no group books', () => {
    const host = new FarmHost(GRID, RULES, { months: 1, kernels: new JsFarmKernels() });
    expect(host.state.groupDaily.length).toBe(0);
    expect(FarmState.deserialize(host.state.serialize(), 10_000_000).groupDaily.length).toBe(0);
  });
});
