import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../../src/adapters/bundled/chain-model.js';
import { indexChain, pickSpread } from '../../../src/core/conditions/spread-pick.js';
import { closeSpreadDebit, DEFAULT_FILL, openSpreadCredit } from '../../../src/core/fill/fill.js';
import { onTick } from '../../../src/core/fill/ticks.js';
import { buildChain, type ChainInput, strikeGrid } from '../../../src/core/market/chain-model.js';
import { listedExpiries } from '../../../src/core/market/listing.js';

/**
 * The chain model at the levels the four-year replay reaches: IBIT derived at $9–$27 (2022–2023)
 * and DVOL above 100 (May–June 2022), far from the $38 / 55 % it was fitted on.
 */
const cal = loadMarketCalendar();
const model = loadChainModel();
const asOfMs = Date.parse('2022-06-13T15:00:00Z');
const expiries = listedExpiries(cal, asOfMs);

function input(spot: number, atmIv30: number): ChainInput {
  return { symbol: 'IBIT', spot, atmIv30, asOfMs, expiries, r: 0.02, q: 0 };
}

describe('chain model at a $9–$27 underlying and DVOL above 100', () => {
  it('strike grids: the fitted K/S ranges at the fitted level, widened in log-moneyness above it', () => {
    // 21 DTE: $1 strikes on 0.6618–1.6148 S (8.60–20.99), $5 strikes on 0.5294–2.3825 S (6.88–30.97)
    expect(strikeGrid(model, 13, 21, 0.5)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 30]);
    expect(strikeGrid(model, 13, 21)).toEqual(strikeGrid(model, 13, 21, 0.3));
    // at 105 % the ranges widen by 1.05 / 0.5681: $1 from 13 × 0.6618^1.848 = 6.06, $5 from 13 × 0.5294^1.848 = 4.01
    const wide = strikeGrid(model, 13, 21, 1.05);
    expect(wide[0]).toBe(5);
    expect(wide.slice(1, 4)).toEqual([7, 8, 9]);
    expect(wide.includes(6)).toBe(false);
    // $9 weekly: half-dollar strikes from 0.7015 S = 6.31, dollars from 5.96, fives from 4.76
    expect(strikeGrid(model, 9, 5, 0.5).slice(0, 5)).toEqual([5, 6, 6.5, 7, 7.5]);
  });

  for (const spot of [9, 13, 27])
    for (const iv of [0.55, 1.05, 1.45])
      it(`$${spot} at ${iv * 100} % IV: every quote on the tick grid, bid < ask, puts rise with the strike`, () => {
        const q = buildChain(model, input(spot, iv));
        expect(q.length).toBeGreaterThan(100);
        for (const x of q) {
          expect(x.iv!).toBeGreaterThan(0);
          expect(Number.isFinite(x.iv!)).toBe(true);
          expect(x.bid!).toBeGreaterThanOrEqual(0);
          expect(x.ask!).toBeGreaterThan(x.bid!);
          expect(onTick(x.bid!) && onTick(x.ask!)).toBe(true);
        }
        for (const e of expiries) {
          const puts = q.filter((x) => x.expiry === e.expiry && x.right === 'put');
          for (let i = 1; i < puts.length; i++) expect(puts[i].ask!).toBeGreaterThanOrEqual(puts[i - 1].ask!);
        }
      });

  it('the farm finds $1-wide spreads at $9 in a 100 % market and fills them inside the quotes', () => {
    const chain = {
      symbol: 'IBIT' as const,
      underlyingPrice: 9,
      expiries: expiries.map((e) => e.expiry),
      quotes: buildChain(model, input(9, 1.05)),
    };
    const ix = indexChain(chain, asOfMs, false, cal, 0.02);
    for (const dte of [7, 21])
      for (const shortDelta of [0.15, 0.3]) {
        const p = pickSpread(ix, { dte, shortDelta, width: 1 }, DEFAULT_FILL);
        if (typeof p === 'string') throw new Error(p);
        expect(p.short.strike - p.long.strike).toBe(1);
        expect(p.credit).toBeGreaterThan(0);
        expect(p.credit).toBeLessThan(1);
        const open = openSpreadCredit(p.short, p.long, DEFAULT_FILL);
        const close = closeSpreadDebit(p.short, p.long, DEFAULT_FILL);
        expect(open.ok && close.ok).toBe(true);
        // buying back at once costs at least what was received (the spread is paid both ways)
        if (open.ok && close.ok) expect(close.debit).toBeGreaterThanOrEqual(open.credit);
      }
    // a $5-wide spread below a 0.15-delta short needs a strike under $4: none is listed, and the reason says so
    const five = pickSpread(ix, { dte: 21, shortDelta: 0.15, width: 5 }, DEFAULT_FILL);
    expect(five).toMatch(/^no \d{4}-\d{2}-\d{2} strike \$5 below/);
  });
});
