import { formatMoney, formatPct } from '../../core/format.js';
import { isoUtc } from '../../core/time/clock.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { ChainViewResult, ChainViewRow } from '../../services/chain.js';
import { type Column, csvTable, table, tableText } from './table.js';

/** `argus chain`: the quote time and source, then one row per strike (calls and puts side by side). */
export function renderChain(r: ChainViewResult, m: MarketCalendar): string {
  if (r.status === 'missing') {
    return `${r.symbol} chain at ${m.formatEt(r.atMs)}: missing (${r.source}): ${r.reason}`;
  }
  const note = [r.note, r.stale ? 'STALE' : null].filter(Boolean).join(', ');
  const money = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const S = r.underlyingPrice;
  const strikes = [...new Set(r.rows.map((x) => x.strike))].sort((a, b) => a - b);
  // The strike nearest the underlying; puts below it are out of the money, calls above it.
  const atm = strikes.reduce((best, k) => (Math.abs(k - S) < Math.abs(best - S) ? k : best), strikes[0]);
  const strikeCell = (k: number) => `${k === atm ? '▶ ' : ''}${k.toFixed(2)}`;
  const side = (k: number, right: 'call' | 'put') => {
    const q = r.rows.find((x) => x.strike === k && x.right === right);
    if (!q) return ['', '', '', '', ''];
    return [
      money(q.bid),
      money(q.ask),
      q.iv === null ? '—' : formatPct(q.iv, 1),
      q.delta === null ? '—' : q.delta.toFixed(2),
      q.openInterest === null ? '—' : q.openInterest.toLocaleString('en-US'),
    ];
  };
  const rights = new Set(r.rows.map((x) => x.right));
  let t: ReturnType<typeof table>;
  if (rights.size === 2) {
    // Calls on the left, puts on the right, the strike between: the way a broker shows a chain.
    const half = ['Bid', 'Ask', 'IV', 'Δ', 'OI'];
    t = table(
      [...half.map((h) => `C ${h}`), 'Strike', ...half.map((h) => `P ${h}`)],
      Array<'right'>(11).fill('right'),
    );
    for (const k of strikes) t.push([...side(k, 'call'), strikeCell(k), ...side(k, 'put')]);
  } else {
    const right = [...rights][0] ?? 'put';
    t = table(['Strike', 'Bid', 'Ask', 'Mid', 'IV', 'Δ', 'OI', 'Volume'], Array<'right'>(8).fill('right'));
    for (const k of strikes) {
      const q = r.rows.find((x) => x.strike === k && x.right === right)!;
      t.push([
        strikeCell(k),
        money(q.bid),
        money(q.ask),
        q.mid === null ? '—' : q.mid.toFixed(3),
        q.iv === null ? '—' : formatPct(q.iv, 1),
        q.delta === null ? '—' : q.delta.toFixed(3),
        q.openInterest === null ? '—' : q.openInterest.toLocaleString('en-US'),
        q.volume === null ? '—' : q.volume.toLocaleString('en-US'),
      ]);
    }
  }
  return [
    `${r.symbol} ${r.expiry} (${r.dte} DTE) — underlying ${formatMoney(r.underlyingPrice)} — quotes ${m.formatEt(r.quoteTimeMs)} (${isoUtc(r.quoteTimeMs)}) from ${r.source}${note ? ` [${note}]` : ''}`,
    `${rights.size === 2 ? 'Calls left, puts right' : [...rights][0] === 'call' ? 'Calls' : 'Puts'}; ▶ the strike nearest the underlying`,
    tableText(t),
    `Listed expiries: ${r.expiries.join(' ')}`,
  ].join('\n');
}

/** `argus chain --csv`: one line per quote, raw numbers. */
export function renderChainCsv(r: ChainViewResult): string {
  if (r.status === 'missing') return csvTable(CHAIN_CSV, []);
  return csvTable(CHAIN_CSV, r.rows);
}

const CHAIN_CSV: Column<ChainViewRow>[] = [
  { head: 'strike', cell: (q) => String(q.strike), priority: 1, csv: (q) => q.strike },
  { head: 'right', cell: (q) => q.right, priority: 1 },
  { head: 'bid', cell: () => '', priority: 1, csv: (q) => q.bid },
  { head: 'ask', cell: () => '', priority: 1, csv: (q) => q.ask },
  { head: 'mid', cell: () => '', priority: 1, csv: (q) => q.mid },
  { head: 'iv', cell: () => '', priority: 1, csv: (q) => q.iv },
  { head: 'delta', cell: () => '', priority: 1, csv: (q) => q.delta },
  { head: 'open_interest', cell: () => '', priority: 1, csv: (q) => q.openInterest },
  { head: 'volume', cell: () => '', priority: 1, csv: (q) => q.volume },
];
