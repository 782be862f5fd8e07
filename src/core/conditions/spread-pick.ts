import { type Width, widthDollars } from '../farm/grid.js';
import { type FillParams, openSpreadCredit, pacedQuote, spreadMid } from '../fill/fill.js';
import type { OptionChain, OptionQuote } from '../market/port.js';
import { bsGreeks, type Greeks } from '../pricing/bs.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { daysBetween, MS_PER_YEAR } from '../units.js';

/** A chain's puts by expiry with their deltas, prepared once and shared by every pick. */
export interface ChainIndex {
  spot: number;
  asOfMs: number;
  today: string;
  stale: boolean;
  /** Share of the session elapsed at asOfMs: quotes' volume so far is scaled to the day's pace for fills. */
  sessionElapsedFrac: number;
  expiries: string[];
  /** Calendar days from `today` to each of `expiries`. */
  dtes: number[];
  byExpiry: Map<string, { T: number; puts: OptionQuote[]; greeks: Greeks[] }>;
}

export function indexChain(
  chain: OptionChain,
  asOfMs: number,
  stale: boolean,
  cal: MarketCalendar,
  r: number,
): ChainIndex {
  const byExpiry = new Map<string, { T: number; puts: OptionQuote[]; greeks: Greeks[] }>();
  for (const q of chain.quotes) {
    if (q.right !== 'put' || q.iv === null || !(q.iv > 0)) continue;
    let e = byExpiry.get(q.expiry);
    if (!e) {
      const T = Math.max((cal.expiryCloseMs(q.expiry) - asOfMs) / MS_PER_YEAR, 1e-6);
      e = { T, puts: [], greeks: [] };
      byExpiry.set(q.expiry, e);
    }
    e.puts.push(q);
  }
  for (const e of byExpiry.values()) {
    e.puts.sort((a, b) => a.strike - b.strike);
    e.greeks = e.puts.map((q) => bsGreeks('put', chain.underlyingPrice, q.strike, e.T, r, 0, q.iv!));
  }
  const today = cal.etDate(asOfMs);
  const expiries = chain.expiries.filter((e) => byExpiry.has(e));
  return {
    spot: chain.underlyingPrice,
    asOfMs,
    today,
    stale,
    sessionElapsedFrac: cal.sessionElapsedFrac(asOfMs),
    expiries,
    dtes: expiries.map((e) => daysBetween(today, e)),
    byExpiry,
  };
}

export interface PickedSpread {
  expiry: string;
  dte: number;
  T: number;
  short: OptionQuote;
  long: OptionQuote;
  shortGreeks: Greeks;
  longGreeks: Greeks;
  /** Credit per share at the fill model. */
  credit: number;
  /** Spread mid per share (fair value, not a fill). */
  mid: number;
  /** Dollars between the strikes (a % width becomes the listed strikes' distance). */
  width: number;
}

/**
 * The listed expiry nearest the DTE target, the quoted put nearest the |delta| target, the long
 * put `width` below it, and the credit through the fill model — or the reason there is none.
 */
export function pickSpread(
  ix: ChainIndex,
  target: { dte: number; shortDelta: number; width: Width },
  fill: FillParams,
): PickedSpread | string {
  if (!ix.expiries.length) return 'no listed expiry with quotes';
  // The first of the nearest to the target, as a reduce keeping the earlier on ties.
  let near = 0;
  for (let j = 1; j < ix.expiries.length; j++)
    if (Math.abs(ix.dtes[j] - target.dte) < Math.abs(ix.dtes[near] - target.dte)) near = j;
  const expiry = ix.expiries[near];
  const e = ix.byExpiry.get(expiry)!;
  let best = -1;
  for (let k = 0; k < e.puts.length; k++) {
    if (e.puts[k].bid === null || e.puts[k].ask === null) continue;
    if (
      best < 0 ||
      Math.abs(-e.greeks[k].delta - target.shortDelta) < Math.abs(-e.greeks[best].delta - target.shortDelta)
    )
      best = k;
  }
  if (best < 0) return `no quoted put in ${expiry}`;
  const sq = e.puts[best];
  let li: number;
  if (typeof target.width === 'number') {
    const w = target.width;
    li = e.puts.findIndex((q) => Math.abs(q.strike - (sq.strike - w)) < 1e-6);
    if (li < 0) return `no ${expiry} strike $${w} below ${sq.strike}`;
  } else {
    // A share of the price: the listed strike nearest that far below the short (ties to the wider).
    const want = sq.strike - widthDollars(target.width, ix.spot);
    li = -1;
    for (let k = 0; k < e.puts.length; k++) {
      const d = Math.abs(e.puts[k].strike - want);
      if (e.puts[k].strike < sq.strike - 1e-9 && (li < 0 || d < Math.abs(e.puts[li].strike - want) - 1e-9))
        li = k;
    }
    if (li < 0) return `no ${expiry} strike below ${sq.strike}`;
  }
  const lq = e.puts[li];
  const credit = openSpreadCredit(
    pacedQuote(sq, ix.stale, ix.sessionElapsedFrac),
    pacedQuote(lq, ix.stale, ix.sessionElapsedFrac),
    fill,
  );
  if (!credit.ok) return credit.reason;
  const mid = spreadMid(sq, lq);
  if (!mid.ok) return mid.reason;
  const width = sq.strike - e.puts[li].strike;
  if (!(credit.credit < width)) return `credit ${credit.credit.toFixed(4)} is not below the width`;
  return {
    expiry,
    dte: daysBetween(ix.today, expiry),
    T: e.T,
    short: sq,
    long: lq,
    shortGreeks: e.greeks[best],
    longGreeks: e.greeks[li],
    credit: credit.credit,
    mid: mid.mid,
    width,
  };
}
