import { UsageError } from '../errors.js';
import type { Dimension, Grid, GridSpec, TraderConfig } from '../farm/grid.js';
import type { ProvenanceSpan } from '../market/provenance.js';
import { type DimensionFilter, matchesFilters } from './dimensions.js';
import { median } from './stats.js';

/** The leaderboard's sort keys. Each names a fixed SQL expression in the store (leaderboard-sql.ts). */
export const SORT_KEYS = [
  'pnl',
  'total',
  'win-rate',
  'profit-factor',
  'drawdown',
  'sharpe',
  'sortino',
  'trades',
  'avg-days',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface SortSpec {
  key: SortKey;
  label: string;
  /** Default order (best first where "best" has a meaning). */
  desc: boolean;
  /** Rows with no value (no trades, zero variance) are left out of the ranking. */
  nullable: boolean;
  /** Available for the live farm (its positions table has no daily marked-to-market series). */
  live: boolean;
}

export const SORTS: Record<SortKey, SortSpec> = {
  pnl: { key: 'pnl', label: 'realised P&L', desc: true, nullable: false, live: true },
  total: {
    key: 'total',
    label: 'total P&L (realised + open marked)',
    desc: true,
    nullable: false,
    live: true,
  },
  'win-rate': { key: 'win-rate', label: 'win rate', desc: true, nullable: true, live: true },
  'profit-factor': { key: 'profit-factor', label: 'profit factor', desc: true, nullable: true, live: true },
  drawdown: {
    key: 'drawdown',
    label: 'max drawdown (smallest first)',
    desc: false,
    nullable: false,
    live: false,
  },
  sharpe: { key: 'sharpe', label: 'Sharpe', desc: true, nullable: true, live: false },
  sortino: { key: 'sortino', label: 'Sortino', desc: true, nullable: true, live: false },
  trades: { key: 'trades', label: 'closed trades', desc: true, nullable: false, live: true },
  'avg-days': { key: 'avg-days', label: 'average days in trade', desc: true, nullable: true, live: true },
};

const SORT_ALIASES: Record<string, SortKey> = {
  pnl: 'pnl',
  realized: 'pnl',
  realised: 'pnl',
  total: 'total',
  totalpnl: 'total',
  winrate: 'win-rate',
  win: 'win-rate',
  profitfactor: 'profit-factor',
  pf: 'profit-factor',
  drawdown: 'drawdown',
  maxdrawdown: 'drawdown',
  dd: 'drawdown',
  sharpe: 'sharpe',
  sortino: 'sortino',
  trades: 'trades',
  avgdays: 'avg-days',
  days: 'avg-days',
  daysintrade: 'avg-days',
};

export function resolveSort(name: string | undefined, live: boolean): SortSpec {
  const key = (name ?? 'pnl').trim().toLowerCase().replace(/[-_]/g, '');
  const k = Object.hasOwn(SORT_ALIASES, key) ? SORT_ALIASES[key] : undefined;
  if (!k) throw new UsageError(`unknown sort key "${name}"`, `valid sort keys: ${SORT_KEYS.join(', ')}`);
  const spec = SORTS[k];
  if (live && !spec.live) {
    throw new UsageError(
      `--sort ${spec.key} is not available for the live farm: its positions table keeps no daily marked-to-market series`,
      `valid for --run live: ${SORT_KEYS.filter((s) => SORTS[s].live).join(', ')}`,
    );
  }
  return spec;
}

export function checkCount(name: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new UsageError(`--${name} ${v} is out of range`, `use an integer from ${min} to ${max}`);
  }
}

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
  /** Spans where the market is less real (derived price, no listed options); null: not recorded. */
  spans: ProvenanceSpan[] | null;
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
  /** Realised plus open marked: what the account would show. */
  totalUsd: number;
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
  /** Share of its entries whose stop could not fire (credit × (1 + X) ≥ width); null without entries. */
  noStopShare: number | null;
  /** P&L booked on each provenance span's days, by SPAN_KINDS (null: no such span for it). */
  spanPnlUsd: (number | null)[];
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

/**
 * One trader's figures as trader_stats keeps them (cents; the live farm's positions are
 * aggregated into the same columns).
 */
export interface TraderStatRow {
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
  /** Share of entries whose stop could not fire (credit × (1 + X) ≥ width). */
  no_stop_share: number | null;
  /** Marked-to-market P&L booked on the provenance spans' days (null: no such span for its fund, or not kept). */
  span_derived_cents?: number | null;
  span_no_options_cents?: number | null;
}

export function boardRow(grid: Grid, r: TraderStatRow, rank: number): BoardRow {
  return {
    rank,
    trader: r.trader_id,
    config: grid.config(r.trader_id),
    trades: r.trades,
    wins: r.wins,
    winRate: r.win_rate,
    profitFactor: r.profit_factor,
    realizedUsd: r.realized_cents / 100,
    openMtmUsd: r.open_mtm_cents / 100,
    totalUsd: (r.realized_cents + r.open_mtm_cents) / 100,
    openPositions: r.open_positions,
    grossProfitUsd: r.gross_profit_cents / 100,
    grossLossUsd: r.gross_loss_cents / 100,
    feesUsd: r.fees_cents === null ? null : r.fees_cents / 100,
    avgDaysInTrade: r.trades > 0 ? r.days_in_trade / r.trades : null,
    maxDrawdownUsd: r.max_drawdown_cents === null ? null : r.max_drawdown_cents / 100,
    maxDrawdownPct: r.max_drawdown_frac === null ? null : r.max_drawdown_frac * 100,
    sharpe: r.sharpe,
    sortino: r.sortino,
    noStopShare: r.no_stop_share ?? null,
    spanPnlUsd: [r.span_derived_cents, r.span_no_options_cents].map((c) =>
      c === null || c === undefined ? null : c / 100,
    ),
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

/** The traders of one level of the --by dimension, summed up (cents). */
export interface LevelStats {
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

/** Exact median, null for none (SQLite has no median; the store registers this one). */
export function medianOrNull(values: number[]): number | null {
  return values.length ? median(values) : null;
}

/**
 * The live farm's levels: traders without a position have no row but still count (realised 0),
 * so the groups are built over the grid's ids with the positions' per-trader figures laid over them.
 */
export function liveLevelStats(
  grid: Grid,
  index: number,
  rows: readonly TraderStatRow[],
  filters: readonly DimensionFilter[],
  minTrades: number,
): LevelStats[] {
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
      median_realized: medianOrNull(g.realized),
      mean_sharpe: null,
      sharpe_n: 0,
      mean_open_mtm: g.openMtm / g.traders,
      open_positions: g.openPositions,
    }));
}

/** One group row per value of the dimension, empty levels included. */
export function groupRows(values: readonly (string | number)[], levels: readonly LevelStats[]): GroupRow[] {
  const byLevel = new Map(levels.map((r) => [r.lv, r]));
  return values.map((value, lv) => {
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
}
