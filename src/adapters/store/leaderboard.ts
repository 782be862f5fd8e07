import { UsageError } from '../../core/errors.js';
import type { Dimension, GridSpec, TraderConfig } from '../../core/farm/grid.js';
import {
  type DimensionFilter,
  describeFilters,
  matchesFilters,
  parseWhere,
  resolveDimension,
} from '../../core/judge/dimensions.js';
import {
  LEVEL_EXPR,
  median,
  orderBy,
  registerMedian,
  resolveSort,
  type SortKey,
  whereTerms,
} from './leaderboard-sql.js';
import type { BoardRun } from './run-ref.js';
import type { Store } from './store.js';

export interface RunSummary {
  id: string;
  kind: string;
  status: string;
  traders: number;
  grid: GridSpec;
  /** Market source, window and whether the option chains were synthesised (replay and sim: yes). */
  source: string;
  window: { from: string; to: string } | null;
  syntheticChains: boolean;
  /** Where the numbers come from: source, window, synthetic chains, fill, fees, seed, engine, version. */
  provenance: string;
}

export interface BoardRow {
  rank: number;
  trader: number;
  config: TraderConfig;
  /** Closed and expired trades only. */
  trades: number;
  wins: number;
  winRate: number | null;
  /** null when there are no losses (infinite with wins, undefined without trades). */
  profitFactor: number | null;
  /** Realised: closed and expired trades, after fees. */
  realizedUsd: number;
  /** Open positions marked to market at the last mark (entry fees included): not realised. */
  openMtmUsd: number;
  openPositions: number;
  grossProfitUsd: number;
  grossLossUsd: number;
  feesUsd: number | null;
  avgDaysInTrade: number | null;
  /** Marked-to-market; null for the live farm (no daily series). */
  maxDrawdownUsd: number | null;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  sortino: number | null;
}

export interface BoardResult {
  view: 'leaderboard';
  run: RunSummary;
  sort: { key: SortKey; label: string; order: 'desc' | 'asc' };
  minTrades: number;
  where: string;
  filters: { dimension: Dimension; values: (string | number)[] }[];
  /** Traders passing --where and --min-trades (and having a value for the sort key). */
  matching: number;
  rows: BoardRow[];
  notes: string[];
}

export interface BoardOptions {
  sort?: string;
  reverse?: boolean;
  limit?: number;
  /** Default 1: a trader that never closed a trade has no rank. */
  minTrades?: number;
  where?: string | string[];
}

interface StatRow {
  trader_id: number;
  realized_cents: number;
  open_mtm_cents: number;
  open_positions: number;
  trades: number;
  wins: number;
  gross_profit_cents: number;
  gross_loss_cents: number;
  fees_cents: number | null;
  days_in_trade: number;
  max_drawdown_cents: number | null;
  max_drawdown_frac: number | null;
  sharpe: number | null;
  sortino: number | null;
  win_rate: number | null;
  profit_factor: number | null;
}

const STAT_COLUMNS = `trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins, gross_profit_cents,
  gross_loss_cents, fees_cents, days_in_trade, max_drawdown_cents, max_drawdown_frac, sharpe, sortino, win_rate, profit_factor`;

/**
 * The live farm's per-trader figures from its positions: closed trades are realised, open ones
 * marked at their last mark (the engine's formula: credit − mark, less the entry legs' fees).
 * Exposes trader_stats' column names so the same fixed fragments rank it.
 */
const LIVE_SOURCE = `(
  SELECT trader_id,
    total(CASE WHEN status = 'closed' THEN pnl_cents END) AS realized_cents,
    total(CASE WHEN status = 'open' THEN (credit_pips - last_mark_pips) * contracts - 2 * ? * contracts END) AS open_mtm_cents,
    count(CASE WHEN status = 'open' THEN 1 END) AS open_positions,
    count(CASE WHEN status = 'closed' THEN 1 END) AS trades,
    count(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN 1 END) AS wins,
    total(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN pnl_cents END) AS gross_profit_cents,
    total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) AS gross_loss_cents,
    total(CASE WHEN status = 'closed' THEN fees_cents END) AS fees_cents,
    total(CASE WHEN status = 'closed' THEN (exit_ms - entry_ms) / 86400000.0 END) AS days_in_trade,
    NULL AS max_drawdown_cents, NULL AS max_drawdown_frac, NULL AS sharpe, NULL AS sortino,
    CASE WHEN count(CASE WHEN status = 'closed' THEN 1 END) > 0
      THEN count(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN 1 END) * 1.0 / count(CASE WHEN status = 'closed' THEN 1 END) END AS win_rate,
    CASE WHEN total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) > 0
      THEN total(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN pnl_cents END)
        / total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) END AS profit_factor
  FROM positions WHERE run_id = ? GROUP BY trader_id
)`;

/** FROM … WHERE for the run's per-trader rows (farm: trader_stats; live: positions aggregated). */
function source(b: BoardRun): { sql: string; params: (number | string)[] } {
  if (b.live) {
    return {
      sql: `FROM ${LIVE_SOURCE} WHERE 1 = 1`,
      params: [Math.round(b.rules.feePerContractPerLegUsd * 100), b.run.id],
    };
  }
  return { sql: 'FROM trader_stats WHERE run_no = ?', params: [b.runNo] };
}

export function runSummary(b: BoardRun): RunSummary {
  const p = b.run.provenance as {
    source?: string;
    window?: { from: string; to: string };
    syntheticChains?: boolean;
  };
  return {
    id: b.run.id,
    kind: b.run.kind,
    status: b.run.status,
    traders: b.grid.count,
    grid: b.grid.spec,
    source: p.source ?? b.run.kind,
    window: p.window ? { from: p.window.from, to: p.window.to } : null,
    syntheticChains: p.syntheticChains === true,
    provenance: b.label,
  };
}

function toRow(b: BoardRun, r: StatRow, rank: number): BoardRow {
  return {
    rank,
    trader: r.trader_id,
    config: b.grid.config(r.trader_id),
    trades: r.trades,
    wins: r.wins,
    winRate: r.win_rate,
    profitFactor: r.profit_factor,
    realizedUsd: r.realized_cents / 100,
    openMtmUsd: r.open_mtm_cents / 100,
    openPositions: r.open_positions,
    grossProfitUsd: r.gross_profit_cents / 100,
    grossLossUsd: r.gross_loss_cents / 100,
    feesUsd: r.fees_cents === null ? null : r.fees_cents / 100,
    avgDaysInTrade: r.trades > 0 ? r.days_in_trade / r.trades : null,
    maxDrawdownUsd: r.max_drawdown_cents === null ? null : r.max_drawdown_cents / 100,
    maxDrawdownPct: r.max_drawdown_frac === null ? null : r.max_drawdown_frac * 100,
    sharpe: r.sharpe,
    sortino: r.sortino,
  };
}

function checkCount(name: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new UsageError(`--${name} ${v} is out of range`, `use an integer from ${min} to ${max}`);
  }
}

/** The ranked traders of a run. */
export function leaderboard(store: Store, b: BoardRun, o: BoardOptions = {}): BoardResult {
  const sort = resolveSort(o.sort, b.live);
  checkCount('limit', o.limit, 1, 100_000);
  checkCount('min-trades', o.minTrades, 0, 1_000_000);
  const filters = parseWhere(b.grid, o.where);
  const minTrades = o.minTrades ?? 1;
  const limit = o.limit ?? 20;
  const src = source(b);
  const w = whereTerms(b.grid, filters, minTrades);
  const notNull = sort.nullable ? ` AND ${sort.expr} IS NOT NULL` : '';
  const cond = `${src.sql}${w.sql}${notNull}`;
  const params = [...src.params, ...w.params];
  // Every fragment below comes from the fixed tables in sql.ts (#23); user values are bound parameters.
  const rows = store.db
    .prepare(`SELECT ${STAT_COLUMNS} ${cond} ${orderBy(sort, o.reverse ?? false)} LIMIT ?`)
    .all(...params, limit) as StatRow[];
  const matching = (store.db.prepare(`SELECT count(*) AS n ${cond}`).get(...params) as { n: number }).n;
  const notes = [
    'Realised = closed and expired trades after fees; open positions are marked to market (not realised).',
  ];
  if (b.live)
    notes.push(
      'Live farm: drawdown, Sharpe and Sortino need a daily marked-to-market series, which positions do not keep.',
    );
  else
    notes.push(
      'Max DD, Sharpe and Sortino are on daily marked-to-market P&L over NYSE days (annualised ×√252).',
    );
  if (sort.nullable) notes.push(`Traders with no ${sort.label} value are not ranked.`);
  return {
    view: 'leaderboard',
    run: runSummary(b),
    sort: { key: sort.key, label: sort.label, order: sort.desc !== (o.reverse ?? false) ? 'desc' : 'asc' },
    minTrades,
    where: describeFilters(filters),
    filters: filters.map((f) => ({ dimension: f.dim, values: f.values })),
    matching,
    rows: rows.map((r, i) => toRow(b, r, i + 1)),
    notes,
  };
}

export interface GroupRow {
  value: string | number;
  traders: number;
  /** Traders with at least one closed trade. */
  traded: number;
  tradedShare: number | null;
  trades: number;
  /** Pooled over all closed trades of the group. */
  winRate: number | null;
  meanRealizedUsd: number | null;
  medianRealizedUsd: number | null;
  /** Over traders with a Sharpe value (null: none, or the live farm). */
  meanSharpe: number | null;
  sharpeTraders: number;
  meanOpenMtmUsd: number | null;
  openPositions: number;
}

export interface GroupResult {
  view: 'by';
  run: RunSummary;
  dimension: Dimension;
  minTrades: number;
  where: string;
  filters: { dimension: Dimension; values: (string | number)[] }[];
  groups: GroupRow[];
  /** Best minus worst mean realised P&L across the values: how much this parameter moves the result. */
  meanRealizedRangeUsd: number | null;
  notes: string[];
}

interface GroupSql {
  lv: number;
  traders: number;
  traded: number;
  trades: number;
  wins: number;
  mean_realized: number | null;
  median_realized: number | null;
  mean_sharpe: number | null;
  sharpe_n: number;
  mean_open_mtm: number | null;
  open_positions: number;
}

/** "Which parameter matters": per value of one dimension, how its traders did. */
export function groupBy(
  store: Store,
  b: BoardRun,
  dimension: string,
  o: { minTrades?: number; where?: string | string[] } = {},
): GroupResult {
  const { dim, index } = resolveDimension(dimension);
  checkCount('min-trades', o.minTrades, 0, 1_000_000);
  const filters = parseWhere(b.grid, o.where);
  // Default 0: the share of traders that traded at all is part of the answer.
  const minTrades = o.minTrades ?? 0;
  const values = b.grid.spec[dim] as readonly (string | number)[];
  const rows = b.live
    ? liveGroups(store, b, index, filters, minTrades)
    : farmGroups(store, b, index, filters, minTrades);
  const byLevel = new Map(rows.map((r) => [r.lv, r]));
  const groups: GroupRow[] = values.map((value, lv) => {
    const r = byLevel.get(lv);
    const n = r?.traders ?? 0;
    return {
      value,
      traders: n,
      traded: r?.traded ?? 0,
      tradedShare: n ? (r?.traded ?? 0) / n : null,
      trades: r?.trades ?? 0,
      winRate: r?.trades ? r.wins / r.trades : null,
      meanRealizedUsd: r && n && r.mean_realized !== null ? r.mean_realized / 100 : null,
      medianRealizedUsd: r && n && r.median_realized !== null ? r.median_realized / 100 : null,
      meanSharpe: r?.mean_sharpe ?? null,
      sharpeTraders: r?.sharpe_n ?? 0,
      meanOpenMtmUsd: r && n && r.mean_open_mtm !== null ? r.mean_open_mtm / 100 : null,
      openPositions: r?.open_positions ?? 0,
    };
  });
  const means = groups.map((g) => g.meanRealizedUsd).filter((m): m is number => m !== null);
  const notes = [
    'Realised = closed and expired trades after fees; open MtM is marked to market, not realised.',
  ];
  if (b.live)
    notes.push('Live farm: Sharpe needs a daily marked-to-market series, which positions do not keep.');
  if (minTrades === 0 && groups.some((g) => g.traders > g.traded)) {
    notes.push(
      'Means and medians include traders that never closed a trade (realised $0); --min-trades 1 leaves them out.',
    );
  }
  return {
    view: 'by',
    run: runSummary(b),
    dimension: dim,
    minTrades,
    where: describeFilters(filters),
    filters: filters.map((f) => ({ dimension: f.dim, values: f.values })),
    groups,
    meanRealizedRangeUsd: means.length > 1 ? Math.max(...means) - Math.min(...means) : null,
    notes,
  };
}

/** One SQL pass over trader_stats grouped by the dimension digit. */
function farmGroups(
  store: Store,
  b: BoardRun,
  index: number,
  filters: DimensionFilter[],
  minTrades: number,
): GroupSql[] {
  registerMedian(store.db);
  const w = whereTerms(b.grid, filters, minTrades);
  return store.db
    .prepare(
      `SELECT ${LEVEL_EXPR} AS lv, count(*) AS traders, count(nullif(trades, 0)) AS traded, total(trades) AS trades,
         total(wins) AS wins, avg(realized_cents) AS mean_realized, argus_median(realized_cents) AS median_realized,
         avg(sharpe) AS mean_sharpe, count(sharpe) AS sharpe_n, avg(open_mtm_cents) AS mean_open_mtm,
         total(open_positions) AS open_positions
       FROM trader_stats WHERE run_no = ?${w.sql} GROUP BY lv`,
    )
    .all(b.grid.strides[index], b.grid.sizes[index], b.runNo, ...w.params) as GroupSql[];
}

/**
 * The live farm: traders without a position have no row but still count (realised 0), so the
 * groups are built over the grid's ids with the positions' per-trader figures laid over them.
 */
function liveGroups(
  store: Store,
  b: BoardRun,
  index: number,
  filters: DimensionFilter[],
  minTrades: number,
): GroupSql[] {
  const src = source(b);
  const w = whereTerms(b.grid, filters, minTrades);
  const rows = store.db
    .prepare(
      `SELECT trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins ${src.sql}${w.sql}`,
    )
    .all(...src.params, ...w.params) as StatRow[];
  const grid = b.grid;
  const size = grid.sizes[index];
  const per = Array.from({ length: size }, (_, lv) => ({
    lv,
    realized: [] as number[],
    traders: 0,
    traded: 0,
    trades: 0,
    wins: 0,
    openMtm: 0,
    openPositions: 0,
  }));
  const seen = new Set<number>();
  for (const r of rows) {
    const g = per[grid.level(r.trader_id, index)];
    seen.add(r.trader_id);
    g.traders++;
    g.realized.push(r.realized_cents);
    if (r.trades > 0) g.traded++;
    g.trades += r.trades;
    g.wins += r.wins;
    g.openMtm += r.open_mtm_cents;
    g.openPositions += r.open_positions;
  }
  if (minTrades === 0) {
    for (let id = 0; id < grid.count; id++) {
      if (seen.has(id) || !matchesFilters(grid, id, filters)) continue;
      const g = per[grid.level(id, index)];
      g.traders++;
      g.realized.push(0);
    }
  }
  return per
    .filter((g) => g.traders > 0)
    .map((g) => ({
      lv: g.lv,
      traders: g.traders,
      traded: g.traded,
      trades: g.trades,
      wins: g.wins,
      mean_realized: g.realized.reduce((a, x) => a + x, 0) / g.traders,
      median_realized: median(g.realized),
      mean_sharpe: null,
      sharpe_n: 0,
      mean_open_mtm: g.openMtm / g.traders,
      open_positions: g.openPositions,
    }));
}
