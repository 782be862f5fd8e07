import { z } from 'zod';
import type { EtfSymbol, OptionQuote } from '../../../core/market/port.js';
import type { Clock } from '../../../core/time/clock.js';
import { etToUtcMs, isCalendarDate } from '../../../core/time/market-calendar.js';
import type { HttpClient } from './http.js';
import { inBand, inBandOrNull, optionPrice, PLAUSIBLE } from './plausible.js';
import { ProviderError } from './provider-error.js';
import { trimBase } from './util.js';

export const CBOE_DEFAULT_URL = 'https://cdn.cboe.com';
// A snapshot stamped further ahead than this means the time-zone reading below is wrong.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const optNum = z.number().nullish();
const cboeSchema = z.object({
  timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:MM:SS"'),
  data: z.object({
    current_price: z.number().positive(),
    prev_day_close: z.number().positive().nullish(),
    options: z.array(
      z.object({
        option: z.string(),
        bid: z.number().nonnegative().nullish(),
        ask: z.number().nonnegative().nullish(),
        last_trade_price: optNum,
        iv: optNum,
        volume: optNum,
        open_interest: optNum,
      }),
    ),
  }),
});

export interface CboeChain {
  symbol: EtfSymbol;
  underlyingPrice: number;
  previousClose: number | null;
  /** The snapshot's timestamp (15-minute delayed data). */
  quoteTimeMs: number;
  expiries: string[];
  quotes: OptionQuote[];
}

/** OCC symbol: root, YYMMDD, C/P, strike × 1000 in eight digits (IBIT260220P00035000). */
export function parseOccSymbol(
  occ: string,
  root: string,
): { expiry: string; right: 'put' | 'call'; strike: number } | null {
  // Anchored on the exact root: an adjusted root such as IBIT1 must not pass for IBIT.
  const m = new RegExp(`^${root}(\\d{2})(\\d{2})(\\d{2})([CP])(\\d{8})$`).exec(occ);
  if (!m) return null;
  const expiry = `20${m[1]}-${m[2]}-${m[3]}`;
  if (!isCalendarDate(expiry)) return null;
  return { expiry, right: m[4] === 'P' ? 'put' : 'call', strike: Number(m[5]) / 1000 };
}

/** Cboe's public delayed-quotes JSON: one request carries every expiry of a symbol. */
export class CboeClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
    baseUrl = CBOE_DEFAULT_URL,
  ) {
    this.base = trimBase(baseUrl);
  }

  async chain(symbol: EtfSymbol): Promise<CboeChain> {
    const endpoint = `delayed_quotes/options/${symbol}`;
    const body = await this.http.getJson(
      { provider: 'cboe', endpoint, url: `${this.base}/api/global/delayed_quotes/options/${symbol}.json` },
      cboeSchema,
    );
    const quoteTimeMs = this.snapshotTime(endpoint, body.timestamp);
    const at = (fieldPath: string) => ({ provider: 'cboe' as const, endpoint, fieldPath });
    const underlying = inBand(body.data.current_price, PLAUSIBLE.etfUsd, at('data.current_price'));
    const prev = body.data.prev_day_close ?? null;
    if (prev !== null) inBand(prev, PLAUSIBLE.etfUsd, at('data.prev_day_close'));
    const quotes: OptionQuote[] = [];
    for (const [i, o] of body.data.options.entries()) {
      const c = parseOccSymbol(o.option, symbol);
      if (!c) continue;
      const iv = inBandOrNull(o.iv, PLAUSIBLE.ivFrac, at(`data.options[${i}].iv`));
      const price = (v: number | null | undefined, field: string) =>
        optionPrice(v ?? null, c.right, c.strike, underlying, at(`data.options[${i}].${field}`));
      const last = price(o.last_trade_price, 'last_trade_price');
      quotes.push({
        symbol,
        ...c,
        bid: price(o.bid, 'bid'),
        ask: price(o.ask, 'ask'),
        // Cboe writes 0 for "no trade yet"; an option never trades at 0.
        last: last !== null && last > 0 ? last : null,
        // Cboe's iv is a fraction already (0.55 = 55 %); 0 means not computed.
        iv: iv !== null && iv > 0 ? iv : null,
        volume: inBandOrNull(o.volume, PLAUSIBLE.contracts, at(`data.options[${i}].volume`)),
        openInterest: inBandOrNull(
          o.open_interest,
          PLAUSIBLE.contracts,
          at(`data.options[${i}].open_interest`),
        ),
        quoteTimeMs,
      });
    }
    return {
      symbol,
      underlyingPrice: underlying,
      previousClose: prev,
      quoteTimeMs,
      expiries: [...new Set(quotes.map((q) => q.expiry))].sort(),
      quotes,
    };
  }

  /**
   * The timestamp carries no zone. Cboe's other times in this feed (last_trade_time) are New York
   * wall time, so this is read the same way; if that were wrong the stamp would land hours in the
   * future, which is refused rather than passed on as a fresh quote.
   */
  private snapshotTime(endpoint: string, stamp: string): number {
    const [date = '', time = ''] = stamp.split(' ');
    let ms: number;
    try {
      ms = etToUtcMs(date, time.slice(0, 5)) + Number(time.slice(6, 8)) * 1000;
    } catch (e) {
      throw new ProviderError(
        { provider: 'cboe', endpoint, kind: 'schema', fieldPath: 'timestamp', cause: e },
        `bad timestamp "${stamp}"`,
      );
    }
    if (ms > this.clock.nowMs() + FUTURE_TOLERANCE_MS) {
      throw new ProviderError(
        { provider: 'cboe', endpoint, kind: 'implausible', fieldPath: 'timestamp' },
        `timestamp "${stamp}" read as New York time lies in the future; its time zone is not what we assume`,
      );
    }
    return ms;
  }
}
