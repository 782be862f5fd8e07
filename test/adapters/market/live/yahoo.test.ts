import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { cookieHeader, YahooClient } from '../../../../src/adapters/market/live/yahoo.js';
import type { EtfSymbol } from '../../../../src/core/market/port.js';
import { apiFixture, apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer, type RouteSpec } from '../../../support/fake-servers.js';

const CRUMB = 'hA3/oykh+HqZ';
const COOKIE_ROUTE: RouteSpec = {
  path: '/',
  respond: {
    status: 404,
    headers: {
      'set-cookie': [
        'A3=d=AQABBK&S=AQAAAt; Expires=Thu, 11 Feb 2027 17:30:00 GMT; Path=/; Domain=.yahoo.com; Secure',
        'A1S=d=xyz; Path=/',
      ],
    },
    body: '<html>not found</html>',
  },
};
const CRUMB_ROUTE: RouteSpec = { path: '/v1/test/getcrumb', respond: { body: CRUMB } };
const FEB_20 = String(Date.UTC(2026, 1, 20) / 1000);
const FEB_27 = String(Date.UTC(2026, 1, 27) / 1000);

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient;
let yahoo: YahooClient;

function serveIbitOptions() {
  server.route({
    path: '/v7/finance/options/IBIT',
    respond: { body: apiFixture('yahoo/options-IBIT.derived.json') },
  });
  server.route({
    path: '/v7/finance/options/IBIT',
    query: { date: FEB_20 },
    respond: { body: apiFixture('yahoo/options-IBIT-2026-02-20.derived.json') },
  });
  server.route({
    path: '/v7/finance/options/IBIT',
    query: { date: FEB_27 },
    respond: { body: apiFixture('yahoo/options-IBIT-2026-02-27.derived.json') },
  });
}

beforeEach(async () => {
  clock = new AutoClock('2026-02-11T17:35:00Z');
  server = await FakeHttpServer.start({ routes: [COOKIE_ROUTE, CRUMB_ROUTE] });
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 500, maxAttempts: 2 });
  yahoo = new YahooClient(http, server.url);
});

afterEach(async () => {
  await http.close();
  await server.close();
});

describe('Yahoo handshake', () => {
  it('gets a cookie, then a crumb with it, then sends both on API calls', async () => {
    server.route({
      path: '/v8/finance/chart/IBIT',
      respond: { body: apiFixture('yahoo/chart-IBIT.derived.json') },
    });
    await yahoo.chart('IBIT');
    expect(server.requests.map((r) => r.path)).toEqual(['/', '/v1/test/getcrumb', '/v8/finance/chart/IBIT']);
    const [, crumbReq, api] = server.requests;
    expect(crumbReq!.headers.cookie).toBe('A3=d=AQABBK&S=AQAAAt; A1S=d=xyz');
    expect(api!.headers.cookie).toBe('A3=d=AQABBK&S=AQAAAt; A1S=d=xyz');
    expect(api!.query.get('crumb')).toBe(CRUMB);
    // The session is reused.
    await yahoo.chart('IBIT');
    expect(server.requestsTo('/v1/test/getcrumb')).toHaveLength(1);
  });

  it('refreshes the cookie and crumb once on 401, then succeeds', async () => {
    server.route({ path: '/v1/test/getcrumb', respond: [{ body: 'stale-crumb' }, { body: CRUMB }] });
    server.route({
      path: '/v8/finance/chart/IBIT',
      respond: (req) =>
        req.query.get('crumb') === CRUMB
          ? { body: apiFixture('yahoo/chart-IBIT.derived.json') }
          : {
              status: 401,
              body: { finance: { error: { code: 'Unauthorized', description: 'Invalid Crumb' } } },
            },
    });
    const q = await yahoo.chart('IBIT');
    expect(q.price).toBe(37.735);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/',
      '/v1/test/getcrumb',
      '/v8/finance/chart/IBIT',
      '/',
      '/v1/test/getcrumb',
      '/v8/finance/chart/IBIT',
    ]);
  });

  it('gives up after one refresh when Yahoo keeps refusing', async () => {
    server.route({ path: '/v8/finance/chart/IBIT', respond: { status: 401, body: 'Unauthorized' } });
    const e = (await yahoo.chart('IBIT').catch((err: unknown) => err)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toBe(
      'yahoo v8/finance/chart/IBIT: HTTP 401 even after refreshing the cookie and crumb',
    );
    expect(server.requestsTo('/v1/test/getcrumb')).toHaveLength(2);
  });

  it('fails the handshake clearly when no cookie is set', async () => {
    server.route({ path: '/', respond: { status: 404, body: 'nope' } });
    await expect(yahoo.chart('IBIT')).rejects.toThrow(
      /^yahoo cookie: no Set-Cookie from http:\/\/127\.0\.0\.1:\d+$/,
    );
  });

  it('refuses an HTML page where the crumb should be', async () => {
    server.route({ path: '/v1/test/getcrumb', respond: { body: '<html>consent</html>' } });
    await expect(yahoo.chart('IBIT')).rejects.toThrow(/^yahoo v1\/test\/getcrumb: unusable crumb/);
  });

  it('keeps only name=value pairs of Set-Cookie headers', () => {
    expect(cookieHeader(['a=1; Path=/', 'b=2; Secure', 'junk'])).toBe('a=1; b=2');
    expect(cookieHeader('a=1')).toBe('a=1');
    expect(cookieHeader(undefined)).toBe('');
  });
});

describe('Yahoo chart', () => {
  it('reads price, previous close and market time from the IBIT chart', async () => {
    server.route({
      path: '/v8/finance/chart/IBIT',
      respond: { body: apiFixture('yahoo/chart-IBIT.derived.json') },
    });
    await expect(yahoo.chart('IBIT')).resolves.toEqual({
      symbol: 'IBIT',
      price: 37.735,
      previousClose: 38.970001220703125,
      timeMs: 1770831000000,
    });
    expect(server.requestsTo('/v8/finance/chart/IBIT')[0]!.query.get('range')).toBe('1d');
  });

  it('parses the recorded AAPL chart (real shape) with chartPreviousClose as the fallback', async () => {
    server.route({
      path: '/v8/finance/chart/AAPL',
      respond: { body: apiFixture('yahoo/chart-AAPL.recorded.json') },
    });
    await expect(yahoo.chart('AAPL' as EtfSymbol)).resolves.toEqual({
      symbol: 'AAPL',
      price: 244.87,
      previousClose: 124.808,
      timeMs: 1739998801000,
    });
  });

  it('refuses an answer for another symbol', async () => {
    server.route({
      path: '/v8/finance/chart/BITO',
      respond: { body: apiFixture('yahoo/chart-IBIT.derived.json') },
    });
    await expect(yahoo.chart('BITO')).rejects.toThrow(
      'yahoo v8/finance/chart/BITO: answer is for IBIT, not BITO',
    );
  });

  it('passes Yahoo’s error object on', async () => {
    server.route({
      path: '/v8/finance/chart/IBIT',
      respond: {
        body: {
          chart: {
            result: null,
            error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
          },
        },
      },
    });
    await expect(yahoo.chart('IBIT')).rejects.toThrow(
      'yahoo v8/finance/chart/IBIT: Not Found: No data found, symbol may be delisted',
    );
  });

  it('names the field of a wrong type', async () => {
    const body = apiFixtureCopy<{ chart: { result: { meta: Record<string, unknown> }[] } }>(
      'yahoo/chart-IBIT.derived.json',
    );
    body.chart.result[0]!.meta.regularMarketPrice = '37.735';
    server.route({ path: '/v8/finance/chart/IBIT', respond: { body } });
    await expect(yahoo.chart('IBIT')).rejects.toThrow(
      /^yahoo v8\/finance\/chart\/IBIT: unexpected response at chart\.result\[0\]\.meta\.regularMarketPrice/,
    );
  });
});

describe('Yahoo options', () => {
  it('lists the expiries and fetches only the wanted ones, each once', async () => {
    serveIbitOptions();
    const chain = await yahoo.optionChain('IBIT', ['2026-02-20', '2026-02-27', '2030-01-18']);
    const calls = server.requestsTo('/v7/finance/options/IBIT');
    expect(calls.map((r) => r.query.get('date'))).toEqual([null, FEB_20, FEB_27]);
    expect(chain.expiries).toHaveLength(19);
    expect(chain.expiries.slice(0, 3)).toEqual(['2026-02-11', '2026-02-13', '2026-02-18']);
    expect(chain.underlyingPrice).toBe(37.735);
    expect(chain.quoteTimeMs).toBe(1770831000000);
    expect(new Set(chain.quotes.map((q) => q.expiry))).toEqual(new Set(['2026-02-20', '2026-02-27']));
    const put35 = chain.quotes.find((q) => q.expiry === '2026-02-20' && q.right === 'put' && q.strike === 35);
    expect(put35).toEqual({
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
      quoteTimeMs: 1770831000000,
    });
  });

  it('reuses the first page for the nearest expiry', async () => {
    serveIbitOptions();
    const chain = await yahoo.optionChain('IBIT', ['2026-02-11']);
    expect(server.requestsTo('/v7/finance/options/IBIT')).toHaveLength(1);
    expect(chain.quotes.length).toBeGreaterThan(0);
    expect(chain.quotes.every((q) => q.expiry === '2026-02-11')).toBe(true);
  });

  it('keeps a bid of 0 as a quote and an absent volume as null', async () => {
    serveIbitOptions();
    const chain = await yahoo.optionChain('IBIT', ['2026-02-11', '2026-02-20']);
    const call = (expiry: string, strike: number) =>
      chain.quotes.find((q) => q.expiry === expiry && q.right === 'call' && q.strike === strike)!;
    // IBIT260211C00040000 is 0.00 × 0.01: a real one-sided market.
    expect(call('2026-02-11', 40)).toMatchObject({ bid: 0, ask: 0.01, last: 0.01, iv: 0.500005 });
    // IBIT260220C00031500 has no volume field in Yahoo's answer.
    expect(call('2026-02-20', 31.5)).toMatchObject({ bid: 6.45, ask: 6.55, volume: null, openInterest: 55 });
  });

  it('parses the recorded QQQ chain (real shape): 0 × 0 markets carry no IV', async () => {
    server.route({
      path: '/v7/finance/options/QQQ',
      respond: { body: apiFixture('yahoo/options-QQQ.recorded.json') },
    });
    const chain = await yahoo.optionChain('QQQ' as EtfSymbol, ['2025-02-24']);
    expect(chain.expiries).toHaveLength(30);
    expect(chain.expiries[0]).toBe('2025-02-24');
    expect(chain.underlyingPrice).toBe(526.12);
    expect(chain.quoteTimeMs).toBe(1740171600000);
    expect(chain.quotes).toHaveLength(180);
    const p451 = chain.quotes.find((q) => q.right === 'put' && q.strike === 451);
    expect(p451).toMatchObject({ bid: 0, ask: 0, last: 0.01, iv: null, volume: 946, openInterest: 0 });
    const c580 = chain.quotes.find((q) => q.right === 'call' && q.strike === 580);
    expect(c580?.volume).toBeNull();
  });

  it('treats Yahoo’s 0.00001 IV as no IV', async () => {
    const page = apiFixtureCopy<{
      optionChain: { result: { options: { puts: Record<string, unknown>[] }[] }[] };
    }>('yahoo/options-IBIT.derived.json');
    const put = page.optionChain.result[0]!.options[0]!.puts[0]!;
    put.impliedVolatility = 1.0000000000000003e-5;
    delete put.bid;
    server.route({ path: '/v7/finance/options/IBIT', respond: { body: page } });
    const chain = await yahoo.optionChain('IBIT', ['2026-02-11']);
    const q = chain.quotes.find((x) => x.right === 'put' && x.strike === put.strike)!;
    expect(q.iv).toBeNull();
    expect(q.bid).toBeNull();
  });

  it('an empty expiry list is refused with the field named, not passed on as a chain without dates', async () => {
    const page = apiFixtureCopy<{ optionChain: { result: { expirationDates: number[] }[] } }>(
      'yahoo/options-IBIT.derived.json',
    );
    page.optionChain.result[0]!.expirationDates = [];
    server.route({ path: '/v7/finance/options/IBIT', respond: { body: page } });
    const err = await yahoo.optionChain('IBIT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toBe(
      'yahoo v7/finance/options/IBIT: lists no expiries (optionChain.result[0].expirationDates is empty)',
    );
    expect((err as ProviderError).fieldPath).toBe('optionChain.result[0].expirationDates');
  });
});
