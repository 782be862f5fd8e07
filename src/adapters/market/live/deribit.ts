import { z } from 'zod';
import type { DvolPoint } from '../../../core/market/port.js';
import type { Clock } from '../../../core/time/clock.js';
import { MS_PER_DAY } from '../../../core/units.js';
import type { HttpClient } from './http.js';
import { ProviderError } from './provider-error.js';
import { trimBase, utcDate } from './util.js';

export const DERIBIT_DEFAULT_URL = 'https://www.deribit.com/api/v2';

// DVOL is quoted in annualised vol points (55.2 = 55.2 %). Outside this band the units changed.
const DVOL_POINTS_MIN = 5;
const DVOL_POINTS_MAX = 500;
const MAX_PAGES = 50;

const indexPriceSchema = z.object({
  result: z.object({ index_price: z.number().positive() }),
  /** Server send time, microseconds. */
  usOut: z.number().optional(),
});

const candle = z.tuple([z.number().int(), z.number(), z.number(), z.number(), z.number()]);
const volIndexSchema = z.object({
  result: z.object({
    data: z.array(candle),
    continuation: z.number().int().nullable().optional(),
  }),
});

export interface DvolCandle {
  tsMs: number;
  /** Close as a fraction (DVOL 55.2 → 0.552). */
  vol: number;
}

export class DeribitClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
    baseUrl = DERIBIT_DEFAULT_URL,
  ) {
    this.base = trimBase(baseUrl);
  }

  /** BTC/USD index (Deribit's spot index), USD. */
  async indexPriceUsd(): Promise<{ priceUsd: number; asOfMs: number }> {
    const endpoint = 'public/get_index_price';
    const body = await this.http.getJson(
      { provider: 'deribit', endpoint, url: `${this.base}/${endpoint}?index_name=btc_usd` },
      indexPriceSchema,
    );
    // usOut is when Deribit computed the answer; without it, the arrival time is the honest stamp.
    const asOfMs = body.usOut !== undefined ? Math.floor(body.usOut / 1000) : this.clock.nowMs();
    return { priceUsd: body.result.index_price, asOfMs };
  }

  /**
   * DVOL candles between two instants, oldest first, following `continuation` (Deribit's
   * `end_timestamp` for the next, older page) until the range is covered.
   */
  async dvolCandles(startMs: number, endMs: number, resolution: '1D' | '60'): Promise<DvolCandle[]> {
    const endpoint = 'public/get_volatility_index_data';
    const byTs = new Map<number, number>();
    let end = endMs;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) {
        throw new ProviderError(
          { provider: 'deribit', endpoint, kind: 'implausible' },
          `continuation still open after ${MAX_PAGES} pages`,
        );
      }
      const url =
        `${this.base}/${endpoint}?currency=BTC&resolution=${resolution}` +
        `&start_timestamp=${Math.floor(startMs)}&end_timestamp=${Math.floor(end)}`;
      const body = await this.http.getJson({ provider: 'deribit', endpoint, url }, volIndexSchema);
      for (const [i, [ts, , , , close]] of body.result.data.entries()) {
        if (!(close >= DVOL_POINTS_MIN && close <= DVOL_POINTS_MAX)) {
          throw new ProviderError(
            { provider: 'deribit', endpoint, kind: 'implausible', fieldPath: `result.data[${i}][4]` },
            `DVOL close ${close} at ${utcDate(ts)} is outside ${DVOL_POINTS_MIN}–${DVOL_POINTS_MAX} vol points; units changed?`,
          );
        }
        byTs.set(ts, close / 100);
      }
      const next = body.result.continuation;
      if (next === null || next === undefined || next <= startMs || body.result.data.length === 0) break;
      if (next >= end) {
        throw new ProviderError(
          { provider: 'deribit', endpoint, kind: 'implausible', fieldPath: 'result.continuation' },
          `continuation ${next} does not move back from ${end}`,
        );
      }
      end = next;
    }
    return [...byTs.entries()]
      .filter(([ts]) => ts >= startMs && ts <= endMs)
      .sort((a, b) => a[0] - b[0])
      .map(([tsMs, vol]) => ({ tsMs, vol }));
  }

  /** Daily closes of UTC days that ended at or before `nowMs`, oldest first. */
  async dvolDailyCloses(startMs: number, nowMs: number): Promise<DvolPoint[]> {
    const candles = await this.dvolCandles(startMs, nowMs, '1D');
    // A 1D candle is stamped with its day's start; today's is still moving, so it is not a close.
    return candles
      .filter((c) => c.tsMs + MS_PER_DAY <= nowMs)
      .map((c) => ({ date: utcDate(c.tsMs), vol: c.vol }));
  }

  /** The latest one-minute DVOL value. */
  async dvolNow(nowMs: number): Promise<{ vol: number; asOfMs: number }> {
    const candles = await this.dvolCandles(nowMs - 15 * 60_000, nowMs, '60');
    const last = candles.at(-1);
    if (!last) {
      throw new ProviderError(
        { provider: 'deribit', endpoint: 'public/get_volatility_index_data', kind: 'provider-error' },
        'no DVOL candle in the last 15 minutes',
      );
    }
    return { vol: last.vol, asOfMs: last.tsMs };
  }
}
