import type { Migration } from './index.js';

/**
 * Leaderboard sort indexes: each ranking walks its index and stops after --limit rows instead of
 * sorting 432k rows. The expressions must stay identical to PROFIT_FACTOR_EXPR and AVG_DAYS_EXPR
 * in src/core/leaderboard/sql.ts, or SQLite will not use them. No index on trades alone for
 * --min-trades: the planner would prefer it to the sort index (the filter is written +trades).
 */
export const m004Leaderboard: Migration = {
  version: 4,
  name: 'leaderboard sort indexes',
  up: `
    CREATE INDEX trader_stats_sortino ON trader_stats (run_no, sortino);
    CREATE INDEX trader_stats_win_rate ON trader_stats (run_no, win_rate);
    CREATE INDEX trader_stats_profit_factor ON trader_stats
      (run_no, coalesce(profit_factor, CASE WHEN gross_profit_cents > 0 THEN 1e308 END));
    CREATE INDEX trader_stats_drawdown ON trader_stats (run_no, max_drawdown_cents);
    CREATE INDEX trader_stats_trades ON trader_stats (run_no, trades);
    CREATE INDEX trader_stats_avg_days ON trader_stats (run_no, (days_in_trade / trades));
  `,
};
