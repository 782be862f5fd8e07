import { UsageError } from '../../core/errors.js';
import type { Grid } from '../../core/farm/grid.js';
import type { DimensionFilter } from '../../core/judge/dimensions.js';
import type { Db } from './db.js';

/**
 * Every piece of leaderboard SQL is a fixed fragment from this file (#23): user input picks a
 * fragment by key and supplies bound parameters, never text that reaches the SQL.
 */
export const SORT_KEYS = [
  'pnl',
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
  /** The ranked value; identical to the expression migration 004 indexes, so the index serves it. */
  expr: string;
  /** Default order (best first where "best" has a meaning). */
  desc: boolean;
  /** Rows with no value (no trades, zero variance) are left out of the ranking. */
  nullable: boolean;
  /** Available for the live farm (its positions table has no daily marked-to-market series). */
  live: boolean;
}

/** All wins and no loss: profit factor is infinite, ranked above every finite one. */
export const PROFIT_FACTOR_EXPR = 'coalesce(profit_factor, CASE WHEN gross_profit_cents > 0 THEN 1e308 END)';
export const AVG_DAYS_EXPR = '(days_in_trade / trades)';

export const SORTS: Record<SortKey, SortSpec> = {
  pnl: { key: 'pnl', label: 'realised P&L', expr: 'realized_cents', desc: true, nullable: false, live: true },
  'win-rate': {
    key: 'win-rate',
    label: 'win rate',
    expr: 'win_rate',
    desc: true,
    nullable: true,
    live: true,
  },
  'profit-factor': {
    key: 'profit-factor',
    label: 'profit factor',
    expr: PROFIT_FACTOR_EXPR,
    desc: true,
    nullable: true,
    live: true,
  },
  drawdown: {
    key: 'drawdown',
    label: 'max drawdown (smallest first)',
    expr: 'max_drawdown_cents',
    desc: false,
    nullable: false,
    live: false,
  },
  sharpe: { key: 'sharpe', label: 'Sharpe', expr: 'sharpe', desc: true, nullable: true, live: false },
  sortino: { key: 'sortino', label: 'Sortino', expr: 'sortino', desc: true, nullable: true, live: false },
  trades: { key: 'trades', label: 'closed trades', expr: 'trades', desc: true, nullable: false, live: true },
  'avg-days': {
    key: 'avg-days',
    label: 'average days in trade',
    expr: AVG_DAYS_EXPR,
    desc: true,
    nullable: true,
    live: true,
  },
};

const SORT_ALIASES: Record<string, SortKey> = {
  pnl: 'pnl',
  realized: 'pnl',
  realised: 'pnl',
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

/**
 * Best first, ties to the higher realised P&L, then the lower trader id: a total, repeatable
 * order. --reverse reads the same ranking from the bottom (every term flipped), which keeps the
 * whole ORDER BY on one index scan.
 */
export function orderBy(sort: SortSpec, reverse: boolean): string {
  const dir = (desc: boolean) => (desc !== reverse ? 'DESC' : 'ASC');
  const terms = [`${sort.expr} ${dir(sort.desc)}`];
  if (sort.expr !== 'realized_cents') terms.push(`realized_cents ${dir(true)}`);
  terms.push(`trader_id ${dir(false)}`);
  return `ORDER BY ${terms.join(', ')}`;
}

export interface Fragment {
  sql: string;
  params: number[];
}

/**
 * `AND` terms for dimension filters and --min-trades. A dimension value is the trader id's
 * mixed-radix digit, (id / stride) % size, with stride and size bound from the run's grid.
 */
export function whereTerms(grid: Grid, filters: readonly DimensionFilter[], minTrades: number): Fragment {
  let sql = '';
  const params: number[] = [];
  for (const f of filters) {
    sql += ` AND ((trader_id / ?) % ?) IN (${f.levels.map(() => '?').join(', ')})`;
    params.push(grid.strides[f.index], grid.sizes[f.index], ...f.levels);
  }
  if (minTrades > 0) {
    // Unary + keeps the planner on the sort index (a trades index would turn the ranking into a full sort).
    sql += ' AND +trades >= ?';
    params.push(minTrades);
  }
  return { sql, params };
}

/** The dimension digit of trader_id as a selected column (the --by grouping key). */
export const LEVEL_EXPR = '((trader_id / ?) % ?)';

const withMedian = new WeakSet<Db>();

/** argus_median(x): the exact median of a group (SQLite has none built in). */
export function registerMedian(db: Db): void {
  if (withMedian.has(db)) return;
  db.aggregate('argus_median', {
    start: () => [] as number[],
    step: (acc: number[], v: unknown) => {
      if (typeof v === 'number' || typeof v === 'bigint') acc.push(Number(v));
    },
    result: (acc: number[]) => median(acc),
  });
  withMedian.add(db);
}

export function median(values: number[] | Float64Array): number | null {
  const n = values.length;
  if (n === 0) return null;
  const a = Float64Array.from(values).sort();
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}
