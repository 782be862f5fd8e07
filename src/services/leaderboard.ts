import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import type { DrillResult } from '../core/farm/resim.js';
import type { FarmRules } from '../core/farm/rules.js';
import type { FillParams } from '../core/fill/fill.js';
import { type BoardRun, provenanceLabel, runSummary } from '../core/judge/board-run.js';
import { describeFilters, matchesFilters, parseWhere, resolveDimension } from '../core/judge/dimensions.js';
import { liveTrader } from '../core/judge/live-trader.js';
import {
  type BoardOptions,
  type BoardResult,
  boardRow,
  checkCount,
  type GroupResult,
  groupRows,
  type RunSummary,
  resolveSort,
} from '../core/judge/ranking.js';
import {
  runYears,
  type TraderHistory,
  traderHistory,
  type YearResult,
  yearFigures,
} from '../core/judge/years.js';
import type { ProvenanceSpan } from '../core/market/provenance.js';
import type { RunRecord } from '../core/runs.js';
import type { Deps } from './deps.js';
import { type DrillDeps, drillTrader } from './leaderboard-trader.js';

export type LeaderboardDeps = Pick<Deps, 'runs' | 'farmResults' | 'calendar'> & DrillDeps;

export interface LeaderboardRequest {
  run?: string;
  sort?: string;
  reverse?: boolean;
  limit?: number;
  minTrades?: number;
  where?: string | string[];
  by?: string;
  trader?: number;
}

export interface TraderResult {
  view: 'trader';
  run: RunSummary;
  /** How the trades were obtained: re-simulated over the run's market, or read from live positions. */
  basis: 're-simulated' | 'live positions';
  trader: DrillResult;
  /** Its years, P&L by provenance span and the crash days on its curve. */
  history: TraderHistory;
  notes: string[];
}

export type LeaderboardResult = BoardResult | GroupResult | YearResult | TraderResult;

/** `argus leaderboard`: the ranking, a grouped view (--by) or one trader (--trader). */
export async function leaderboardQuery(
  deps: LeaderboardDeps,
  req: LeaderboardRequest,
): Promise<LeaderboardResult> {
  const b = resolveBoardRun(deps, req.run);
  if (req.trader !== undefined) {
    // Validates the id against the run's grid before any work.
    b.grid.config(req.trader);
    const notes = [
      'Realised = closed and expired trades after fees; open positions are marked to market, not realised.',
    ];
    if (b.live) {
      notes.push(
        'Live farm: the curve is realised equity at each exit day; no daily marked-to-market series is kept.',
      );
      const positions = deps.farmResults.livePositions(b.run.id, req.trader);
      const trader = liveTrader(b, deps.calendar, req.trader, positions);
      return {
        view: 'trader',
        run: runSummary(b),
        basis: 'live positions',
        trader,
        history: history(b, trader, null),
        notes,
      };
    }
    notes.push('Equity is marked to market at each NYSE close (open positions at their mid).');
    const trader = await drillTrader(deps, { runId: b.run.id, traderId: req.trader });
    notes.push(
      "A year's P&L sums its closes' marked-to-market P&L; return on max loss divides it by the max loss of the positions entered that year (as the farm stored it).",
    );
    const h = history(b, trader, deps.farmResults.yearlyRiskCents(b.run.id));
    return { view: 'trader', run: runSummary(b), basis: 're-simulated', trader, history: h, notes };
  }
  if (req.by !== undefined && req.by.trim().toLowerCase() === 'year') return byYear(deps, b, req);
  if (req.by !== undefined) return groupBy(deps, b, req.by, { minTrades: req.minTrades, where: req.where });
  return leaderboard(deps, b, req);
}

function history(b: BoardRun, d: DrillResult, risk: { years: string[]; data: Float64Array } | null) {
  return traderHistory({
    equity: d.equity,
    capitalUsd: d.capitalUsd,
    months: b.months,
    spans: b.spans,
    symbol: d.config.symbol,
    trader: d.trader,
    risk,
    farmSpanPnlUsd: d.farm?.spanPnlUsd ?? null,
  });
}

/**
 * `--run`: a run reference (a run id, a unique prefix of one, `live` or `latest`); nothing means the
 * latest completed backtest. A backtest still running has no trader stats yet: say so rather than show nothing.
 */
export function resolveBoardRun(deps: Pick<Deps, 'runs' | 'farmResults'>, arg?: string): BoardRun {
  const run = boardRunRecord(deps, arg);
  const f = deps.farmResults.farmRun(run.id);
  const live = run.kind === 'live';
  if (!f) {
    throw new UsageError(
      live ? 'the live farm has not taken a step yet' : `run ${run.id} is not a farm run`,
      live
        ? 'run `argus farm run` during market hours first'
        : 'omit --run for the latest completed backtest',
    );
  }
  if (!live && run.status !== 'completed') {
    throw new UsageError(
      `run ${run.id} is ${run.status}: its per-trader results are written when it completes`,
      `resume it with \`argus farm run --resume ${run.id}\``,
    );
  }
  const rules = JSON.parse(f.rulesJson) as FarmRules;
  const fill = JSON.parse(f.fillJson) as FillParams;
  return {
    run,
    runNo: f.runNo,
    live,
    grid: parseGrid(f.gridJson, `grid of run ${run.id}`),
    rules,
    fill,
    months: JSON.parse(f.monthsJson) as string[],
    label: provenanceLabel(run, rules, fill),
    spans: f.spansJson === null ? null : (JSON.parse(f.spansJson) as ProvenanceSpan[]),
  };
}

function boardRunRecord(deps: Pick<Deps, 'runs'>, arg?: string): RunRecord {
  const ref = arg ?? 'latest';
  const keyword = ref.trim().toLowerCase();
  const r = deps.runs.resolveRunRef(ref, { farm: true, completed: true });
  if (r.kind === 'found') return r.run;
  if (keyword === 'latest') {
    const unfinished = deps.runs.resolveRunRef('latest', { farm: true }).kind === 'found';
    throw new UsageError(
      unfinished
        ? 'no completed farm backtest in this database (the ones there are unfinished)'
        : 'no farm backtest in this database',
      unfinished
        ? 'resume one with `argus farm run --resume <run-id>`, or pass --run'
        : 'run `argus farm run --source replay` first, or pass --run live',
    );
  }
  if (keyword === 'live')
    throw new UsageError('the live farm has not run yet', 'run `argus farm run` during market hours first');
  if (r.kind === 'not-a-ref') {
    throw new UsageError(
      `--run "${arg}" is not a run id`,
      'pass a run id (or its first characters), or live; see `argus farm run` output',
    );
  }
  if (r.kind === 'none')
    throw new UsageError(`no farm run ${arg}`, 'omit --run for the latest completed backtest');
  throw new UsageError(
    `--run ${arg} matches several runs`,
    `give more characters: ${r.ids.slice(0, 6).join(', ')}`,
  );
}

/** The ranked traders of a run. */
export function leaderboard(deps: Pick<Deps, 'farmResults'>, b: BoardRun, o: BoardOptions = {}): BoardResult {
  const sort = resolveSort(o.sort, b.live);
  checkCount('limit', o.limit, 1, 100_000);
  checkCount('min-trades', o.minTrades, 0, 1_000_000);
  const filters = parseWhere(b.grid, o.where);
  const minTrades = o.minTrades ?? 1;
  const reverse = o.reverse ?? false;
  const { rows, matching } = deps.farmResults.rankTraders(b, {
    sort,
    reverse,
    filters,
    minTrades,
    limit: o.limit ?? 20,
  });
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
    sort: { key: sort.key, label: sort.label, order: sort.desc !== reverse ? 'desc' : 'asc' },
    minTrades,
    where: describeFilters(filters),
    filters: filters.map((f) => ({ dimension: f.dim, values: f.values })),
    matching,
    rows: rows.map((r, i) => boardRow(b.grid, r, i + 1)),
    notes,
  };
}

/**
 * Regime robustness: the top configurations (ranked by realised P&L, as the board) with their P&L
 * per calendar year — the sum of the year's months — and per dollar of max loss taken that year, so
 * years at different price levels compare; the grid's own years below them.
 */
export function byYear(
  deps: Pick<Deps, 'farmResults'>,
  b: BoardRun,
  o: { limit?: number; minTrades?: number; where?: string | string[] } = {},
): YearResult {
  if (b.live) {
    throw new UsageError(
      '--by year needs a backtest: the live farm keeps no monthly P&L',
      'pass --run with a backtest (`argus runs list`)',
    );
  }
  const monthly = deps.farmResults.monthlyCents(b.run.id);
  if (!monthly || monthly.length !== b.grid.count * b.months.length) {
    throw new UsageError(`run ${b.run.id} has no monthly P&L stored`, 'run the backtest again');
  }
  const board = leaderboard(deps, b, { limit: o.limit, minTrades: o.minTrades, where: o.where });
  const risk = deps.farmResults.yearlyRiskCents(b.run.id);
  const filters = parseWhere(b.grid, o.where);
  const all: number[] = [];
  for (let id = 0; id < b.grid.count; id++) if (matchesFilters(b.grid, id, filters)) all.push(id);
  const notes = [
    "A year's P&L is the sum of its months' marked-to-market P&L (open positions at their mid at each close).",
    risk
      ? 'Return on max loss = the year’s P&L ÷ the max loss (width − credit) of every position entered that year.'
      : 'This run kept no max loss per year (it predates it): return on max loss is not shown.',
    'Every trader of the grid (passing --where) is summed in the last row, traders that never traded included.',
  ];
  return {
    view: 'year',
    run: runSummary(b),
    years: runYears(b.months).years,
    minTrades: board.minTrades,
    where: board.where,
    filters: board.filters,
    matching: board.matching,
    rows: board.rows.map((r) => ({
      rank: r.rank,
      trader: r.trader,
      config: r.config,
      totalUsd: r.totalUsd,
      years: yearFigures([r.trader], b.months, monthly, risk),
    })),
    all: { traders: all.length, years: yearFigures(all, b.months, monthly, risk) },
    noCandidate: deps.farmResults.runSummary(b.run.id)?.noCandidate ?? null,
    notes,
  };
}

/** "Which parameter matters": per value of one dimension, how its traders did. */
export function groupBy(
  deps: Pick<Deps, 'farmResults'>,
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
  const groups = groupRows(values, deps.farmResults.levelStats(b, index, filters, minTrades));
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
