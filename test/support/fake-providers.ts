import { apiFixture } from './api-fixtures.js';
import { FakeBybitWsServer, FakeHttpServer } from './fake-servers.js';

/** When the recorded IBIT quotes were taken (Yahoo regularMarketTime): a live test's clock starts near it. */
export const RECORDED_AT = '2026-02-11T17:35:00Z';

const VOL = '/api/v2/public/get_volatility_index_data';

export interface FakeProviders {
  deribit: FakeHttpServer;
  bybit: FakeHttpServer;
  yahoo: FakeHttpServer;
  cboe: FakeHttpServer;
  /** Bybit's ticker stream, when asked for (its URL is in env as ARGUS_BYBIT_WS_URL). */
  ws: FakeBybitWsServer | null;
  /** ARGUS_*_URL pointing the live source (in-process or a spawned CLI) at these servers. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Deribit, Bybit, Yahoo and Cboe on 127.0.0.1, answering with the recorded payloads of
 * 2026-02-11 17:30 UTC (run the CLI with ARGUS_FAKE_NOW near it).
 */
export async function startFakeProviders(
  o: {
    /** Also Bybit's WebSocket, sending the recorded ticker snapshot on subscribe. */
    ws?: boolean;
    /**
     * Re-stamp the hourly BTC bars and the hourly DVOL candle to end at this instant (derived from
     * the recorded values), so a command run then finds a fresh candle and a day of bars.
     */
    at?: string;
  } = {},
): Promise<FakeProviders> {
  const [deribit, bybit, yahoo, cboe] = await Promise.all([1, 2, 3, 4].map(() => FakeHttpServer.start()));
  const ws = o.ws ? await FakeBybitWsServer.start() : null;
  if (ws) ws.onSubscribe = () => [apiFixture('bybit/ws-ticker-snapshot.recorded.json')];
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
  if (o.at) restamp(deribit!, bybit!, Date.parse(o.at));
  return {
    ws,
    deribit: deribit!,
    bybit: bybit!,
    yahoo: yahoo!,
    cboe: cboe!,
    env: {
      ARGUS_DERIBIT_URL: `${deribit!.url}/api/v2`,
      ARGUS_BYBIT_URL: bybit!.url,
      ARGUS_YAHOO_URL: yahoo!.url,
      ARGUS_CBOE_URL: cboe!.url,
      ...(ws ? { ARGUS_BYBIT_WS_URL: ws.url } : {}),
    },
    close: async () => {
      await Promise.all([deribit!.close(), bybit!.close(), yahoo!.close(), cboe!.close(), ws?.close()]);
    },
  };
}

const HOUR = 3_600_000;

/** The recorded BTC bar and DVOL candle repeated into the hours before `atMs` (newest first for Bybit). */
function restamp(deribit: FakeHttpServer, bybit: FakeHttpServer, atMs: number): void {
  const kline = apiFixture<{ result: { list: string[][] } }>('bybit/kline-BTCUSDT-60.recorded.json');
  const bar = kline.result.list[kline.result.list.length - 1];
  const lastStart = Math.floor(atMs / HOUR) * HOUR - HOUR;
  const list = Array.from({ length: 200 }, (_, i) => [String(lastStart - i * HOUR), ...bar.slice(1)]);
  bybit.route({
    path: '/v5/market/kline',
    respond: { body: { ...kline, result: { ...kline.result, list } } },
  });
  const dvol = apiFixture<{ result: { data: number[][]; continuation: unknown } }>(
    'deribit/get_volatility_index_data-60.derived.json',
  );
  const candle = dvol.result.data[0];
  const data = [[Math.floor(atMs / 60_000) * 60_000 - 5 * 60_000, ...candle.slice(1)]];
  deribit.route({
    path: VOL,
    query: { resolution: '60' },
    respond: { body: { ...dvol, result: { ...dvol.result, data } } },
  });
}
