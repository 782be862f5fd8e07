import { isoUtc } from '../time/clock.js';
import { dayNumber, MS_PER_DAY } from '../units.js';
import type { EtfSymbol } from './port.js';

/** IBIT's first trading day: before it the fund's price is derived from BTC. */
export const IBIT_LISTED = '2024-01-11';
/** IBIT options were first listed on 2024-11-19: before it every quote is synthetic with today's liquidity. */
export const IBIT_OPTIONS_FIRST_LISTED = '2024-11-19';

/**
 * The two spans of a replay where the market is less real than elsewhere, in the order their
 * per-trader P&L is kept: `priceDerived` (the fund had not listed: its price is BTC × a ratio) and
 * `noListedOptions` (no options were listed: the chain is the model's alone). The first lies
 * inside the second.
 */
export const SPAN_KINDS = ['priceDerived', 'noListedOptions'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

/** A provenance span of one run: ET dates, `from` inclusive, `until` exclusive. */
export interface ProvenanceSpan {
  kind: SpanKind;
  symbol: EtfSymbol;
  from: string;
  until: string;
}

/** Where each span ends, per fund (a fund without an entry has none: BITO listed with options in 2021). */
const SPAN_ENDS: Partial<Record<EtfSymbol, Record<SpanKind, string>>> = {
  IBIT: { priceDerived: IBIT_LISTED, noListedOptions: IBIT_OPTIONS_FIRST_LISTED },
};

/**
 * The spans of a replay over `from … to` (ET dates, inclusive) for the grid's funds, clipped to the
 * window; empty ones are left out. A simulated market has none: all of it is synthetic by design.
 */
export function provenanceSpans(
  symbols: readonly EtfSymbol[],
  from: string,
  to: string,
  ends: Partial<Record<EtfSymbol, Record<SpanKind, string>>> = SPAN_ENDS,
): ProvenanceSpan[] {
  const out: ProvenanceSpan[] = [];
  for (const symbol of symbols) {
    const e = ends[symbol];
    if (!e) continue;
    for (const kind of SPAN_KINDS) {
      if (from >= e[kind]) continue;
      out.push({ kind, symbol, from, until: to < e[kind] ? nextDay(to) : e[kind] });
    }
  }
  return out;
}

function nextDay(date: string): string {
  return isoUtc((dayNumber(date) + 1) * MS_PER_DAY).slice(0, 10);
}
