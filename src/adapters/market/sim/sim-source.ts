import { CoverageError } from '../../../core/errors.js';
import {
  buildChain,
  type ChainInput,
  type ChainModel,
  modelIv,
  quoteOne,
} from '../../../core/market/chain-model.js';
import type { ListedExpiry } from '../../../core/market/listing.js';
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
} from '../../../core/market/port.js';
import type { SimModel } from '../../../core/market/sim.js';
import {
  expectedVol,
  resolveSimParams,
  type SimParams,
  type SimParamsOverride,
} from '../../../core/market/sim-params.js';
import { bsPrice } from '../../../core/pricing/bs.js';
import { hestonPricer } from '../../../core/pricing/heston.js';
import { impliedVol } from '../../../core/pricing/iv.js';
import { isoUtc } from '../../../core/time/clock.js';
import type { MarketCalendar } from '../../../core/time/market-calendar.js';
import { daysBetween, MS_PER_HOUR, MS_PER_YEAR } from '../../../core/units.js';
import { loadSimParams } from '../../bundled/sim-params.js';
import { type ReplayLabels, ReplayMarketDataSource } from '../replay/replay-source.js';
import { memoCalendar } from './calendar-memo.js';
import {
  DVOL_TAU,
  gridIndexAtOrBefore,
  type SimHistory,
  simulateHistory,
  validateSimConfig,
  WARMUP_MS,
} from './simulate.js';

/** Implied vol over the model's expected vol, minus one, unless configured. */
export const DEFAULT_SIM_PREMIUM = 0.1;
/** The config default (pricing.riskFreeRate); fair mode forces 0. */
export const DEFAULT_SIM_RISK_FREE_RATE = 0.04;

export interface SimSourceOptions {
  calendar: MarketCalendar;
  model: SimModel;
  /** Overrides of the fitted defaults (data/models/sim-params.json), by section. */
  params?: SimParamsOverride;
  seed: number;
  fromMs: number;
  toMs: number;
  /** Default DEFAULT_SIM_PREMIUM, or 0 in fair mode. */
  premium?: number;
  /** Exactly fair market (model gbm or heston, premium 0): zero drift, r = 0, no ETF drag, bid = ask = the model's price. */
  fair?: boolean;
  riskFreeRate?: number;
  chainModel?: ChainModel;
  /** Monday/Wednesday expiries from this date on (as in replay). */
  dailyExpiriesFrom?: string | null;
}

/**
 * Seeded simulated market: BTC under gbm / heston / heston-jump, ETFs as BTC × NAV ratio in NYSE
 * hours, DVOL and chain IVs from the model's expected vol × (1 + premium). Answers go through the
 * replay adapter over the simulated History, so visibility rules (no look-ahead) are the same.
 */
export class SimMarketDataSource implements MarketDataSource {
  readonly kind = 'sim' as const;
  readonly history: SimHistory;
  readonly params: SimParams;
  readonly premium: number;
  readonly fair: boolean;
  readonly riskFreeRate: number;
  private readonly cal: MarketCalendar;
  private readonly replay: ReplayMarketDataSource;
  private readonly labels: ReplayLabels;
  private readonly coverFromMs: number;
  private readonly subInputs = new WeakMap<ChainInput, Map<string, ChainInput>>();

  constructor(opts: SimSourceOptions) {
    const fair = opts.fair ?? false;
    const premium = opts.premium ?? (fair ? 0 : DEFAULT_SIM_PREMIUM);
    validateSimConfig({ model: opts.model, premium, fair, seed: opts.seed });
    const r = fair ? 0 : (opts.riskFreeRate ?? DEFAULT_SIM_RISK_FREE_RATE);
    if (!Number.isFinite(r)) throw new RangeError(`riskFreeRate must be finite, got ${r}`);
    this.cal = memoCalendar(opts.calendar);
    this.fair = fair;
    this.premium = premium;
    this.riskFreeRate = r;
    this.params = resolveSimParams(opts.params ?? {}, loadSimParams());
    this.history = simulateHistory({
      model: opts.model,
      params: this.params,
      seed: opts.seed,
      fromMs: opts.fromMs,
      toMs: opts.toMs,
      fair,
      premium,
      calendar: opts.calendar,
    });
    this.coverFromMs = opts.fromMs - WARMUP_MS;
    this.labels = {
      name: 'sim',
      btc: `sim:btc-${opts.model}`,
      dvol: 'sim:dvol-model',
      funding: 'sim:funding-ou',
      etf: (symbol) => `sim:${symbol.toLowerCase()}`,
      chain: fair ? 'sim:chain-fair' : 'sim:chain-model',
    };
    this.replay = new ReplayMarketDataSource({
      calendar: this.cal,
      history: this.history,
      chainModel: opts.chainModel,
      dailyExpiriesFrom: opts.dailyExpiriesFrom ?? null,
      riskFreeRate: r,
      hooks: {
        labels: this.labels,
        synthetic: true,
        atmIv30: (quoteMs) => this.modelIv(quoteMs, DVOL_TAU),
        buildChain: (model, input) => this.buildChain(model, input),
        quoteOne: (model, input, c) => this.quoteOne(model, input, c),
      },
    });
  }

  // ---- model vols ----------------------------------------------------------------------------

  /** Implied vol for a horizon: the model's expected vol over [t, t + τ] × (1 + premium), known at t. */
  modelIv(atMs: number, tauYears: number): number {
    const h = this.history;
    return (
      expectedVol(h.spec, h.variance[gridIndexAtOrBefore(h, atMs)], Math.max(tauYears, 0)) *
      (1 + this.premium)
    );
  }

  /** The instant the ETF spot in a chain was observed (the last completed hour). */
  private spotTimeMs(atMs: number): number {
    return this.history.startMs + gridIndexAtOrBefore(this.history, atMs) * MS_PER_HOUR;
  }

  private sessionCloseMs(expiry: string): number {
    return this.cal.expiryCloseMs(expiry);
  }

  /**
   * One expiry's chain input with its own ATM IV. The chain model scales a single `atmIv30` by its
   * fitted term structure; dividing that ratio out (probed at the forward, where the smile is 1)
   * leaves the model's expected vol to this expiry, with the fitted smile around it.
   */
  private subInput(model: ChainModel, input: ChainInput, e: ListedExpiry): ChainInput {
    let m = this.subInputs.get(input);
    if (!m) {
      m = new Map();
      this.subInputs.set(input, m);
    }
    const hit = m.get(e.expiry);
    if (hit) return hit;
    const atmIv = this.modelIv(input.asOfMs, e.T);
    let sub: ChainInput;
    if (this.fair) {
      sub = { ...input, expiries: [e], atmIv30: atmIv, ivMultiplier: 1, quoteMode: 'fair' };
    } else {
      const probe: ChainInput = { ...input, expiries: [e], atmIv30: 1, ivMultiplier: 1 };
      const forward = input.spot * Math.exp((input.r - input.q) * Math.max(e.T, 0));
      const term = modelIv(model, probe, e.expiry, forward);
      sub = {
        ...input,
        expiries: [e],
        atmIv30: atmIv,
        ivMultiplier: (input.ivMultiplier ?? 1) / term,
        quoteMode: 'market',
      };
    }
    m.set(e.expiry, sub);
    return sub;
  }

  /** Heston fair quotes: one pricer per hour and expiry (the characteristic function once). */
  private readonly hestonPricers = new Map<string, ReturnType<typeof hestonPricer>>();

  /**
   * Fair mode: mid = the model's own price with r = q = 0 over calendar time from the spot's
   * observation to the expiry's actual close (a 13:00 early close included), bid = ask = mid,
   * unrounded. GBM: Black-Scholes at the true vol. Heston: the Heston price at the variance the
   * path is in at that hour (the same parameters that move the price, no variance risk premium),
   * its implied vol as the quote's IV. With r = 0 an American option is worth its European value.
   * Volume and open interest stay the model's.
   */
  private fairQuote(input: ChainInput, sub: ChainInput, q: OptionQuote): OptionQuote {
    const h = this.history;
    const T = Math.max(0, (this.sessionCloseMs(q.expiry) - this.spotTimeMs(input.asOfMs)) / MS_PER_YEAR);
    if (h.spec.model !== 'heston') {
      const mid = bsPrice(q.right, input.spot, q.strike, T, 0, 0, sub.atmIv30);
      return { ...q, bid: mid, ask: mid, last: null, iv: sub.atmIv30 };
    }
    const k = gridIndexAtOrBefore(h, input.asOfMs);
    const key = `${k}|${q.expiry}`;
    let price = this.hestonPricers.get(key);
    if (!price) {
      if (this.hestonPricers.size > 64) this.hestonPricers.clear();
      price = hestonPricer(T, 0, 0, { ...h.spec.heston, v0: Math.max(h.variance[k], 0) });
      this.hestonPricers.set(key, price);
    }
    const intrinsic = Math.max(q.right === 'put' ? q.strike - input.spot : input.spot - q.strike, 0);
    const mid = Math.max(price(q.right, input.spot, q.strike), intrinsic);
    const iv =
      T > 0 ? (impliedVol(q.right, mid, input.spot, q.strike, T, 0, 0).vol ?? sub.atmIv30) : sub.atmIv30;
    return { ...q, bid: mid, ask: mid, last: null, iv };
  }

  private buildChain(model: ChainModel, input: ChainInput): OptionQuote[] {
    const out: OptionQuote[] = [];
    for (const e of input.expiries) {
      const sub = this.subInput(model, input, e);
      for (const q of buildChain(model, sub)) out.push(this.fair ? this.fairQuote(input, sub, q) : q);
    }
    return out;
  }

  private quoteOne(model: ChainModel, input: ChainInput, c: OptionContract): OptionQuote {
    // A held contract's expiry may have left the listing window; quote it all the same.
    const e = input.expiries.find((x) => x.expiry === c.expiry) ?? {
      expiry: c.expiry,
      T: (this.cal.expiryCloseMs(c.expiry) - input.asOfMs) / MS_PER_YEAR,
      dte: daysBetween(this.cal.etDate(input.asOfMs), c.expiry),
    };
    const sub = this.subInput(model, input, e);
    const q = quoteOne(model, sub, { symbol: c.symbol, expiry: c.expiry, strike: c.strike, right: c.right });
    return this.fair ? this.fairQuote(input, sub, q) : q;
  }

  // ---- coverage ------------------------------------------------------------------------------

  /** Why nothing is known at `atMs`, or null inside the simulated range. */
  private outside(atMs: number): string | null {
    if (!Number.isFinite(atMs)) return `invalid instant ${atMs}`;
    if (atMs < this.coverFromMs) {
      return `outside coverage, the simulation starts ${isoUtc(this.coverFromMs)} (52 weeks before its from date)`;
    }
    if (atMs > this.history.endMs)
      return `outside coverage, the simulation ends ${isoUtc(this.history.endMs)}`;
    return null;
  }

  /** Calendar years the bundled NYSE calendar lacks become a missing value, not a throw. */
  private async guarded<T>(src: string, atMs: number, f: () => Promise<Observed<T>>): Promise<Observed<T>> {
    const why = this.outside(atMs);
    if (why) return missing(src, why);
    try {
      return await f();
    } catch (err) {
      if (err instanceof CoverageError) return missing(src, err.message);
      throw err;
    }
  }

  btcSpot(atMs: number): Promise<Observed<BtcSpot>> {
    return this.guarded(this.labels.btc, atMs, () => this.replay.btcSpot(atMs));
  }

  btcBars(atMs: number, count: number): Promise<Observed<Bar[]>> {
    return this.guarded(this.labels.btc, atMs, () => this.replay.btcBars(atMs, count));
  }

  dvol(atMs: number): Promise<Observed<number>> {
    return this.guarded(this.labels.dvol, atMs, () => this.replay.dvol(atMs));
  }

  dvolHistory(atMs: number, days: number): Promise<Observed<DvolPoint[]>> {
    return this.guarded(this.labels.dvol, atMs, () => this.replay.dvolHistory(atMs, days));
  }

  funding8h(atMs: number): Promise<Observed<number>> {
    return this.guarded(this.labels.funding, atMs, () => this.replay.funding8h(atMs));
  }

  etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    return this.guarded(this.labels.etf(symbol), atMs, () => this.replay.etfQuote(symbol, atMs));
  }

  distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>> {
    return this.guarded(this.labels.etf(symbol), atMs, () => this.replay.distributions(symbol, atMs));
  }

  optionChain(symbol: EtfSymbol, atMs: number, req?: ChainRequest): Promise<Observed<OptionChain>> {
    return this.guarded(this.labels.chain, atMs, () => this.replay.optionChain(symbol, atMs, req));
  }

  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const allMissing = (why: string) =>
      new Map(contracts.map((c) => [contractKey(c), missing<OptionQuote>(this.labels.chain, why)]));
    const why = this.outside(atMs);
    if (why) return allMissing(why);
    try {
      return await this.replay.optionQuotes(contracts, atMs);
    } catch (err) {
      if (err instanceof CoverageError) return allMissing(err.message);
      throw err;
    }
  }

  coverage(): FieldCoverage[] {
    const from = this.coverFromMs;
    const to = this.history.toMs;
    const firstSession = (bars: SimHistory['ibitDaily']) =>
      bars.dates.length ? Math.max(from, this.sessionCloseMs(bars.dates[0])) : null;
    const ibitFrom = firstSession(this.history.ibitDaily);
    const note = `simulated (${this.history.model}, seed ${this.history.seed}${this.fair ? ', fair' : ''}); answers run a day past the end`;
    return [
      { field: 'btcSpot', fromMs: from, toMs: to, note },
      { field: 'dvol', fromMs: from, toMs: to, note: `model 30-day expected vol × (1 + ${this.premium})` },
      { field: 'funding8h', fromMs: from, toMs: to, note: 'mean-reverting (AR(1)) per 8 h' },
      {
        field: 'ibit',
        fromMs: ibitFrom,
        toMs: to,
        note: 'BTC × NAV ratio in NYSE sessions (years the calendar covers)',
      },
      {
        field: 'bito',
        fromMs: firstSession(this.history.bitoDaily),
        toMs: to,
        note: 'BTC × ratio with a futures roll drag',
      },
      {
        field: 'ibitOptions',
        fromMs: ibitFrom,
        toMs: to,
        note: this.fair
          ? `fair: ${this.history.spec.model === 'heston' ? 'Heston at the path’s variance' : 'Black-Scholes at the true vol'}, r = 0, bid = ask`
          : 'chain model around the model vol × (1 + premium)',
      },
    ];
  }
}
