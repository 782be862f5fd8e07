import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { loadSimParams } from '../../../../src/adapters/bundled/sim-params.js';
import {
  SimMarketDataSource,
  type SimSourceOptions,
} from '../../../../src/adapters/market/sim/sim-source.js';
import { gridIndexAtOrBefore } from '../../../../src/adapters/market/sim/simulate.js';
import { contractKey, type OptionContract } from '../../../../src/core/market/port.js';
import { bsGreeks, bsPrice } from '../../../../src/core/pricing/bs.js';
import { hestonPrice } from '../../../../src/core/pricing/heston.js';
import type { HestonParams } from '../../../../src/core/pricing/models.js';
import { addDays } from '../../../../src/core/time/market-calendar.js';
import { daysBetween, MS_PER_HOUR, MS_PER_YEAR } from '../../../../src/core/units.js';

const cal = loadMarketCalendar();
const params = loadSimParams();
const fromMs = Date.parse('2025-03-03T14:30:00Z');
const toMs = Date.parse('2025-06-30T20:00:00Z');
const weekday = Date.parse('2025-04-09T15:00:00Z'); // Wednesday 11:00 EDT
const saturday = Date.parse('2025-04-12T16:00:00Z');
const fridayClose = Date.parse('2025-04-11T20:00:00Z');
const sigma = params.gbm.vol;

const heston = new SimMarketDataSource({ calendar: cal, model: 'heston', seed: 42, fromMs, toMs });
const fair = new SimMarketDataSource({ calendar: cal, model: 'gbm', seed: 42, fromMs, toMs, fair: true });

function okValue<T>(o: { status: string; value?: T; reason?: string }): T {
  expect(o.reason).toBeUndefined();
  expect(o.status).toBe('ok');
  return o.value as T;
}

const closeMs = (date: string) => cal.tradingDay(date)!.closeMs;

describe('sim chains in market mode', () => {
  it('a full chain at 11:00 ET: sane quotes, no first-listed restriction, BITO on its own price', async () => {
    const o = await heston.optionChain('IBIT', weekday);
    expect(o.status === 'ok' && o.source).toBe('sim:chain-model');
    const chain = okValue(o);
    expect(chain.underlyingPrice).toBe(okValue(await heston.etfQuote('IBIT', weekday)).price);
    expect(chain.expiries.length).toBeGreaterThan(5);
    expect(chain.quotes.length).toBeGreaterThan(100);
    for (const q of chain.quotes) {
      expect(q.bid).not.toBeNull();
      expect(q.bid!).toBeGreaterThanOrEqual(0);
      expect(q.ask!).toBeGreaterThan(q.bid!);
      expect(q.iv!).toBeGreaterThan(0);
      expect(q.quoteTimeMs).toBe(weekday);
    }
    // before IBIT's real options listing (the warm-up year): the sim quotes anyway
    okValue(await heston.optionChain('IBIT', Date.parse('2024-06-05T15:00:00Z')));
    const b = okValue(await heston.optionChain('BITO', weekday));
    expect(b.underlyingPrice).toBe(okValue(await heston.etfQuote('BITO', weekday)).price);
    expect(b.quotes.length).toBeGreaterThan(100);
  });

  it('per-expiry ATM IV = the model expected vol to that expiry × (1 + premium), with the fitted smile around it', async () => {
    const h = heston.history;
    const S = okValue(await heston.etfQuote('IBIT', weekday)).price;
    const chain = okValue(await heston.optionChain('IBIT', weekday));
    const { theta, kappa } = params.heston;
    const v = h.variance[(weekday - h.startMs) / MS_PER_HOUR];
    const atm: number[] = [];
    for (const expiry of chain.expiries.slice(0, 6)) {
      const T = (cal.etToUtcMs(expiry, '16:00') - weekday) / MS_PER_YEAR;
      const F = S * Math.exp(0.04 * T);
      const c: OptionContract = { symbol: 'IBIT', expiry, strike: F, right: 'put' };
      const q = okValue((await heston.optionQuotes([c], weekday)).get(contractKey(c))!);
      const expected = Math.sqrt(theta + ((v - theta) * (1 - Math.exp(-kappa * T))) / (kappa * T)) * 1.1;
      expect(q.iv!).toBeCloseTo(expected, 10);
      atm.push(q.iv!);
      // the smile: a 20 % OTM put is priced at another vol
      const otm: OptionContract = { ...c, strike: 0.8 * F };
      const qo = okValue((await heston.optionQuotes([otm], weekday)).get(contractKey(otm))!);
      expect(Math.abs(qo.iv! - q.iv!)).toBeGreaterThan(1e-3);
    }
    // the term structure follows v → theta
    expect(Math.sign(atm[atm.length - 1] - atm[0])).toBe(Math.sign(theta - v));
  });

  it('outside the session: the last closing chain; expired contracts settle', async () => {
    const o = await heston.optionChain('IBIT', saturday);
    expect(o.status === 'ok' && o.note).toBe('last session close');
    expect(o.status === 'ok' && o.asOfMs).toBe(fridayClose);
    const c: OptionContract = { symbol: 'IBIT', expiry: '2025-04-11', strike: 50, right: 'put' };
    const m = (await heston.optionQuotes([c], saturday)).get(contractKey(c))!;
    expect(m.status === 'missing' && m.reason).toMatch(/expired 2025-04-11/);
  });

  it('same seed, same chain', async () => {
    const again = new SimMarketDataSource({ calendar: cal, model: 'heston', seed: 42, fromMs, toMs });
    expect(okValue(await again.optionChain('IBIT', weekday))).toEqual(
      okValue(await heston.optionChain('IBIT', weekday)),
    );
  });
});

describe('sim chains in fair mode', () => {
  it('mid = Black-Scholes at the true vol with r = 0, bid = ask = mid, flat smile', async () => {
    const o = await fair.optionChain('IBIT', weekday);
    expect(o.status === 'ok' && o.source).toBe('sim:chain-fair');
    const chain = okValue(o);
    const S = chain.underlyingPrice;
    for (const q of chain.quotes) {
      expect(q.bid).toBe(q.ask);
      expect(q.iv).toBe(sigma);
      const T = (closeMs(q.expiry) - weekday) / MS_PER_YEAR;
      expect(q.bid).toBe(bsPrice(q.right, S, q.strike, T, 0, 0, sigma));
      expect(q.volume).not.toBeNull();
      expect(q.openInterest).not.toBeNull();
    }
    // an early-close expiry (day after Thanksgiving) runs to its 13:00 close
    const thanksgiving = Date.parse('2025-11-19T16:00:00Z');
    const f2 = new SimMarketDataSource({
      calendar: cal,
      model: 'gbm',
      seed: 5,
      fromMs,
      toMs: Date.parse('2025-12-31T21:00:00Z'),
      fair: true,
    });
    const c: OptionContract = { symbol: 'IBIT', expiry: '2025-11-28', strike: 50, right: 'put' };
    const q = okValue((await f2.optionQuotes([c], thanksgiving)).get(contractKey(c))!);
    const S2 = okValue(await f2.etfQuote('IBIT', thanksgiving)).price;
    expect(q.bid).toBe(
      bsPrice('put', S2, 50, (Date.parse('2025-11-28T18:00:00Z') - thanksgiving) / MS_PER_YEAR, 0, 0, sigma),
    );
  });
});

/** Mean of (payoff − mid)/spot over back-to-back 14-day 0.20-delta puts, for `seeds` paths. */
async function putEdge(
  opts: Omit<SimSourceOptions, 'seed'>,
  seeds: number,
): Promise<{ mean: number; se: number; n: number }> {
  const xs: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const src = new SimMarketDataSource({ ...opts, seed });
    const h = src.history;
    let q = cal.nextClose(opts.fromMs).closeMs;
    for (;;) {
      const today = cal.etDate(q);
      const expiry = cal
        .optionExpiries(addDays(today, 12), addDays(today, 16))
        .sort((a, b) => Math.abs(daysBetween(today, a) - 14) - Math.abs(daysBetween(today, b) - 14))[0];
      if (!expiry || closeMs(expiry) > opts.toMs) break;
      const chain = okValue(await src.optionChain('IBIT', q, { expiries: [expiry] }));
      const S = chain.underlyingPrice;
      const T = (closeMs(expiry) - q) / MS_PER_YEAR;
      let best = chain.quotes[0];
      let bestGap = Number.POSITIVE_INFINITY;
      for (const c of chain.quotes) {
        if (c.right !== 'put') continue;
        const gap = Math.abs(bsGreeks('put', S, c.strike, T, 0, 0, c.iv!).delta + 0.2);
        if (gap < bestGap) {
          bestGap = gap;
          best = c;
        }
      }
      const mid = (best.bid! + best.ask!) / 2;
      const settle = h.ibitDaily.close[h.ibitDaily.dates.indexOf(expiry)];
      xs.push((Math.max(best.strike - settle, 0) - mid) / S);
      q = closeMs(expiry);
    }
  }
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, se: sd / Math.sqrt(n), n };
}

describe('fair mode is exactly fair (Monte Carlo over seeds)', () => {
  const range = {
    calendar: cal,
    model: 'gbm' as const,
    fromMs: Date.parse('2025-01-10T15:00:00Z'),
    toMs: Date.parse('2026-12-31T21:00:00Z'),
  };

  it('a 14-day 0.20-delta put pays its quoted mid on average, within 3 SE', async () => {
    const r = await putEdge({ ...range, fair: true }, 64);
    expect(r.n).toBeGreaterThan(3000);
    expect(Math.abs(r.mean)).toBeLessThan(3 * r.se);
  });

  it('Heston: the 14-day 0.20-delta put, priced by the Heston model that moves the path, pays its mid within 3 SE (32 paths)', async () => {
    const r = await putEdge({ ...range, model: 'heston', fair: true }, 32);
    expect(r.n).toBeGreaterThan(1500);
    expect(Math.abs(r.mean)).toBeLessThan(3 * r.se);
  }, 240_000);

  it('Heston fair quotes are the Heston price at the variance the path is in, unrounded, bid = ask', async () => {
    const src = new SimMarketDataSource({ ...range, model: 'heston', seed: 3, fair: true });
    const at = Date.parse('2025-06-10T16:00:00Z');
    const c: OptionContract = { symbol: 'IBIT', expiry: '2025-06-27', strike: 50, right: 'put' };
    const q = okValue((await src.optionQuotes([c], at)).get(contractKey(c))!);
    const S = okValue(await src.etfQuote('IBIT', at)).price;
    const h = src.history;
    const v0 = h.variance[gridIndexAtOrBefore(h, at)];
    const T =
      (Date.parse('2025-06-27T20:00:00Z') - (h.startMs + gridIndexAtOrBefore(h, at) * MS_PER_HOUR)) /
      MS_PER_YEAR;
    const spec = h.spec as { heston: HestonParams };
    expect(q.bid).toBe(q.ask);
    expect(Math.abs(q.bid! - hestonPrice('put', S, 50, T, 0, 0, { ...spec.heston, v0 }))).toBeLessThan(1e-6);
  });

  it('the test has power: with the default 10 % premium the same put is detectably rich', async () => {
    const r = await putEdge(range, 16);
    expect(r.mean).toBeLessThan(-3 * r.se);
  });
});
