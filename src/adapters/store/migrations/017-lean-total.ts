import type { Migration } from './migration.js';

/**
 * The total-P&L ranking index dropped as well: it cost ≈0.35 s of every run's final write
 * (432k random inserts), and ranking by total without it reads the run's rows by primary key and
 * sorts them. Kept: realised P&L (the default ranking) and trades (the "N traders match" count).
 */
export const m017LeanTotal: Migration = {
  version: 17,
  name: 'no total-P&L ranking index',
  up: `
    DROP INDEX IF EXISTS trader_stats_rank_total;
  `,
};
