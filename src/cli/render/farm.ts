import Table from 'cli-table3';
import type { FarmProgress } from '../../core/farm/runner.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { LiveStepResult } from '../../services/farm-live.js';
import type { BacktestResult } from '../../services/farm-run.js';

/** `farm run`'s report: a live step's, or a backtest's summary. */
export function renderFarmRun(r: BacktestResult | LiveStepResult, fmtTime: (ms: number) => string): string {
  return 'mode' in r ? renderLiveStep(r, fmtTime) : renderBacktest(r);
}

/** A backtest's summary and its ten best traders. */
export function renderBacktest(r: BacktestResult): string {
  const s = r.summary;
  const lines = [
    `\nRun ${r.runId} — ${r.status} — ${r.source} ${r.window.from} → ${r.window.to}, ${r.steps} steps, ${r.traders.toLocaleString('en-US')} traders, engine ${r.engine}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `Data: ${r.label}`,
    `Trades: ${s.opened.toLocaleString('en-US')} opened, ${s.closed.toLocaleString('en-US')} closed; ${s.openPositionsAtEnd.toLocaleString('en-US')} still open (marked to market, not realised)`,
    `Exits by reason: ${
      Object.entries(s.exitsByReason)
        .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
        .join(', ') || 'none'
    }${s.exitsBlocked ? `; ${s.exitsBlocked} exits waited for a quote` : ''}`,
  ];
  const p = s.realizedPnlUsd;
  lines.push(
    `Realised P&L per trader: min ${formatMoney(p.min)}, p10 ${formatMoney(p.p10)}, median ${formatMoney(p.p50)}, p90 ${formatMoney(p.p90)}, max ${formatMoney(p.max)}, mean ${formatMoney(p.mean)}; ${s.tradersWithTrades.toLocaleString('en-US')} traders traded`,
  );
  const ns = s.stopCannotFire;
  lines.push(
    `Stops that could not fire (credit × (1 + X) ≥ width): ${ns.entries.toLocaleString('en-US')} entries, ${formatPct(ns.share, 1)} of all, in ${ns.configurations.toLocaleString('en-US')} configurations; by stop X: ${Object.entries(
      ns.shareByStopX,
    )
      .map(([x, v]) => `${x}× ${formatPct(v, 1)}`)
      .join(', ')}`,
  );
  const skips = Object.entries(s.skipsByReason).sort((a, b) => b[1] - a[1]);
  lines.push(
    `Entries skipped (trader-steps in market hours): ${skips.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || 'none'}`,
  );
  const t = new Table({
    head: [
      'Trader',
      'DTE',
      'Δ',
      'Width',
      'PT',
      'Stop',
      'Trail',
      'Size',
      'Warmth≥',
      'IVR≥',
      'Session',
      'Trades',
      'Win',
      'No stop',
      'Realised',
    ],
  });
  for (const x of r.top) {
    const c = x.config;
    t.push([
      x.trader,
      c.dte,
      c.shortDelta,
      `$${c.width}`,
      `${c.profitTargetPct}%`,
      `${c.stopLossX}×`,
      c.trailingStopPct ? `${c.trailingStopPct}` : 'off',
      `${c.sizePct}%`,
      c.warmthFloor,
      c.ivRankFloor,
      c.session,
      x.trades,
      x.winRate === null ? '—' : formatPct(x.winRate, 0),
      x.noStopShare === null ? '—' : formatPct(x.noStopShare, 0),
      formatMoney(x.realizedUsd),
    ]);
  }
  lines.push('Top 10 traders by realised P&L:', t.toString());
  return lines.join('\n');
}

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

/** Progress for a long run: a redrawn bar on a TTY, periodic plain lines otherwise. No Ink needed. */
export function progressReporter(
  stream: NodeJS.WriteStream,
  fmtTime: (ms: number) => string,
): (p: FarmProgress) => void {
  const tty = stream.isTTY === true;
  let lastPct = -1;
  let lastDraw = 0;
  return (p) => {
    const pct = Math.floor((p.step / p.steps) * 100);
    const eta = formatDuration(p.etaMs);
    const line =
      `step ${p.step}/${p.steps} (${fmtTime(p.tMs)}) · ${p.traders.toLocaleString('en-US')} traders · ` +
      `${p.openPositions.toLocaleString('en-US')} open · ${Math.round(p.tradesPerSec).toLocaleString('en-US')} trades/s · ETA ${eta}`;
    if (tty) {
      if (p.elapsedMs - lastDraw < 100 && p.step < p.steps) return;
      lastDraw = p.elapsedMs;
      const width = 24;
      const filled = Math.round((p.step / p.steps) * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${line}\x1b[K`,
      );
      if (p.step === p.steps) stream.write('\n');
    } else if (pct >= lastPct + 10 || p.step === p.steps) {
      lastPct = pct - (pct % 10);
      stream.write(`${pct}% ${line}\n`);
    }
  };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
