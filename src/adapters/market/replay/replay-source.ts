import { atmIv30FromDvol } from '../../../core/market/chain-fit.js';
import { buildChain, type ChainInput, type ChainModel, quoteOne } from '../../../core/market/chain-model.js';
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
  type MarketDataSource,
  missing,
  type Observed,
  type OptionChain,
  type OptionContract,
  type OptionQuote,
  ok,
} from '../../../core/market/port.js';
import { IBIT_OPTIONS_FIRST_LISTED } from '../../../core/market/provenance.js';
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
  /** Options are quoted from this ET date on; null = no restriction. Default IBIT_OPTIONS_FIRST_LISTED. */
  optionsFirstListed?: string | null;
  /** The 30-day ATM IV at a quote time, or why there is none (default: the fitted level on DVOL's last close). */
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
 * daily close at the end of its UTC day, a funding rate at its funding time, a daily ETF close at
 * that session's closing bell. Option chains are synthesised by the fitted chain model.
 */
export class ReplayMarketDataSource implements MarketDataSource {
  readonly kind = 'replay' as const;
  private readonly h: History;
  private readonly cal: MarketCalendar;
  private readonly opts: ReplayOptions;
  private model: ChainModel | null;
  private readonly hooks: ReplayHooks;
  private readonly labels: ReplayLabels;

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

  async funding8h(atMs: number): Promise<Observed<number>> {
    const src = this.labels.funding;
    const f = this.h.funding8h;
    const end = f.timeMs[f.timeMs.length - 1];
    if (atMs > end + 8 * MS_PER_HOUR) return missing(src, `outside coverage, data ends ${isoUtc(end)}`);
    const i = lastAtOrBefore(f.timeMs, atMs);
    if (i < 0) return missing(src, `outside coverage, data starts ${isoUtc(f.timeMs[0])}`);
    return ok(f.value[i], f.timeMs[i], src);
  }

  // ---- ETFs ----------------------------------------------------------------------------------

  private bars(symbol: EtfSymbol): DailyBars {
    return symbol === 'IBIT' ? this.h.ibitDaily : this.h.bitoDaily;
  }

  /**
   * The ETF price at `atMs`: in the session, BTC now × the ETF/BTC ratio at the previous close;
   * otherwise the last session's real close. Null with a reason when the data does not reach.
   */
  etfPrice(
    symbol: EtfSymbol,
    atMs: number,
  ): { price: number; prevClose: number | null; asOfMs: number; closing: boolean } | string {
    const bars = this.bars(symbol);
    const last = this.cal.lastClose(atMs);
    const li = lastDateAtOrBefore(bars.dates, last.date);
    if (li < 0 || bars.dates[li] !== last.date) {
      const end = bars.dates[bars.dates.length - 1];
      return last.date > end ? `outside coverage, data ends ${end}` : `no ${symbol} close for ${last.date}`;
    }
    const prevClose = li > 0 ? bars.close[li - 1] : null;
    if (!this.cal.isOpen(atMs)) {
      return { price: bars.close[li], prevClose, asOfMs: last.closeMs, closing: true };
    }
    // At the open bell the day's real opening print, where the fund traded that day.
    const today = this.cal.etDate(atMs);
    if (atMs === this.cal.tradingDay(today)?.openMs && bars.dates[li + 1] === today && bars.open[li + 1] > 0)
      return { price: bars.open[li + 1], prevClose: bars.close[li], asOfMs: atMs, closing: false };
    const btcAtClose = this.btcAt(last.closeMs);
    const btcNow = this.btcAt(atMs);
    if (btcAtClose === null || btcNow === null) return 'outside coverage of the BTC hourly data';
    return {
      price: (btcNow * bars.close[li]) / btcAtClose,
      prevClose: bars.close[li],
      asOfMs: atMs,
      closing: false,
    };
  }

  async etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    const src = this.labels.etf(symbol);
    const p = this.etfPrice(symbol, atMs);
    if (typeof p === 'string') return missing(src, p);
    const phase = this.cal.status(atMs).phase;
    return ok(
      { symbol, price: p.price, previousClose: p.prevClose, phase },
      p.asOfMs,
      src,
      p.closing ? { note: 'last session close' } : {},
    );
  }

  async distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>> {
    return ok(distributionsOf(this.bars(symbol), this.cal.etDate(atMs)), atMs, this.labels.etf(symbol));
  }

  // ---- Options -------------------------------------------------------------------------------

  /** The inputs a chain at `atMs` is built from, or the reason it cannot be. */
  private chainInputs(symbol: EtfSymbol, atMs: number) {
    if (symbol !== 'IBIT') {
      return `no BITO option chain in ${this.labels.name} (none to fit): BITO options exist only in the live source`;
    }
    // Outside the session the chain is the last session's closing chain.
    const open = this.cal.isOpen(atMs);
    const quoteMs = open ? atMs : this.cal.lastClose(atMs).closeMs;
    const listed =
      this.hooks.optionsFirstListed === undefined ? IBIT_OPTIONS_FIRST_LISTED : this.hooks.optionsFirstListed;
    if (listed !== null && this.cal.etDate(quoteMs) < listed)
      return `outside coverage, IBIT options were first listed ${listed}`;
    const p = this.etfPrice(symbol, quoteMs);
    if (typeof p === 'string') return p;
    const atmIv30 = this.hooks.atmIv30 ? this.hooks.atmIv30(quoteMs) : this.dvolAtmIv30(quoteMs);
    if (typeof atmIv30 === 'string') return atmIv30;
    const expiries = listedExpiries(this.cal, quoteMs, { dailyFrom: this.opts.dailyExpiriesFrom ?? null });
    return {
      quoteMs,
      closing: !open,
      input: {
        symbol,
        spot: p.price,
        atmIv30,
        asOfMs: quoteMs,
        expiries,
        r: this.opts.riskFreeRate,
        q: 0,
      },
    };
  }

  private dvolAtmIv30(quoteMs: number): number | string {
    const d = this.h.dvolDaily;
    if (quoteMs > this.dvolEndMs() + MS_PER_DAY)
      return `outside coverage, DVOL data ends ${isoUtc(this.dvolEndMs()).slice(0, 10)}`;
    const di = lastAtOrBefore(d.timeMs, quoteMs - MS_PER_DAY);
    if (di < 0) return 'outside coverage, before the first DVOL close';
    const iv = atmIv30FromDvol(this.chainModel().ivLevel, d.value[di], this.opts.ivShiftVp ?? 0);
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
      ci.closing ? { note: 'last session close' } : {},
    );
  }

  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const src = this.labels.chain;
    const out = new Map<string, Observed<OptionQuote>>();
    const ci = this.chainInputs('IBIT', atMs);
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
      if (c.symbol !== 'IBIT') {
        out.set(key, missing(src, `no BITO option chain in ${this.labels.name}`));
        continue;
      }
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
        ok(
          (this.hooks.quoteOne ?? quoteOne)(this.chainModel(), input, c),
          ci.quoteMs,
          src,
          ci.closing ? { note: 'last session close' } : {},
        ),
      );
    }
    return out;
  }

  coverage(): FieldCoverage[] {
    const h = this.h;
    const dateMs = (d: string) => Date.parse(`${d}T21:00:00Z`);
    return [
      { field: 'btcSpot', fromMs: h.btcHourly.startMs[0] + MS_PER_HOUR + MS_PER_DAY, toMs: this.btcEndMs() },
      {
        field: 'dvol',
        fromMs: h.dvolDaily.timeMs[0] + MS_PER_DAY,
        toMs: this.dvolEndMs(),
        note: 'daily close, known at the end of its UTC day',
      },
      {
        field: 'funding8h',
        fromMs: h.funding8h.timeMs[0],
        toMs: h.funding8h.timeMs[h.funding8h.timeMs.length - 1] + 8 * MS_PER_HOUR,
      },
      {
        field: 'ibit',
        fromMs: dateMs(h.ibitDaily.dates[0]),
        toMs: dateMs(h.ibitDaily.dates[h.ibitDaily.dates.length - 1]),
      },
      {
        field: 'bito',
        fromMs: dateMs(h.bitoDaily.dates[0]),
        toMs: dateMs(h.bitoDaily.dates[h.bitoDaily.dates.length - 1]),
      },
      {
        field: 'ibitOptions',
        fromMs: dateMs(IBIT_OPTIONS_FIRST_LISTED),
        toMs: Math.min(this.dvolEndMs(), dateMs(h.ibitDaily.dates[h.ibitDaily.dates.length - 1])),
        note: 'synthetic chains from the fitted chain model (DVOL-driven)',
      },
    ];
  }
}
