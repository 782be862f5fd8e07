import Table from 'cli-table3';
import { DIMENSIONS, type Dimension, type GridSpec } from '../../core/farm/grid.js';
import type { DrillResult, DrillSpread } from '../../core/farm/resim.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { BoardResult, GroupResult } from '../../core/judge/ranking.js';
import type { LeaderboardResult, TraderResult } from '../../services/leaderboard.js';
import { lineChart } from './chart.js';
import { DIMENSION_COLUMNS, dimensionValue, traderConfigLine } from './trader-config.js';

const trimmed = (t: Table.Table) =>
  t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

// Borderless and colourless: fits more columns and pipes cleanly into files.
function table(head: string[], align?: ('left' | 'right')[]): Table.Table {
  return new Table({
    head,
    colAligns: align,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
  });
}

const dash = '—';
const money = (x: number | null) => (x === null ? dash : formatMoney(x));
const num = (x: number | null, d = 2) => (x === null ? dash : x.toFixed(d).replace(/^-/, '−'));
const pct = (x: number | null, d = 0) => (x === null ? dash : formatPct(x, d));
const int = (x: number) => x.toLocaleString('en-US');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${int(n)} ${n === 1 ? one : many}`;
}

/** The dimensions that vary among the shown traders (the rest are stated once above the table). */
function varying(grid: GridSpec, filters: BoardResult['filters']): { shown: Dimension[]; fixed: string[] } {
  const pinned = new Set(filters.filter((f) => f.values.length === 1).map((f) => f.dimension));
  const shown: Dimension[] = [];
  const fixed: string[] = [];
  for (const d of DIMENSIONS) {
    const values = grid[d] as readonly unknown[];
    if (values.length > 1 && !pinned.has(d)) shown.push(d);
    else if (values.length === 1) fixed.push(dimensionValue(d, values[0]));
  }
  return { shown, fixed };
}

export function renderLeaderboard(r: LeaderboardResult, formatEt: (ms: number) => string): string {
  if (r.view === 'leaderboard') return renderBoard(r);
  if (r.view === 'by') return renderGroups(r);
  return renderTrader(r, formatEt);
}

function header(
  r: { run: { provenance: string } },
  first: string,
  where: string,
  extra: string[] = [],
): string[] {
  const lines = [first, `Data: ${r.run.provenance}`];
  if (where) lines.push(`Where: ${where}`);
  return [...lines, ...extra];
}

export function renderBoard(r: BoardResult): string {
  const live = r.run.kind === 'live';
  const { shown, fixed } = varying(r.run.grid, r.filters);
  const order =
    r.sort.key === 'drawdown'
      ? r.sort.order === 'asc'
        ? 'smallest first'
        : 'largest first'
      : r.sort.order === 'desc'
        ? 'highest first'
        : 'lowest first';
  const label = r.sort.label.replace(' (smallest first)', '');
  const first = `Leaderboard — ${r.rows.length ? `top ${int(r.rows.length)} of ` : ''}${plural(r.matching, 'trader')} with ≥${plural(r.minTrades, 'closed trade')}, by ${label} (${order})`;
  const lines = header(r, first, r.where, fixed.length ? [`Same for every trader: ${fixed.join(', ')}`] : []);
  if (!r.rows.length) {
    lines.push('', 'No trader matches.');
    return lines.join('\n');
  }
  const metrics = [
    'Trades',
    'Win',
    'PF',
    'Realised',
    'Open MtM (n)',
    ...(live ? [] : ['Max DD', 'Sharpe', 'Sortino']),
    'Avg days',
    'No stop',
  ];
  const head = ['#', 'Trader', ...shown.map((d) => DIMENSION_COLUMNS[d].head), ...metrics];
  const t = table(
    head,
    head.map((_, i) => (i < 2 || i >= 2 + shown.length ? 'right' : 'left')),
  );
  for (const x of r.rows) {
    const pf = x.profitFactor === null ? (x.grossProfitUsd > 0 ? '∞' : dash) : x.profitFactor.toFixed(2);
    t.push([
      x.rank,
      x.trader,
      ...shown.map((d) => DIMENSION_COLUMNS[d].fmt(x.config[d])),
      int(x.trades),
      pct(x.winRate),
      pf,
      formatMoney(x.realizedUsd),
      x.openPositions ? `${formatMoney(x.openMtmUsd)} (${x.openPositions})` : dash,
      ...(live ? [] : [money(x.maxDrawdownUsd), num(x.sharpe), num(x.sortino)]),
      num(x.avgDaysInTrade, 1),
      pct(x.noStopShare),
    ]);
  }
  lines.push('', trimmed(t), '', ...r.notes);
  return lines.join('\n');
}

export function renderGroups(r: GroupResult): string {
  const live = r.run.kind === 'live';
  const first = `By ${r.dimension} — ${plural(
    r.groups.reduce((a, g) => a + g.traders, 0),
    'trader',
  )}${r.minTrades ? ` with ≥${plural(r.minTrades, 'closed trade')}` : ''}`;
  const lines = header(r, first, r.where);
  const head = [
    r.dimension,
    'Traders',
    'Traded',
    'Trades',
    'Win rate',
    'Mean realised',
    'Median realised',
    ...(live ? [] : ['Mean Sharpe']),
    'Mean open MtM',
    'Open',
  ];
  const t = table(
    head,
    head.map((_, i) => (i === 0 ? 'left' : 'right')),
  );
  for (const g of r.groups) {
    t.push([
      DIMENSION_COLUMNS[r.dimension].fmt(g.value),
      int(g.traders),
      pct(g.tradedShare),
      int(g.trades),
      pct(g.winRate, 1),
      money(g.meanRealizedUsd),
      money(g.medianRealizedUsd),
      ...(live ? [] : [num(g.meanSharpe)]),
      money(g.meanOpenMtmUsd),
      int(g.openPositions),
    ]);
  }
  lines.push('', trimmed(t), '');
  if (r.meanRealizedRangeUsd !== null) {
    lines.push(
      `Mean realised P&L varies by ${formatMoney(r.meanRealizedRangeUsd)} across ${r.dimension} values.`,
    );
  }
  lines.push(
    'Traded = share of traders with a closed trade; win rate pooled over all closed trades; Mean Sharpe over traders with one (daily MtM, ×√252).',
    ...r.notes,
  );
  return lines.join('\n');
}

function strike(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}

function spreadText(s: DrillSpread): string {
  return `${s.symbol} ${s.expiry} ${strike(s.shortStrike)}/${strike(s.longStrike)}P`;
}

export function renderTrader(r: TraderResult, formatEt: (ms: number) => string): string {
  const d: DrillResult = r.trader;
  const et = (ms: number) => formatEt(ms).replace(/ ET$/, '');
  const wins = d.trades.length ? ` (${int(d.wins)} won, ${formatPct(d.wins / d.trades.length, 0)})` : '';
  const lines = header(r, `Trader ${d.trader} — run ${d.runId}`, '', [
    `Config: ${traderConfigLine(d.config)}`,
  ]);
  lines.push(
    `Realised P&L ${formatMoney(d.realizedUsd)} over ${plural(d.trades.length, 'closed trade')}${wins}` +
      ` · open MtM ${formatMoney(d.openMtmUsd)} on ${plural(d.open.length, 'open position')} (marked to market, not realised)`,
  );
  if (r.basis === 're-simulated') {
    lines.push(
      `Max drawdown ${money(d.maxDrawdownUsd)} · Sharpe ${num(d.sharpe)} · Sortino ${num(d.sortino)} (daily marked-to-market P&L, ×√252)`,
    );
    lines.push(parityLine(d));
  } else lines.push("From the live farm's positions table.");
  if (d.trades.length) {
    const t = table(
      ['#', 'Entry (ET)', 'Exit (ET)', 'Spread', 'Reason', 'Qty', 'Credit', 'Exit', 'Fees', 'P&L', 'Days'],
      ['right', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    );
    d.trades.forEach((x, i) => {
      t.push([
        i + 1,
        et(x.entryMs),
        et(x.exitMs),
        spreadText(x.spread),
        x.reason,
        x.contracts,
        x.creditUsd.toFixed(4),
        x.exitUsd.toFixed(4),
        formatMoney(x.feesUsd),
        formatMoney(x.pnlUsd),
        x.days.toFixed(1),
      ]);
    });
    lines.push('', 'Closed trades, in exit order (credit and exit per share; P&L after fees):', trimmed(t));
  }
  if (d.open.length) {
    const t = table(
      ['Entry (ET)', 'Spread', 'Qty', 'Credit', 'Last mark', 'Open MtM'],
      ['left', 'left', 'right', 'right', 'right', 'right'],
    );
    for (const p of d.open)
      t.push([
        et(p.entryMs),
        spreadText(p.spread),
        p.contracts,
        p.creditUsd.toFixed(4),
        p.markUsd.toFixed(4),
        formatMoney(p.openMtmUsd),
      ]);
    lines.push('', 'Open at the end (marked to market, not realised):', trimmed(t));
  }
  if (d.equity.length) {
    const first = d.equity[0];
    const last = d.equity[d.equity.length - 1];
    lines.push(
      '',
      r.basis === 're-simulated'
        ? 'Equity, marked to market at each NYSE close (dotted: starting capital):'
        : 'Realised equity at each exit day (dotted: starting capital):',
      lineChart(
        d.equity.map((e) => e.equityUsd),
        {
          width: 64,
          height: 10,
          baseline: d.capitalUsd,
          formatY: (v) => formatMoney(v, 0),
          xLabels: [first.date, last.date],
        },
      ),
    );
  }
  lines.push('', ...r.notes);
  return lines.join('\n');
}

function parityLine(d: DrillResult): string {
  const how = `Re-simulated with the reference trader over the run's market (${int(d.steps)} steps, ${(d.elapsedMs / 1000).toFixed(1)} s)`;
  if (!d.farm || !d.agrees) return `${how}; the farm stored no figures for this trader to compare.`;
  const a = d.agrees;
  const f = d.farm;
  const bad: string[] = [];
  if (!a.trades) bad.push(`trades ${d.trades.length} vs ${f.trades}`);
  if (!a.realized) bad.push(`realised ${formatMoney(d.realizedUsd)} vs ${formatMoney(f.realizedUsd)}`);
  if (!a.openMtm) bad.push(`open MtM ${formatMoney(d.openMtmUsd)} vs ${formatMoney(f.openMtmUsd)}`);
  if (!a.maxDrawdown) bad.push(`max drawdown ${money(d.maxDrawdownUsd)} vs ${formatMoney(f.maxDrawdownUsd)}`);
  if (!a.sharpe) bad.push(`Sharpe ${num(d.sharpe)} vs ${num(f.sharpe)}`);
  if (a.dailyPnl === false) bad.push("daily P&L differs from the farm's sample");
  if (bad.length) return `${how}: DISAGREES with the farm's stored figures — ${bad.join('; ')}.`;
  return `${how}: matches the farm's stored trades, realised P&L, open MtM, drawdown and Sharpe${a.dailyPnl ? ', and its sampled daily P&L' : ''}.`;
}
