import { apiFixture } from './api-fixtures.js';
import { FakeHttpServer } from './fake-servers.js';

const VOL = '/api/v2/public/get_volatility_index_data';

export interface FakeProviders {
  deribit: FakeHttpServer;
  bybit: FakeHttpServer;
  yahoo: FakeHttpServer;
  cboe: FakeHttpServer;
  /** ARGUS_*_URL pointing the live source (in-process or a spawned CLI) at these servers. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Deribit, Bybit, Yahoo and Cboe on 127.0.0.1, answering with the recorded payloads of
 * 2026-02-11 17:30 UTC (run the CLI with ARGUS_FAKE_NOW near it).
 */
export async function startFakeProviders(): Promise<FakeProviders> {
  const [deribit, bybit, yahoo, cboe] = await Promise.all([1, 2, 3, 4].map(() => FakeHttpServer.start()));
  deribit!
    .route({
      path: '/api/v2/public/get_index_price',
      respond: { body: apiFixture('deribit/get_index_price.derived.json') },
    })
    .route({
      path: VOL,
      query: { resolution: '60' },
      respond: { body: apiFixture('deribit/get_volatility_index_data-60.derived.json') },
    })
    .route({
      path: VOL,
      query: { resolution: '1D' },
      respond: { body: apiFixture('deribit/get_volatility_index_data-1D-page1.derived.json') },
    })
    .route({
      path: VOL,
      query: { resolution: '1D', end_timestamp: '1743465600000' },
      respond: { body: apiFixture('deribit/get_volatility_index_data-1D-page2.derived.json') },
    });
  bybit!
    .route({
      path: '/v5/market/tickers',
      respond: { body: apiFixture('bybit/tickers-linear-BTCUSDT.derived.json') },
    })
    .route({
      path: '/v5/market/funding/history',
      respond: { body: apiFixture('bybit/funding-history-BTCUSDT.recorded.json') },
    })
    .route({
      path: '/v5/market/kline',
      respond: { body: apiFixture('bybit/kline-BTCUSDT-60.recorded.json') },
    });
  yahoo!
    .route({
      path: '/',
      respond: { status: 404, headers: { 'set-cookie': 'A3=d=AQAB; Path=/; Secure' }, body: 'x' },
    })
    .route({ path: '/v1/test/getcrumb', respond: { body: 'crumb123' } })
    .route({ path: '/v8/finance/chart/IBIT', respond: { body: apiFixture('yahoo/chart-IBIT.derived.json') } })
    .route({
      path: '/v7/finance/options/IBIT',
      respond: { body: apiFixture('yahoo/options-IBIT.derived.json') },
    })
    .route({
      path: '/v7/finance/options/IBIT',
      query: { date: String(Date.UTC(2026, 1, 20) / 1000) },
      respond: { body: apiFixture('yahoo/options-IBIT-2026-02-20.derived.json') },
    })
    .route({
      path: '/v7/finance/options/IBIT',
      query: { date: String(Date.UTC(2026, 1, 27) / 1000) },
      respond: { body: apiFixture('yahoo/options-IBIT-2026-02-27.derived.json') },
    });
  cboe!.route({
    path: '/api/global/delayed_quotes/options/IBIT.json',
    respond: { body: apiFixture('cboe/IBIT.derived.json') },
  });
  return {
    deribit: deribit!,
    bybit: bybit!,
    yahoo: yahoo!,
    cboe: cboe!,
    env: {
      ARGUS_DERIBIT_URL: `${deribit!.url}/api/v2`,
      ARGUS_BYBIT_URL: bybit!.url,
      ARGUS_YAHOO_URL: yahoo!.url,
      ARGUS_CBOE_URL: cboe!.url,
    },
    close: async () => {
      await Promise.all([deribit!.close(), bybit!.close(), yahoo!.close(), cboe!.close()]);
    },
  };
}
