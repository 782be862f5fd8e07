import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import type { DrillResult } from '../core/farm/resim.js';
import type { FarmRules } from '../core/farm/rules.js';
import type { FillParams } from '../core/fill/fill.js';
import { type BoardRun, provenanceLabel, runSummary } from '../core/judge/board-run.js';
import { describeFilters, parseWhere, resolveDimension } from '../core/judge/dimensions.js';
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
  notes: string[];
}

export type LeaderboardResult = BoardResult | GroupResult | TraderResult;

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
      return {
        view: 'trader',
        run: runSummary(b),
        basis: 'live positions',
        trader: liveTrader(b, deps.calendar, req.trader, positions),
        notes,
      };
    }
    notes.push('Equity is marked to market at each NYSE close (open positions at their mid).');
    const trader = await drillTrader(deps, { runId: b.run.id, traderId: req.trader });
    return { view: 'trader', run: runSummary(b), basis: 're-simulated', trader, notes };
  }
  if (req.by !== undefined) return groupBy(deps, b, req.by, { minTrades: req.minTrades, where: req.where });
  return leaderboard(deps, b, req);
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
