import type { Migration } from './migration.js';

/** `leaderboard --sort total` (realised + open marked) ranks on an index like every other key. */
export const m008LeaderboardTotal: Migration = {
  version: 8,
  name: 'leaderboard index for total P&L',
  up: `
    CREATE INDEX trader_stats_rank_total ON trader_stats (run_no, (realized_cents + open_mtm_cents), realized_cents, trader_id DESC);
  `,
};
