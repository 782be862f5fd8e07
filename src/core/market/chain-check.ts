import type { Width } from '../farm/grid.js';
/**
 * The synthetic chain against a real chain export (`argus chain check`): the model is fed what a
 * replay at the export's quote time would use (the file's underlying, the 30-day ATM IV from
 * DVOL, the rate) and quoted on the file's own contracts.
 */

import { indexChain, pickSpread } from '../conditions/spread-pick.js';
import { DEFAULT_FILL } from '../fill/fill.js';
import { median, quantile } from '../judge/stats.js';
import { bsGreeks } from '../pricing/bs.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { daysBetween, MS_PER_YEAR } from '../units.js';
import {
  analyseChain,
  DTE_EDGES,
  dteBucket,
  estimateAtm30,
  expiryCloseMs,
  interpLnT,
  type ParsedChain,
  T30,
} from './chain-fit.js';
import { type ChainInput, type ChainModel, modelIv, quoteOne } from './chain-model.js';
import type { OptionChain, OptionQuote } from './port.js';

/** Moneyness of a put by its |delta| at the model IV. */
export const MONEYNESS = ['wing', 'far', 'near', 'itm'] as const;
export type Moneyness = (typeof MONEYNESS)[number];
/** Upper |delta| of each moneyness class but the last. */
const MONEYNESS_EDGES = [0.05, 0.2, 0.5];

export interface ChainCheckOptions {
  calendar: MarketCalendar;
  /** The model's 30-day ATM IV at the quote time (what the replay would feed it). */
  atmIv30: number;
  r: number;
  /** The grid's spread targets: one spread per (dte, shortDelta, width), as the farm picks them. */
  targets: { dte: readonly number[]; shortDelta: readonly number[]; width: readonly Width[] };
  /** A traded spread needs at least this real credit at f = 1. */
  minCreditUsd: number;
}

export interface BucketRow {
  /** DTE bucket label, e.g. '11-45'. */
  dte: string;
  moneyness: Moneyness;
  n: number;
  /** Mean ask − bid, USD. */
  realWidth: number;
  modelWidth: number;
  /** Mean (ask − bid) / mid. */
  realWidthPct: number;
  /** null when every model mid in the cell is 0. */
  modelWidthPct: number | null;
  /** Mean model mid − real mid, USD. */
  midBias: number;
  /** Strikes with a real mid IV on the OTM side (bid > 0, spread ≤ half the mid). */
  nIv: number;
  /** Mean model IV − real mid IV, vol points; null when nIv = 0. */
  ivBiasVp: number | null;
}

export interface SpreadSide {
  /** Short mid − long mid, USD per share. */
  mid: number;
  /** Short bid − long ask: the credit at f = 1. */
  credit: number;
  /** mid − credit. */
  crossingCost: number;
}

export interface CheckedSpread {
  expiry: string;
  dte: number;
  shortStrike: number;
  longStrike: number;
  real: SpreadSide;
  model: SpreadSide;
  /** model / real crossing cost. */
  crossingCostRatio: number;
  /** model / real credit at f = 1. */
  creditRatio: number;
}

export interface RatioStats {
  n: number;
  median: number;
  p10: number;
  p90: number;
  /** Share of spreads whose ratio is at least 1. */
  shareAtLeast1: number;
}

export interface ChainCheckSummary {
  crossingCostRatio: RatioStats;
  creditRatio: RatioStats;
  /** ATM 30-day IV, model − real, vol points. */
  ivBiasVp: number;
}

export interface ChainCheck {
  file: string;
  quoteTimeMs: number;
  underlying: number;
  expiries: number;
  model: { atmIv30: number; r: number };
  /** The real chain's 30-day ATM IV (mid IVs on its parity forward). */
  realAtmIv30: number;
  /** The model's 30-day ATM IV (atmIv30 on its term structure at 30 days). */
  modelAtmIv30: number;
  buckets: BucketRow[];
  spreads: CheckedSpread[];
  /** Grid targets whose real spread was not traded, by reason. */
  skipped: { reason: string; count: number }[];
  summary: ChainCheckSummary;
}

export function dteBucketLabel(b: number): string {
  const lo = b === 0 ? 0 : DTE_EDGES[b - 1] + 1;
  return b < DTE_EDGES.length ? `${lo}-${DTE_EDGES[b]}` : `>${DTE_EDGES[DTE_EDGES.length - 1]}`;
}

function moneynessOf(absDelta: number): Moneyness {
  const i = MONEYNESS_EDGES.findIndex((e) => absDelta < e);
  return MONEYNESS[i < 0 ? MONEYNESS.length - 1 : i];
}

export function ratioStats(xs: readonly number[]): RatioStats {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    median: median(s),
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    shareAtLeast1: s.length ? s.filter((x) => x >= 1).length / s.length : Number.NaN,
  };
}

const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** Rounded to a nano-dollar, far below a tick, so equal costs compare equal (0.03 − 0.01 ≠ 0.02 in floats). */
const clean = (usd: number) => Math.round(usd * 1e9) / 1e9;

function side(sq: OptionQuote, lq: OptionQuote): SpreadSide {
  const mid = clean((sq.bid! + sq.ask!) / 2 - (lq.bid! + lq.ask!) / 2);
  const credit = clean(sq.bid! - lq.ask!);
  return { mid, credit, crossingCost: clean(mid - credit) };
}

export function checkChain(model: ChainModel, chain: ParsedChain, o: ChainCheckOptions): ChainCheck {
  const quoteMs = chain.quoteTimeMs;
  const today = o.calendar.etDate(quoteMs);
  const spot = chain.underlying;
  const expiries = [...new Set(chain.rows.map((r) => r.expiry))]
    .sort()
    .map((expiry) => ({
      expiry,
      T: (expiryCloseMs(expiry) - quoteMs) / MS_PER_YEAR,
      dte: daysBetween(today, expiry),
    }))
    .filter((e) => e.T > 0);
  if (expiries.length === 0) throw new RangeError(`${chain.file}: every expiry is past the quote time`);
  const input: ChainInput = {
    symbol: 'IBIT',
    spot,
    atmIv30: o.atmIv30,
    asOfMs: quoteMs,
    expiries,
    r: o.r,
    q: 0,
  };
  const byExpiry = new Map(expiries.map((e) => [e.expiry, e]));
  const a = analyseChain(chain, { rate: model.rate });
  // The real IV of a strike from its OTM side (an ITM put's mid carries the early-exercise premium).
  const realIv = new Map(a.ivPoints.filter((p) => p.otm).map((p) => [`${p.expiry}|${p.strike}`, p.iv]));

  // Every quoted put: widths, mids and IVs by DTE bucket and moneyness.
  const cells = new Map<
    string,
    { width: number[]; mWidth: number[]; pct: number[]; mPct: number[]; bias: number[]; iv: number[] }
  >();
  const realPuts: OptionQuote[] = [];
  for (const r of chain.rows) {
    const e = byExpiry.get(r.expiry);
    if (!e || r.right !== 'put' || r.bid === null || r.ask === null || r.bid < 0 || r.ask < r.bid) continue;
    const contract = { symbol: 'IBIT' as const, expiry: r.expiry, strike: r.strike, right: 'put' as const };
    const iv = modelIv(model, input, r.expiry, r.strike);
    realPuts.push({
      ...contract,
      bid: r.bid,
      ask: r.ask,
      last: r.last,
      iv,
      volume: r.volume,
      openInterest: r.openInterest,
      quoteTimeMs: quoteMs,
    });
    if (!(r.ask > 0)) continue;
    const q = quoteOne(model, input, contract);
    const delta = bsGreeks('put', spot, r.strike, e.T, o.r, 0, iv).delta;
    const key = `${dteBucket(e.dte)}|${moneynessOf(Math.abs(delta))}`;
    let c = cells.get(key);
    if (!c) {
      c = { width: [], mWidth: [], pct: [], mPct: [], bias: [], iv: [] };
      cells.set(key, c);
    }
    const mid = (r.bid + r.ask) / 2;
    const mMid = (q.bid! + q.ask!) / 2;
    c.width.push(r.ask - r.bid);
    c.mWidth.push(q.ask! - q.bid!);
    c.pct.push((r.ask - r.bid) / mid);
    c.mPct.push(mMid > 0 ? (q.ask! - q.bid!) / mMid : Number.NaN);
    c.bias.push(mMid - mid);
    const rIv = realIv.get(`${r.expiry}|${r.strike}`);
    if (rIv !== undefined) c.iv.push(q.iv! - rIv);
  }
  const buckets: BucketRow[] = [];
  for (let b = 0; b <= DTE_EDGES.length; b++) {
    for (const m of MONEYNESS) {
      const c = cells.get(`${b}|${m}`);
      if (!c) continue;
      const finitePct = c.mPct.filter(Number.isFinite);
      buckets.push({
        dte: dteBucketLabel(b),
        moneyness: m,
        n: c.width.length,
        realWidth: mean(c.width),
        modelWidth: mean(c.mWidth),
        realWidthPct: mean(c.pct),
        modelWidthPct: finitePct.length ? mean(finitePct) : null,
        midBias: mean(c.bias),
        nIv: c.iv.length,
        ivBiasVp: c.iv.length ? mean(c.iv) * 100 : null,
      });
    }
  }

  // The spreads the grid would trade on the real chain (strikes chosen by the model's deltas).
  const realChain: OptionChain = {
    symbol: 'IBIT',
    underlyingPrice: spot,
    expiries: expiries.map((e) => e.expiry),
    quotes: realPuts,
  };
  const ix = indexChain(realChain, quoteMs, false, o.calendar, o.r);
  const f1 = { ...DEFAULT_FILL, f: 1 };
  const seen = new Set<string>();
  const spreads: CheckedSpread[] = [];
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  for (const dte of o.targets.dte)
    for (const shortDelta of o.targets.shortDelta)
      for (const width of o.targets.width) {
        const p = pickSpread(ix, { dte, shortDelta, width }, f1);
        if (typeof p === 'string') {
          skip(
            p.includes(' strike $') || p.includes(' strike below')
              ? 'long leg not listed or not quoted'
              : 'no real spread (a leg unquoted or no credit)',
          );
          continue;
        }
        if (p.credit < o.minCreditUsd - 1e-9) {
          skip(`real credit below $${o.minCreditUsd.toFixed(2)}`);
          continue;
        }
        const key = `${p.expiry}|${p.short.strike}|${p.long.strike}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const real = side(p.short, p.long);
        if (!(real.crossingCost > 1e-9)) {
          skip('real quotes locked (no crossing cost)');
          continue;
        }
        const mq = (k: number) =>
          quoteOne(model, input, { symbol: 'IBIT', expiry: p.expiry, strike: k, right: 'put' });
        const modelSide = side(mq(p.short.strike), mq(p.long.strike));
        spreads.push({
          expiry: p.expiry,
          dte: p.dte,
          shortStrike: p.short.strike,
          longStrike: p.long.strike,
          real,
          model: modelSide,
          crossingCostRatio: modelSide.crossingCost / real.crossingCost,
          creditRatio: modelSide.credit / real.credit,
        });
      }
  spreads.sort(
    (x, y) =>
      x.expiry.localeCompare(y.expiry) || y.shortStrike - x.shortStrike || y.longStrike - x.longStrike,
  );

  const realAtmIv30 = estimateAtm30(a);
  const modelAtmIv30 =
    o.atmIv30 *
    interpLnT(
      model.atm.nodes.map((n) => n.T),
      model.atm.nodes.map((n) => n.ratio),
      T30,
    );
  return {
    file: chain.file,
    quoteTimeMs: quoteMs,
    underlying: spot,
    expiries: expiries.length,
    model: { atmIv30: o.atmIv30, r: o.r },
    realAtmIv30,
    modelAtmIv30,
    buckets,
    spreads,
    skipped: [...skipped].map(([reason, count]) => ({ reason, count })).sort((x, y) => y.count - x.count),
    summary: {
      crossingCostRatio: ratioStats(spreads.map((s) => s.crossingCostRatio)),
      creditRatio: ratioStats(spreads.map((s) => s.creditRatio)),
      ivBiasVp: (modelAtmIv30 - realAtmIv30) * 100,
    },
  };
}
