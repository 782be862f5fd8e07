import type { Grid } from '../../core/farm/grid.js';
import type { DimensionFilter } from '../../core/judge/dimensions.js';
import { medianOrNull, type SortKey, type SortSpec } from '../../core/judge/ranking.js';
import type { Db } from './db.js';

/**
 * Every piece of leaderboard SQL is a fixed fragment from this file (no user text in SQL): user input picks a
 * fragment by key (core/judge/ranking.ts holds the keys) and supplies bound parameters, never
 * text that reaches the SQL.
 */

/** All wins and no loss: profit factor is infinite, ranked above every finite one. */
const PROFIT_FACTOR_EXPR = 'coalesce(profit_factor, CASE WHEN gross_profit_cents > 0 THEN 1e308 END)';
const AVG_DAYS_EXPR = '(days_in_trade / trades)';

/** The ranked value of each sort key; identical to the expressions migration 004 indexes, so the index serves it. */
export const SORT_EXPR: Record<SortKey, string> = {
  pnl: 'realized_cents',
  total: '(realized_cents + open_mtm_cents)',
  'win-rate': 'win_rate',
  'profit-factor': PROFIT_FACTOR_EXPR,
  drawdown: 'max_drawdown_cents',
  sharpe: 'sharpe',
  sortino: 'sortino',
  trades: 'trades',
  'avg-days': AVG_DAYS_EXPR,
};

/**
 * Best first, ties to the higher realised P&L, then the lower trader id: a total, repeatable
 * order. --reverse reads the same ranking from the bottom (every term flipped), which keeps the
 * whole ORDER BY on one index scan.
 */
export function orderBy(sort: SortSpec, reverse: boolean): string {
  const dir = (desc: boolean) => (desc !== reverse ? 'DESC' : 'ASC');
  const expr = SORT_EXPR[sort.key];
  const terms = [`${expr} ${dir(sort.desc)}`];
  if (expr !== 'realized_cents') terms.push(`realized_cents ${dir(true)}`);
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
export function whereTerms(
  grid: Grid,
  filters: readonly DimensionFilter[],
  minTrades: number,
  /** A count with no ORDER BY: the trades index may serve the --min-trades term. */
  forCount = false,
): Fragment {
  let sql = '';
  const params: number[] = [];
  for (const f of filters) {
    sql += ` AND ((trader_id / ?) % ?) IN (${f.levels.map(() => '?').join(', ')})`;
    params.push(grid.strides[f.index], grid.sizes[f.index], ...f.levels);
  }
  if (minTrades > 0) {
    // Unary + keeps the planner on the sort index (a trades index would turn the ranking into a full
    // sort); a count is a range of the trades index instead of a scan of every row.
    sql += forCount ? ' AND trades >= ?' : ' AND +trades >= ?';
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
    result: (acc: number[]) => medianOrNull(acc),
  });
  withMedian.add(db);
}
