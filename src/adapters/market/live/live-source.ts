import { UsageError } from '../../../core/errors.js';
import {
  type Bar,
  type BtcSpot,
  type ChainRequest,
  contractKey,
  type Distribution,
  type DvolPoint,
  type EtfQuote,
  type EtfSymbol,
  type FieldCoverage,
  type MarketDataSource,
  missing,
  type Observed,
  type OptionChain,
  type OptionContract,
  type OptionQuote,
  ok,
} from '../../../core/market/port.js';
import type { Clock } from '../../../core/time/clock.js';
import { etDate, type MarketPhase } from '../../../core/time/market-calendar.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../../../core/units.js';
import { distributionsOf, loadHistory } from '../replay/history.js';
import { BYBIT_DEFAULT_URL, BybitClient } from './bybit.js';
import { CBOE_DEFAULT_URL, type CboeChain, CboeClient } from './cboe.js';
import { DERIBIT_DEFAULT_URL, DeribitClient } from './deribit.js';
import { HttpClient } from './http.js';
import { ProviderError, type ProviderName } from './provider-error.js';
import { type RateLimit, RateLimiter } from './rate-limit.js';
import { joinNotes, startOfUtcDayMs, utcDateStartMs } from './util.js';
import { YahooClient } from './yahoo.js';

export const PRESENT_ONLY_REASON = 'live source answers only the present; use --source replay for history';
export const LAST_SESSION_CLOSE = 'last session close';
const PRESENT_TOLERANCE_MS = 120_000;
const MIN_DVOL_HISTORY_DAYS = 365;
// Etf quote and chain fall back to the same Cboe file within one monitoring cycle.
const CBOE_CACHE_MS = 15_000;

export const DEFAULT_RATE_LIMITS: Record<ProviderName, RateLimit> = {
  deribit: { ratePerSec: 5, burst: 5 },
  bybit: { ratePerSec: 10, burst: 10 },
  yahoo: { ratePerSec: 2, burst: 2 },
  cboe: { ratePerSec: 1, burst: 2 },
};

export interface DvolStore {
  load(): DvolPoint[];
  save(points: DvolPoint[]): void;
}

export interface LiveSourceOptions {
  clock: Clock;
  /** ARGUS_DERIBIT_URL, ARGUS_BYBIT_URL, ARGUS_YAHOO_URL, ARGUS_CBOE_URL replace the providers' hosts. */
  env: Record<string, string | undefined>;
  random: () => number;
  marketPhase: (ms: number) => MarketPhase;
  maxQuoteAgeMs: number;
  dvolStore?: DvolStore;
  timeoutMs: number;
  /** Per-provider limits replacing DEFAULT_RATE_LIMITS; null switches one off. */
  rateLimits?: Partial<Record<ProviderName, RateLimit | null>>;
  /** Real milliseconds all of this source's requests may take together (a cron step); none by default. */
  budgetMs?: number;
  maxAttempts?: number;
  /** Days of DVOL history fetched on first use; at least 365. */
  dvolBackfillDays?: number;
}

type Answer<T> = { value: T; asOfMs: number };
type Fallback<T> =
  | { ok: true; value: T; asOfMs: number; source: 'yahoo' | 'cboe'; note?: string }
  | { ok: false; reason: string };

/**
 * Live adapter: Deribit (index, DVOL), Bybit (ticker, funding, bars), Yahoo with Cboe as the
 * fallback for ETF quotes and option chains. REST only: one-shot calls never wait on a stream.
 */
export class LiveMarketDataSource implements MarketDataSource {
  readonly kind = 'live' as const;
  readonly deribit: DeribitClient;
  readonly bybit: BybitClient;
  readonly yahoo: YahooClient;
  readonly cboe: CboeClient;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly backfillDays: number;
  private readonly cboeCache = new Map<EtfSymbol, { atMono: number; chain: Promise<CboeChain> }>();
  private dvolPoints: DvolPoint[] | null = null;
  private dvolSyncedDayMs: number | null = null;
  private dvolSync: Promise<DvolPoint[]> | null = null;
  /** Why closes of the last sync were skipped (one bad candle does not cost the rest). */
  private dvolSkipped: string[] = [];

  constructor(private readonly opts: LiveSourceOptions) {
    this.clock = opts.clock;
    this.backfillDays = Math.max(MIN_DVOL_HISTORY_DAYS, opts.dvolBackfillDays ?? 400);
    const urls = {
      deribit: baseUrl(opts.env, 'ARGUS_DERIBIT_URL', DERIBIT_DEFAULT_URL),
      bybit: baseUrl(opts.env, 'ARGUS_BYBIT_URL', BYBIT_DEFAULT_URL),
      cboe: baseUrl(opts.env, 'ARGUS_CBOE_URL', CBOE_DEFAULT_URL),
    };
    const yahooOverride = opts.env.ARGUS_YAHOO_URL ? baseUrl(opts.env, 'ARGUS_YAHOO_URL', '') : undefined;
    const yahooHosts = yahooOverride
      ? [yahooOverride]
      : ['https://query2.finance.yahoo.com', 'https://fc.yahoo.com', 'https://finance.yahoo.com'];

    const limiter = new RateLimiter(opts.clock);
    const hosts: [ProviderName, string[]][] = [
      ['deribit', [urls.deribit]],
      ['bybit', [urls.bybit]],
      ['cboe', [urls.cboe]],
      ['yahoo', yahooHosts],
    ];
    for (const [provider, list] of hosts) {
      const limit =
        opts.rateLimits?.[provider] === undefined ? DEFAULT_RATE_LIMITS[provider] : opts.rateLimits[provider];
      if (limit) for (const u of list) limiter.limit(new URL(u).host, limit);
    }
    this.http = new HttpClient({
      clock: opts.clock,
      random: opts.random,
      timeoutMs: opts.timeoutMs,
      budgetMs: opts.budgetMs,
      maxAttempts: opts.maxAttempts,
      limiter,
    });
    this.deribit = new DeribitClient(this.http, opts.clock, urls.deribit);
    this.bybit = new BybitClient(this.http, urls.bybit);
    this.yahoo = new YahooClient(this.http, yahooOverride);
    this.cboe = new CboeClient(this.http, opts.clock, urls.cboe);
  }

  async btcSpot(atMs: number): Promise<Observed<BtcSpot>> {
    const gate = this.notPresent<BtcSpot>(atMs, 'bybit');
    if (gate) return gate;
    const [ticker, index] = await Promise.allSettled([this.bybit.ticker(), this.deribit.indexPriceUsd()]);
    if (ticker.status === 'rejected')
      return missing('bybit', `24 h change unavailable: ${reason(ticker.reason)}`);
    const t = ticker.value;
    if (t.change24hFrac === null)
      return missing('bybit', `24 h change unavailable: ${reason(t.rejected.change24hFrac)}`);
    if (index.status === 'fulfilled') {
      return this.crypto(
        { priceUsd: index.value.priceUsd, change24hFrac: t.change24hFrac },
        Math.min(t.asOfMs, index.value.asOfMs),
        'deribit+bybit',
        'price: Deribit btc_usd index; 24 h change: Bybit BTCUSDT perpetual',
      );
    }
    if (t.lastPrice === null) {
      return missing(
        'deribit+bybit',
        `BTC price unavailable: ${reason(index.reason)}; ${reason(t.rejected.lastPrice)}`,
      );
    }
    return this.crypto(
      { priceUsd: t.lastPrice, change24hFrac: t.change24hFrac },
      t.asOfMs,
      'bybit',
      `price: Bybit BTCUSDT perpetual (USDT, not USD) because the Deribit index failed: ${reason(index.reason)}`,
    );
  }

  async btcBars(atMs: number, count: number): Promise<Observed<Bar[]>> {
    const gate = this.notPresent<Bar[]>(atMs, 'bybit');
    if (gate) return gate;
    if (!(Number.isInteger(count) && count >= 1))
      return missing('bybit', `bar count must be a positive integer, got ${count}`);
    return this.settle('bybit', async () => {
      const bars = await this.bybit.hourlyBars(count, this.clock.nowMs());
      const last = bars.at(-1);
      if (!last) return missing('bybit', 'no completed hourly bar in the answer');
      const note = bars.length < count ? `only ${bars.length} of ${count} bars available` : undefined;
      return ok(bars, last.startMs + MS_PER_HOUR, 'bybit', note ? { note } : {});
    });
  }

  async dvol(atMs: number): Promise<Observed<number>> {
    const gate = this.notPresent<number>(atMs, 'deribit');
    if (gate) return gate;
    return this.settle('deribit', async () => {
      const d = await this.deribit.dvolNow(this.clock.nowMs());
      return this.crypto(d.vol, d.asOfMs, 'deribit');
    });
  }

  async dvolHistory(atMs: number, days: number): Promise<Observed<DvolPoint[]>> {
    const gate = this.notPresent<DvolPoint[]>(atMs, 'deribit');
    if (gate) return gate;
    if (!(Number.isInteger(days) && days >= 1))
      return missing('deribit', `days must be a positive integer, got ${days}`);
    return this.settle('deribit', async () => {
      const points = (await this.syncDvol()).slice(-days);
      const last = points.at(-1);
      if (!last) return missing('deribit', 'Deribit returned no DVOL daily closes');
      const skipped = this.dvolSkipped.length
        ? `${this.dvolSkipped.length} implausible close${this.dvolSkipped.length > 1 ? 's' : ''} skipped (${this.dvolSkipped[0]})`
        : undefined;
      const note = joinNotes(
        points.length < days ? `only ${points.length} of ${days} daily closes available` : undefined,
        skipped,
      );
      return ok(points, utcDateStartMs(last.date) + MS_PER_DAY, 'deribit', note ? { note } : {});
    });
  }

  async funding8h(atMs: number): Promise<Observed<number>> {
    const gate = this.notPresent<number>(atMs, 'bybit');
    if (gate) return gate;
    return this.settle('bybit', async () => {
      const f = await this.bybit.funding8h();
      const note =
        f.intervalHours === 8
          ? undefined
          : `Bybit settles funding every ${f.intervalHours} h (from ${f.intervalFrom}); scaled to 8 h`;
      return this.crypto(f.rate8h, f.asOfMs, 'bybit', note);
    });
  }

  /** From the bundled daily history (Yahoo's Dividends column): the live feeds carry no distributions. */
  async distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>> {
    const h = loadHistory();
    const bars = symbol === 'IBIT' ? h.ibitDaily : h.bitoDaily;
    return ok(distributionsOf(bars, etDate(atMs)), atMs, `bundled:${symbol}`);
  }

  async etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    const gate = this.notPresent<EtfQuote>(atMs, 'yahoo');
    if (gate) return gate;
    const phase = this.opts.marketPhase(this.clock.nowMs());
    const r = await this.yahooThenCboe<EtfQuote>(
      async () => {
        const q = await this.yahoo.chart(symbol);
        return { value: { symbol, price: q.price, previousClose: q.previousClose, phase }, asOfMs: q.timeMs };
      },
      async () => {
        const c = await this.cboeChain(symbol);
        return {
          value: { symbol, price: c.underlyingPrice, previousClose: c.previousClose, phase },
          asOfMs: c.quoteTimeMs,
        };
      },
    );
    return r.ok ? this.session(r.value, r.asOfMs, r.source, r.note) : missing('yahoo+cboe', r.reason);
  }

  async optionChain(symbol: EtfSymbol, atMs: number, req?: ChainRequest): Promise<Observed<OptionChain>> {
    const gate = this.notPresent<OptionChain>(atMs, 'yahoo');
    if (gate) return gate;
    const r = await this.yahooThenCboe<OptionChain>(
      async () => {
        const c = await this.yahoo.optionChain(symbol, req?.expiries);
        return {
          value: { symbol, underlyingPrice: c.underlyingPrice, expiries: c.expiries, quotes: c.quotes },
          asOfMs: c.quoteTimeMs,
        };
      },
      async () => {
        const c = await this.cboeChain(symbol);
        const quotes = req?.expiries ? c.quotes.filter((q) => req.expiries?.includes(q.expiry)) : c.quotes;
        return {
          value: { symbol, underlyingPrice: c.underlyingPrice, expiries: c.expiries, quotes },
          asOfMs: c.quoteTimeMs,
        };
      },
    );
    return r.ok ? this.session(r.value, r.asOfMs, r.source, r.note) : missing('yahoo+cboe', r.reason);
  }

  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const out = new Map<string, Observed<OptionQuote>>();
    const gate = this.notPresent<OptionQuote>(atMs, 'yahoo');
    if (gate) {
      for (const c of contracts) out.set(contractKey(c), gate);
      return out;
    }
    // One chain request per symbol, naming each wanted expiry once.
    const bySymbol = new Map<EtfSymbol, OptionContract[]>();
    for (const c of contracts) bySymbol.set(c.symbol, [...(bySymbol.get(c.symbol) ?? []), c]);
    await Promise.all(
      [...bySymbol].map(async ([symbol, list]) => {
        const expiries = [...new Set(list.map((c) => c.expiry))];
        const r = await this.yahooThenCboe<OptionQuote[]>(
          async () => {
            const c = await this.yahoo.optionChain(symbol, expiries);
            return { value: c.quotes, asOfMs: c.quoteTimeMs };
          },
          async () => {
            const c = await this.cboeChain(symbol);
            return { value: c.quotes, asOfMs: c.quoteTimeMs };
          },
        );
        if (!r.ok) {
          for (const c of list) out.set(contractKey(c), missing('yahoo+cboe', r.reason));
          return;
        }
        const index = new Map(r.value.map((q) => [contractKey(q), q]));
        for (const c of list) {
          const key = contractKey(c);
          const q = index.get(key);
          out.set(
            key,
            q
              ? this.session(q, q.quoteTimeMs, r.source, r.note)
              : missing(r.source, `${key} is not quoted by ${r.source}`),
          );
        }
      }),
    );
    return out;
  }

  coverage(): FieldCoverage[] {
    const note = 'live: the present only (±2 min); history through --source replay';
    const fields = ['btcSpot', 'btcBars', 'dvol', 'funding8h', 'etfQuote', 'optionChain', 'optionQuotes'];
    return [
      ...fields.map((field) => ({ field, fromMs: null, toMs: null, note })),
      {
        field: 'dvolHistory',
        fromMs: null,
        toMs: null,
        note: `Deribit daily closes, backfilled ${this.backfillDays} days on first use, then only new days`,
      },
    ];
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private notPresent<T>(atMs: number, source: string): Observed<T> | null {
    return Math.abs(atMs - this.clock.nowMs()) > PRESENT_TOLERANCE_MS
      ? missing(source, PRESENT_ONLY_REASON)
      : null;
  }

  /** Provider failures become `missing` with the error as the reason; anything else is a bug and propagates. */
  private async settle<T>(source: string, fn: () => Promise<Observed<T>>): Promise<Observed<T>> {
    try {
      return await fn();
    } catch (e) {
      return missing(source, reason(e));
    }
  }

  /** Crypto trades around the clock, so age always counts. */
  private crypto<T>(value: T, asOfMs: number, source: string, note?: string): Observed<T> {
    const stale = this.clock.nowMs() - asOfMs > this.opts.maxQuoteAgeMs;
    return ok(value, asOfMs, source, note ? { note, stale } : { stale });
  }

  /** ETF data: age counts during the session; outside it the value is the last session's close. */
  private session<T>(value: T, asOfMs: number, source: string, fallbackNote?: string): Observed<T> {
    const now = this.clock.nowMs();
    if (this.opts.marketPhase(now) === 'open') {
      const stale = now - asOfMs > this.opts.maxQuoteAgeMs;
      return ok(value, asOfMs, source, fallbackNote ? { note: fallbackNote, stale } : { stale });
    }
    return ok(value, asOfMs, source, { note: joinNotes(LAST_SESSION_CLOSE, fallbackNote) });
  }

  private async yahooThenCboe<T>(
    yahoo: () => Promise<Answer<T>>,
    cboe: () => Promise<Answer<T>>,
  ): Promise<Fallback<T>> {
    let yahooFailure: string;
    try {
      return { ok: true, ...(await yahoo()), source: 'yahoo' };
    } catch (e) {
      yahooFailure = reason(e);
    }
    try {
      return {
        ok: true,
        ...(await cboe()),
        source: 'cboe',
        note: `yahoo failed, answered by cboe: ${yahooFailure}`,
      };
    } catch (e) {
      return { ok: false, reason: `yahoo: ${yahooFailure}; cboe: ${reason(e)}` };
    }
  }

  private cboeChain(symbol: EtfSymbol): Promise<CboeChain> {
    const now = this.clock.monotonicMs();
    const hit = this.cboeCache.get(symbol);
    if (hit && now - hit.atMono < CBOE_CACHE_MS) return hit.chain;
    const chain = this.cboe.chain(symbol);
    this.cboeCache.set(symbol, { atMono: now, chain });
    chain.catch(() => this.cboeCache.delete(symbol));
    return chain;
  }

  /** Backfill on first use, then only days that ended since the last sync; at most once per UTC day. */
  private syncDvol(): Promise<DvolPoint[]> {
    this.dvolSync ??= this.fetchDvol().finally(() => {
      this.dvolSync = null;
    });
    return this.dvolSync;
  }

  private async fetchDvol(): Promise<DvolPoint[]> {
    this.dvolPoints ??= sortByDate(this.opts.dvolStore?.load() ?? []);
    const now = this.clock.nowMs();
    const today = startOfUtcDayMs(now);
    if (this.dvolSyncedDayMs === today) return this.dvolPoints;
    const have = this.dvolPoints;
    const first = have[0];
    const last = have.at(-1);
    const reachesBack =
      first !== undefined && utcDateStartMs(first.date) <= today - MIN_DVOL_HISTORY_DAYS * MS_PER_DAY;
    const fromMs =
      reachesBack && last ? utcDateStartMs(last.date) + MS_PER_DAY : today - this.backfillDays * MS_PER_DAY;
    if (fromMs < today) {
      const fresh = await this.deribit.dvolDailyCloses(fromMs, now);
      const byDate = new Map(have.map((p) => [p.date, p]));
      for (const p of fresh.points) byDate.set(p.date, p);
      this.dvolSkipped = fresh.rejected.map((e) => e.message);
      this.dvolPoints = sortByDate([...byDate.values()]);
      this.opts.dvolStore?.save(this.dvolPoints);
    }
    this.dvolSyncedDayMs = today;
    return this.dvolPoints;
  }
}

function baseUrl(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const value = env[name] || fallback;
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol);
  } catch {
    throw new UsageError(
      `${name}="${value}" is not an http(s) URL`,
      `unset ${name} to use ${fallback || 'the default'}`,
    );
  }
  return value;
}

function sortByDate(points: DvolPoint[]): DvolPoint[] {
  return [...points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The reason text of a provider failure; other errors are bugs and are rethrown. */
function reason(e: unknown): string {
  if (e instanceof ProviderError) return e.message;
  throw e;
}
