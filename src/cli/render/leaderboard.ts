import { DIMENSIONS, type Dimension, type GridSpec } from '../../core/farm/grid.js';
import type { DrillResult, DrillSpread } from '../../core/farm/resim.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { BoardResult, BoardRow, GroupResult, GroupRow } from '../../core/judge/ranking.js';
import type { YearFigures, YearResult, YearRow } from '../../core/judge/years.js';
import { type ProvenanceSpan, SPAN_KINDS } from '../../core/market/provenance.js';
import { daysBetween } from '../../core/units.js';
import type { LeaderboardResult, TraderResult } from '../../services/leaderboard.js';
import { lineChart } from './chart.js';
import { noCandidateTable, SPAN_HEAD, spanCell, spanShare, spanText } from './provenance.js';
import { paint, signColor } from './style.js';
import { type Column, columnsTable, csvTable, type TableView, table, tableText } from './table.js';
import { DIMENSION_COLUMNS, dimensionValue, traderConfigLine } from './trader-config.js';

const dash = '—';
const money = (x: number | null) => (x === null ? dash : formatMoney(x));
/** Money that is a gain or a loss: green or red on a terminal. */
const pnl = (x: number | null) => (x === null ? dash : signColor(x, formatMoney(x)));
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

export function renderLeaderboard(
  r: LeaderboardResult,
  formatEt: (ms: number) => string,
  view: TableView & { csv?: boolean } = {},
): string {
  if (r.view === 'leaderboard')
    return view.csv
      ? csvTable(boardColumns(r, varying(r.run.grid, r.filters).shown, null), r.rows)
      : renderBoard(r, view);
  if (r.view === 'by')
    return view.csv
      ? csvTable(
          groupColumns(r).filter((c) => c.head),
          r.groups,
        )
      : renderGroups(r, view);
  if (r.view === 'year') return view.csv ? csvTable(yearColumns(r), r.rows) : renderYears(r, view);
  if (view.csv)
    return csvTable(
      tradeColumns((ms) => formatEt(ms).replace(/ ET$/, '')),
      numbered(r.trader.trades),
    );
  return renderTrader(r, formatEt, view);
}

/** "$1,234 +3.1%": a year's P&L and its return on max loss, coloured by sign. */
export function yearCell(y: YearFigures): string {
  const roml = y.returnOnRisk === null ? '' : ` ${formatPct(y.returnOnRisk, 1, true).replace('-', '−')}`;
  return signColor(y.pnlUsd, `${formatMoney(y.pnlUsd, 0)}${roml}`);
}

/** The --by year table: each year one column (P&L and return on max loss), the total last. */
export function yearColumns(r: YearResult): Column<YearRow>[] {
  const { shown } = varying(r.run.grid, r.filters);
  return [
    { head: '#', cell: (x) => String(x.rank), priority: 1, csv: (x) => x.rank },
    { head: 'Trader', cell: (x) => String(x.trader), priority: 1, csv: (x) => x.trader },
    ...shown.map(
      (d): Column<YearRow> => ({
        head: DIMENSION_COLUMNS[d].head,
        cell: (x) => DIMENSION_COLUMNS[d].fmt(x.config[d]),
        align: 'left',
        priority: 3,
        csv: (x) => x.config[d] as string | number,
      }),
    ),
    ...r.years.map(
      (year, y): Column<YearRow> => ({
        head: year,
        cell: (x) => yearCell(x.years[y]),
        priority: 1,
        csv: (x) => Math.round(x.years[y].pnlUsd * 100) / 100,
      }),
    ),
    {
      head: 'Total',
      cell: (x) => pnl(x.totalUsd),
      priority: 2,
      csv: (x) => Math.round(x.totalUsd * 100) / 100,
    },
  ];
}

export function renderYears(r: YearResult, view: TableView = {}): string {
  const { fixed } = varying(r.run.grid, r.filters);
  const first = `By year — top ${int(r.rows.length)} of ${plural(r.matching, 'trader')} with ≥${plural(r.minTrades, 'closed trade')}, by realised P&L; each year: P&L and return on max loss`;
  const lines = header(r, first, r.where, [
    ...(fixed.length ? [`Same for every trader: ${fixed.join(', ')}`] : []),
    ...(r.run.spans?.length
      ? ['Where the market is less real:', ...r.run.spans.map((s) => `  ${spanText(s)}`)]
      : []),
  ]);
  if (!r.rows.length) lines.push('', 'No trader matches.');
  else lines.push('', columnsTable(yearColumns(r), r.rows, view));
  lines.push(
    '',
    `All ${plural(r.all.traders, 'trader')}${r.where ? ' matching' : ''}, summed: ${r.all.years.map((y) => `${y.year} ${yearCell(y)}`).join(' · ')}`,
  );
  if (r.noCandidate?.length) {
    lines.push(
      '',
      'Configurations without a candidate (no spread for their DTE, delta and width), by year:',
      noCandidateTable(r.noCandidate),
    );
  }
  lines.push('', ...r.notes);
  return lines.join('\n');
}

/** What the span columns hold: P&L booked on the span's days (marked to market). */
export function spanLegend(spans: readonly ProvenanceSpan[] | null): string[] {
  if (!spans?.length) return [];
  return spans.map((s) => `${SPAN_HEAD[s.kind]} = P&L booked while ${spanText(s)}`);
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

export function renderBoard(r: BoardResult, view: TableView = {}): string {
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
  const lines = header(r, first, r.where, [
    ...(fixed.length ? [`Same for every trader: ${fixed.join(', ')}`] : []),
    ...spanLegend(r.run.spans),
  ]);
  if (!r.rows.length) {
    lines.push('', 'No trader matches.');
    return lines.join('\n');
  }
  const short = shortRun(r);
  lines.push('', columnsTable(boardColumns(r, shown, short), r.rows, view));
  lines.push('', ...r.notes);
  if (short)
    lines.push(
      `* The run covers ${short} NYSE days: too short to annualise a Sharpe or Sortino ratio with any meaning (${MIN_ANNUALISE_DAYS} at least).`,
    );
  lines.push(
    `These are the best of ${int(r.run.traders)} configurations tried on the same market: the top of such a list is expected to look good by luck. \`argus promote\` tests which edges are real.`,
  );
  return lines.join('\n');
}

/** The --by table's columns, with a bar of each value's mean realised P&L. */
export function groupColumns(r: GroupResult): Column<GroupRow>[] {
  const live = r.run.kind === 'live';
  const scale = Math.max(0, ...r.groups.map((g) => Math.abs(g.meanRealizedUsd ?? 0)));
  const usd = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
  const cols: Column<GroupRow>[] = [
    {
      head: r.dimension,
      cell: (g) => DIMENSION_COLUMNS[r.dimension].fmt(g.value),
      align: 'left',
      priority: 1,
      csv: (g) => g.value,
    },
    { head: 'Traders', cell: (g) => int(g.traders), priority: 3, csv: (g) => g.traders },
    { head: 'Traded', cell: (g) => pct(g.tradedShare), priority: 4, csv: (g) => g.tradedShare },
    { head: 'Trades', cell: (g) => int(g.trades), priority: 3, csv: (g) => g.trades },
    { head: 'Win rate', cell: (g) => pct(g.winRate, 1), priority: 2, csv: (g) => g.winRate },
    {
      head: 'Mean realised',
      cell: (g) => pnl(g.meanRealizedUsd),
      priority: 1,
      csv: (g) => usd(g.meanRealizedUsd),
    },
    {
      head: '',
      cell: (g) =>
        g.meanRealizedUsd === null ? '' : signColor(g.meanRealizedUsd, centredBar(g.meanRealizedUsd, scale)),
      align: 'left',
      priority: 1,
      csv: () => null,
    },
    {
      head: 'Median realised',
      cell: (g) => pnl(g.medianRealizedUsd),
      priority: 3,
      csv: (g) => usd(g.medianRealizedUsd),
    },
  ];
  if (!live)
    cols.push({ head: 'Mean Sharpe', cell: (g) => num(g.meanSharpe), priority: 2, csv: (g) => g.meanSharpe });
  cols.push(
    {
      head: 'Mean open MtM',
      cell: (g) => pnl(g.meanOpenMtmUsd),
      priority: 4,
      csv: (g) => usd(g.meanOpenMtmUsd),
    },
    { head: 'Open', cell: (g) => int(g.openPositions), priority: 5, csv: (g) => g.openPositions },
  );
  return cols;
}

/** The board's columns; what matters most to a credit seller is kept longest on a narrow terminal. */
export function boardColumns(r: BoardResult, shown: Dimension[], short: number | null): Column<BoardRow>[] {
  const live = r.run.kind === 'live';
  const usd = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
  const cols: Column<BoardRow>[] = [
    { head: '#', cell: (x) => String(x.rank), priority: 1, csv: (x) => x.rank },
    { head: 'Trader', cell: (x) => String(x.trader), priority: 1, csv: (x) => x.trader },
    ...shown.map(
      (d): Column<BoardRow> => ({
        head: DIMENSION_COLUMNS[d].head,
        cell: (x) => DIMENSION_COLUMNS[d].fmt(x.config[d]),
        align: 'left',
        priority: 3,
        csv: (x) => x.config[d] as string | number,
      }),
    ),
    { head: 'Trades', cell: (x) => int(x.trades), priority: 2, csv: (x) => x.trades },
    { head: 'Win', cell: (x) => pct(x.winRate), priority: 3, csv: (x) => x.winRate },
    {
      head: 'PF',
      cell: (x) =>
        x.profitFactor === null ? (x.grossProfitUsd > 0 ? '∞' : dash) : x.profitFactor.toFixed(2),
      priority: 4,
      csv: (x) => x.profitFactor ?? (x.grossProfitUsd > 0 ? 'inf' : null),
    },
    { head: 'Realised', cell: (x) => pnl(x.realizedUsd), priority: 1, csv: (x) => usd(x.realizedUsd) },
    {
      head: 'Open MtM (n)',
      cell: (x) => (x.openPositions ? `${pnl(x.openMtmUsd)} (${x.openPositions})` : dash),
      priority: 2,
      csv: (x) => usd(x.openMtmUsd),
    },
    { head: 'Total', cell: (x) => pnl(x.totalUsd), priority: 1, csv: (x) => usd(x.totalUsd) },
    // A trader's P&L from each provenance span the shown rows have (the legend above names the span).
    ...SPAN_KINDS.flatMap((kind, k): Column<BoardRow>[] =>
      r.rows.some((x) => x.spanPnlUsd[k] !== null)
        ? [
            {
              head: SPAN_HEAD[kind],
              cell: (x) => spanCell(x.spanPnlUsd[k]),
              priority: 2,
              csv: (x) => x.spanPnlUsd[k],
            },
          ]
        : [],
    ),
  ];
  if (!live)
    cols.push(
      {
        head: 'Max DD',
        cell: (x) => money(x.maxDrawdownUsd),
        priority: 3,
        csv: (x) => usd(x.maxDrawdownUsd),
      },
      { head: 'Sharpe', cell: (x) => ratio(x.sharpe, short), priority: 2, csv: (x) => x.sharpe },
      { head: 'Sortino', cell: (x) => ratio(x.sortino, short), priority: 5, csv: (x) => x.sortino },
    );
  cols.push({
    head: 'Avg days',
    cell: (x) => num(x.avgDaysInTrade, 1),
    priority: 5,
    csv: (x) => x.avgDaysInTrade,
  });
  return cols;
}

/** NYSE days a run should span before an annualised ratio says anything. */
const MIN_ANNUALISE_DAYS = 60;

/** The run's length in NYSE days when it is too short to annualise, else null. */
function shortRun(r: BoardResult): number | null {
  const w = r.run.window;
  if (!w) return null;
  const days = (daysBetween(w.from, w.to) + 1) * (252 / 365);
  return days < MIN_ANNUALISE_DAYS ? Math.max(1, Math.round(days)) : null;
}

/** A ratio, starred when the run is too short for it. */
const ratio = (x: number | null, short: number | null) =>
  x === null ? dash : `${num(x)}${short ? '*' : ''}`;

export function renderGroups(r: GroupResult, view: TableView = {}): string {
  const first = `By ${r.dimension} — ${plural(
    r.groups.reduce((a, g) => a + g.traders, 0),
    'trader',
  )}${r.minTrades ? ` with ≥${plural(r.minTrades, 'closed trade')}` : ''}`;
  const lines = header(r, first, r.where);
  lines.push('', columnsTable(groupColumns(r), r.groups, view));
  lines.push('');
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

const BAR_HALF = 10;

/** A bar from a centre line: losses to the left (░), gains to the right (█), scaled to the largest. */
export function centredBar(x: number, scale: number): string {
  const n = scale > 0 ? Math.round((Math.abs(x) / scale) * BAR_HALF) : 0;
  const left = x < 0 ? `${' '.repeat(BAR_HALF - n)}${'░'.repeat(n)}` : ' '.repeat(BAR_HALF);
  const right = x > 0 ? '█'.repeat(n) : '';
  return `${left}│${right}`;
}

function strike(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}

function spreadText(s: DrillSpread): string {
  return `${s.symbol} ${s.expiry} ${strike(s.shortStrike)}/${strike(s.longStrike)}P`;
}

type Trade = DrillResult['trades'][number] & { n: number };
const numbered = (ts: DrillResult['trades']): Trade[] => ts.map((x, i) => ({ ...x, n: i + 1 }));

/** A trader's closed trades; on a narrow terminal the entry time and per-share prices go first. */
function tradeColumns(et: (ms: number) => string): Column<Trade>[] {
  return [
    { head: '#', cell: (x) => String(x.n), priority: 1 },
    { head: 'Entry (ET)', cell: (x) => et(x.entryMs), align: 'left', priority: 3, csv: (x) => et(x.entryMs) },
    { head: 'Exit (ET)', cell: (x) => et(x.exitMs), align: 'left', priority: 2 },
    { head: 'Spread', cell: (x) => spreadText(x.spread), align: 'left', priority: 1 },
    { head: 'Reason', cell: (x) => x.reason, align: 'left', priority: 1 },
    { head: 'Qty', cell: (x) => String(x.contracts), priority: 2, csv: (x) => x.contracts },
    { head: 'Credit', cell: (x) => x.creditUsd.toFixed(4), priority: 4, csv: (x) => x.creditUsd },
    { head: 'Exit', cell: (x) => x.exitUsd.toFixed(4), priority: 4, csv: (x) => x.exitUsd },
    { head: 'Fees', cell: (x) => formatMoney(x.feesUsd), priority: 3, csv: (x) => x.feesUsd },
    { head: 'P&L', cell: (x) => pnl(x.pnlUsd), priority: 1, csv: (x) => x.pnlUsd },
    { head: 'Days', cell: (x) => x.days.toFixed(1), priority: 3, csv: (x) => x.days },
  ];
}

export function renderTrader(
  r: TraderResult,
  formatEt: (ms: number) => string,
  view: TableView = {},
): string {
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
  if (d.trades.length)
    lines.push(
      '',
      'Closed trades, in exit order (credit and exit per share; P&L after fees):',
      columnsTable(tradeColumns(et), numbered(d.trades), view),
    );
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
    lines.push('', 'Open at the end (marked to market, not realised):', tableText(t));
  }
  if (d.equity.length) lines.push('', ...equityLines(r));
  lines.push(...historyLines(r.history));
  lines.push('', ...r.notes);
  return lines.join('\n');
}

/** The equity curve with each year's first close labelled and the crash days marked and named. */
export function equityLines(r: Pick<TraderResult, 'trader' | 'history' | 'basis'>): string[] {
  const d = r.trader;
  const first = d.equity[0];
  const last = d.equity[d.equity.length - 1];
  const yearStarts = d.equity.flatMap((e, i) =>
    i === 0 || e.date.slice(0, 4) !== d.equity[i - 1].date.slice(0, 4)
      ? [{ index: i, label: e.date.slice(0, 4) }]
      : [],
  );
  const crashes = r.history.crashes.filter((c) => c.index >= 0);
  const lines = [
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
        marks: crashes.map((c) => c.index),
        ...(yearStarts.length > 1
          ? { ticks: yearStarts }
          : { xLabels: [first.date, last.date] as [string, string] }),
      },
    ),
  ];
  if (crashes.length) {
    lines.push(
      `Crash days: ${crashes
        .map(
          (c, k) =>
            `${paint.red(String(k + 1))} ${c.date} ${c.label} (${formatMoney(d.equity[c.index].equityUsd, 0)})`,
        )
        .join(' · ')}`,
    );
  }
  return lines;
}

/** The trader's years (P&L, max loss taken, return on it) and its P&L by provenance span. */
export function historyLines(h: TraderResult['history']): string[] {
  const lines: string[] = [];
  if (h.years.length > 1) {
    const t = table(
      ['Year', 'P&L', 'Max loss taken', 'Return on max loss'],
      ['left', 'right', 'right', 'right'],
    );
    for (const y of h.years)
      t.push([
        y.year,
        pnl(y.pnlUsd),
        money(y.riskUsd),
        y.returnOnRisk === null
          ? dash
          : signColor(y.returnOnRisk, formatPct(y.returnOnRisk, 1, true).replace('-', '−')),
      ]);
    lines.push('', 'By calendar year (marked to market):', tableText(t));
  }
  if (h.spans.length) {
    lines.push(
      '',
      `P&L booked on each provenance span's days, of ${formatMoney(h.totalUsd, 0)} in all:`,
      ...h.spans.map(
        (s) =>
          `  ${spanText(s.span)}: ${spanShare(s.pnlUsd, h.totalUsd)}${
            s.farmUsd === null
              ? ''
              : Math.abs(s.farmUsd - s.pnlUsd) < 0.005
                ? ' (as the farm booked it)'
                : ` — DISAGREES with the farm's ${formatMoney(s.farmUsd, 2)}`
          }`,
      ),
    );
  }
  return lines;
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
