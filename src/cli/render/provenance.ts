import type { NoCandidateYear, SpanSummary } from '../../core/farm/ports.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { ProvenanceSpan, SpanKind } from '../../core/market/provenance.js';
import { signColor } from './style.js';
import { table, tableText } from './table.js';

/** What each provenance span means, as every view names it. */
export const SPAN_LABEL: Record<SpanKind, string> = {
  priceDerived: 'price derived from BTC',
  noListedOptions: 'no listed options (every quote synthetic, 2026 liquidity)',
};

/** Short column heads for a trader's P&L in each span. */
export const SPAN_HEAD: Record<SpanKind, string> = {
  priceDerived: 'Derived',
  noListedOptions: 'No options',
};

/** "IBIT price derived from BTC, 2022-01-03 → before 2024-01-11". */
export function spanText(s: ProvenanceSpan): string {
  return `${s.symbol} ${SPAN_LABEL[s.kind]}, ${s.from} → before ${s.until}`;
}

/** "$1,234.00 (45.0 %)": a span's P&L and its share of the whole, coloured by sign. */
export function spanShare(pnlUsd: number, totalUsd: number): string {
  const share =
    totalUsd !== 0
      ? ` (${formatPct(pnlUsd / totalUsd, 0).replace('-', '−')} of ${formatMoney(totalUsd, 0)})`
      : '';
  return `${signColor(pnlUsd, formatMoney(pnlUsd, 0))}${share}`;
}

/** A trader's P&L in one span as a table cell ('—': the span does not apply to it). */
export function spanCell(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? '—' : signColor(usd, formatMoney(usd, 0));
}

/** The run summary's span lines: every trader of the fund, then the leader by realised P&L. */
export function spanSummaryLines(spans: SpanSummary[] | undefined): string[] {
  if (spans === undefined) return [];
  if (!spans.length) return ['Provenance spans: none (real fund prices and listed options throughout)'];
  return [
    "P&L booked on each provenance span's days (marked to market, every trader of the fund summed; the leader by realised P&L):",
    ...spans.map(
      (s) =>
        `  ${spanText(s)}: ${spanShare(s.pnlUsd, s.totalPnlUsd)}${
          s.leader ? `; leader #${s.leader.trader} ${spanShare(s.leader.pnlUsd, s.leader.totalPnlUsd)}` : ''
        }`,
    ),
  ];
}

/** Per year, the configurations that found no candidate (never, and their steps without one). */
export function noCandidateTable(rows: NoCandidateYear[]): string {
  const t = table(
    ['Year', 'Steps', 'Never a candidate', 'Share', 'Steps without one'],
    ['left', 'right', 'right', 'right', 'right'],
  );
  for (const r of rows) {
    t.push([
      r.year,
      r.steps.toLocaleString('en-US'),
      `${r.never.toLocaleString('en-US')} of ${r.configurations.toLocaleString('en-US')}`,
      formatPct(r.configurations ? r.never / r.configurations : 0, 1),
      formatPct(r.stepShare, 1),
    ]);
  }
  return tableText(t);
}
