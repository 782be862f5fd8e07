/**
 * Fill model for two-leg put credit spreads (LEAN `IFillModel`, nautilus `FillModel` in spirit).
 *
 * One parameter f: each leg fills a fraction f of the half-spread away from mid, to its worse side:
 *   sell = mid − f·(mid − bid),  buy = mid + f·(ask − mid).
 * f = 1 sells at the bid and buys at the ask (the default: what a market order gets, and what the
 * seed ignored by filling at mid); f = 0.32 is ORATS's "66 % of the spread from the favourable side";
 * f = 0 is mid (fair value, never a fill estimate). Liquidity slippage adds to f (capped at 1),
 * then prices round to real ticks against the trader.
 *
 * A missing, crossed, empty (0 × 0) or stale quote is no fill, with a reason: never a mid, never a
 * default credit.
 */

import {
  DEFAULT_SLIPPAGE,
  dayPaceVolume,
  NO_SLIPPAGE,
  type SlippageParams,
  slippageFraction,
  validateSlippage,
} from './slippage.js';
import { IBIT_TICKS, roundToTick, type TickSchedule } from './ticks.js';

export type Side = 'buy' | 'sell';

/** What the fill model reads from a quote; an `OptionQuote` plus the `stale` flag of its `Observed`. */
export interface QuoteInput {
  /** null = not quoted; 0 is a real bid. */
  bid: number | null;
  ask: number | null;
  volume: number | null;
  openInterest: number | null;
  stale?: boolean;
}

/**
 * A quote as the fill model reads it, its volume so far scaled to the day's pace. A literal of the
 * five fields: spreading a whole quote into a new object cost more than the fill itself.
 */
export function pacedQuote(
  q: Pick<QuoteInput, 'bid' | 'ask' | 'volume' | 'openInterest'>,
  stale: boolean,
  sessionElapsedFrac: number,
): QuoteInput {
  return {
    bid: q.bid,
    ask: q.ask,
    volume: dayPaceVolume(q.volume, sessionElapsedFrac),
    openInterest: q.openInterest,
    stale,
  };
}

export interface FillParams {
  /** Fraction of the half-spread given up on each leg, in [0, 1]. */
  f: number;
  tickRounding: boolean;
  ticks: TickSchedule;
  slippage: SlippageParams;
}

export const DEFAULT_FILL: FillParams = {
  f: 1,
  tickRounding: true,
  ticks: IBIT_TICKS,
  // Has no effect at f = 1 (already at the quote); it bites as soon as a user picks a kinder f.
  slippage: DEFAULT_SLIPPAGE,
};

/** Fair value: mid, unrounded, no slippage. For marking and comparison, not for fills. */
export const FAIR_FILL: FillParams = { f: 0, tickRounding: false, ticks: IBIT_TICKS, slippage: NO_SLIPPAGE };

/** ORATS's two-leg rule of thumb: 66 % of the spread from the favourable side ⇔ f = 0.32. */
export const ORATS_FILL: FillParams = { ...DEFAULT_FILL, f: 0.32 };

export type NoFillCode =
  | 'stale'
  | 'no-bid'
  | 'no-ask'
  | 'invalid-quote'
  | 'crossed'
  | 'no-market'
  | 'no-credit';

export interface NoFill {
  ok: false;
  code: NoFillCode;
  /** Which leg refused, when one did. */
  leg?: 'short' | 'long';
  reason: string;
}

export interface LegFill {
  ok: true;
  /** Per share, USD. */
  price: number;
  mid: number;
  /** Effective fraction of the half-spread given up: min(1, f + slippage). */
  fraction: number;
  /** Slippage part before the cap. */
  slippage: number;
}

export function validateFillParams(p: FillParams): void {
  if (!(Number.isFinite(p.f) && p.f >= 0 && p.f <= 1))
    throw new RangeError(`fill f must be in [0, 1], got ${p.f}`);
  validateSlippage(p.slippage);
}

const fmt = (x: number) => x.toFixed(2);

/** Usable two-sided quote, or why not. */
export function checkQuote(q: QuoteInput): { ok: true; bid: number; ask: number } | NoFill {
  if (q.stale) return { ok: false, code: 'stale', reason: 'stale quote' };
  if (q.bid === null) return { ok: false, code: 'no-bid', reason: 'no bid quoted' };
  if (q.ask === null) return { ok: false, code: 'no-ask', reason: 'no ask quoted' };
  if (!(Number.isFinite(q.bid) && Number.isFinite(q.ask) && q.bid >= 0 && q.ask >= 0))
    return { ok: false, code: 'invalid-quote', reason: `invalid quote ${q.bid} × ${q.ask}` };
  if (q.bid > q.ask)
    return { ok: false, code: 'crossed', reason: `crossed quote ${fmt(q.bid)} × ${fmt(q.ask)}` };
  // 0 × 0 seen in the bundled chains on dead strikes: nobody offers, so there is no market at all.
  if (q.ask === 0) return { ok: false, code: 'no-market', reason: 'no market (0.00 × 0.00)' };
  return { ok: true, bid: q.bid, ask: q.ask };
}

/** One leg's fill price per share, or no fill with a reason. */
export function legFill(side: Side, q: QuoteInput, p: FillParams = DEFAULT_FILL): LegFill | NoFill {
  validateFillParams(p);
  const c = checkQuote(q);
  if (!c.ok) return c;
  const { bid, ask } = c;
  const mid = (bid + ask) / 2;
  const half = (ask - bid) / 2;
  const slip = slippageFraction(q.volume, q.openInterest, p.slippage);
  const fraction = Math.min(1, p.f + slip);
  let price: number;
  if (side === 'sell') {
    // Exact at the ends (no float noise at f = 1); clamped so noise never leaves the quote.
    price = fraction === 1 ? bid : Math.max(bid, mid - fraction * half);
    if (p.tickRounding) price = Math.max(bid, roundToTick(price, 'down', p.ticks));
  } else {
    price = fraction === 1 ? ask : Math.min(ask, mid + fraction * half);
    if (p.tickRounding) price = Math.min(ask, roundToTick(price, 'up', p.ticks));
  }
  return { ok: true, price, mid, fraction, slippage: slip };
}

function tagLeg(n: NoFill, leg: 'short' | 'long'): NoFill {
  return { ...n, leg, reason: `${leg} leg: ${n.reason}` };
}

// Below half a millionth of a dollar a credit is float noise, not money.
const MONEY_EPS = 5e-7;

/** Drops float noise (0.95 − 0.46 = 0.48999999999999994) at a nano-dollar, far below any tick. */
function clean(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

export interface SpreadOpen {
  ok: true;
  /** Net credit per share received (> 0), USD; × 100 × contracts for the position. */
  credit: number;
  shortPrice: number;
  longPrice: number;
}

/** Open a put credit spread: sell the short put, buy the long put. Credit ≤ 0 is refused. */
export function openSpreadCredit(
  shortQ: QuoteInput,
  longQ: QuoteInput,
  p: FillParams = DEFAULT_FILL,
): SpreadOpen | NoFill {
  const s = legFill('sell', shortQ, p);
  if (!s.ok) return tagLeg(s, 'short');
  const l = legFill('buy', longQ, p);
  if (!l.ok) return tagLeg(l, 'long');
  const credit = clean(s.price - l.price);
  if (credit <= MONEY_EPS)
    return {
      ok: false,
      code: 'no-credit',
      reason: `no credit: sell short at ${fmt(s.price)}, buy long at ${fmt(l.price)}`,
    };
  return { ok: true, credit, shortPrice: s.price, longPrice: l.price };
}

export interface SpreadClose {
  ok: true;
  /** Net debit per share paid to close, USD; may be ≤ 0 if the quotes pay you to close. */
  debit: number;
  shortPrice: number;
  longPrice: number;
}

/** Close a put credit spread: buy back the short put, sell the long put. */
export function closeSpreadDebit(
  shortQ: QuoteInput,
  longQ: QuoteInput,
  p: FillParams = DEFAULT_FILL,
): SpreadClose | NoFill {
  const s = legFill('buy', shortQ, p);
  if (!s.ok) return tagLeg(s, 'short');
  const l = legFill('sell', longQ, p);
  if (!l.ok) return tagLeg(l, 'long');
  return { ok: true, debit: clean(s.price - l.price), shortPrice: s.price, longPrice: l.price };
}

/** The spread's mid value (short mid − long mid) per share: fair value for marks, not a fill. */
export function spreadMid(shortQ: QuoteInput, longQ: QuoteInput): { ok: true; mid: number } | NoFill {
  const s = checkQuote(shortQ);
  if (!s.ok) return tagLeg(s, 'short');
  const l = checkQuote(longQ);
  if (!l.ok) return tagLeg(l, 'long');
  return { ok: true, mid: clean((s.bid + s.ask) / 2 - (l.bid + l.ask) / 2) };
}

/** Typical retail broker commission (e.g. IBKR/Schwab/Fidelity $0.65 per contract per leg). */
export const DEFAULT_FEE_PER_CONTRACT_LEG = 0.65;

/** Option contract multiplier: one contract covers 100 shares. */
export const CONTRACT_MULTIPLIER = 100;

/** Commissions in USD for `contracts` spreads of `legs` legs each (a vertical: 2 to open, 2 to close). */
export function fees(
  contracts: number,
  legs: number,
  perContractPerLeg = DEFAULT_FEE_PER_CONTRACT_LEG,
): number {
  if (!(Number.isInteger(contracts) && contracts >= 0))
    throw new RangeError(`fees: contracts must be an integer ≥ 0, got ${contracts}`);
  if (!(Number.isInteger(legs) && legs >= 0))
    throw new RangeError(`fees: legs must be an integer ≥ 0, got ${legs}`);
  if (!(Number.isFinite(perContractPerLeg) && perContractPerLeg >= 0))
    throw new RangeError(`fees: perContractPerLeg must be ≥ 0, got ${perContractPerLeg}`);
  return contracts * legs * perContractPerLeg;
}
