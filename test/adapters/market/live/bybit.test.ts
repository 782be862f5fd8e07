import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BybitClient } from '../../../../src/adapters/market/live/bybit.js';
import { HttpClient } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { MS_PER_HOUR } from '../../../../src/core/units.js';
import { apiFixture, apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer } from '../../../support/fake-servers.js';

const TICKERS = 'bybit/tickers-linear-BTCUSDT.derived.json';
type Tickers = { result: { list: Record<string, unknown>[] } };

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient;
let bybit: BybitClient;

function serveTicker(body: unknown = apiFixture(TICKERS)) {
  server.route({
    path: '/v5/market/tickers',
    query: { category: 'linear', symbol: 'BTCUSDT' },
    respond: { body },
  });
}

beforeEach(async () => {
  clock = new AutoClock('2024-03-08T12:00:00Z');
  server = await FakeHttpServer.start();
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 500, maxAttempts: 2 });
  bybit = new BybitClient(http, server.url);
});

afterEach(async () => {
  await http.close();
  await server.close();
});

describe('BybitClient', () => {
  it('normalises the linear ticker; the 24 h change stays a fraction (finding #25)', async () => {
    serveTicker();
    const t = await bybit.ticker();
    expect(t).toEqual({
      symbol: 'BTCUSDT',
      lastPrice: 16597,
      change24hFrac: 0.008047,
      fundingRate: -0.001034,
      fundingIntervalHours: 8,
      asOfMs: 1672376496682,
      rejected: {},
    });
    // "0.008047" is +0.8047 %, not +80 % nor +0.008 %.
    expect((t.change24hFrac ?? 0) * 100).toBeCloseTo(0.8047, 10);
  });

  it('keeps funding per 8 h as sent when Bybit settles every 8 h', async () => {
    serveTicker();
    await expect(bybit.funding8h()).resolves.toEqual({
      rate8h: -0.001034,
      intervalHours: 8,
      intervalFrom: 'ticker',
      asOfMs: 1672376496682,
    });
  });

  it('scales a 4-hour funding rate to 8 h', async () => {
    const body = apiFixtureCopy<Tickers>(TICKERS);
    body.result.list[0]!.fundingIntervalHour = '4';
    body.result.list[0]!.fundingRate = '0.0001';
    serveTicker(body);
    const f = await bybit.funding8h();
    expect(f.rate8h).toBeCloseTo(0.0002, 12);
    expect(f.intervalHours).toBe(4);
  });

  it('infers the interval from funding history when the ticker lacks it', async () => {
    const body = apiFixtureCopy<Tickers>(TICKERS);
    delete body.result.list[0]!.fundingIntervalHour;
    serveTicker(body);
    server.route({
      path: '/v5/market/funding/history',
      respond: { body: apiFixture('bybit/funding-history-BTCUSDT.recorded.json') },
    });
    const f = await bybit.funding8h();
    // The recorded settlements are 8 h apart (1709856000000 → 1709884800000).
    expect(f).toMatchObject({ rate8h: -0.001034, intervalHours: 8, intervalFrom: 'history' });
    expect(server.requestsTo('/v5/market/funding/history')[0]!.query.get('limit')).toBe('2');
  });

  it('reads funding history newest first', async () => {
    server.route({
      path: '/v5/market/funding/history',
      respond: { body: apiFixture('bybit/funding-history-BTCUSDT.recorded.json') },
    });
    await expect(bybit.fundingHistory('BTCUSDT', 2)).resolves.toEqual([
      { timeMs: 1709884800000, rate: 0.0001 },
      { timeMs: 1709856000000, rate: 0.00015 },
    ]);
  });

  it('returns completed hourly bars oldest first and drops the forming one', async () => {
    server.route({
      path: '/v5/market/kline',
      respond: { body: apiFixture('bybit/kline-BTCUSDT-60.recorded.json') },
    });
    // The recorded answer was captured at 1786820637599, inside the 1786820400000 hour.
    const bars = await bybit.hourlyBars(5, 1786820637599);
    expect(bars).toEqual([
      {
        startMs: 1786816800000,
        durationMs: MS_PER_HOUR,
        open: 63044.4,
        high: 63089.6,
        low: 63000.1,
        close: 63027.8,
        volume: 385.721,
      },
    ]);
    const q = server.requests[0]!.query;
    expect(q.get('interval')).toBe('60');
    expect(q.get('limit')).toBe('6');
  });

  it('reports a non-zero retCode with Bybit’s message', async () => {
    serveTicker({
      retCode: 10001,
      retMsg: 'params error: symbol invalid',
      result: {},
      retExtInfo: {},
      time: 1,
    });
    const e = (await bybit.ticker().catch((err: unknown) => err)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.kind).toBe('provider-error');
    expect(e.message).toBe('bybit market/tickers: retCode 10001: params error: symbol invalid');
  });

  it('refuses the inverse example that was recorded as "linear"', async () => {
    serveTicker(apiFixture('bybit/tickers-inverse-docs-example.recorded.json'));
    await expect(bybit.ticker()).rejects.toThrow(/unexpected response at result\.category/);
  });

  it('names the field when a number arrives where Bybit sends a string (that field alone is refused)', async () => {
    const body = apiFixtureCopy<Tickers>(TICKERS);
    body.result.list[0]!.lastPrice = 16597;
    serveTicker(body);
    const t = await bybit.ticker();
    expect(t.lastPrice).toBeNull();
    expect(t.fundingRate).toBe(-0.001034);
    const e = t.rejected.lastPrice!;
    expect(e.kind).toBe('schema');
    expect(e.fieldPath).toBe('result.list[0].lastPrice');
    expect(e.message).toMatch(/^bybit market\/tickers: unexpected response at result\.list\[0\]\.lastPrice/);
  });

  it('refuses an empty numeric string rather than reading it as 0', async () => {
    const body = apiFixtureCopy<Tickers>(TICKERS);
    body.result.list[0]!.fundingRate = '';
    serveTicker(body);
    expect((await bybit.ticker()).fundingRate).toBeNull();
    await expect(bybit.funding8h()).rejects.toThrow(
      /result\.list\[0\]\.fundingRate: expected a numeric string/,
    );
  });
});
