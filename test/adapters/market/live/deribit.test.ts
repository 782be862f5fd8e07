import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeribitClient } from '../../../../src/adapters/market/live/deribit.js';
import { HttpClient } from '../../../../src/adapters/market/live/http.js';
import { ProviderError } from '../../../../src/adapters/market/live/provider-error.js';
import { MS_PER_DAY } from '../../../../src/core/units.js';
import { apiFixture, apiFixtureCopy } from '../../../support/api-fixtures.js';
import { AutoClock } from '../../../support/clocks.js';
import { FakeHttpServer } from '../../../support/fake-servers.js';

const VOL = '/api/v2/public/get_volatility_index_data';
const PAGE1 = 'deribit/get_volatility_index_data-1D-page1.derived.json';
const PAGE2 = 'deribit/get_volatility_index_data-1D-page2.derived.json';

let clock: AutoClock;
let server: FakeHttpServer;
let http: HttpClient;
let deribit: DeribitClient;

beforeEach(async () => {
  clock = new AutoClock('2025-11-13T12:00:00Z');
  server = await FakeHttpServer.start();
  http = new HttpClient({ clock, random: () => 0.5, timeoutMs: 500, maxAttempts: 2 });
  deribit = new DeribitClient(http, clock, `${server.url}/api/v2/`);
});

afterEach(async () => {
  await http.close();
  await server.close();
});

describe('DeribitClient', () => {
  it('reads the BTC/USD index in USD, stamped with Deribit’s send time', async () => {
    server.route({
      path: '/api/v2/public/get_index_price',
      query: { index_name: 'btc_usd' },
      respond: { body: apiFixture('deribit/get_index_price.derived.json') },
    });
    await expect(deribit.indexPriceUsd()).resolves.toEqual({ priceUsd: 92263.55, asOfMs: 1765541474086 });
  });

  it('turns DVOL points into fractions (129.36 → 1.2936)', async () => {
    server.route({
      path: VOL,
      query: { resolution: '60' },
      respond: { body: apiFixture('deribit/get_volatility_index_data-60.derived.json') },
    });
    const now = 1619777970000;
    await expect(deribit.dvolNow(now)).resolves.toEqual({ vol: 1.2936, asOfMs: 1619777940000 });
    const q = server.requests[0]!.query;
    expect(q.get('currency')).toBe('BTC');
    expect(Number(q.get('end_timestamp'))).toBe(now);
    expect(Number(q.get('start_timestamp'))).toBe(now - 15 * 60_000);
  });

  it('follows continuation to backfill more than a year of daily closes', async () => {
    const page1 = apiFixtureCopy<{ result: { data: number[][] } }>(PAGE1);
    // Today's candle is still forming: it must not count as a close.
    page1.result.data.push([Date.UTC(2025, 10, 13), 47.1, 47.1, 47.1, 47.1]);
    server.route({ path: VOL, query: { resolution: '1D' }, respond: { body: page1 } });
    server.route({
      path: VOL,
      query: { resolution: '1D', end_timestamp: '1743465600000' },
      respond: { body: apiFixture(PAGE2) },
    });
    const start = Date.UTC(2024, 9, 9);
    const { points } = await deribit.dvolDailyCloses(start, clock.nowMs());

    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.query.get('start_timestamp')).toBe(String(start));
    // 2024-10-09 .. 2025-11-12 is 400 days; Deribit's record lacks 2025-11-11.
    expect(points).toHaveLength(399);
    expect(points[0]).toEqual({ date: '2024-10-09', vol: 0.5611 });
    expect(points.at(-1)).toEqual({ date: '2025-11-12', vol: 0.4487 });
    expect(points.find((p) => p.date === '2025-04-01')).toEqual({ date: '2025-04-01', vol: 0.4955 });
    expect(points.some((p) => p.date === '2025-11-11')).toBe(false);
    const dates = points.map((p) => p.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    expect(Date.UTC(2025, 10, 12) - Date.UTC(2024, 9, 9)).toBeGreaterThanOrEqual(365 * MS_PER_DAY);
  });

  it('refuses a continuation that does not move back in time', async () => {
    const page = apiFixtureCopy<{ result: { continuation: number } }>(PAGE2);
    page.result.continuation = clock.nowMs() + 1;
    server.route({ path: VOL, respond: { body: page } });
    await expect(deribit.dvolDailyCloses(Date.UTC(2024, 9, 9), clock.nowMs())).rejects.toThrow(
      /continuation \d+ does not move back/,
    );
  });

  it('refuses a close outside the DVOL point range (units changed)', async () => {
    server.route({
      path: VOL,
      respond: { body: { result: { data: [[1619777940000, 1, 1, 1, 0.55]], continuation: null } } },
    });
    const e = await deribit.dvolNow(1619777970000).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).kind).toBe('implausible');
    expect((e as ProviderError).fieldPath).toBe('result.data[0][4]');
  });

  it('names the field when a candle has the wrong type', async () => {
    server.route({
      path: VOL,
      respond: { body: { result: { data: [[1619777940000, 1, 1, 1, '55.2']], continuation: null } } },
    });
    await expect(deribit.dvolNow(1619777970000)).rejects.toThrow(
      /^deribit public\/get_volatility_index_data: unexpected response at result\.data\[0\]\[4\]/,
    );
  });

  it('passes Deribit’s own error text on', async () => {
    server.route({
      path: '/api/v2/public/get_index_price',
      respond: { status: 400, body: { jsonrpc: '2.0', error: { message: 'Invalid params', code: -32602 } } },
    });
    await expect(deribit.indexPriceUsd()).rejects.toThrow(/HTTP 400: .*Invalid params/);
  });
});
