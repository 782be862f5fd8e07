import { z } from 'zod';
import type { Bar } from '../../../core/market/port.js';
import { MS_PER_HOUR } from '../../../core/units.js';
import { formatPath, type HttpClient, parseJsonText, parseWith } from './http.js';
import { type Band, inBand, PLAUSIBLE } from './plausible.js';
import { ProviderError } from './provider-error.js';
import { numStr, trimBase } from './util.js';

export const BYBIT_DEFAULT_URL = 'https://api.bybit.com';
const KLINE_PAGE = 1000;

const envelope = z.object({ retCode: z.number().int(), retMsg: z.string() });

// The three values are checked one by one (see ticker): one bad field does not discard the others.
const tickerItem = z.object({
  symbol: z.string(),
  lastPrice: z.unknown(),
  price24hPcnt: z.unknown(),
  fundingRate: z.unknown(),
  fundingIntervalHour: numStr.optional(),
  markPrice: numStr.optional(),
  indexPrice: numStr.optional(),
});
const tickersSchema = z.object({
  result: z.object({ category: z.literal('linear'), list: z.array(tickerItem).min(1) }),
  time: z.number().int(),
});

const fundingSchema = z.object({
  result: z.object({
    list: z.array(z.object({ symbol: z.string(), fundingRate: numStr, fundingRateTimestamp: numStr })),
  }),
});

const klineSchema = z.object({
  result: z.object({
    list: z.array(z.tuple([numStr, numStr, numStr, numStr, numStr, numStr, numStr])),
  }),
  time: z.number().int(),
});

type TickerValue = 'lastPrice' | 'change24hFrac' | 'fundingRate';

/** A value is null when its field was refused; `rejected` says why, naming the field. */
export interface BybitTicker {
  symbol: string;
  lastPrice: number | null;
  /** Bybit's price24hPcnt is already a fraction (0.0123 = 1.23 %): the seed multiplied it by 100 twice. */
  change24hFrac: number | null;
  /** Rate for one funding interval, as sent. */
  fundingRate: number | null;
  fundingIntervalHours: number | null;
  asOfMs: number;
  rejected: Partial<Record<TickerValue, ProviderError>>;
}

/** A ticker value, or the reason it is missing. */
export function tickerValue(t: BybitTicker, name: TickerValue): number {
  const v = t[name];
  if (v !== null) return v;
  throw t.rejected[name] ?? new Error(`bybit ticker: ${name} missing without a reason`);
}

export interface FundingSettlement {
  timeMs: number;
  /** Rate charged at this settlement, for the interval that ended here. */
  rate: number;
}

export interface Funding8h {
  rate8h: number;
  intervalHours: number;
  /** Where the interval came from: the ticker's field or the spacing of past settlements. */
  intervalFrom: 'ticker' | 'history';
  asOfMs: number;
}

export class BybitClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl = BYBIT_DEFAULT_URL,
  ) {
    this.base = trimBase(baseUrl);
  }

  async ticker(symbol = 'BTCUSDT'): Promise<BybitTicker> {
    const body = await this.call('market/tickers', `category=linear&symbol=${symbol}`, tickersSchema);
    const t = body.result.list.find((x) => x.symbol === symbol);
    if (!t) {
      throw new ProviderError(
        { provider: 'bybit', endpoint: 'market/tickers', kind: 'provider-error', fieldPath: 'result.list' },
        `no ${symbol} in the answer`,
      );
    }
    const i = body.result.list.indexOf(t);
    const rejected: BybitTicker['rejected'] = {};
    const value = (name: TickerValue, field: 'lastPrice' | 'price24hPcnt' | 'fundingRate', band: Band) => {
      const fieldPath = `result.list[${i}].${field}`;
      const at = { provider: 'bybit' as const, endpoint: 'market/tickers', fieldPath };
      try {
        const parsed = numStr.safeParse(t[field]);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ProviderError(
            { ...at, kind: 'schema', fieldPath: fieldPath + formatPath(issue?.path ?? []) },
            `unexpected response at ${fieldPath}: ${issue?.message ?? 'invalid'}`,
          );
        }
        return inBand(parsed.data, band, at);
      } catch (err) {
        rejected[name] = err as ProviderError;
        return null;
      }
    };
    return {
      symbol,
      lastPrice: value('lastPrice', 'lastPrice', PLAUSIBLE.btcUsd),
      change24hFrac: value('change24hFrac', 'price24hPcnt', PLAUSIBLE.change24hFrac),
      fundingRate: value('fundingRate', 'fundingRate', PLAUSIBLE.fundingRate),
      fundingIntervalHours: t.fundingIntervalHour ?? null,
      asOfMs: body.time,
      rejected,
    };
  }

  /** Past settlements, newest first. */
  async fundingHistory(symbol = 'BTCUSDT', limit = 10): Promise<FundingSettlement[]> {
    const body = await this.call(
      'market/funding/history',
      `category=linear&symbol=${symbol}&limit=${limit}`,
      fundingSchema,
    );
    return body.result.list
      .map((x, i) => ({
        timeMs: x.fundingRateTimestamp,
        rate: inBand(x.fundingRate, PLAUSIBLE.fundingRate, {
          provider: 'bybit',
          endpoint: 'market/funding/history',
          fieldPath: `result.list[${i}].fundingRate`,
        }),
      }))
      .sort((a, b) => b.timeMs - a.timeMs);
  }

  /** The current funding rate expressed per 8 h. */
  async funding8h(symbol = 'BTCUSDT'): Promise<Funding8h> {
    const t = await this.ticker(symbol);
    const fundingRate = tickerValue(t, 'fundingRate');
    let intervalHours = t.fundingIntervalHours;
    let intervalFrom: Funding8h['intervalFrom'] = 'ticker';
    if (intervalHours === null) {
      // Older answers lack fundingIntervalHour; the spacing of the last two settlements is the interval.
      const [a, b] = await this.fundingHistory(symbol, 2);
      if (!a || !b || a.timeMs <= b.timeMs) {
        throw new ProviderError(
          { provider: 'bybit', endpoint: 'market/funding/history', kind: 'provider-error' },
          'ticker has no fundingIntervalHour and fewer than two past settlements to infer it',
        );
      }
      intervalHours = (a.timeMs - b.timeMs) / MS_PER_HOUR;
      intervalFrom = 'history';
    }
    if (!(intervalHours > 0 && intervalHours <= 24)) {
      throw new ProviderError(
        {
          provider: 'bybit',
          endpoint: 'market/tickers',
          kind: 'implausible',
          fieldPath: 'result.list[0].fundingIntervalHour',
        },
        `funding interval ${intervalHours} h is not plausible`,
      );
    }
    // Bybit charges fundingRate once per interval; BTCUSDT settles every 8 h, but Bybit shortens the
    // interval in volatile markets. The port speaks per 8 h, so scale by the number of intervals in 8 h.
    return { rate8h: (fundingRate * 8) / intervalHours, intervalHours, intervalFrom, asOfMs: t.asOfMs };
  }

  /** The most recent `count` completed hourly bars at `nowMs`, oldest first. */
  async hourlyBars(count: number, nowMs: number, symbol = 'BTCUSDT'): Promise<Bar[]> {
    const bars = new Map<number, Bar>();
    let end = nowMs;
    while (bars.size < count) {
      const limit = Math.min(KLINE_PAGE, count - bars.size + 1);
      const body = await this.call(
        'market/kline',
        `category=linear&symbol=${symbol}&interval=60&limit=${limit}&end=${Math.floor(end)}`,
        klineSchema,
      );
      let oldest = Number.POSITIVE_INFINITY;
      for (const [k, [startMs, open, high, low, close, volume]] of body.result.list.entries()) {
        oldest = Math.min(oldest, startMs);
        for (const [j, v] of [open, high, low, close].entries()) {
          inBand(v, PLAUSIBLE.btcUsd, {
            provider: 'bybit',
            endpoint: 'market/kline',
            fieldPath: `result.list[${k}][${j + 1}]`,
          });
        }
        // The newest bar is still forming until its hour ends.
        if (startMs + MS_PER_HOUR <= nowMs)
          bars.set(startMs, { startMs, durationMs: MS_PER_HOUR, open, high, low, close, volume });
      }
      if (body.result.list.length < limit || !Number.isFinite(oldest)) break;
      end = oldest - 1;
    }
    return [...bars.values()].sort((a, b) => a.startMs - b.startMs).slice(-count);
  }

  private async call<S extends z.ZodType>(endpoint: string, query: string, schema: S): Promise<z.output<S>> {
    const req = { provider: 'bybit' as const, endpoint, url: `${this.base}/v5/${endpoint}?${query}` };
    const res = await this.http.get(req);
    const raw = parseJsonText(res.text, req);
    // Bybit reports errors in a 200 body; check retCode before expecting a result.
    const env = parseWith(envelope, raw, req);
    if (env.retCode !== 0) {
      throw new ProviderError(
        { provider: 'bybit', endpoint, kind: env.retCode === 10006 ? 'rate-limited' : 'provider-error' },
        `retCode ${env.retCode}: ${env.retMsg}`,
      );
    }
    return parseWith(schema, raw, req);
  }
}
