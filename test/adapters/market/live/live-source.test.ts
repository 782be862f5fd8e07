import { afterEach, describe, expect, it } from 'vitest';
import {
  type DvolStore,
  LAST_SESSION_CLOSE,
  LiveMarketDataSource,
  type LiveSourceOptions,
  PRESENT_ONLY_REASON,
} from '../../../../src/adapters/market/live/live-source.js';
import { utcDate } from '../../../../src/adapters/market/live/util.js';
import { UsageError } from '../../../../src/core/errors.js';
import { contractKey, type DvolPoint, type OptionContract } from '../../../../src/core/market/port.js';
import type { MarketPhase } from '../../../../src/core/time/market-calendar.js';
import { MS_PER_DAY } from '../../../../src/core/units.js';
import { apiFixture, apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { startFakeProviders } from '../../../support/fake-providers.js';
import type { FakeHttpServer } from '../../../support/fake-servers.js';

const VOL = '/api/v2/public/get_volatility_index_data';
const SNAP_MS = Date.UTC(2026, 1, 11, 17, 30); // Yahoo regularMarketTime and Cboe timestamp of the IBIT fixtures
const PREV_CLOSE = 38.970001220703125;

interface Harness {
  clock: AutoClock;
  deribit: FakeHttpServer;
  bybit: FakeHttpServer;
  yahoo: FakeHttpServer;
  cboe: FakeHttpServer;
  phase: { value: MarketPhase };
  source: LiveMarketDataSource;
}

let h: Harness | null = null;

async function harness(
  start: number | string = '2026-02-11T17:35:00Z',
  extra: Partial<LiveSourceOptions> = {},
): Promise<Harness> {
  const clock = new AutoClock(start);
  const { deribit, bybit, yahoo, cboe, env } = await startFakeProviders();

  const phase = { value: 'open' as MarketPhase };
  const source = new LiveMarketDataSource({
    clock,
    env,
    random: () => 0.5,
    marketPhase: () => phase.value,
    maxQuoteAgeMs: 15 * 60_000,
    timeoutMs: 300,
    maxAttempts: 2,
    // Limiter waits would move the AutoClock and age every quote; the limiter has its own tests.
    rateLimits: { deribit: null, bybit: null, yahoo: null, cboe: null },
    ...extra,
  });
  h = { clock, deribit, bybit, yahoo, cboe, phase, source };
  return h;
}

afterEach(async () => {
  if (!h) return;
  await h.source.close();
  await Promise.all([h.deribit.close(), h.bybit.close(), h.yahoo.close(), h.cboe.close()]);
  h = null;
});

const put = (expiry: string, strike: number): OptionContract => ({
  symbol: 'IBIT',
  expiry,
  strike,
  right: 'put',
});

describe('LiveMarketDataSource: the present only', () => {
  it('answers missing for a time more than 2 minutes away, without a request', async () => {
    const { source, clock, yahoo, deribit, bybit } = await harness();
    const past = clock.nowMs() - 3 * 60_000;
    for (const o of [
      await source.btcSpot(past),
      await source.btcBars(past, 5),
      await source.dvol(past),
      await source.dvolHistory(past, 30),
      await source.funding8h(past),
      await source.etfQuote('IBIT', past),
      await source.optionChain('IBIT', past),
    ]) {
      expect(o).toMatchObject({ status: 'missing', reason: PRESENT_ONLY_REASON });
    }
    const quotes = await source.optionQuotes([put('2026-02-20', 35)], clock.nowMs() + 5 * 60_000);
    expect([...quotes.values()]).toEqual([
      expect.objectContaining({ status: 'missing', reason: PRESENT_ONLY_REASON }),
    ]);
    expect(yahoo.requests.length + deribit.requests.length + bybit.requests.length).toBe(0);

    const near = await source.etfQuote('IBIT', clock.nowMs() - 90_000);
    expect(near.status).toBe('ok');
  });

  it('refuses a provider URL that is not http(s)', () => {
    const make = () =>
      new LiveMarketDataSource({
        clock: new AutoClock('2026-02-11T17:35:00Z'),
        env: { ARGUS_BYBIT_URL: 'api.bybit.com' },
        random: () => 0.5,
        marketPhase: () => 'open',
        maxQuoteAgeMs: 60_000,
        timeoutMs: 300,
      });
    expect(make).toThrow(UsageError);
    expect(make).toThrow('ARGUS_BYBIT_URL="api.bybit.com" is not an http(s) URL');
  });

  it('reports open-ended live coverage', async () => {
    const { source } = await harness();
    const cov = source.coverage();
    expect(cov.map((c) => c.field).sort()).toEqual(
      [
        'btcBars',
        'btcSpot',
        'dvol',
        'dvolHistory',
        'etfQuote',
        'funding8h',
        'optionChain',
        'optionQuotes',
      ].sort(),
    );
    expect(cov.every((c) => c.fromMs === null && c.toMs === null)).toBe(true);
    expect(source.kind).toBe('live');
  });
});

describe('LiveMarketDataSource: ETF quotes and chains', () => {
  it('answers from Yahoo during the session', async () => {
    const { source, clock } = await harness();
    expect(await source.etfQuote('IBIT', clock.nowMs())).toEqual({
      status: 'ok',
      value: { symbol: 'IBIT', price: 37.735, previousClose: PREV_CLOSE, phase: 'open' },
      asOfMs: SNAP_MS,
      source: 'yahoo',
      stale: false,
    });
  });

  it('flags a quote older than maxQuoteAgeMs during the session as stale', async () => {
    const { source, clock } = await harness('2026-02-11T17:45:01Z');
    expect(await source.etfQuote('IBIT', clock.nowMs())).toMatchObject({ status: 'ok', stale: true });
  });

  it('labels quotes outside the session as the last session close', async () => {
    const { source, clock, phase } = await harness('2026-02-11T23:00:00Z');
    phase.value = 'post';
    const q = await source.etfQuote('IBIT', clock.nowMs());
    expect(q).toEqual({
      status: 'ok',
      value: { symbol: 'IBIT', price: 37.735, previousClose: PREV_CLOSE, phase: 'post' },
      asOfMs: SNAP_MS,
      source: 'yahoo',
      note: LAST_SESSION_CLOSE,
    });
  });

  it('falls back to Cboe when Yahoo fails and says so', async () => {
    const { source, clock, yahoo, cboe } = await harness();
    yahoo.route({ path: '/v8/finance/chart/IBIT', respond: { status: 500, body: 'internal error' } });
    const q = await source.etfQuote('IBIT', clock.nowMs());
    expect(q).toEqual({
      status: 'ok',
      value: { symbol: 'IBIT', price: 37.735, previousClose: PREV_CLOSE, phase: 'open' },
      asOfMs: SNAP_MS,
      source: 'cboe',
      note: 'yahoo failed, answered by cboe: yahoo v8/finance/chart/IBIT: HTTP 500: internal error (after 2 attempts)',
      stale: false,
    });
    expect(yahoo.requestsTo('/v8/finance/chart/IBIT')).toHaveLength(2);
    expect(cboe.requests).toHaveLength(1);
  });

  it('reports missing with both reasons when Yahoo and Cboe fail', async () => {
    const { source, clock, yahoo, cboe } = await harness();
    yahoo.route({ path: '/v8/finance/chart/IBIT', respond: { status: 404, body: 'no' } });
    cboe.route({
      path: '/api/global/delayed_quotes/options/IBIT.json',
      respond: { body: '{"timestamp": "2026-02-11 12:30:00", "data": {' },
    });
    const q = await source.etfQuote('IBIT', clock.nowMs());
    expect(q.status).toBe('missing');
    if (q.status !== 'missing') return;
    expect(q.source).toBe('yahoo+cboe');
    expect(q.reason).toMatch(
      /^yahoo: yahoo v8\/finance\/chart\/IBIT: HTTP 404: no; cboe: cboe delayed_quotes\/options\/IBIT: response is not valid JSON/,
    );
  });

  it('serves the chain from Yahoo, only the requested expiries', async () => {
    const { source, clock } = await harness();
    const c = await source.optionChain('IBIT', clock.nowMs(), { expiries: ['2026-02-20'] });
    expect(c.status).toBe('ok');
    if (c.status !== 'ok') return;
    expect(c.source).toBe('yahoo');
    expect(c.value.underlyingPrice).toBe(37.735);
    expect(c.value.expiries).toHaveLength(19);
    expect(new Set(c.value.quotes.map((q) => q.expiry))).toEqual(new Set(['2026-02-20']));
  });

  it('serves the chain from Cboe when Yahoo’s options fail', async () => {
    const { source, clock, yahoo } = await harness();
    yahoo.route({ path: '/v7/finance/options/IBIT', respond: { status: 503 } });
    const c = await source.optionChain('IBIT', clock.nowMs(), { expiries: ['2026-02-27'] });
    expect(c).toMatchObject({ status: 'ok', source: 'cboe', asOfMs: SNAP_MS, stale: false });
    if (c.status !== 'ok') return;
    expect(c.note).toMatch(/^yahoo failed, answered by cboe: yahoo v7\/finance\/options\/IBIT: HTTP 503/);
    expect(c.value.expiries).toEqual(['2026-02-11', '2026-02-20', '2026-02-27']);
    expect(new Set(c.value.quotes.map((q) => q.expiry))).toEqual(new Set(['2026-02-27']));
  });
});

describe('LiveMarketDataSource: option quotes', () => {
  it('fetches each symbol’s expiries once and answers per contract', async () => {
    const { source, clock, yahoo } = await harness();
    const wanted = [
      put('2026-02-20', 35),
      put('2026-02-20', 34),
      put('2026-02-27', 35),
      put('2026-02-20', 35.25),
      { symbol: 'BITO' as const, expiry: '2026-02-20', strike: 12, right: 'put' as const },
    ];
    const quotes = await source.optionQuotes(wanted, clock.nowMs());
    const ibitCalls = yahoo.requestsTo('/v7/finance/options/IBIT').map((r) => r.query.get('date'));
    expect(ibitCalls).toEqual([
      null,
      String(Date.UTC(2026, 1, 20) / 1000),
      String(Date.UTC(2026, 1, 27) / 1000),
    ]);

    expect(quotes.get(contractKey(put('2026-02-20', 35)))).toEqual({
      status: 'ok',
      value: {
        symbol: 'IBIT',
        expiry: '2026-02-20',
        strike: 35,
        right: 'put',
        bid: 0.52,
        ask: 0.54,
        last: 0.55,
        iv: 0.6347692773437501,
        volume: 5047,
        openInterest: 15111,
        quoteTimeMs: SNAP_MS,
      },
      asOfMs: SNAP_MS,
      source: 'yahoo',
      stale: false,
    });
    expect(quotes.get(contractKey(put('2026-02-20', 34)))).toMatchObject({
      status: 'ok',
      value: { bid: 0.38, ask: 0.4 },
    });
    expect(quotes.get(contractKey(put('2026-02-27', 35)))).toMatchObject({
      status: 'ok',
      value: { expiry: '2026-02-27' },
    });
    expect(quotes.get('IBIT|2026-02-20|P|35.25')).toEqual({
      status: 'missing',
      source: 'yahoo',
      reason: 'IBIT|2026-02-20|P|35.25 is not quoted by yahoo',
    });
    const bito = quotes.get('BITO|2026-02-20|P|12.00');
    expect(bito?.status).toBe('missing');
    expect(bito).toMatchObject({ source: 'yahoo+cboe' });
  });

  it('falls back to one Cboe request shared by quotes and the ETF price', async () => {
    const { source, clock, yahoo, cboe } = await harness();
    yahoo.route({ path: '/v1/test/getcrumb', respond: { status: 500 } });
    const quotes = await source.optionQuotes([put('2026-02-20', 35), put('2026-02-27', 34)], clock.nowMs());
    const etf = await source.etfQuote('IBIT', clock.nowMs());
    expect(cboe.requests).toHaveLength(1);
    const q = quotes.get(contractKey(put('2026-02-20', 35)));
    expect(q).toMatchObject({
      status: 'ok',
      source: 'cboe',
      value: { bid: 0.52, ask: 0.54, iv: 0.6348, volume: 5047 },
    });
    expect(q?.status === 'ok' && q.note).toMatch(
      /^yahoo failed, answered by cboe: yahoo v1\/test\/getcrumb: HTTP 500/,
    );
    expect(etf).toMatchObject({ status: 'ok', source: 'cboe' });
  });
});

describe('LiveMarketDataSource: crypto', () => {
  it('prices BTC from the Deribit index with Bybit’s 24 h change as a fraction', async () => {
    const { source, clock } = await harness('2025-12-12T12:11:15Z');
    expect(await source.btcSpot(clock.nowMs())).toEqual({
      status: 'ok',
      value: { priceUsd: 92263.55, change24hFrac: 0.008047 },
      // The older of the two stamps: the Bybit fixture is from 2022, hence stale.
      asOfMs: 1672376496682,
      source: 'deribit+bybit',
      note: 'price: Deribit btc_usd index; 24 h change: Bybit BTCUSDT perpetual',
      stale: true,
    });
  });

  it('uses Bybit’s price when the Deribit index fails, and says so', async () => {
    const { source, clock, deribit } = await harness('2022-12-30T05:01:40Z');
    deribit.route({ path: '/api/v2/public/get_index_price', respond: { hang: true } });
    const s = await source.btcSpot(clock.nowMs());
    expect(s).toMatchObject({
      status: 'ok',
      value: { priceUsd: 16597, change24hFrac: 0.008047 },
      source: 'bybit',
      stale: false,
    });
    expect(s.status === 'ok' && s.note).toMatch(
      /Deribit index failed: deribit public\/get_index_price: no response within 300 ms/,
    );
  });

  it('reports BTC spot missing when Bybit fails', async () => {
    const { source, clock, bybit } = await harness();
    bybit.route({
      path: '/v5/market/tickers',
      respond: { body: '{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"sym' },
    });
    const s = await source.btcSpot(clock.nowMs());
    expect(s).toMatchObject({ status: 'missing', source: 'bybit' });
    expect(s.status === 'missing' && s.reason).toMatch(
      /^24 h change unavailable: bybit market\/tickers: response is not valid JSON/,
    );
  });

  it('gives funding per 8 h and notes a rescaled interval', async () => {
    const { source, clock, bybit } = await harness('2022-12-30T05:01:40Z');
    expect(await source.funding8h(clock.nowMs())).toEqual({
      status: 'ok',
      value: -0.001034,
      asOfMs: 1672376496682,
      source: 'bybit',
      stale: false,
    });
    const body = apiFixtureCopy<{ result: { list: Record<string, unknown>[] } }>(
      'bybit/tickers-linear-BTCUSDT.derived.json',
    );
    body.result.list[0]!.fundingIntervalHour = '2';
    bybit.route({ path: '/v5/market/tickers', respond: { body } });
    const f = await source.funding8h(clock.nowMs());
    expect(f).toMatchObject({
      status: 'ok',
      note: 'Bybit settles funding every 2 h (from ticker); scaled to 8 h',
    });
    expect(f.status === 'ok' && f.value).toBeCloseTo(-0.004136, 12);
  });

  it('gives DVOL now as a fraction', async () => {
    const { source, clock } = await harness('2021-04-30T10:19:30Z');
    expect(await source.dvol(clock.nowMs())).toEqual({
      status: 'ok',
      value: 1.2936,
      asOfMs: 1619777940000,
      source: 'deribit',
      stale: false,
    });
  });

  it('returns completed hourly bars and says when fewer exist', async () => {
    const { source, clock } = await harness(1786820637599);
    const bars = await source.btcBars(clock.nowMs(), 2);
    expect(bars).toMatchObject({
      status: 'ok',
      asOfMs: 1786820400000,
      source: 'bybit',
      note: 'only 1 of 2 bars available',
      value: [{ startMs: 1786816800000, close: 63027.8 }],
    });
  });

  it('turns a provider failure into missing, never a number', async () => {
    const { source, clock, deribit } = await harness();
    deribit.route({
      path: VOL,
      respond: { body: { result: { data: [[1, 1, 1, 1, '55']], continuation: null } } },
    });
    const d = await source.dvol(clock.nowMs());
    expect(d).toEqual({
      status: 'missing',
      source: 'deribit',
      reason: expect.stringMatching(
        /^deribit public\/get_volatility_index_data: unexpected response at result\.data\[0\]\[4\]/,
      ),
    });
  });
});

describe('LiveMarketDataSource: DVOL history', () => {
  class MemoryStore implements DvolStore {
    saves = 0;
    constructor(public points: DvolPoint[] = []) {}
    load(): DvolPoint[] {
      return this.points;
    }
    save(points: DvolPoint[]): void {
      this.saves++;
      this.points = points;
    }
  }

  it('backfills more than a year through continuation, then fetches only new days', async () => {
    const store = new MemoryStore();
    const { source, clock, deribit } = await harness('2025-11-13T12:00:00Z', { dvolStore: store });
    const hist = await source.dvolHistory(clock.nowMs(), 365);
    expect(hist.status).toBe('ok');
    if (hist.status !== 'ok') return;
    expect(hist.value).toHaveLength(365);
    expect(hist.value.at(-1)).toEqual({ date: '2025-11-12', vol: 0.4487 });
    expect(hist.asOfMs).toBe(Date.UTC(2025, 10, 13));
    expect(deribit.requestsTo(VOL).map((r) => r.query.get('end_timestamp'))).toEqual([
      String(clock.nowMs()),
      '1743465600000',
    ]);
    expect(deribit.requestsTo(VOL)[0]!.query.get('start_timestamp')).toBe(String(Date.UTC(2024, 9, 9)));
    expect(store.points).toHaveLength(399);
    expect(store.points[0]).toEqual({ date: '2024-10-09', vol: 0.5611 });
    expect(store.saves).toBe(1);

    // Same UTC day: nothing new to fetch.
    await source.dvolHistory(clock.nowMs(), 30);
    expect(deribit.requestsTo(VOL)).toHaveLength(2);

    // Next day: only the days after the last stored close (synthetic value for 2025-11-13).
    clock.advance(MS_PER_DAY);
    deribit.route({
      path: VOL,
      query: { start_timestamp: String(Date.UTC(2025, 10, 13)) },
      respond: {
        body: { result: { data: [[Date.UTC(2025, 10, 13), 46, 47, 45, 46.5]], continuation: null } },
      },
    });
    const next = await source.dvolHistory(clock.nowMs(), 2);
    expect(next).toMatchObject({
      status: 'ok',
      value: [
        { date: '2025-11-12', vol: 0.4487 },
        { date: '2025-11-13', vol: 0.465 },
      ],
    });
    expect(deribit.requestsTo(VOL)).toHaveLength(3);
    expect(store.points).toHaveLength(400);
  });

  it('starts from a store that already reaches back a year', async () => {
    const page2 = apiFixture<{ result: { data: number[][] } }>(
      'deribit/get_volatility_index_data-1D-page2.derived.json',
    );
    const page1 = apiFixture<{ result: { data: number[][] } }>(
      'deribit/get_volatility_index_data-1D-page1.derived.json',
    );
    const stored = [...page2.result.data, ...page1.result.data]
      .filter((r) => r[0]! < Date.UTC(2025, 10, 10))
      .map((r) => ({ date: utcDate(r[0]!), vol: r[4]! / 100 }));
    const store = new MemoryStore(stored);
    const { source, clock, deribit } = await harness('2025-11-13T12:00:00Z', { dvolStore: store });
    deribit.route({
      path: VOL,
      query: { start_timestamp: String(Date.UTC(2025, 10, 10)) },
      respond: {
        body: {
          result: {
            data: page1.result.data.filter((r) => r[0]! >= Date.UTC(2025, 10, 10)),
            continuation: null,
          },
        },
      },
    });
    const hist = await source.dvolHistory(clock.nowMs(), 3);
    expect(deribit.requestsTo(VOL)).toHaveLength(1);
    // 2025-11-11 is missing from Deribit's record: the history has a gap, not an invented close.
    expect(hist).toMatchObject({
      status: 'ok',
      value: [
        { date: '2025-11-09', vol: 0.4532 },
        { date: '2025-11-10', vol: 0.4468 },
        { date: '2025-11-12', vol: 0.4487 },
      ],
    });
    expect(hist.status === 'ok' && hist.note).toBeUndefined();
  });
});
