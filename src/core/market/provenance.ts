/**
 * Where the replay's IBIT history is real and where it is made: the two boundary dates every view
 * of a run's provenance uses (one copy), and the rule that derives IBIT before it traded.
 */
import { isoUtc } from '../time/clock.js';
import { dayNumber, MS_PER_DAY, MS_PER_YEAR } from '../units.js';
import type { EtfSymbol } from './port.js';

/** IBIT's first session (ET date). Before its close an IBIT price is derived from BTC. */
export const IBIT_FIRST_CLOSE = '2024-01-11';

/** IBIT options were first listed on this ET date; before it every chain is synthetic (with 2026 liquidity). */
export const IBIT_OPTIONS_FIRST_LISTED = '2024-11-19';

/** IBIT's expense ratio (per year): the BTC held per share shrinks by it. */
export const IBIT_EXPENSE_RATIO = 0.0025;

/** What a derived value says about itself (`derived` on a quote, a snapshot field, a market step). */
export const IBIT_DERIVED_NOTE = `from BTC × the IBIT/BTC ratio of its first close (${IBIT_FIRST_CLOSE})`;
export const NO_LISTED_OPTIONS_NOTE = `synthetic: IBIT options were first listed ${IBIT_OPTIONS_FIRST_LISTED}`;

/**
 * IBIT per BTC at `atMs`, before the listing: the ratio at the first close carried back with the
 * expense ratio (earlier, each share held more BTC: ratio × (1 + ER)^years before the anchor).
 */
export function derivedIbitPerBtc(ratioAtFirstClose: number, firstCloseMs: number, atMs: number): number {
  const years = (firstCloseMs - atMs) / MS_PER_YEAR;
  return ratioAtFirstClose * (1 + IBIT_EXPENSE_RATIO) ** years;
}

/** The two provenance spans an ET date falls in. */
export function ibitProvenance(etDate: string): { priceDerived: boolean; noListedOptions: boolean } {
  return { priceDerived: etDate < IBIT_FIRST_CLOSE, noListedOptions: etDate < IBIT_OPTIONS_FIRST_LISTED };
}

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
  IBIT: { priceDerived: IBIT_FIRST_CLOSE, noListedOptions: IBIT_OPTIONS_FIRST_LISTED },
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
