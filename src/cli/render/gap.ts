import { formatMoney, formatPct } from '../../core/format.js';
import type { GapView } from '../../core/market/gap.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { SnapshotResult } from '../../services/gap.js';

/** `argus gap`: the last close, BTC now, and the implied IBIT open. */
export function renderGap(g: GapView, m: MarketCalendar): string {
  if (g.status === 'missing') return `Gap at ${m.formatEt(g.atMs)}: missing — ${g.reason}`;
  return [
    `Last close: ${g.sessionDate} (${m.formatEt(g.closeMs)}) — IBIT ${formatMoney(g.ibitClose)}, BTC ${formatMoney(g.btcAtClose, 0)} [${g.from}]`,
    `Now (${m.formatEt(g.atMs)}): BTC ${formatMoney(g.btcNow, 0)}, ${formatPct(g.btcMoveFrac, 2, true)} since the close`,
    `Implied IBIT open: ${formatMoney(g.impliedIbitOpen)} (${formatPct(g.btcMoveFrac, 2, true)}); market ${g.marketPhase}, next open ${m.formatEt(g.nextOpenMs)}`,
  ].join('\n');
}

/** `argus gap snapshot`: what was recorded (stdout), or why nothing could be (stderr). */
export function renderGapSnapshot(r: SnapshotResult, m: MarketCalendar): string {
  if (r.status === 'unavailable') return `Could not record the ${r.sessionDate} close: ${r.reason}`;
  const s = r.snapshot;
  return (
    `${r.status === 'recorded' ? 'Recorded' : 'Already recorded'} ${s.sessionDate} close (${m.formatEt(s.closeMs)}): ` +
    `IBIT ${formatMoney(s.ibitClose)}${s.bitoClose === null ? '' : `, BITO ${formatMoney(s.bitoClose)}`}, BTC ${formatMoney(s.btcAtClose, 0)}`
  );
}
