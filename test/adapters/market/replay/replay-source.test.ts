import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../../../src/adapters/bundled/chain-model.js';
import { ReplayMarketDataSource } from '../../../../src/adapters/market/replay/replay-source.js';

const cal = loadMarketCalendar();
const src = new ReplayMarketDataSource({ calendar: cal, riskFreeRate: 0.04 });
const at = Date.parse('2025-03-10T15:00:00Z'); // Monday 11:00 EDT (DST began 2025-03-09)

function okValue<T>(o: { status: string; value?: T }): T {
  expect(o.status).toBe('ok');
  return o.value as T;
}

describe('replay source: values checked by hand against data/prices', () => {
  it('BTC is the close of the last completed hourly bar, change 24 h as a fraction', async () => {
    const o = await src.btcSpot(at);
    const v = okValue(o);
    // bar 14:00Z closes 79825.22 (visible at 15:00Z); 24 h earlier the 2025-03-09 14:00Z bar closed 83612.96
    expect(v.priceUsd).toBe(79825.22);
    expect(v.change24hFrac).toBeCloseTo(79825.22 / 83612.96 - 1, 12);
    expect(o.status === 'ok' && o.asOfMs).toBe(at);
    // one millisecond earlier the 14:00Z bar is not complete: no look-ahead
    expect(okValue(await src.btcSpot(at - 1)).priceUsd).toBe(81527.98);
  });

  it('DVOL is the previous UTC day close, as a fraction', async () => {
    expect(okValue(await src.dvol(at))).toBeCloseTo(0.591, 12);
    // 2025-03-10's own close (59.57) becomes visible only at 2025-03-11T00:00Z
    expect(okValue(await src.dvol(Date.parse('2025-03-10T23:59:59Z')))).toBeCloseTo(0.591, 12);
    expect(okValue(await src.dvol(Date.parse('2025-03-11T00:00:00Z')))).toBeCloseTo(0.5957, 12);
  });

  it('a year of DVOL history for IV rank', async () => {
    const pts = okValue(await src.dvolHistory(at, 365));
    expect(pts.length).toBeGreaterThanOrEqual(360);
    expect(pts[pts.length - 1].date).toBe('2025-03-09');
    expect(pts[pts.length - 1].vol).toBeCloseTo(0.591, 12);
  });

  it('funding per 8 h as a fraction (the file is in percent)', async () => {
    expect(okValue(await src.funding8h(at))).toBeCloseTo(0.001344 / 100, 15);
  });

  it('IBIT intraday = BTC now × the IBIT/BTC ratio at the previous close, snapping to the real close at the bell', async () => {
    const q = okValue(await src.etfQuote('IBIT', at));
    // previous session 2025-03-07 closed 49.43 at 16:00 EST = 21:00Z, BTC then 86975.18 (bar 20:00Z)
    expect(q.price).toBeCloseTo((79825.22 * 49.43000030517578) / 86975.18, 10);
    expect(q.previousClose).toBeCloseTo(49.43, 6);
    expect(q.phase).toBe('open');
    const close = await src.etfQuote('IBIT', Date.parse('2025-03-10T20:00:00Z'));
    expect(okValue(close).price).toBeCloseTo(44.91, 6);
    expect(close.status === 'ok' && close.note).toBe('last session close');
  });

  it('outside the session the last close is current and labelled; weekends included', async () => {
    const sat = await src.etfQuote('IBIT', Date.parse('2025-03-08T15:00:00Z'));
    expect(okValue(sat).price).toBeCloseTo(49.43, 6);
    expect(sat.status === 'ok' && sat.note).toBe('last session close');
    expect(okValue(sat).phase).toBe('closed');
  });

  it('reports fields outside coverage as missing with a reason, never a default', async () => {
    const late = Date.parse('2025-12-01T15:00:00Z');
    // The DVOL bars end with 2026-04-06's, complete at 2026-04-07T00:00Z.
    const d = await src.dvol(Date.parse('2026-04-15T15:00:00Z'));
    expect(d.status).toBe('missing');
    expect(d.status === 'missing' && d.reason).toMatch(/outside coverage, data ends 2026-04-07/);
    const f = await src.funding8h(late);
    expect(f.status).toBe('missing');
    const early = await src.btcSpot(Date.parse('2021-06-01T00:00:00Z'));
    expect(early.status).toBe('missing');
  });

  it("synthetic chains: IBIT's 30-day ATM IV = the last DVOL close × the fitted level, plus the shift", async () => {
    // 2026-02-11 12:30 ET: the last complete DVOL bar is 2026-02-10's, close 54.84
    const t = Date.parse('2026-02-11T17:30:00Z');
    const k = loadChainModel().ivLevel.dvolRatio;
    expect(k).toBeCloseTo((0.568099 / 0.5484 + 0.547365 / 0.5529) / 2, 4);
    const shifted = new ReplayMarketDataSource({ calendar: cal, riskFreeRate: 0.04, ivShiftVp: -2 });
    const a = okValue(await src.optionChain('IBIT', t));
    const b = okValue(await shifted.optionChain('IBIT', t));
    expect(b.quotes).toHaveLength(a.quotes.length);
    // the whole surface scales with the level: (54.84 k − 2) / (54.84 k)
    for (const i of [0, 100, 400])
      expect(b.quotes[i].iv! / a.quotes[i].iv!).toBeCloseTo((0.5484 * k - 0.02) / (0.5484 * k), 12);
  });

  it('BITO has no replay option chain, with the reason', async () => {
    const c = await src.optionChain('BITO', at);
    expect(c.status).toBe('missing');
    expect(c.status === 'missing' && c.reason).toMatch(/BITO options exist only in the live source/);
  });
});
