import { DIMENSIONS, type Dimension, type TraderConfig, type Width } from '../../core/farm/grid.js';

/** The one way a trader configuration is shown: a column per dimension, a labelled line, or a short phrase. */

/** Table column heading and cell text for each dimension's values. */
export const DIMENSION_COLUMNS: Record<Dimension, { head: string; fmt: (v: unknown) => string }> = {
  symbol: { head: 'Sym', fmt: String },
  warmthFloor: { head: 'Warm≥', fmt: String },
  ivRankFloor: { head: 'IVR≥', fmt: String },
  session: { head: 'Session', fmt: String },
  dte: { head: 'DTE', fmt: String },
  shortDelta: { head: 'Δ', fmt: String },
  width: { head: 'Width', fmt: (v) => widthText(v as Width) },
  profitTargetPct: { head: 'PT', fmt: (v) => `${v}%` },
  stopLossX: { head: 'Stop', fmt: (v) => `${v}×` },
  trailingStopPct: { head: 'Trail', fmt: (v) => (v ? `${v}%` : 'off') },
  sizePct: { head: 'Size', fmt: (v) => `${v}%` },
};

/** A width as the grid gives it: `$5`, or `10%` (of the fund's price). */
export function widthText(w: Width): string {
  return typeof w === 'number' ? `$${w}` : w;
}

/** `dimension value` for one dimension, as the cells show it. */
export function dimensionValue(d: Dimension, v: unknown): string {
  return `${d} ${DIMENSION_COLUMNS[d].fmt(v)}`;
}

/** Every dimension, labelled: `symbol IBIT · warmthFloor 4 · … · sizePct 5%`. */
export function traderConfigLine(c: TraderConfig): string {
  return DIMENSIONS.map((d) => dimensionValue(d, c[d])).join(' · ');
}

/** The spread first, then the exits, size and entry filters, as a trader reads them. */
export function traderConfigPhrase(c: TraderConfig): string {
  return `${c.symbol} ${c.dte} DTE Δ${c.shortDelta} ${widthText(c.width)} wide, PT ${c.profitTargetPct}%, stop ${c.stopLossX}×, trail ${c.trailingStopPct || 'off'}, size ${c.sizePct}%, warmth ≥ ${c.warmthFloor}, IVR ≥ ${c.ivRankFloor}, ${c.session}`;
}
