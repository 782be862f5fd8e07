import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { SimMarketDataSource } from '../../../../src/adapters/market/sim/sim-source.js';
import { WARMUP_MS } from '../../../../src/adapters/market/sim/simulate.js';
import { contractKey, type OptionContract } from '../../../../src/core/market/port.js';
import { expectedVol } from '../../../../src/core/market/sim-params.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../../../../src/core/units.js';

const cal = loadMarketCalendar();
const fromMs = Date.parse('2025-03-03T14:30:00Z');
const toMs = Date.parse('2025-06-30T20:00:00Z');
const weekday = Date.parse('2025-04-09T15:00:00Z'); // Wednesday 11:00 EDT
const saturday = Date.parse('2025-04-12T16:00:00Z');
const fridayClose = Date.parse('2025-04-11T20:00:00Z');

const heston = new SimMarketDataSource({ calendar: cal, model: 'heston', seed: 42, fromMs, toMs });
const fair = new SimMarketDataSource({ calendar: cal, model: 'gbm', seed: 42, fromMs, toMs, fair: true });

function okValue<T>(o: { status: string; value?: T; reason?: string }): T {
  expect(o.reason).toBeUndefined();
  expect(o.status).toBe('ok');
  return o.value as T;
}

describe('sim source: snapshot API on a weekday at 11:00 ET', () => {
  const h = heston.history;
  const k = (weekday - h.startMs) / MS_PER_HOUR;

  it('BTC, DVOL, DVOL history and funding', async () => {
    const btc = await heston.btcSpot(weekday);
    expect(btc.status === 'ok' && btc.source).toBe('sim:btc-heston');
    expect(btc.status === 'ok' && btc.asOfMs).toBe(weekday);
    const v = okValue(btc);
    expect(v.priceUsd).toBe(h.btcLevel[k]);
    expect(v.change24hFrac).toBeCloseTo(h.btcLevel[k] / h.btcLevel[k - 24] - 1, 14);
    // DVOL is yesterday's UTC close, the model's 30-day vol × 1.1
    const dayEnd = Date.parse('2025-04-09T00:00:00Z');
    const dv = okValue(await heston.dvol(weekday));
    expect(dv).toBeCloseTo(
      expectedVol(h.spec, h.variance[(dayEnd - h.startMs) / MS_PER_HOUR], 30 / 365) * 1.1,
      14,
    );
    const hist = okValue(await heston.dvolHistory(weekday, 365));
    expect(hist.length).toBe(365);
    expect(hist[hist.length - 1].date).toBe('2025-04-08');
    // the warm-up gives a year of history already at `from`
    expect(okValue(await heston.dvolHistory(fromMs, 400)).length).toBeGreaterThanOrEqual(252);
    const f = await heston.funding8h(weekday);
    expect(f.status === 'ok' && f.source).toBe('sim:funding-ou');
    expect(Math.abs(okValue(f))).toBeLessThan(0.01);
    expect(f.status === 'ok' && f.asOfMs).toBe(Date.parse('2025-04-09T08:00:00Z'));
  });

  it('IBIT in the session = BTC now × the ratio at the previous close; BITO likewise', async () => {
    for (const sym of ['IBIT', 'BITO'] as const) {
      const o = await heston.etfQuote(sym, weekday);
      expect(o.status === 'ok' && o.source).toBe(`sim:${sym.toLowerCase()}`);
      const q = okValue(o);
      expect(q.phase).toBe('open');
      const bars = sym === 'IBIT' ? h.ibitDaily : h.bitoDaily;
      const i = bars.dates.indexOf('2025-04-08');
      const prevClose = cal.tradingDay('2025-04-08')!.closeMs;
      expect(q.previousClose).toBe(bars.close[i]);
      expect(q.price).toBeCloseTo(
        (h.btcLevel[k] * bars.close[i]) / h.btcLevel[(prevClose - h.startMs) / MS_PER_HOUR],
        10,
      );
    }
  });

  it('BTC keeps trading over the weekend; IBIT does not move and gaps on Monday', async () => {
    const sat10 = Date.parse('2025-04-12T14:00:00Z');
    expect(okValue(await heston.btcSpot(sat10)).priceUsd).not.toBe(
      okValue(await heston.btcSpot(saturday)).priceUsd,
    );
    const fri = okValue(await heston.etfQuote('IBIT', fridayClose));
    for (const t of [sat10, saturday, Date.parse('2025-04-14T13:00:00Z')]) {
      const o = await heston.etfQuote('IBIT', t);
      expect(o.status === 'ok' && o.note).toBe('last session close');
      expect(o.status === 'ok' && o.asOfMs).toBe(fridayClose);
      expect(okValue(o).price).toBe(fri.price);
      expect(['closed', 'pre']).toContain(okValue(o).phase);
    }
    const monday = cal.tradingDay('2025-04-14')!;
    const i = heston.history.ibitDaily.dates.indexOf('2025-04-14');
    expect(heston.history.ibitDaily.open[i]).not.toBe(fri.price);
    // the gap is BTC's weekend move
    const lv = heston.history.btcLevel;
    const s = heston.history.startMs;
    const kOpen = Math.ceil((monday.openMs - s) / MS_PER_HOUR);
    expect(heston.history.ibitDaily.open[i] / fri.price).toBeCloseTo(
      lv[kOpen] / lv[(fridayClose - s) / MS_PER_HOUR],
      4,
    );
  });

  it('missing values outside coverage carry a reason; coverage is [from − 52 weeks, to]', async () => {
    const cov = heston.coverage();
    expect(cov.find((c) => c.field === 'btcSpot')).toMatchObject({ fromMs: fromMs - WARMUP_MS, toMs });
    const early = fromMs - WARMUP_MS - MS_PER_DAY;
    const late = toMs + 5 * MS_PER_DAY;
    for (const t of [early, late]) {
      for (const o of [
        await heston.btcSpot(t),
        await heston.btcBars(t, 5),
        await heston.dvol(t),
        await heston.dvolHistory(t, 30),
        await heston.funding8h(t),
        await heston.etfQuote('IBIT', t),
        await heston.optionChain('IBIT', t),
      ]) {
        expect(o.status).toBe('missing');
        expect(o.status === 'missing' && o.reason).toMatch(/outside coverage/);
        expect(o.status === 'missing' && o.source).toMatch(/^sim:/);
      }
    }
    const c: OptionContract = { symbol: 'IBIT', expiry: '2025-05-16', strike: 50, right: 'put' };
    const m = (await heston.optionQuotes([c], late)).get(contractKey(c))!;
    expect(m.status === 'missing' && m.reason).toMatch(/outside coverage/);
    // inside the range, where the bundled NYSE calendar stops: a reason, not a throw
    const edge = new SimMarketDataSource({
      calendar: cal,
      model: 'gbm',
      seed: 1,
      fromMs: Date.parse('2022-12-30T15:00:00Z'),
      toMs: Date.parse('2023-01-31T21:00:00Z'),
    });
    const o = await edge.etfQuote('IBIT', Date.parse('2021-12-31T16:00:00Z'));
    expect(o.status === 'missing' && o.reason).toMatch(/no NYSE holiday data for 2021/);
    expect(okValue(await edge.btcSpot(Date.parse('2021-12-31T16:00:00Z'))).priceUsd).toBeGreaterThan(0);
  });

  it('everything answers from the first covered instant, even after a long weekend', async () => {
    const coverFrom = Date.parse('2025-05-27T14:00:00Z'); // Tuesday 10:00 EDT after Memorial Day
    const src = new SimMarketDataSource({
      calendar: cal,
      model: 'gbm',
      seed: 2,
      fromMs: coverFrom + WARMUP_MS,
      toMs: coverFrom + WARMUP_MS + MS_PER_DAY,
    });
    const o = await src.etfQuote('IBIT', coverFrom);
    // in the session: BTC now × the ratio at Friday's close, four days back
    const bars = src.history.ibitDaily;
    expect(okValue(o).previousClose).toBe(bars.close[bars.dates.indexOf('2025-05-23')]);
    okValue(await src.btcSpot(coverFrom));
    okValue(await src.dvol(coverFrom));
    okValue(await src.funding8h(coverFrom));
    okValue(await src.optionChain('IBIT', coverFrom, { expiries: ['2025-06-20'] }));
    expect((await src.btcSpot(coverFrom - 1)).status).toBe('missing');
  });

  it('validates: fair needs gbm or heston and premium 0, and says which flags', () => {
    const o = { calendar: cal, seed: 1, fromMs, toMs };
    expect(() => new SimMarketDataSource({ ...o, model: 'heston-jump', fair: true })).toThrow(
      /--model gbm --premium 0 --fair \(or --model heston\)/,
    );
    expect(() => new SimMarketDataSource({ ...o, model: 'heston', fair: true, premium: 0.1 })).toThrow(
      RangeError,
    );
    expect(() => new SimMarketDataSource({ ...o, model: 'gbm', fair: true, premium: 0.1 })).toThrow(
      RangeError,
    );
    expect(() => new SimMarketDataSource({ ...o, model: 'gbm', premium: -2 })).toThrow(RangeError);
    expect(() => new SimMarketDataSource({ ...o, model: 'bs' as 'gbm' })).toThrow(/unknown sim model/);
    expect(fair.premium).toBe(0);
    expect(fair.riskFreeRate).toBe(0);
  });
});
