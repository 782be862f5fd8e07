/** BITO in the replay: its real daily bars, its distributions as their ex-dates give them, chains on its price. */
import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import {
  distributionYield,
  ReplayMarketDataSource,
} from '../../../../src/adapters/market/replay/replay-source.js';

const cal = loadMarketCalendar();
const src = new ReplayMarketDataSource({ calendar: cal, riskFreeRate: 0.04 });
// Friday 2024-03-01 11:00 EST: BITO goes ex $0.726 today.
const at = Date.parse('2024-03-01T16:00:00Z');

describe('BITO in the replay', () => {
  it('its real daily bars: intraday the last close moved with BTC, at the bell the real close', async () => {
    const q = await src.etfQuote('BITO', at);
    // The 02-29 close 29.23 moved with BTC (61,969.63 at that close → 61,267.07 now). The $0.726
    // going ex today is in the day's bar, known at its close: it shows there, not before.
    expect(q.status === 'ok' && q.value.price).toBeCloseTo((29.229999542236328 * 61_267.07) / 61_969.63, 9);
    expect(q.status === 'ok' && q.value.price).toBeCloseTo(28.8986, 4);
    const close = await src.etfQuote('BITO', Date.parse('2024-03-01T21:00:00Z'));
    expect(close.status === 'ok' && close.value.price).toBe(29);
  });

  it('its chain prices its distributions as a yield: the mean of its last three, compounded monthly', async () => {
    const d = await src.distributions('BITO', at);
    const last3 = d.status === 'ok' ? d.value.slice(-3) : [];
    expect(last3.map((x) => [x.exDate, x.amount])).toEqual([
      ['2023-12-20', 0.147],
      ['2024-02-01', 0.356],
      ['2024-03-01', 0.726],
    ]);
    // Yields 0.147/20.87, 0.356/20.52, 0.726/29.23: mean 1.641 % a month; −12 × ln(1 − 0.01641) = 0.1986 a year.
    expect(distributionYield(last3, '2024-03-01')).toBeCloseTo(0.19855, 5);
    // The last more than 70 days old: the fund has stopped paying.
    expect(distributionYield(last3, '2024-05-11')).toBe(0);
    const ch = await src.optionChain('BITO', at);
    expect(ch.status).toBe('ok');
    expect(ch.status === 'ok' && ch.note).toMatch(/IBIT's fitted chain model .* on BITO's price/);
    expect(ch.status === 'ok' && ch.value.underlyingPrice).toBeCloseTo(28.8986, 4);
  });

  it('held BITO contracts are marked on BITO’s chain, IBIT’s on IBIT’s, in one call', async () => {
    const marks = await src.optionQuotes(
      [
        { symbol: 'BITO', expiry: '2024-03-15', strike: 27, right: 'put' },
        { symbol: 'IBIT', expiry: '2024-03-15', strike: 60, right: 'put' },
      ],
      at,
    );
    expect([...marks.values()].map((m) => m.status)).toEqual(['ok', 'ok']);
  });
});
