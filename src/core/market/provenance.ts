/**
 * Where the replay's IBIT history is real and where it is made: the two boundary dates every view
 * of a run's provenance uses (one copy), and the rule that derives IBIT before it traded.
 */
import { MS_PER_YEAR } from '../units.js';

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
