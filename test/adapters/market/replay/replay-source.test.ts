import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../../../src/adapters/bundled/chain-model.js';
import { ReplayMarketDataSource } from '../../../../src/adapters/market/replay/replay-source.js';
import { contractKey } from '../../../../src/core/market/port.js';

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

  it('funding per 8 h as a fraction: the mean of the trailing 24 h of 8-hour prints (the file is in percent)', async () => {
    // prints 2025-03-09 16:00Z 0.01 %, 03-10 00:00Z 0.003952 %, 08:00Z 0.001344 %
    const f = await src.funding8h(at);
    expect(okValue(f)).toBeCloseTo((0.01 + 0.003952 + 0.001344) / 3 / 100, 15);
    expect(f.status === 'ok' && f.asOfMs).toBe(Date.parse('2025-03-10T08:00:00Z'));
  });

  it('a daily funding mean is known at D+1 00:00Z: a 10:00 ET step on day D sees D−1, not D', async () => {
    // 2022-06-13 (before the 8-hour file): means 06-12 3.66733e-5, 06-13 6.18e-6 (fractions already)
    const d = await src.funding8h(Date.parse('2022-06-13T14:00:00Z'));
    expect(okValue(d)).toBeCloseTo(3.66733333333333e-5, 15);
    expect(d.status === 'ok' && d.note).toBe('daily mean of 2022-06-12');
    expect(d.status === 'ok' && d.asOfMs).toBe(Date.parse('2022-06-13T00:00:00Z'));
    expect(okValue(await src.funding8h(Date.parse('2022-06-13T23:59:59Z')))).toBeCloseTo(
      3.66733333333333e-5,
      15,
    );
    expect(okValue(await src.funding8h(Date.parse('2022-06-14T00:00:00Z')))).toBeCloseTo(6.18e-6, 15);
    // after the 8-hour file ends (2025-11-12 08:00Z) the daily means take over: 11-13 at 10:00 EST sees 11-12's
    expect(okValue(await src.funding8h(Date.parse('2025-11-13T15:00:00Z')))).toBeCloseTo(
      2.97833333333333e-5,
      15,
    );
    // and the last daily mean (2026-02-12) lasts one day after it becomes known
    expect(okValue(await src.funding8h(Date.parse('2026-02-13T15:00:00Z')))).toBeCloseTo(1.3e-6, 15);
  });

  it('across the change of source the 8-hour mean and the daily mean agree on a whole UTC day', async () => {
    // Just before 00:00Z the trailing 24 h are that UTC day's prints: 2022-11-04's 0.004429, 0.001148, 0.006899 %
    const f = okValue(await src.funding8h(Date.parse('2022-11-04T23:59:59Z')));
    expect(f).toBeCloseTo((0.004429 + 0.001148 + 0.006899) / 300, 15);
    // the daily file's mean of 2022-11-04, which the daily source shows from 11-05 00:00Z
    expect(f).toBeCloseTo(4.15866666666667e-5, 12);
    // the 8-hour file starts 2022-11-03 08:00Z: on 11-03 the step still sees 11-02's daily mean
    const before = await src.funding8h(Date.parse('2022-11-03T14:00:00Z'));
    expect(okValue(before)).toBeCloseTo(4.012e-5, 15);
    expect(before.status === 'ok' && before.note).toBe('daily mean of 2022-11-02');
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
    const f = await src.funding8h(Date.parse('2026-02-14T00:00:00Z'));
    expect(f.status).toBe('missing');
    expect(f.status === 'missing' && f.reason).toMatch(/outside coverage, data ends 2026-02-14/);
    expect((await src.etfQuote('IBIT', late)).status).toBe('ok');
    const early = await src.btcSpot(Date.parse('2021-06-01T00:00:00Z'));
    expect(early.status).toBe('missing');
  });

  it("synthetic chains: IBIT's 30-day ATM IV = the intraday DVOL level × the fitted level, plus the shift", async () => {
    // 2026-02-11 12:30 ET: the last complete DVOL bar is 2026-02-10's, close 54.84, stamped 02-11 00:00Z
    const t = Date.parse('2026-02-11T17:30:00Z');
    const lv = src.ivLevelAt(t);
    if (typeof lv === 'string') throw new Error(lv);
    expect(lv.raw).toBe(0.5484);
    expect(lv.stampMs).toBe(Date.parse('2026-02-11T00:00:00Z'));
    // BTC: the 02-10 23:00Z bar closed 68807.07; at 17:30Z the last complete bar is 16:00Z, 66002.65
    expect(lv.btcMove).toBeCloseTo(Math.log(66002.65 / 68807.07), 12);
    expect(lv.adjusted).toBeCloseTo(0.5484 * Math.exp(lv.fit!.downBeta * lv.btcMove), 12);
    const L = lv.adjusted;
    const k = loadChainModel().ivLevel.dvolRatio;
    expect(k).toBeCloseTo((0.568099 / 0.5484 + 0.547365 / 0.5529) / 2, 4);
    const shifted = new ReplayMarketDataSource({ calendar: cal, riskFreeRate: 0.04, ivShiftVp: -2 });
    const a = okValue(await src.optionChain('IBIT', t));
    const b = okValue(await shifted.optionChain('IBIT', t));
    // L k = 57.1 % is above the fitted 56.8 %, so the unshifted grid lists a few more wing strikes
    expect(L * k).toBeGreaterThan(loadChainModel().atm.atm30);
    expect(b.quotes.length).toBeLessThan(a.quotes.length);
    // the whole surface scales with the level: (L k − 2) / (L k)
    const byKey = new Map(a.quotes.map((q) => [contractKey(q), q]));
    for (const i of [0, 100, 400]) {
      const q = b.quotes[i];
      expect(q.iv! / byKey.get(contractKey(q))!.iv!).toBeCloseTo((L * k - 0.02) / (L * k), 12);
    }
  });

  it('IBIT before it traded: BTC × the ratio at its first close, carried back at 0.25 %/yr, labelled derived', async () => {
    // first close 2024-01-11 26.63 at 21:00Z, BTC then 46278.78 (bar 20:00Z): ratio ≈ 5.754e-4
    const ratio = 26.6299991607666 / 46278.78;
    expect(ratio).toBeCloseTo(5.754e-4, 7);
    const t = Date.parse('2022-06-13T15:00:00Z');
    const years = (Date.parse('2024-01-11T21:00:00Z') - t) / (365 * 86_400_000);
    const q = await src.etfQuote('IBIT', t);
    expect(okValue(q).price).toBeCloseTo(22802.31 * ratio * 1.0025 ** years, 10);
    expect(okValue(q).price).toBeCloseTo(13.17, 2);
    expect(q.status === 'ok' && q.derived).toMatch(
      /^from BTC × the IBIT\/BTC ratio of its first close \(2024-01-11\)/,
    );
    // its first open bell is the real opening print; the first close is real and not derived
    const bell = await src.etfQuote('IBIT', Date.parse('2024-01-11T14:30:00Z'));
    expect(okValue(bell).price).toBeCloseTo(27.94, 5);
    expect(bell.status === 'ok' && bell.derived).toBeUndefined();
    const first = await src.etfQuote('IBIT', Date.parse('2024-01-11T21:00:00Z'));
    expect(okValue(first).price).toBeCloseTo(26.63, 5);
    expect(first.status === 'ok' && first.derived).toBeUndefined();
  });

  it('chains before the listing (2024-11-19) are synthetic and say so; before 2024-01-11 on a derived spot', async () => {
    const t = Date.parse('2022-06-13T15:00:00Z');
    const c = await src.optionChain('IBIT', t);
    expect(c.status === 'ok' && c.note).toBe('synthetic: IBIT options were first listed 2024-11-19');
    expect(c.status === 'ok' && c.derived).toMatch(/^from BTC/);
    expect(okValue(c).underlyingPrice).toBeCloseTo(okValue(await src.etfQuote('IBIT', t)).price, 12);
    const after = await src.optionChain('IBIT', Date.parse('2024-11-19T15:00:00Z'));
    expect(after.status === 'ok' && after.note).toBeUndefined();
  });

  it('the IV level moves with BTC since the DVOL stamp, fitted only on days before the day priced', () => {
    // 2022-06-13 11:00 EDT: DVOL 06-12 close 93.99; BTC 06-12 23:00Z bar closed 26,587.35 → 22,802.31
    const lv = src.ivLevelAt(Date.parse('2022-06-13T15:00:00Z'));
    if (typeof lv === 'string') throw new Error(lv);
    expect(lv.raw).toBe(0.9399);
    expect(lv.fit?.throughDate).toBe('2022-06-12');
    expect(lv.btcMove).toBeCloseTo(Math.log(22802.31 / 26587.35), 12);
    expect(lv.adjusted).toBeCloseTo(0.9399 * Math.exp(lv.fit!.downBeta * lv.btcMove), 12);
    // a fall lifts the level (the fitted down slope is negative): 94.0 → 104.6
    expect(lv.fit!.downBeta).toBeLessThan(0);
    expect(lv.adjusted).toBeCloseTo(1.0456, 3);
    // at the stamp itself nothing has moved
    const atStamp = src.ivLevelAt(Date.parse('2022-06-13T00:00:00Z'));
    expect(typeof atStamp !== 'string' && atStamp.adjusted).toBe(0.9399);
  });
});
