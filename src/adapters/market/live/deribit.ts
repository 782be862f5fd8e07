import { z } from 'zod';
import type { DvolPoint } from '../../../core/market/port.js';
import type { Clock } from '../../../core/time/clock.js';
import { MS_PER_DAY } from '../../../core/units.js';
import { formatPath, type HttpClient } from './http.js';
import { inBand, PLAUSIBLE } from './plausible.js';
import { ProviderError } from './provider-error.js';
import { trimBase, utcDate } from './util.js';

export const DERIBIT_DEFAULT_URL = 'https://www.deribit.com/api/v2';

// DVOL is quoted in annualised vol points (55.2 = 55.2 %). Outside this band the units changed.
const DVOL_POINTS_MIN = 5;
const DVOL_POINTS_MAX = 500;
const MAX_PAGES = 50;

const indexPriceSchema = z.object({
  result: z.object({ index_price: z.number() }),
  /** Server send time, microseconds. */
  usOut: z.number().optional(),
});

const candle = z.tuple([z.number().int(), z.number(), z.number(), z.number(), z.number()]);
const volIndexSchema = z.object({
  result: z.object({
    // Each candle is checked on its own: one bad candle is skipped, not the whole history.
    data: z.array(z.unknown()),
    continuation: z.number().int().nullable().optional(),
  }),
});

export interface DvolCandle {
  tsMs: number;
  /** Close as a fraction (DVOL 55.2 → 0.552). */
  vol: number;
}

/** Candles that passed, and the ones skipped with why (provider, endpoint and field named). */
export interface DvolCandles {
  candles: DvolCandle[];
  rejected: ProviderError[];
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
    const priceUsd = inBand(body.result.index_price, PLAUSIBLE.btcUsd, {
      provider: 'deribit',
      endpoint,
      fieldPath: 'result.index_price',
    });
    return { priceUsd, asOfMs };
  }

  /**
   * DVOL candles between two instants, oldest first, following `continuation` (Deribit's
   * `end_timestamp` for the next, older page) until the range is covered.
   */
  async dvolCandles(startMs: number, endMs: number, resolution: '1D' | '60'): Promise<DvolCandles> {
    const endpoint = 'public/get_volatility_index_data';
    const byTs = new Map<number, number>();
    const rejected: ProviderError[] = [];
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
      for (const [i, raw] of body.result.data.entries()) {
        const parsed = candle.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const fieldPath = `result.data[${i}]${formatPath(issue?.path ?? [])}`;
          rejected.push(
            new ProviderError(
              { provider: 'deribit', endpoint, kind: 'schema', fieldPath },
              `unexpected response at ${fieldPath}: ${issue?.message ?? 'invalid'}`,
            ),
          );
          continue;
        }
        const [ts, , , , close] = parsed.data;
        if (!(close >= DVOL_POINTS_MIN && close <= DVOL_POINTS_MAX)) {
          rejected.push(
            new ProviderError(
              { provider: 'deribit', endpoint, kind: 'implausible', fieldPath: `result.data[${i}][4]` },
              `DVOL close ${close} at ${utcDate(ts)} is outside ${DVOL_POINTS_MIN}–${DVOL_POINTS_MAX} vol points; units changed?`,
            ),
          );
          continue;
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
    const candles = [...byTs.entries()]
      .filter(([ts]) => ts >= startMs && ts <= endMs)
      .sort((a, b) => a[0] - b[0])
      .map(([tsMs, vol]) => ({ tsMs, vol }));
    return { candles, rejected };
  }

  /** Daily closes of UTC days that ended at or before `nowMs`, oldest first, and the candles skipped. */
  async dvolDailyCloses(
    startMs: number,
    nowMs: number,
  ): Promise<{ points: DvolPoint[]; rejected: ProviderError[] }> {
    const { candles, rejected } = await this.dvolCandles(startMs, nowMs, '1D');
    // A 1D candle is stamped with its day's start; today's is still moving, so it is not a close.
    const points = candles
      .filter((c) => c.tsMs + MS_PER_DAY <= nowMs)
      .map((c) => ({ date: utcDate(c.tsMs), vol: c.vol }));
    return { points, rejected };
  }

  /** The latest one-minute DVOL value. */
  async dvolNow(nowMs: number): Promise<{ vol: number; asOfMs: number }> {
    const { candles, rejected } = await this.dvolCandles(nowMs - 15 * 60_000, nowMs, '60');
    const last = candles.at(-1);
    // The newest good candle stands in for a bad newest one; with none good, the first reason is the answer.
    if (!last && rejected[0]) throw rejected[0];
    if (!last) {
      throw new ProviderError(
        { provider: 'deribit', endpoint: 'public/get_volatility_index_data', kind: 'provider-error' },
        'no DVOL candle in the last 15 minutes',
      );
    }
    return { vol: last.vol, asOfMs: last.tsMs };
  }
}
