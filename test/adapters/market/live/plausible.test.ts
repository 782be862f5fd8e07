import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BybitClient } from '../../../../src/adapters/market/live/bybit.js';
import { CboeClient } from '../../../../src/adapters/market/live/cboe.js';
import { DeribitClient } from '../../../../src/adapters/market/live/deribit.js';
import { HttpClient } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { YahooClient } from '../../../../src/adapters/market/live/yahoo.js';
import { apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer } from '../../../support/fake-servers.js';

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient;

beforeEach(async () => {
  clock = new AutoClock('2026-02-11T17:35:00Z');
  server = await FakeHttpServer.start({
    routes: [
      { path: '/', respond: { status: 404, headers: { 'set-cookie': 'A3=d=x; Path=/' }, body: 'x' } },
      { path: '/v1/test/getcrumb', respond: { body: 'crumb' } },
    ],
  });
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 500, maxAttempts: 2 });
});
afterEach(async () => {
  await http.close();
  await server.close();
});

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

describe('upper plausibility bounds: the provider, endpoint and field named', () => {
  it('BTC at 1e308 from the Deribit index', async () => {
    server.route({ path: '/public/get_index_price', respond: { body: { result: { index_price: 1e308 } } } });
    const e = await rejection(new DeribitClient(http, clock, server.url).indexPriceUsd());
    expect(e.kind).toBe('implausible');
    expect(e.fieldPath).toBe('result.index_price');
    expect(e.message).toBe(
      'deribit public/get_index_price: BTC price 1e+308 at result.index_price is outside the plausible 1000–10000000 USD',
    );
  });

  it('IBIT at 1e308 from the Yahoo chart', async () => {
    const body = apiFixtureCopy<{ chart: { result: { meta: Record<string, unknown> }[] } }>(
      'yahoo/chart-IBIT.derived.json',
    );
    body.chart.result[0]!.meta.regularMarketPrice = 1e308;
    server.route({ path: '/v8/finance/chart/IBIT', respond: { body } });
    const e = await rejection(new YahooClient(http, server.url).chart('IBIT'));
    expect(e.kind).toBe('implausible');
    expect(e.fieldPath).toBe('chart.result[0].meta.regularMarketPrice');
    expect(e.message).toMatch(
      /^yahoo v8\/finance\/chart\/IBIT: ETF price 1e\+308 at chart\.result\[0\]\.meta\.regularMarketPrice is outside/,
    );
  });

  it('a put bid of 1e308, and every bid ×1e6, in a Yahoo chain', async () => {
    type Page = {
      optionChain: {
        result: { options: { puts: Record<string, number>[]; calls: Record<string, number>[] }[] }[];
      };
    };
    const one = apiFixtureCopy<Page>('yahoo/options-IBIT.derived.json');
    one.optionChain.result[0]!.options[0]!.puts[2]!.bid = 1e308;
    server.route({ path: '/v7/finance/options/IBIT', respond: { body: one } });
    const yahoo = new YahooClient(http, server.url);
    const e = await rejection(yahoo.optionChain('IBIT', ['2026-02-11']));
    expect(e.kind).toBe('implausible');
    expect(e.fieldPath).toBe('optionChain.result[0].options[0].puts[2].bid');

    const all = apiFixtureCopy<Page>('yahoo/options-IBIT.derived.json');
    for (const c of [
      ...all.optionChain.result[0]!.options[0]!.puts,
      ...all.optionChain.result[0]!.options[0]!.calls,
    ])
      if (typeof c.bid === 'number') c.bid *= 1e6;
    server.route({ path: '/v7/finance/options/IBIT', respond: { body: all } });
    const e2 = await rejection(yahoo.optionChain('IBIT', ['2026-02-11']));
    expect(e2.kind).toBe('implausible');
    expect(e2.message).toMatch(/bid .* is more than the contract can be worth/);
  });

  it('IBIT at 1e308 from Cboe', async () => {
    const body = apiFixtureCopy<{ data: Record<string, unknown> }>('cboe/IBIT.derived.json');
    body.data.current_price = 1e308;
    server.route({ path: '/api/global/delayed_quotes/options/IBIT.json', respond: { body } });
    const e = await rejection(new CboeClient(http, clock, server.url).chain('IBIT'));
    expect(e.fieldPath).toBe('data.current_price');
    expect(e.kind).toBe('implausible');
  });
});

describe('one bad field or candle discards only itself', () => {
  type Tickers = { result: { list: Record<string, unknown>[] } };
  it('a Bybit ticker with a bad 24 h change keeps its funding rate and price', async () => {
    const body = apiFixtureCopy<Tickers>('bybit/tickers-linear-BTCUSDT.derived.json');
    body.result.list[0]!.price24hPcnt = 'abc';
    server.route({ path: '/v5/market/tickers', respond: { body } });
    const bybit = new BybitClient(http, server.url);
    const t = await bybit.ticker();
    expect(t.lastPrice).toBe(16597);
    expect(t.fundingRate).toBe(-0.001034);
    expect(t.change24hFrac).toBeNull();
    expect(t.rejected.change24hFrac?.fieldPath).toBe('result.list[0].price24hPcnt');
    expect((await bybit.funding8h()).rate8h).toBe(-0.001034);
  });

  it('a Bybit last price of 1e308 is refused on its own', async () => {
    const body = apiFixtureCopy<Tickers>('bybit/tickers-linear-BTCUSDT.derived.json');
    body.result.list[0]!.lastPrice = '1e308';
    server.route({ path: '/v5/market/tickers', respond: { body } });
    const t = await new BybitClient(http, server.url).ticker();
    expect(t.lastPrice).toBeNull();
    expect(t.rejected.lastPrice?.kind).toBe('implausible');
    expect(t.change24hFrac).toBe(0.008047);
  });

  it('one bad DVOL candle (the oldest) is skipped, named; the others stand', async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2026, 0, 1);
    server.route({
      path: '/public/get_volatility_index_data',
      respond: {
        body: {
          result: {
            data: [
              [t0, 1, 1, 1, 1e308],
              [t0 + day, 50, 50, 50, 50],
              [t0 + 2 * day, 52, 52, 52, 'x'],
              [t0 + 3 * day, 55, 55, 55, 55],
            ],
            continuation: null,
          },
        },
      },
    });
    const r = await new DeribitClient(http, clock, server.url).dvolCandles(t0, t0 + 4 * day, '1D');
    expect(r.candles).toEqual([
      { tsMs: t0 + day, vol: 0.5 },
      { tsMs: t0 + 3 * day, vol: 0.55 },
    ]);
    expect(r.rejected.map((e) => [e.kind, e.fieldPath])).toEqual([
      ['implausible', 'result.data[0][4]'],
      ['schema', 'result.data[2][4]'],
    ]);
  });
});

describe("a step's total provider time is bounded", () => {
  it('a provider slower than the timeout: attempts stop when the budget is spent', async () => {
    server.route({ path: '/slow', respond: { hang: true } });
    const budgeted = new HttpClient({
      clock,
      random: () => 0,
      timeoutMs: 150,
      maxAttempts: 10,
      budgetMs: 400,
    });
    const e = await rejection(
      budgeted.get({ provider: 'deribit', endpoint: 'slow', url: `${server.url}/slow` }),
    );
    await budgeted.close();
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^deribit slow: .*time budget of 0\.4 s/);
    // 150 ms attempts within 400 ms: at most three, never the ten allowed.
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });
});
