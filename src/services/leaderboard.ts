import {
  type BoardResult,
  type GroupResult,
  groupBy,
  leaderboard,
  type RunSummary,
  runSummary,
} from '../adapters/store/leaderboard.js';
import { liveTrader } from '../adapters/store/live-trader.js';
import { resolveRun } from '../adapters/store/run-ref.js';
import type { AppContext } from '../cli/context.js';
import type { DrillResult } from '../core/farm/resim.js';
import { drillTrader } from './drill.js';

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
export async function leaderboardQuery(ctx: AppContext, req: LeaderboardRequest): Promise<LeaderboardResult> {
  const store = ctx.store();
  const b = resolveRun(store, req.run);
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
      return {
        view: 'trader',
        run: runSummary(b),
        basis: 'live positions',
        trader: liveTrader(store, b, ctx.calendar, req.trader),
        notes,
      };
    }
    notes.push('Equity is marked to market at each NYSE close (open positions at their mid).');
    const trader = await drillTrader(ctx, b.run.id, req.trader);
    return { view: 'trader', run: runSummary(b), basis: 're-simulated', trader, notes };
  }
  if (req.by !== undefined) return groupBy(store, b, req.by, { minTrades: req.minTrades, where: req.where });
  return leaderboard(store, b, req);
}
