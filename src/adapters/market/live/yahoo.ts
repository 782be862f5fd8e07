import { z } from 'zod';
import type { EtfSymbol, OptionQuote, OptionRight } from '../../../core/market/port.js';
import { type HttpClient, type HttpResponse, parseJsonText, parseWith } from './http.js';
import { type FieldAt, inBand, inBandOrNull, optionPrice, PLAUSIBLE } from './plausible.js';
import { ProviderError } from './provider-error.js';
import { trimBase, utcDate } from './util.js';

const DEFAULT_HOSTS = {
  api: 'https://query2.finance.yahoo.com',
  cookiePages: ['https://fc.yahoo.com', 'https://finance.yahoo.com'],
};
// Yahoo fills the IV of an unsolvable contract with a solver seed such as 0.00001.
const IV_PLACEHOLDER_MAX = 1e-4;

const yahooError = z.object({ code: z.string().optional(), description: z.string().optional() }).nullish();

const chartSchema = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            symbol: z.string(),
            currency: z.string().optional(),
            regularMarketPrice: z.number().positive(),
            regularMarketTime: z.number().int(),
            previousClose: z.number().positive().nullish(),
            chartPreviousClose: z.number().positive().nullish(),
          }),
        }),
      )
      .nullable(),
    error: yahooError,
  }),
});

const optNum = z.number().nullish();
const contractSchema = z.object({
  contractSymbol: z.string(),
  strike: z.number().positive(),
  expiration: z.number().int(),
  bid: z.number().nonnegative().nullish(),
  ask: z.number().nonnegative().nullish(),
  lastPrice: optNum,
  volume: optNum,
  openInterest: optNum,
  impliedVolatility: optNum,
});
const optionsSchema = z.object({
  optionChain: z.object({
    result: z
      .array(
        z.object({
          underlyingSymbol: z.string(),
          expirationDates: z.array(z.number().int()),
          quote: z.object({
            symbol: z.string(),
            currency: z.string().optional(),
            regularMarketPrice: z.number().positive(),
            regularMarketTime: z.number().int(),
          }),
          options: z.array(
            z.object({
              expirationDate: z.number().int(),
              calls: z.array(contractSchema),
              puts: z.array(contractSchema),
            }),
          ),
        }),
      )
      .nullable(),
    error: yahooError,
  }),
});

type YahooContract = z.output<typeof contractSchema>;

export interface YahooChart {
  symbol: string;
  price: number;
  previousClose: number | null;
  /** regularMarketTime, ms. */
  timeMs: number;
}

export interface YahooOptionChain {
  symbol: string;
  underlyingPrice: number;
  /** Yahoo gives no per-contract quote time; the chain's snapshot time is the quote's regularMarketTime. */
  quoteTimeMs: number;
  /** Every listed expiry, YYYY-MM-DD. */
  expiries: string[];
  /** Quotes of the fetched expiries only. */
  quotes: OptionQuote[];
}

interface Session {
  cookie: string;
  crumb: string;
}

/**
 * Yahoo Finance v8 chart and v7 options. Yahoo wants a consent cookie and a crumb tied to it:
 * fetch a page for the cookie, then v1/test/getcrumb with the cookie, then send both on API calls.
 * `baseUrl` (ARGUS_YAHOO_URL) replaces every Yahoo host at once.
 */
export class YahooClient {
  private readonly api: string;
  private readonly cookiePages: string[];
  private session: Promise<Session> | null = null;

  constructor(
    private readonly http: HttpClient,
    baseUrl?: string,
  ) {
    const override = baseUrl ? trimBase(baseUrl) : undefined;
    this.api = override ?? DEFAULT_HOSTS.api;
    this.cookiePages = override ? [override] : DEFAULT_HOSTS.cookiePages;
  }

  async chart(symbol: EtfSymbol): Promise<YahooChart> {
    const endpoint = `v8/finance/chart/${symbol}`;
    const body = parseWith(
      chartSchema,
      await this.apiJson(endpoint, 'range=1d&interval=1d'),
      this.req(endpoint),
    );
    const meta = body.chart.result?.[0]?.meta;
    if (!meta) throw this.answerError(endpoint, body.chart.error);
    this.checkSymbol(endpoint, meta.symbol, symbol, meta.currency, [
      'chart.result[0].meta.symbol',
      'chart.result[0].meta.currency',
    ]);
    const at = (field: string) => ({ ...this.req(endpoint), fieldPath: `chart.result[0].meta.${field}` });
    const prev = meta.previousClose ?? meta.chartPreviousClose ?? null;
    if (prev !== null)
      inBand(prev, PLAUSIBLE.etfUsd, at(meta.previousClose != null ? 'previousClose' : 'chartPreviousClose'));
    return {
      symbol,
      price: inBand(meta.regularMarketPrice, PLAUSIBLE.etfUsd, at('regularMarketPrice')),
      // range=1d: chartPreviousClose is the close before the shown session, the same as previousClose.
      previousClose: prev,
      timeMs: meta.regularMarketTime * 1000,
    };
  }

  /** Lists the expiries, then fetches each wanted one once (all when `expiries` is absent). */
  async optionChain(symbol: EtfSymbol, expiries?: readonly string[]): Promise<YahooOptionChain> {
    const first = await this.optionsPage(symbol);
    if (!first.expirationDates.length) {
      const fieldPath = 'optionChain.result[0].expirationDates';
      throw new ProviderError(
        { ...this.req(`v7/finance/options/${symbol}`), kind: 'schema', fieldPath },
        `lists no expiries (${fieldPath} is empty)`,
      );
    }
    const listed = first.expirationDates.map((s) => ({ sec: s, date: utcDate(s * 1000) }));
    const wanted = expiries ? listed.filter((e) => expiries.includes(e.date)) : listed;
    const pages = new Map(first.options.map((o, i) => [o.expirationDate, { o, i }]));
    const endpoint = `v7/finance/options/${symbol}`;
    const underlying = inBand(first.quote.regularMarketPrice, PLAUSIBLE.etfUsd, {
      ...this.req(endpoint),
      fieldPath: 'optionChain.result[0].quote.regularMarketPrice',
    });
    const quotes: OptionQuote[] = [];
    for (const e of wanted) {
      let page = pages.get(e.sec);
      if (!page) {
        const more = await this.optionsPage(symbol, e.sec);
        const i = more.options.findIndex((o) => o.expirationDate === e.sec);
        if (i < 0) continue;
        page = { o: more.options[i]!, i };
      }
      const quoteTimeMs = first.quote.regularMarketTime * 1000;
      const at = (right: 'puts' | 'calls', k: number) => (field: string) => ({
        ...this.req(endpoint),
        fieldPath: `optionChain.result[0].options[${page.i}].${right}[${k}].${field}`,
      });
      for (const [k, c] of page.o.puts.entries())
        quotes.push(toQuote(symbol, 'put', c, quoteTimeMs, underlying, at('puts', k)));
      for (const [k, c] of page.o.calls.entries())
        quotes.push(toQuote(symbol, 'call', c, quoteTimeMs, underlying, at('calls', k)));
    }
    return {
      symbol,
      underlyingPrice: underlying,
      quoteTimeMs: first.quote.regularMarketTime * 1000,
      expiries: listed.map((e) => e.date),
      quotes,
    };
  }

  private async optionsPage(symbol: EtfSymbol, dateSec?: number) {
    const endpoint = `v7/finance/options/${symbol}`;
    const query = dateSec === undefined ? '' : `date=${dateSec}`;
    const body = parseWith(optionsSchema, await this.apiJson(endpoint, query), this.req(endpoint));
    const r = body.optionChain.result?.[0];
    if (!r) throw this.answerError(endpoint, body.optionChain.error);
    this.checkSymbol(endpoint, r.underlyingSymbol, symbol, r.quote.currency, [
      'optionChain.result[0].underlyingSymbol',
      'optionChain.result[0].quote.currency',
    ]);
    return r;
  }

  /** An API call with the session; on 401/403 the crumb is refreshed once. */
  private async apiJson(endpoint: string, query: string): Promise<unknown> {
    const call = async (s: Session): Promise<HttpResponse> => {
      const q = [query, `crumb=${encodeURIComponent(s.crumb)}`].filter(Boolean).join('&');
      return this.http.get({
        ...this.req(endpoint),
        url: `${this.api}/${endpoint}?${q}`,
        headers: { cookie: s.cookie },
        okStatus: (st) => (st >= 200 && st < 300) || st === 401 || st === 403,
      });
    };
    let res = await call(await this.getSession());
    if (res.status === 401 || res.status === 403) {
      this.session = null;
      res = await call(await this.getSession());
      if (res.status === 401 || res.status === 403) {
        throw new ProviderError(
          { ...this.req(endpoint), kind: 'http-status', status: res.status },
          `HTTP ${res.status} even after refreshing the cookie and crumb`,
        );
      }
    }
    return parseJsonText(res.text, this.req(endpoint));
  }

  private getSession(): Promise<Session> {
    // One handshake shared by concurrent callers; a failed one is forgotten so the next call retries.
    this.session ??= this.handshake().catch((e) => {
      this.session = null;
      throw e;
    });
    return this.session;
  }

  private async handshake(): Promise<Session> {
    let cookie = '';
    for (const page of this.cookiePages) {
      // fc.yahoo.com answers 404 yet sets the cookie; any status below 500 will do.
      const res = await this.http.get({
        provider: 'yahoo',
        endpoint: 'cookie',
        url: `${page}/`,
        headers: { accept: 'text/html' },
        okStatus: (st) => st < 500,
      });
      cookie = cookieHeader(res.headers['set-cookie']);
      if (cookie) break;
    }
    if (!cookie) {
      throw new ProviderError(
        { provider: 'yahoo', endpoint: 'cookie', kind: 'handshake' },
        `no Set-Cookie from ${this.cookiePages.join(' or ')}`,
      );
    }
    const res = await this.http.get({
      provider: 'yahoo',
      endpoint: 'v1/test/getcrumb',
      url: `${this.api}/v1/test/getcrumb`,
      headers: { cookie, accept: 'text/plain' },
    });
    const crumb = res.text.trim();
    if (!crumb || crumb.length > 64 || /[\s<{]/.test(crumb)) {
      throw new ProviderError(
        { provider: 'yahoo', endpoint: 'v1/test/getcrumb', kind: 'handshake' },
        `unusable crumb ${JSON.stringify(crumb.slice(0, 40))}`,
      );
    }
    return { cookie, crumb };
  }

  private req(endpoint: string) {
    return { provider: 'yahoo' as const, endpoint };
  }

  private answerError(endpoint: string, err: z.output<typeof yahooError>): ProviderError {
    const what = err ? `${err.code ?? 'error'}: ${err.description ?? ''}`.trim() : 'empty result';
    return new ProviderError({ ...this.req(endpoint), kind: 'provider-error' }, what);
  }

  private checkSymbol(
    endpoint: string,
    got: string,
    want: string,
    currency: string | undefined,
    [symbolPath, currencyPath]: [string, string],
  ): void {
    if (got !== want) {
      throw new ProviderError(
        { ...this.req(endpoint), kind: 'provider-error', fieldPath: symbolPath },
        `answer is for ${got}, not ${want}`,
      );
    }
    if (currency !== undefined && currency !== 'USD') {
      throw new ProviderError(
        { ...this.req(endpoint), kind: 'implausible', fieldPath: currencyPath },
        `prices are in ${currency}, not USD`,
      );
    }
  }
}

/** One contract; a strike or price outside what the contract can be is refused with its field named. */
function toQuote(
  symbol: EtfSymbol,
  right: OptionRight,
  c: YahooContract,
  quoteTimeMs: number,
  underlying: number,
  at: (field: string) => FieldAt,
): OptionQuote {
  const strike = inBand(c.strike, PLAUSIBLE.strikeUsd, at('strike'));
  inBand(c.expiration, PLAUSIBLE.epochSec, at('expiration'));
  const bid = optionPrice(c.bid ?? null, right, strike, underlying, at('bid'));
  const ask = optionPrice(c.ask ?? null, right, strike, underlying, at('ask'));
  const iv = c.impliedVolatility ?? null;
  // Below the band is Yahoo's placeholder (null below); above it, garbage.
  if (iv !== null && iv > PLAUSIBLE.ivFrac.max) inBand(iv, PLAUSIBLE.ivFrac, at('impliedVolatility'));
  // A 0 × 0 market has nothing to solve from: Yahoo then reports its solver's start (0.500005).
  const noMarket = bid === 0 && ask === 0;
  return {
    symbol,
    expiry: utcDate(c.expiration * 1000),
    strike: c.strike,
    right,
    bid,
    ask,
    last: optionPrice(c.lastPrice ?? null, right, strike, underlying, at('lastPrice')),
    iv: iv === null || iv <= IV_PLACEHOLDER_MAX || noMarket ? null : iv,
    volume: inBandOrNull(c.volume, PLAUSIBLE.contracts, at('volume')),
    openInterest: inBandOrNull(c.openInterest, PLAUSIBLE.contracts, at('openInterest')),
    quoteTimeMs,
  };
}

/** `name=value` pairs of Set-Cookie headers, joined for a Cookie header. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list
    .map((c) => c.split(';')[0]?.trim() ?? '')
    .filter((c) => c.includes('='))
    .join('; ');
}
