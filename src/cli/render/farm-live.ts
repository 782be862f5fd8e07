import Table from 'cli-table3';
import { formatMoney } from '../../core/format.js';
import type { LiveStepResult } from '../../services/farm-live.js';

/** Plain-text report of a live farm step (cron-friendly: no colour, no redraws). */
export function renderLiveStep(r: LiveStepResult, fmtTime: (ms: number) => string): string {
  const lines = [`${fmtTime(r.atMs)} live farm ${r.message}`];
  if (r.status !== 'done') return lines.join('\n');
  if (r.closed.length) {
    const t = new Table({ head: ['Trader', 'Spread', 'Reason', 'P&L'] });
    for (const c of r.closed.slice(0, 50))
      t.push([
        c.trader,
        `${c.symbol} ${c.expiry} ${c.shortStrike}/${c.longStrike}P`,
        c.reason,
        formatMoney(c.pnlUsd),
      ]);
    lines.push(`Closed (${r.closed.length}${r.closed.length > 50 ? ', first 50 shown' : ''}):`, t.toString());
  }
  if (r.opened.length) lines.push(`Opened ${r.opened.length} positions.`);
  lines.push(`Open positions now: ${r.openPositions}`);
  return lines.join('\n');
}
