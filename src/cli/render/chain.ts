import { formatMoney, formatPct } from '../../core/format.js';
import { isoUtc } from '../../core/time/clock.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { ChainViewResult } from '../../services/chain.js';
import { table, tableText } from './table.js';

/** `argus chain`: the quote time and source, then one row per strike and right. */
export function renderChain(r: ChainViewResult, m: MarketCalendar): string {
  if (r.status === 'missing') {
    return `${r.symbol} chain at ${m.formatEt(r.atMs)}: missing (${r.source}): ${r.reason}`;
  }
  const note = [r.note, r.stale ? 'STALE' : null].filter(Boolean).join(', ');
  const money = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const t = table(['Strike', 'Right', 'Bid', 'Ask', 'Mid', 'IV', 'Delta', 'OI', 'Volume']);
  for (const row of r.rows) {
    t.push([
      row.strike.toFixed(2),
      row.right,
      money(row.bid),
      money(row.ask),
      row.mid === null ? '—' : row.mid.toFixed(3),
      row.iv === null ? '—' : formatPct(row.iv, 1),
      row.delta === null ? '—' : row.delta.toFixed(3),
      row.openInterest ?? '—',
      row.volume ?? '—',
    ]);
  }
  return [
    `${r.symbol} ${r.expiry} (${r.dte} DTE) — underlying ${formatMoney(r.underlyingPrice)} — quotes ${m.formatEt(r.quoteTimeMs)} (${isoUtc(r.quoteTimeMs)}) from ${r.source}${note ? ` [${note}]` : ''}`,
    tableText(t),
    `Listed expiries: ${r.expiries.join(' ')}`,
  ].join('\n');
}
