import { atmIv30FromDvol } from '../../../core/market/chain-fit.js';
import { buildChain, type ChainInput, type ChainModel, quoteOne } from '../../../core/market/chain-model.js';
import { STALE_DAYS } from '../../../core/market/distributions.js';
import { adjustIv, IvMoveRelation } from '../../../core/market/iv-adjust.js';
import { listedExpiries } from '../../../core/market/listing.js';
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
  type IvLevel,
  type MarketDataSource,
  missing,
  type Observed,
  type OptionChain,
  type OptionContract,
  type OptionQuote,
  ok,
} from '../../../core/market/port.js';
import {
  derivedIbitPerBtc,
  IBIT_DERIVED_NOTE,
  IBIT_FIRST_CLOSE,
  IBIT_OPTIONS_FIRST_LISTED,
  NO_LISTED_OPTIONS_NOTE,
} from '../../../core/market/provenance.js';
import { isoUtc } from '../../../core/time/clock.js';
import type { MarketCalendar } from '../../../core/time/market-calendar.js';
import { daysBetween, MS_PER_DAY, MS_PER_HOUR, MS_PER_YEAR } from '../../../core/units.js';
import { loadChainModel } from '../../bundled/chain-model.js';
import {
  type DailyBars,
  distributionsOf,
  type History,
  lastAtOrBefore,
  lastDateAtOrBefore,
  loadHistory,
} from './history.js';

/** What a BITO chain is: BITO's real price and distributions under IBIT's fitted surface. */
const BITO_CHAIN_NOTE =
  "synthetic: IBIT's fitted chain model (DVOL-driven) on BITO's price, its distributions as a yield";

/**
 * BITO's monthly distributions as the continuous yield a chain prices with: the mean of its last
 * three (as a share of the close before each), compounded over twelve months; none when the last is
 * more than 70 days old (the rule expectedDistributions uses).
 */
export function distributionYield(past: readonly Distribution[], today: string): number {
  if (!past.length || daysBetween(past[past.length - 1].exDate, today) > STALE_DAYS) return 0;
  const recent = past.slice(-3);
  const monthly = recent.reduce((a, d) => a + d.yieldFrac, 0) / recent.length;
  return -12 * Math.log(1 - monthly);
}

/** `source` labels of the answers; the sim adapter reuses this class under its own. */
export interface ReplayLabels {
  /** Used in reasons, e.g. 'no BITO option chain in replay'. */
  name: string;
  btc: string;
  dvol: string;
  funding: string;
  etf: (symbol: EtfSymbol) => string;
  chain: string;
}

export const REPLAY_LABELS: ReplayLabels = {
  name: 'replay',
  btc: 'replay:cryptocompare',
  dvol: 'replay:deribit-dvol',
  funding: 'replay:binance-funding',
  etf: (symbol) => `replay:yahoo-${symbol.toLowerCase()}`,
  chain: 'replay:chain-model',
};

/** Seams for adapters that replay another History through this class (the sim). Replay uses none. */
export interface ReplayHooks {
  labels?: ReplayLabels;
  /**
   * The History is made, not recorded (the sim): nothing is derived before a fund traded and no
   * chain is labelled as predating the listing.
   */
  synthetic?: boolean;
  /** The 30-day ATM IV at a quote time, or why there is none (default: the fitted level on the intraday-adjusted DVOL). */
  atmIv30?: (quoteMs: number) => number | string;
  /** A chain's quotes (default: the chain model's buildChain). */
  buildChain?: (model: ChainModel, input: ChainInput) => OptionQuote[];
  /** One contract's quote (default: the chain model's quoteOne). */
  quoteOne?: (model: ChainModel, input: ChainInput, contract: OptionContract) => OptionQuote;
}

export interface ReplayOptions {
  calendar: MarketCalendar;
  history?: History;
  chainModel?: ChainModel;
  /** Monday/Wednesday expiries from this date on (off by default in replay). */
  dailyExpiriesFrom?: string | null;
  /** Annual risk-free rate used to price the synthetic chains. */
  riskFreeRate: number;
  /** Vol points added to the fitted IV level, DVOL × the chain model's ratio (data/models/README.md). */
  ivShiftVp?: number;
  hooks?: ReplayHooks;
}

/**
 * Real history replayed without look-ahead: an hourly bar is visible at its start + 1 h, a DVOL
 * daily close at the end of its UTC day, a funding print at its funding time and a daily funding
 * mean at the end of its UTC day, a daily ETF close at that session's closing bell. Option chains
 * are synthesised by the fitted chain model, priced at DVOL moved intraday by BTC (iv-adjust.ts).
 * Before IBIT traded (2024-01-11) its price is derived from BTC, and says so.
 */
export class ReplayMarketDataSource implements MarketDataSource {
  readonly kind = 'replay' as const;
  private readonly h: History;
  private readonly cal: MarketCalendar;
  private readonly opts: ReplayOptions;
  private model: ChainModel | null;
  private readonly hooks: ReplayHooks;
  private readonly labels: ReplayLabels;
  private ivRelation: IvMoveRelation | null = null;
  private ibitAnchor: { ratio: number; closeMs: number } | string | null = null;

  constructor(opts: ReplayOptions) {
    this.h = opts.history ?? loadHistory();
    this.cal = opts.calendar;
    this.opts = opts;
    this.model = opts.chainModel ?? null;
    this.hooks = opts.hooks ?? {};
    this.labels = this.hooks.labels ?? REPLAY_LABELS;
  }

  private chainModel(): ChainModel {
    this.model ??= loadChainModel();
    return this.model;
  }

  // ---- BTC -------------------------------------------------------------------------------

  private btcIndex(atMs: number): number {
    return lastAtOrBefore(this.h.btcHourly.startMs, atMs - MS_PER_HOUR);
  }

  private btcEndMs(): number {
    const s = this.h.btcHourly.startMs;
    return s[s.length - 1] + MS_PER_HOUR;
  }

  /** BTC close visible at `atMs`, or null outside the data. */
  btcAt(atMs: number): number | null {
    if (atMs > this.btcEndMs() + MS_PER_HOUR) return null;
    const i = this.btcIndex(atMs);
    return i < 0 ? null : this.h.btcHourly.close[i];
  }

  async btcSpot(atMs: number): Promise<Observed<BtcSpot>> {
    const src = this.labels.btc;
    const i = this.btcIndex(atMs);
    if (atMs > this.btcEndMs() + MS_PER_HOUR)
      return missing(src, `outside coverage, data ends ${isoUtc(this.btcEndMs())}`);
    if (i < 0)
      return missing(
        src,
        `outside coverage, data starts ${isoUtc(this.h.btcHourly.startMs[0] + MS_PER_HOUR)}`,
      );
    const j = this.btcIndex(atMs - MS_PER_DAY);
    const price = this.h.btcHourly.close[i];
    if (j < 0) return missing(src, 'no BTC price 24 h earlier to measure the change');
    return ok(
      { priceUsd: price, change24hFrac: price / this.h.btcHourly.close[j] - 1 },
      this.h.btcHourly.startMs[i] + MS_PER_HOUR,
      src,
    );
  }

  async btcBars(atMs: number, count: number): Promise<Observed<Bar[]>> {
    const src = this.labels.btc;
    const i = this.btcIndex(atMs);
    if (atMs > this.btcEndMs() + MS_PER_HOUR)
      return missing(src, `outside coverage, data ends ${isoUtc(this.btcEndMs())}`);
    if (i < 0) return missing(src, 'outside coverage, before the first hourly bar');
    const b = this.h.btcHourly;
    const bars: Bar[] = [];
    for (let k = Math.max(0, i - count + 1); k <= i; k++) {
      bars.push({
        startMs: b.startMs[k],
        durationMs: MS_PER_HOUR,
        open: b.open[k],
        high: b.high[k],
        low: b.low[k],
        close: b.close[k],
        volume: b.volume[k],
      });
    }
    return ok(bars, b.startMs[i] + MS_PER_HOUR, src);
  }

  // ---- DVOL and funding ---------------------------------------------------------------------

  private dvolEndMs(): number {
    const t = this.h.dvolDaily.timeMs;
    return t[t.length - 1] + MS_PER_DAY;
  }

  async dvol(atMs: number): Promise<Observed<number>> {
    const src = this.labels.dvol;
    const d = this.h.dvolDaily;
    if (atMs > this.dvolEndMs() + MS_PER_DAY)
      return missing(src, `outside coverage, data ends ${isoUtc(this.dvolEndMs()).slice(0, 10)}`);
    const i = lastAtOrBefore(d.timeMs, atMs - MS_PER_DAY);
    if (i < 0)
      return missing(src, `outside coverage, data starts ${isoUtc(d.timeMs[0] + MS_PER_DAY).slice(0, 10)}`);
    return ok(d.value[i], d.timeMs[i] + MS_PER_DAY, src);
  }

  async dvolHistory(atMs: number, days: number): Promise<Observed<DvolPoint[]>> {
    const src = this.labels.dvol;
    const d = this.h.dvolDaily;
    if (atMs > this.dvolEndMs() + MS_PER_DAY)
      return missing(src, `outside coverage, data ends ${isoUtc(this.dvolEndMs()).slice(0, 10)}`);
    const i = lastAtOrBefore(d.timeMs, atMs - MS_PER_DAY);
    if (i < 0) return missing(src, 'outside coverage, before the first DVOL close');
    const from = d.timeMs[i] - (days - 1) * MS_PER_DAY;
    const pts: DvolPoint[] = [];
    for (let k = 0; k <= i; k++)
      if (d.timeMs[k] >= from) pts.push({ date: isoUtc(d.timeMs[k]).slice(0, 10), vol: d.value[k] });
    return ok(pts, d.timeMs[i] + MS_PER_DAY, src);
  }

  /**
   * Funding per 8 h as one feature over both files: the mean of the three 8-hour prints of the
   * trailing 24 h where the 8-hour file has them, else the mean of the last completed UTC day
   * (the daily file: it includes the day's 16:00Z print, so it is known only at D+1 00:00Z).
   */
  async funding8h(atMs: number): Promise<Observed<number>> {
    const src = this.labels.funding;
    const f = this.h.funding8h;
    const i = lastAtOrBefore(f.timeMs, atMs);
    const daily = this.h.fundingDaily;
    // Print times carry milliseconds of jitter (16:00:00.016): three prints 16 h ± a minute apart.
    if (
      i >= 2 &&
      f.timeMs[i - 2] > atMs - MS_PER_DAY &&
      Math.abs(f.timeMs[i] - f.timeMs[i - 2] - 16 * MS_PER_HOUR) < 60_000
    )
      return ok((f.value[i] + f.value[i - 1] + f.value[i - 2]) / 3, f.timeMs[i], src, {
        note: 'mean of the 3 prints of the last 24 h',
      });
    if (!daily) {
      // A made History has only 8-hour prints: the mean of those in the last 24 h.
      const end = f.timeMs[f.timeMs.length - 1];
      if (atMs > end + 8 * MS_PER_HOUR) return missing(src, `outside coverage, data ends ${isoUtc(end)}`);
      if (i < 0) return missing(src, `outside coverage, data starts ${isoUtc(f.timeMs[0])}`);
      let sum = 0;
      let n = 0;
      for (let k = i; k >= 0 && f.timeMs[k] > atMs - MS_PER_DAY; k--, n++) sum += f.value[k];
      return ok(sum / n, f.timeMs[i], src, {
        note: `mean of the ${n} print${n === 1 ? '' : 's'} of the last 24 h`,
      });
    }
    const j = lastAtOrBefore(daily.timeMs, atMs - MS_PER_DAY);
    const last = daily.timeMs[daily.timeMs.length - 1];
    if (j < 0) return missing(src, `outside coverage, data starts ${isoUtc(daily.timeMs[0] + MS_PER_DAY)}`);
    if (atMs >= daily.timeMs[j] + 2 * MS_PER_DAY)
      return missing(src, `outside coverage, data ends ${isoUtc(last + 2 * MS_PER_DAY)}`);
    const day = isoUtc(daily.timeMs[j]).slice(0, 10);
    return ok(daily.value[j], daily.timeMs[j] + MS_PER_DAY, src, { note: `daily mean of ${day}` });
  }

  // ---- The IV level ---------------------------------------------------------------------------

  /** The daily relation between BTC's move and DVOL's, built once from the daily closes. */
  private relation(): IvMoveRelation | null {
    const btc = this.h.btcDaily;
    if (!btc) return null;
    if (!this.ivRelation) {
      const d = this.h.dvolDaily;
      const days: ConstructorParameters<typeof IvMoveRelation>[0][number][] = [];
      for (let k = 1; k < d.timeMs.length; k++) {
        if (d.timeMs[k] - d.timeMs[k - 1] !== MS_PER_DAY) continue;
        const b = lastAtOrBefore(btc.timeMs, d.timeMs[k]);
        if (b < 1 || btc.timeMs[b] !== d.timeMs[k] || btc.timeMs[b - 1] !== d.timeMs[k - 1]) continue;
        days.push({
          dayMs: d.timeMs[k],
          date: isoUtc(d.timeMs[k]).slice(0, 10),
          btcLogReturn: Math.log(btc.value[b] / btc.value[b - 1]),
          dvolLogChange: Math.log(d.value[k] / d.value[k - 1]),
        });
      }
      this.ivRelation = new IvMoveRelation(days);
    }
    return this.ivRelation;
  }

  /** The raw DVOL visible at `atMs` and the level moved by BTC since its stamp, or why there is none. */
  ivLevelAt(atMs: number): IvLevel | string {
    const d = this.h.dvolDaily;
    if (atMs > this.dvolEndMs() + MS_PER_DAY)
      return `outside coverage, DVOL data ends ${isoUtc(this.dvolEndMs()).slice(0, 10)}`;
    const di = lastAtOrBefore(d.timeMs, atMs - MS_PER_DAY);
    if (di < 0) return 'outside coverage, before the first DVOL close';
    const raw = d.value[di];
    const stampMs = d.timeMs[di] + MS_PER_DAY;
    const rel = this.relation();
    const fit = rel?.fitThrough(stampMs) ?? null;
    const then = this.btcAt(stampMs);
    const now = this.btcAt(atMs);
    if (!fit || then === null || now === null) return { raw, adjusted: raw, btcMove: 0, stampMs, fit: null };
    const btcMove = Math.log(now / then);
    return { raw, adjusted: adjustIv(raw, btcMove, fit), btcMove, stampMs, fit };
  }

  async ivLevel(atMs: number): Promise<Observed<IvLevel>> {
    const lv = this.ivLevelAt(atMs);
    if (typeof lv === 'string') return missing(this.labels.dvol, lv);
    return ok(lv, atMs, this.labels.dvol, {
      note: lv.fit ? 'DVOL moved by BTC since its close' : 'too little history to fit: the raw close',
    });
  }

  // ---- ETFs ----------------------------------------------------------------------------------

  private bars(symbol: EtfSymbol): DailyBars {
    return symbol === 'IBIT' ? this.h.ibitDaily : this.h.bitoDaily;
  }

  /** IBIT/BTC at IBIT's first close and that close's instant, or why it cannot be known. */
  private ibitFirstClose(): { ratio: number; closeMs: number } | string {
    if (this.ibitAnchor === null) {
      const bars = this.h.ibitDaily;
      const day = this.cal.tradingDay(IBIT_FIRST_CLOSE);
      const btc = day ? this.btcAt(day.closeMs) : null;
      this.ibitAnchor =
        bars.dates[0] !== IBIT_FIRST_CLOSE || !day || btc === null
          ? `no IBIT close and BTC price on ${IBIT_FIRST_CLOSE} to derive earlier prices from`
          : { ratio: bars.close[0] / btc, closeMs: day.closeMs };
    }
    return this.ibitAnchor;
  }

  /** IBIT before it traded: BTC × the IBIT/BTC ratio at its first close, carried back with the expense ratio. */
  private derivedIbit(atMs: number): number | string {
    const a = this.ibitFirstClose();
    if (typeof a === 'string') return a;
    const btc = this.btcAt(atMs);
    if (btc === null) return 'outside coverage of the BTC hourly data';
    return btc * derivedIbitPerBtc(a.ratio, a.closeMs, atMs);
  }

  /**
   * The ETF price at `atMs`: in the session, BTC now × the ETF/BTC ratio at the previous close;
   * otherwise the last session's real close. Before IBIT's first close, derived from BTC
   * (`derived`). Null with a reason when the data does not reach.
   */
  etfPrice(
    symbol: EtfSymbol,
    atMs: number,
  ):
    | { price: number; prevClose: number | null; asOfMs: number; closing: boolean; derived: boolean }
    | string {
    const bars = this.bars(symbol);
    const last = this.cal.lastClose(atMs);
    const li = lastDateAtOrBefore(bars.dates, last.date);
    const open = this.cal.isOpen(atMs);
    const today = this.cal.etDate(atMs);
    const openBell = open && atMs === this.cal.tradingDay(today)?.openMs;
    if (symbol === 'IBIT' && li < 0 && !this.hooks.synthetic && last.date < IBIT_FIRST_CLOSE) {
      // At its first open bell the real opening print; before that, derived.
      if (openBell && bars.dates[0] === today && bars.open[0] > 0) {
        const prev = this.derivedIbit(last.closeMs);
        return {
          price: bars.open[0],
          prevClose: typeof prev === 'string' ? null : prev,
          asOfMs: atMs,
          closing: false,
          derived: false,
        };
      }
      const at = open ? atMs : last.closeMs;
      const price = this.derivedIbit(at);
      if (typeof price === 'string') return price;
      const prevMs = open ? last.closeMs : this.cal.lastClose(last.closeMs - 1).closeMs;
      const prev = this.derivedIbit(prevMs);
      return {
        price,
        prevClose: typeof prev === 'string' ? null : prev,
        asOfMs: at,
        closing: !open,
        derived: true,
      };
    }
    if (li < 0 || bars.dates[li] !== last.date) {
      const end = bars.dates[bars.dates.length - 1];
      return last.date > end ? `outside coverage, data ends ${end}` : `no ${symbol} close for ${last.date}`;
    }
    const prevClose = li > 0 ? bars.close[li - 1] : null;
    if (!open) {
      return { price: bars.close[li], prevClose, asOfMs: last.closeMs, closing: true, derived: false };
    }
    // At the open bell the day's real opening print, where the fund traded that day.
    if (openBell && bars.dates[li + 1] === today && bars.open[li + 1] > 0)
      return {
        price: bars.open[li + 1],
        prevClose: bars.close[li],
        asOfMs: atMs,
        closing: false,
        derived: false,
      };
    const btcAtClose = this.btcAt(last.closeMs);
    const btcNow = this.btcAt(atMs);
    if (btcAtClose === null || btcNow === null) return 'outside coverage of the BTC hourly data';
    return {
      price: (btcNow * bars.close[li]) / btcAtClose,
      prevClose: bars.close[li],
      asOfMs: atMs,
      closing: false,
      derived: false,
    };
  }

  async etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    const src = this.labels.etf(symbol);
    const p = this.etfPrice(symbol, atMs);
    if (typeof p === 'string') return missing(src, p);
    const phase = this.cal.status(atMs).phase;
    return ok({ symbol, price: p.price, previousClose: p.prevClose, phase }, p.asOfMs, src, {
      ...(p.closing ? { note: 'last session close' } : {}),
      ...(p.derived ? { derived: IBIT_DERIVED_NOTE } : {}),
    });
  }

  async distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>> {
    return ok(distributionsOf(this.bars(symbol), this.cal.etDate(atMs)), atMs, this.labels.etf(symbol));
  }

  // ---- Options -------------------------------------------------------------------------------

  /** The inputs a chain at `atMs` is built from, or the reason it cannot be. */
  private chainInputs(symbol: EtfSymbol, atMs: number) {
    // Outside the session the chain is the last session's closing chain.
    const open = this.cal.isOpen(atMs);
    const quoteMs = open ? atMs : this.cal.lastClose(atMs).closeMs;
    const p = this.etfPrice(symbol, quoteMs);
    if (typeof p === 'string') return p;
    const atmIv30 = this.hooks.atmIv30 ? this.hooks.atmIv30(quoteMs) : this.dvolAtmIv30(quoteMs);
    if (typeof atmIv30 === 'string') return atmIv30;
    const expiries = listedExpiries(this.cal, quoteMs, { dailyFrom: this.opts.dailyExpiriesFrom ?? null });
    const notes = [
      open ? null : 'last session close',
      symbol === 'IBIT' && !this.hooks.synthetic && this.cal.etDate(quoteMs) < IBIT_OPTIONS_FIRST_LISTED
        ? NO_LISTED_OPTIONS_NOTE
        : null,
      symbol === 'BITO' ? BITO_CHAIN_NOTE : null,
    ].filter((n) => n !== null);
    return {
      quoteMs,
      extra: {
        ...(notes.length ? { note: notes.join('; ') } : {}),
        ...(p.derived ? { derived: IBIT_DERIVED_NOTE } : {}),
      },
      input: {
        symbol,
        spot: p.price,
        atmIv30,
        asOfMs: quoteMs,
        expiries,
        r: this.opts.riskFreeRate,
        q:
          symbol === 'BITO'
            ? distributionYield(
                distributionsOf(this.h.bitoDaily, this.cal.etDate(quoteMs)),
                this.cal.etDate(quoteMs),
              )
            : 0,
      },
    };
  }

  private dvolAtmIv30(quoteMs: number): number | string {
    const lv = this.ivLevelAt(quoteMs);
    if (typeof lv === 'string') return lv;
    const iv = atmIv30FromDvol(this.chainModel().ivLevel, lv.adjusted, this.opts.ivShiftVp ?? 0);
    return iv > 0 ? iv : `IV level ${(iv * 100).toFixed(1)} % after the shift: a shift must leave it above 0`;
  }

  async optionChain(symbol: EtfSymbol, atMs: number, req: ChainRequest = {}): Promise<Observed<OptionChain>> {
    const src = this.labels.chain;
    const ci = this.chainInputs(symbol, atMs);
    if (typeof ci === 'string') return missing(src, ci);
    const input = req.expiries
      ? { ...ci.input, expiries: ci.input.expiries.filter((e) => req.expiries!.includes(e.expiry)) }
      : ci.input;
    const quotes = (this.hooks.buildChain ?? buildChain)(this.chainModel(), input);
    return ok(
      { symbol, underlyingPrice: input.spot, expiries: input.expiries.map((e) => e.expiry), quotes },
      ci.quoteMs,
      src,
      ci.extra,
    );
  }

  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const out = new Map<string, Observed<OptionQuote>>();
    for (const symbol of new Set(contracts.map((c) => c.symbol))) {
      this.quotesOf(
        symbol,
        contracts.filter((c) => c.symbol === symbol),
        atMs,
        out,
      );
    }
    return out;
  }

  /** One fund's contracts priced on its chain at `atMs`, into `out`. */
  private quotesOf(
    symbol: EtfSymbol,
    contracts: OptionContract[],
    atMs: number,
    out: Map<string, Observed<OptionQuote>>,
  ): void {
    const src = this.labels.chain;
    const ci = this.chainInputs(symbol, atMs);
    let input = typeof ci === 'string' ? null : ci.input;
    if (input && typeof ci !== 'string') {
      // Held contracts may have left the listing window; price them all the same.
      const listed = new Set(input.expiries.map((e) => e.expiry));
      const extra = [...new Set(contracts.map((c) => c.expiry))].filter((e) => !listed.has(e));
      const today = this.cal.etDate(ci.quoteMs);
      const added = extra
        .map((e) => ({ expiry: e, closeMs: this.cal.expiryCloseMs(e) }))
        .filter((e) => e.closeMs > ci.quoteMs)
        .map((e) => ({
          expiry: e.expiry,
          T: (e.closeMs - ci.quoteMs) / MS_PER_YEAR,
          dte: daysBetween(today, e.expiry),
        }));
      if (added.length) input = { ...input, expiries: [...input.expiries, ...added] };
    }
    for (const c of contracts) {
      const key = contractKey(c);
      if (typeof ci === 'string' || !input) {
        out.set(key, missing(src, typeof ci === 'string' ? ci : 'no chain'));
        continue;
      }
      if (this.cal.expiryCloseMs(c.expiry) <= ci.quoteMs) {
        out.set(key, missing(src, `expired ${c.expiry}: settle at intrinsic value`));
        continue;
      }
      out.set(
        key,
        ok((this.hooks.quoteOne ?? quoteOne)(this.chainModel(), input, c), ci.quoteMs, src, ci.extra),
      );
    }
  }

  coverage(): FieldCoverage[] {
    const h = this.h;
    const dateMs = (d: string) => Date.parse(`${d}T21:00:00Z`);
    const btcFrom = h.btcHourly.startMs[0] + MS_PER_HOUR + MS_PER_DAY;
    return [
      { field: 'btcSpot', fromMs: btcFrom, toMs: this.btcEndMs() },
      {
        field: 'dvol',
        fromMs: h.dvolDaily.timeMs[0] + MS_PER_DAY,
        toMs: this.dvolEndMs(),
        note: 'daily close, known at the end of its UTC day',
      },
      this.fundingCoverage(),
      {
        field: 'ibit',
        fromMs: this.hooks.synthetic ? dateMs(h.ibitDaily.dates[0]) : btcFrom,
        toMs: dateMs(h.ibitDaily.dates[h.ibitDaily.dates.length - 1]),
        ...(this.hooks.synthetic ? {} : { note: `${IBIT_DERIVED_NOTE} before its first close` }),
      },
      {
        field: 'bito',
        fromMs: dateMs(h.bitoDaily.dates[0]),
        toMs: dateMs(h.bitoDaily.dates[h.bitoDaily.dates.length - 1]),
      },
      {
        field: 'ibitOptions',
        fromMs: Math.max(btcFrom, h.dvolDaily.timeMs[0] + MS_PER_DAY),
        toMs: Math.min(this.dvolEndMs(), dateMs(h.ibitDaily.dates[h.ibitDaily.dates.length - 1])),
        note: `synthetic chains from the fitted chain model (DVOL-driven); no listed options before ${IBIT_OPTIONS_FIRST_LISTED}`,
      },
      {
        field: 'bitoOptions',
        fromMs: Math.max(btcFrom, h.dvolDaily.timeMs[0] + MS_PER_DAY, dateMs(h.bitoDaily.dates[0])),
        toMs: Math.min(this.dvolEndMs(), dateMs(h.bitoDaily.dates[h.bitoDaily.dates.length - 1])),
        note: BITO_CHAIN_NOTE,
      },
    ];
  }

  private fundingCoverage(): FieldCoverage {
    const f = this.h.funding8h;
    const d = this.h.fundingDaily;
    const end8h = f.timeMs[f.timeMs.length - 1] + 8 * MS_PER_HOUR;
    if (!d) return { field: 'funding8h', fromMs: f.timeMs[0], toMs: end8h };
    return {
      field: 'funding8h',
      fromMs: Math.min(f.timeMs[0], d.timeMs[0] + MS_PER_DAY),
      toMs: Math.max(end8h, d.timeMs[d.timeMs.length - 1] + 2 * MS_PER_DAY),
      note: '3 prints of the trailing 24 h, else the last completed UTC day mean',
    };
  }
}
