import type { Width } from '../../core/farm/grid.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { BacktestDayReview, DailyReview } from '../../core/review.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { NotifyReport } from '../../services/notify.js';
import { describeNotify } from './notify.js';
import { signColor } from './style.js';
import { proseTable, table, tableText } from './table.js';
import { widthText } from './trader-config.js';

const pnl = (x: number) => signColor(x, formatMoney(x));

/** `argus review`: the day section by section, tables for exits, spreads and traders; the notification line last. */
export function renderReview(r: DailyReview & { notify?: NotifyReport }, m: MarketCalendar): string {
  const out: string[] = [];
  const fmt = (ms: number) => m.formatEt(ms);
  out.push(
    `Daily review ${r.date} — as of ${fmt(r.asOfMs)}${r.liveRunId ? `, live run ${r.liveRunId}` : ''}`,
  );
  if (r.note) out.push(`Note: ${r.note}`);
  const o = r.opened;
  out.push(
    `Opened: ${o.trades.toLocaleString('en-US')} trades, ${o.contracts.toLocaleString('en-US')} contracts, ${formatMoney(o.creditUsd)} credit, ${o.traders.toLocaleString('en-US')} traders`,
  );
  const c = r.closed;
  out.push(
    `Closed: ${c.trades.toLocaleString('en-US')} trades — realised ${pnl(c.realizedUsd)} (exits ${formatMoney(c.closedUsd)}, expiries ${formatMoney(c.expiredUsd)}; fees ${formatMoney(c.feesUsd)}); ${c.wins} wins, ${c.losses} losses${c.winRate === null ? '' : ` (${formatPct(c.winRate, 1)})`}`,
  );
  if (r.exitsByReason.length) {
    const t = table(['Exit reason', 'Trades', 'P&L']);
    for (const e of r.exitsByReason) t.push([e.reason, e.trades.toLocaleString('en-US'), pnl(e.pnlUsd)]);
    out.push(tableText(t));
  }
  const op = r.open;
  out.push(
    `Open at the end of the day: ${op.positions.toLocaleString('en-US')} positions, ${op.contracts.toLocaleString('en-US')} contracts — unrealised ${pnl(op.unrealizedUsd)} marked to market (${op.markedAtMs === null ? 'no mark yet' : `last mark ${fmt(op.markedAtMs)}`}), credit ${formatMoney(op.creditUsd)}, max loss ${formatMoney(op.maxLossUsd)}`,
  );
  if (op.closedSince)
    out.push(
      `  ${op.closedSince.toLocaleString('en-US')} more were open then and have closed since (their mark that day was not kept)`,
    );
  if (op.bySpread.length) {
    const t = table(['Spread', 'Positions', 'Contracts', 'Credit', 'Unrealised']);
    for (const s of op.bySpread.slice(0, 10)) {
      t.push([
        `${s.symbol} ${s.expiry} ${s.shortStrike}/${s.longStrike}P`,
        s.positions.toLocaleString('en-US'),
        s.contracts.toLocaleString('en-US'),
        formatMoney(s.creditUsd),
        pnl(s.unrealizedUsd),
      ]);
    }
    out.push(tableText(t));
  }
  for (const [label, list] of [
    ['Best traders', r.traders.best],
    ['Worst traders', r.traders.worst],
  ] as const) {
    if (!list.length) continue;
    const rows = list.map((x) => [
      x.trader,
      x.trades,
      x.wins,
      pnl(x.realizedUsd),
      x.config
        ? `${x.config.symbol} ${x.config.dte}d Δ${x.config.shortDelta} ${widthText(x.config.width as Width)} PT${x.config.profitTargetPct}% ${x.config.stopLossX}× ${x.config.session}`
        : '',
    ]);
    out.push(`${label} of the day:`);
    out.push(proseTable(['Trader', 'Trades', 'Wins', 'Realised', 'Config'], rows));
  }
  const p = r.promotions;
  if (p.status === 'ok') {
    const day = p.promotedOnDate;
    out.push(
      `Promotions: ${day === null ? '(no times recorded)' : day.length ? day.map((x) => `trader ${x.trader} (run ${x.runId.slice(0, 8)})`).join(', ') : 'none on this day'}; ${p.active.length} active${p.note ? ` — ${p.note}` : ''}`,
    );
  } else out.push(`Promotions: ${p.reason}`);
  if (r.events.entries.length) {
    out.push(
      proseTable(
        ['Upcoming', 'When (ET)', 'Detail'],
        r.events.entries.map((e) => [
          e.title,
          e.timeMs === null ? `${e.date} (all day)` : fmt(e.timeMs),
          e.detail,
        ]),
      ),
    );
  } else out.push('Upcoming: no FOMC, CPI or market closures in the next 7 days');
  for (const w of r.events.warnings) out.push(`  warning: ${w}`);
  const g = r.gap;
  if (g.status === 'ok') {
    out.push(
      `Gap risk: BTC ${formatMoney(g.btcNow, 0)}, ${formatPct(g.btcMoveFrac, 2, true)} since the ${g.sessionDate} close → implied IBIT open ${formatMoney(g.impliedIbitOpen)} (close ${formatMoney(g.ibitClose)}); next open ${fmt(g.nextOpenMs)}`,
    );
  } else out.push(`Gap risk: unknown — ${g.reason}`);
  const n = r.notifications;
  if (n && (n.pending || n.failed)) {
    out.push(
      `Notifications: ${n.pending} waiting, ${n.failed} failed${n.lastFailed.length ? ` (latest: ${n.lastFailed.map((f) => `#${f.id} ${f.kind}: ${f.reason}`).join('; ')})` : ''}`,
    );
  }
  if (r.notify) out.push(describeNotify(r.notify));
  return out.join('\n');
}

/** `argus review --run`: a backtest's day, from its stored steps; the traders from its daily sample. */
export function renderBacktestDay(r: BacktestDayReview): string {
  const out = [
    `Backtest ${r.runId.slice(0, 8)} (${r.kind}, ${r.window.from} → ${r.window.to}) — ${r.date}, ${r.steps} steps`,
    `Opened ${r.opened.toLocaleString('en-US')} · closed ${r.closed.toLocaleString('en-US')} · realised ${pnl(r.realizedUsd)}`,
    `Open at the close: ${r.openPositions.toLocaleString('en-US')} positions, marked ${r.openMtmUsd === null ? '— (this run predates close marks)' : pnl(r.openMtmUsd)}`,
  ];
  if (r.exitsByReason === null)
    out.push('Exits by reason: not stored for this run (it predates per-step exits)');
  else if (r.exitsByReason.length) {
    const t = table(['Exit reason', 'Trades'], ['left', 'right']);
    for (const e of r.exitsByReason) t.push([e.reason, e.trades.toLocaleString('en-US')]);
    out.push('Exits by reason:', tableText(t));
  } else out.push('Exits by reason: none');
  if (r.traders) {
    const t = table(['Best', 'Day P&L', 'Worst', 'Day P&L '], ['right', 'right', 'right', 'right']);
    for (let i = 0; i < Math.max(r.traders.best.length, r.traders.worst.length); i++) {
      const b = r.traders.best[i];
      const w = r.traders.worst[i];
      t.push([
        b ? `#${b.trader}` : '',
        b ? pnl(b.pnlUsd) : '',
        w ? `#${w.trader}` : '',
        w ? pnl(w.pnlUsd) : '',
      ]);
    }
    out.push(
      `Best and worst traders of the day, marked, among the ${r.traders.sampled.toLocaleString('en-US')} of ${r.traders.of.toLocaleString('en-US')} whose daily P&L the run keeps (a seeded sample; \`leaderboard --trader ID\` re-simulates any one):`,
      tableText(t),
    );
  } else out.push('Traders: the run kept no daily sample for this day');
  return out.join('\n');
}
