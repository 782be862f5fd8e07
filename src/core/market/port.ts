/**
 * The one market-data port. Adapters (live, replay, sim) normalise units once, at their boundary:
 * fractions (0.0123 = 1.23 %), annualised vols as fractions (0.55 = 55 %), funding per 8 h as a
 * fraction, prices in USD, times in epoch ms UTC. A value a source cannot give is `missing` with
 * a reason — never a made-up default.
 */
import type { MarketPhase } from '../time/market-calendar.js';

export type SourceKind = 'live' | 'replay' | 'sim';
export type EtfSymbol = 'IBIT' | 'BITO';
export type OptionRight = 'put' | 'call';

export type Observed<T> =
  | {
      status: 'ok';
      value: T;
      /** When the value was true in the market (a quote time, a bar end, a daily close). */
      asOfMs: number;
      /** Which provider answered, e.g. 'deribit', 'bybit', 'yahoo', 'cboe', 'replay:cryptocompare'. */
      source: string;
      /** e.g. 'last session close' when outside the market session. */
      note?: string;
      /** True when older than the configured maximum age during the session. */
      stale?: boolean;
      /** Set when the value is made, not recorded: what it was derived from (e.g. IBIT before it traded). */
      derived?: string;
    }
  | { status: 'missing'; reason: string; source: string };

export function ok<T>(
  value: T,
  asOfMs: number,
  source: string,
  extra: { note?: string; stale?: boolean; derived?: string } = {},
): Observed<T> {
  return { status: 'ok', value, asOfMs, source, ...extra };
}

export function missing<T>(source: string, reason: string): Observed<T> {
  return { status: 'missing', reason, source };
}

export interface BtcSpot {
  priceUsd: number;
  /** 24 h change as a fraction (0.02 = +2 %). */
  change24hFrac: number;
}

export interface Bar {
  startMs: number;
  durationMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface DvolPoint {
  /** UTC date of the daily close, YYYY-MM-DD. */
  date: string;
  /** Close as an annualised fraction (0.55 = DVOL 55). */
  vol: number;
}

export interface IvLevel {
  /** The DVOL close visible at the step (a fraction). */
  raw: number;
  /** The level moved by BTC's move since that close was stamped. */
  adjusted: number;
  /** BTC's log move since the stamp. */
  btcMove: number;
  /** When the raw close was stamped (the end of its UTC day). */
  stampMs: number;
  /** The fitted slopes (null: too little history to fit, the level is the raw close). */
  fit: { downBeta: number; upBeta: number; nDown: number; nUp: number; throughDate: string } | null;
}

export interface EtfQuote {
  symbol: EtfSymbol;
  price: number;
  previousClose: number | null;
  phase: MarketPhase;
}

export interface OptionContract {
  symbol: EtfSymbol;
  /** Expiry date (US/Eastern trading date), YYYY-MM-DD. */
  expiry: string;
  strike: number;
  right: OptionRight;
}

export interface OptionQuote extends OptionContract {
  /** null = not quoted. A bid of 0 is a real quote (far OTM puts show 0.00 × 0.01). */
  bid: number | null;
  ask: number | null;
  last: number | null;
  /** Implied vol as a fraction, null when the provider gives none. */
  iv: number | null;
  volume: number | null;
  openInterest: number | null;
  quoteTimeMs: number;
}

export interface OptionChain {
  symbol: EtfSymbol;
  underlyingPrice: number;
  expiries: string[];
  quotes: OptionQuote[];
}

/** A cash distribution per share, by its ex-date (ET). */
export interface Distribution {
  exDate: string;
  amount: number;
  /** amount / the close before the ex-date. */
  yieldFrac: number;
}

export interface FieldCoverage {
  field: string;
  /** ISO instants (UTC) of the first and last moment the field is available; null = open-ended. */
  fromMs: number | null;
  toMs: number | null;
  note?: string;
}

export interface ChainRequest {
  /** Only these expiries (YYYY-MM-DD); all listed when absent. */
  expiries?: string[];
}

export interface MarketDataSource {
  readonly kind: SourceKind;
  btcSpot(atMs: number): Promise<Observed<BtcSpot>>;
  /** The most recent `count` completed bars (hourly) visible at `atMs`. */
  btcBars(atMs: number, count: number): Promise<Observed<Bar[]>>;
  /** DVOL now (the latest visible value), as a fraction. */
  dvol(atMs: number): Promise<Observed<number>>;
  /** Daily DVOL closes visible at `atMs`, oldest first, at most `days` of them. */
  dvolHistory(atMs: number, days: number): Promise<Observed<DvolPoint[]>>;
  /** Perpetual funding rate per 8 h, as a fraction. */
  funding8h(atMs: number): Promise<Observed<number>>;
  /**
   * The IV level the source prices chains with, beside the raw DVOL it starts from (replay: moved
   * intraday by BTC since the DVOL stamp, `core/market/iv-adjust.ts`). Sources that price from a
   * current DVOL have none.
   */
  ivLevel?(atMs: number): Promise<Observed<IvLevel>>;
  etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>>;
  optionChain(symbol: EtfSymbol, atMs: number, req?: ChainRequest): Promise<Observed<OptionChain>>;
  /** The fund's cash distributions gone ex on or before `atMs`'s ET date, oldest first ([] for a fund that pays none). */
  distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>>;
  /** Price lookup for a set of contracts (how the farm marks and closes positions). Keyed by contractKey(). */
  optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>>;
  coverage(): FieldCoverage[];
  close?(): Promise<void>;
}

export function contractKey(c: OptionContract): string {
  return `${c.symbol}|${c.expiry}|${c.right === 'put' ? 'P' : 'C'}|${c.strike.toFixed(2)}`;
}
