import { UsageError } from '../core/errors.js';
import type { EtfSymbol, MarketDataSource, OptionQuote, OptionRight } from '../core/market/port.js';
import { bsGreeks } from '../core/pricing/bs.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';
import { daysBetween, MS_PER_YEAR } from '../core/units.js';
import type { Deps } from './deps.js';

export type ChainDeps = Pick<Deps, 'clock' | 'calendar' | 'defaultSource' | 'source' | 'pricingConfig'>;

export interface ChainViewRow {
  strike: number;
  right: OptionRight;
  bid: number | null;
  ask: number | null;
  mid: number | null;
  iv: number | null;
  delta: number | null;
  openInterest: number | null;
  volume: number | null;
}

export type ChainViewResult =
  | {
      status: 'ok';
      symbol: EtfSymbol;
      atMs: number;
      quoteTimeMs: number;
      source: string;
      note: string | null;
      stale: boolean;
      underlyingPrice: number;
      expiry: string;
      dte: number;
      expiries: string[];
      rows: ChainViewRow[];
    }
  | { status: 'missing'; symbol: EtfSymbol; atMs: number; source: string; reason: string };

export interface ChainOptions {
  symbol: EtfSymbol;
  /** As of this instant (default now). */
  atMs?: number;
  expiry?: string;
  dte?: number;
  /** Strikes each side of the money. */
  strikes: number;
  rights: OptionRight[];
}

/** `argus chain`: the chain around the money for one expiry, from the default source. */
export async function chain(deps: ChainDeps, o: ChainOptions): Promise<ChainViewResult> {
  const atMs = o.atMs ?? deps.clock.nowMs();
  const source = await deps.source(deps.defaultSource, { atMs });
  try {
    return await chainView(source, deps.calendar, {
      ...o,
      atMs,
      riskFreeRate: deps.pricingConfig.riskFreeRate,
    });
  } finally {
    await source.close?.();
  }
}

/** The chain around the money for one expiry (the listed expiry nearest --dte, default 14 days). */
async function chainView(
  source: MarketDataSource,
  cal: MarketCalendar,
  o: ChainOptions & { atMs: number; riskFreeRate: number },
): Promise<ChainViewResult> {
  const chain = await source.optionChain(o.symbol, o.atMs);
  if (chain.status === 'missing')
    return { status: 'missing', symbol: o.symbol, atMs: o.atMs, source: chain.source, reason: chain.reason };
  const c = chain.value;
  const today = cal.etDate(chain.asOfMs);
  let expiry: string;
  if (o.expiry) {
    if (!c.expiries.includes(o.expiry)) {
      throw new UsageError(
        `${o.symbol} has no listed expiry ${o.expiry} at this time`,
        `listed: ${c.expiries.join(', ')}`,
      );
    }
    expiry = o.expiry;
  } else {
    const target = o.dte ?? 14;
    expiry = c.expiries.reduce(
      (best, e) =>
        Math.abs(daysBetween(today, e) - target) < Math.abs(daysBetween(today, best) - target) ? e : best,
      c.expiries[0],
    );
  }
  const T = Math.max((cal.etToUtcMs(expiry, '16:00') - chain.asOfMs) / MS_PER_YEAR, 1e-9);
  const S = c.underlyingPrice;
  const quotes = c.quotes.filter((q) => q.expiry === expiry && o.rights.includes(q.right));
  const strikes = [...new Set(quotes.map((q) => q.strike))].sort((a, b) => a - b);
  const atm = strikes.reduce((best, k, i) => (Math.abs(k - S) < Math.abs(strikes[best] - S) ? i : best), 0);
  const keep = new Set(strikes.slice(Math.max(0, atm - o.strikes), atm + o.strikes + 1));
  const rows = quotes
    .filter((q) => keep.has(q.strike))
    .sort((a, b) => a.strike - b.strike || a.right.localeCompare(b.right))
    .map((q) => toRow(q, S, T, o.riskFreeRate));
  return {
    status: 'ok',
    symbol: o.symbol,
    atMs: o.atMs,
    quoteTimeMs: chain.asOfMs,
    source: chain.source,
    note: chain.note ?? null,
    stale: chain.stale ?? false,
    underlyingPrice: S,
    expiry,
    dte: daysBetween(today, expiry),
    expiries: c.expiries,
    rows,
  };
}

function toRow(q: OptionQuote, S: number, T: number, r: number): ChainViewRow {
  const mid = q.bid !== null && q.ask !== null ? (q.bid + q.ask) / 2 : null;
  const delta = q.iv !== null && q.iv > 0 ? bsGreeks(q.right, S, q.strike, T, r, 0, q.iv).delta : null;
  return {
    strike: q.strike,
    right: q.right,
    bid: q.bid,
    ask: q.ask,
    mid,
    iv: q.iv,
    delta,
    openInterest: q.openInterest,
    volume: q.volume,
  };
}
