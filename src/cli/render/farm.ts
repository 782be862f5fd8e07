import { DIMENSIONS } from '../../core/farm/grid.js';
import type { FarmProgress } from '../../core/farm/runner.js';
import { formatMoney, formatPct } from '../../core/format.js';
import { SPAN_KINDS } from '../../core/market/provenance.js';
import type { LiveStepResult } from '../../services/farm-live.js';
import type { FarmMergeResult } from '../../services/farm-merge.js';
import type { BacktestResult, TopTrader } from '../../services/farm-run.js';
import { outputWidth } from '../terminal.js';
import { noCandidateTable, SPAN_HEAD, SPAN_LABEL, spanCell, spanSummaryLines } from './provenance.js';
import { signColor } from './style.js';
import { type Column, columnsTable, table, tableText } from './table.js';
import { DIMENSION_COLUMNS, dimensionValue } from './trader-config.js';

/** `farm run`'s report: a live step's, or a backtest's summary. */
export function renderFarmRun(r: BacktestResult | LiveStepResult, fmtTime: (ms: number) => string): string {
  return 'mode' in r ? renderLiveStep(r, fmtTime) : renderBacktest(r);
}

/** A backtest's summary and its ten best traders. */
export function renderBacktest(r: BacktestResult, width = outputWidth()): string {
  const s = r.summary;
  const lines = [
    `\nRun ${r.runId} — ${r.status} — ${r.source} ${r.window.from} → ${r.window.to}, ${r.steps} steps, ${r.traders.toLocaleString('en-US')} traders, engine ${r.engine}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `Data: ${r.label}`,
    ...(r.shard
      ? [
          `Shard ${r.shard.index}/${r.shard.of}: traders ${r.shard.from.toLocaleString('en-US')}–${(r.shard.to - 1).toLocaleString('en-US')} of the grid; combine all ${r.shard.of} with \`argus farm merge OUT.db SHARD.db...\``,
        ]
      : []),
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
    ...(s.realizedHistogram && s.realizedHistogram.counts.length > 1
      ? histogramLines(s.realizedHistogram)
      : []),
  );
  const ns = s.stopCannotFire;
  lines.push(
    `Stops that could not fire (credit × (1 + X) ≥ width): ${ns.entries.toLocaleString('en-US')} entries, ${formatPct(ns.share, 1)} of all, in ${ns.configurations.toLocaleString('en-US')} configurations; by stop X: ${Object.entries(
      ns.shareByStopX,
    )
      .map(([x, v]) => `${x}× ${formatPct(v, 1)}`)
      .join(', ')}`,
  );
  lines.push(...spanSummaryLines(s.spans));
  if (s.noCandidate?.length) {
    lines.push(
      'Configurations without a candidate (its DTE, delta and width found no spread), by year:',
      noCandidateTable(s.noCandidate),
    );
  }
  const skips = Object.entries(s.skipsByReason).sort((a, b) => b[1] - a[1]);
  lines.push(
    `Entries skipped (trader-steps in market hours): ${skips.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || 'none'}`,
  );
  lines.push(...topTable(r.top, width));
  return lines.join('\n');
}

/**
 * The ten best, in the leaderboard's columns and spelling: settings shared by all ten said once
 * above the table, the rest fitted to the width (the least telling dropped first, and named).
 */
function topTable(top: TopTrader[], width: number | undefined): string[] {
  if (!top.length) return ['Top 10 traders by realised P&L: none traded'];
  const dims = DIMENSIONS.filter((d) => d !== 'symbol');
  const same = dims.filter((d) => top.every((x) => x.config[d] === top[0].config[d]));
  // A span column when some top trader booked P&L in it.
  const kinds = SPAN_KINDS.map((_, k) => k).filter((k) => top.some((x) => x.spanPnlUsd[k] != null));
  const cols: Column<TopTrader>[] = [
    { head: 'Trader', cell: (x) => String(x.trader), priority: 1 },
    ...dims
      .filter((d) => !same.includes(d))
      .map(
        (d): Column<TopTrader> => ({
          head: DIMENSION_COLUMNS[d].head,
          cell: (x) => DIMENSION_COLUMNS[d].fmt(x.config[d]),
          priority: 3,
        }),
      ),
    { head: 'Trades', cell: (x) => String(x.trades), priority: 2 },
    { head: 'Win', cell: (x) => (x.winRate === null ? '—' : formatPct(x.winRate, 0)), priority: 2 },
    {
      head: 'No stop',
      cell: (x) => (x.noStopShare === null ? '—' : formatPct(x.noStopShare, 0)),
      priority: 4,
    },
    { head: 'Realised', cell: (x) => signColor(x.realizedUsd, formatMoney(x.realizedUsd)), priority: 1 },
    ...kinds.map(
      (k): Column<TopTrader> => ({
        head: SPAN_HEAD[SPAN_KINDS[k]],
        cell: (x) => spanCell(x.spanPnlUsd[k]),
        priority: 2,
      }),
    ),
  ];
  return [
    `Top ${top.length} traders by realised P&L${same.length ? ` (all ${top.length}: ${same.map((d) => dimensionValue(d, top[0].config[d])).join(', ')})` : ''}${kinds.length ? `; ${kinds.map((k) => `${SPAN_HEAD[SPAN_KINDS[k]]}: P&L booked while ${SPAN_LABEL[SPAN_KINDS[k]]}`).join('; ')}` : ''}:`,
    columnsTable(cols, top, { width }),
  ];
}

/** `farm merge`'s report: the shards taken and the run they made. */
export function renderFarmMerge(r: FarmMergeResult): string {
  const p = r.summary.realizedPnlUsd;
  return [
    `Merged ${r.shards.length} shards into run ${r.runId} in ${r.into} — ${r.source} ${r.window.from} → ${r.window.to}, ${r.steps} steps, ${r.traders.toLocaleString('en-US')} traders`,
    ...r.shards.map(
      (s) =>
        `  shard ${s.index}/${s.of}: traders ${s.from.toLocaleString('en-US')}–${(s.to - 1).toLocaleString('en-US')}, run ${s.runId.slice(0, 8)} in ${s.path}`,
    ),
    `Trades: ${r.summary.opened.toLocaleString('en-US')} opened, ${r.summary.closed.toLocaleString('en-US')} closed; realised P&L per trader: median ${formatMoney(p.p50)}, max ${formatMoney(p.max)}, mean ${formatMoney(p.mean)}`,
    `See it with \`argus leaderboard --db ${r.into} --run ${r.runId.slice(0, 8)}\``,
  ].join('\n');
}

/** Plain-text report of a live farm step (cron-friendly: no colour, no redraws). */
export function renderLiveStep(r: LiveStepResult, fmtTime: (ms: number) => string): string {
  const lines = [`${fmtTime(r.atMs)} live farm ${r.message}`];
  if (r.status !== 'done') return lines.join('\n');
  if (r.closed.length) {
    const t = table(['Trader', 'Spread', 'Reason', 'P&L']);
    for (const c of r.closed.slice(0, 50))
      t.push([
        c.trader,
        `${c.symbol} ${c.expiry} ${c.shortStrike}/${c.longStrike}P`,
        c.reason,
        formatMoney(c.pnlUsd),
      ]);
    lines.push(`Closed (${r.closed.length}${r.closed.length > 50 ? ', first 50 shown' : ''}):`, tableText(t));
  }
  if (r.opened.length) lines.push(`Opened ${r.opened.length} positions.`);
  lines.push(`Open positions now: ${r.openPositions}`);
  return lines.join('\n');
}

/** What an interrupted backtest says on stderr: where it stopped and the command that continues it. */
export function interruptedLine(r: BacktestResult): string {
  return `Interrupted after step ${r.steps.toLocaleString('en-US')}: the run is marked interrupted; continue it with \`argus farm run --resume ${r.runId.slice(0, 8)}\``;
}

/** The distribution of realised P&L as bars, one per bin, losses red and gains green on a terminal. */
export function histogramLines(h: { edges: number[]; counts: number[] }, width = 40): string[] {
  const max = Math.max(...h.counts);
  const last = h.counts.length - 1;
  const labels = h.counts.map((_, i) =>
    i === 0
      ? `below ${compactMoney(h.edges[1])}`
      : i === last
        ? `${compactMoney(h.edges[i])} and up`
        : `${compactMoney(h.edges[i])} to ${compactMoney(h.edges[i + 1])}`,
  );
  const lw = Math.max(...labels.map((l) => l.length));
  return [
    'Traders that traded, by realised P&L (the end bins hold the tails):',
    ...h.counts.map((c, i) => {
      const mid = (h.edges[i] + h.edges[i + 1]) / 2;
      const bar = '█'.repeat(max ? Math.round((c / max) * width) : 0) || (c ? '▏' : '');
      return `  ${labels[i].padStart(lw)}  ${signColor(mid, bar)} ${c.toLocaleString('en-US')}`;
    }),
  ];
}

/** $1,234 below ten thousand, then $12.3k, $1.23M, $1,943.94M: money that fits a progress line. */
export function compactMoney(x: number): string {
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a < 10_000) return formatMoney(x, 0);
  if (a < 1_000_000) return `${sign}$${(a / 1_000).toFixed(1)}k`;
  const millions = (a / 1_000_000).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${sign}$${millions}M`;
}

/** The progress line's text: where the run is in market time, its money so far, the leader, the ETA. */
export function progressLine(p: FarmProgress, fmtTime: (ms: number) => string): string {
  const m = p.money();
  const leader = m.leader ? ` · leader #${m.leader.trader} ${compactMoney(m.leader.realizedUsd)}` : '';
  return (
    `step ${p.step.toLocaleString('en-US')}/${p.steps.toLocaleString('en-US')} ${fmtTime(p.tMs)} · ` +
    `realised ${compactMoney(m.realizedUsd)} · open ${compactMoney(m.openMtmUsd)}${leader} · ETA ${formatDuration(p.etaMs)}`
  );
}

/**
 * Progress on stderr. On a terminal one line redrawn in place, never wider than the terminal (a
 * wrapped line would make every redraw a new one); elsewhere a line every 10 %. The final write
 * gets a line of its own, so the silence after 100 % is explained.
 */
export function progressReporter(
  stream: NodeJS.WriteStream,
  fmtTime: (ms: number) => string,
): (p: FarmProgress) => void {
  const tty = stream.isTTY === true;
  let lastPct = -1;
  let lastDraw = -Infinity;
  return (p) => {
    if (p.phase === 'final-write') {
      const m = p.money();
      stream.write(
        `${tty ? '\r\x1b[K' : ''}Writing results: ${p.traders.toLocaleString('en-US')} traders' statistics, monthly and daily P&L (realised ${compactMoney(m.realizedUsd)}) …\n`,
      );
      return;
    }
    const pct = Math.floor((p.step / p.steps) * 100);
    if (tty) {
      if (p.elapsedMs - lastDraw < 100 && p.step < p.steps) return;
      lastDraw = p.elapsedMs;
      const columns = stream.columns || 80;
      const bar = Math.max(0, Math.min(24, columns - 100));
      const filled = Math.round((p.step / p.steps) * bar);
      const head = bar ? `[${'#'.repeat(filled)}${'.'.repeat(bar - filled)}] ` : '';
      const line = `${head}${String(pct).padStart(3)}% ${progressLine(p, fmtTime)}`;
      stream.write(`\r${[...line].slice(0, columns - 1).join('')}\x1b[K`);
      if (p.step === p.steps) stream.write('\n');
    } else if (pct >= lastPct + 10 || p.step === p.steps) {
      lastPct = pct - (pct % 10);
      stream.write(`${pct}% ${progressLine(p, fmtTime)}\n`);
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
