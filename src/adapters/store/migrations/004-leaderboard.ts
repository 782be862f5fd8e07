import type { Migration } from './migration.js';

/**
 * Leaderboard rankings: one index per sort key holding the whole ORDER BY (key, realised P&L,
 * trader id), so a ranking reads --limit rows off an index instead of sorting 432k. The
 * expressions must stay identical to PROFIT_FACTOR_EXPR and AVG_DAYS_EXPR in
 * src/core/leaderboard/sql.ts, or SQLite will not use them. The new Sharpe index supersedes
 * 002's (same leading columns). Cost measured at 432k traders: ~45 MB and ~2.6 s more for the
 * farm's final trader_stats write.
 */
export const m004Leaderboard: Migration = {
  version: 4,
  name: 'leaderboard ranking indexes',
  up: `
    DROP INDEX IF EXISTS trader_stats_sharpe;
    CREATE INDEX trader_stats_rank_sharpe ON trader_stats (run_no, sharpe, realized_cents, trader_id DESC);
    CREATE INDEX trader_stats_rank_sortino ON trader_stats (run_no, sortino, realized_cents, trader_id DESC);
    CREATE INDEX trader_stats_rank_win_rate ON trader_stats (run_no, win_rate, realized_cents, trader_id DESC);
    CREATE INDEX trader_stats_rank_profit_factor ON trader_stats (
      run_no, coalesce(profit_factor, CASE WHEN gross_profit_cents > 0 THEN 1e308 END), realized_cents, trader_id DESC
    );
    CREATE INDEX trader_stats_rank_drawdown ON trader_stats (run_no, max_drawdown_cents, realized_cents DESC, trader_id);
    CREATE INDEX trader_stats_rank_trades ON trader_stats (run_no, trades, realized_cents, trader_id DESC);
    CREATE INDEX trader_stats_rank_avg_days ON trader_stats (run_no, (days_in_trade / trades), realized_cents, trader_id DESC);
  `,
};
