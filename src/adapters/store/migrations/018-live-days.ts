import type { Migration } from './migration.js';

/**
 * The live farm's booked sessions: `argus expire`, after the close, books the day every trader
 * made (equity at the close against the close before). Per session, each group's P&L summed over
 * its traders (the group gate's series); per calendar month, each trader's P&L and Σ(day P&L)²
 * (the in-sample Sharpe without a daily series per trader).
 */
export const m018LiveDays: Migration = {
  version: 18,
  name: 'live farm booked sessions',
  up: `
    CREATE TABLE live_days (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      date TEXT NOT NULL,
      close_ms INTEGER NOT NULL,
      step INTEGER NOT NULL,
      groups INTEGER NOT NULL,
      group_pnl BLOB NOT NULL,
      PRIMARY KEY (run_id, date)
    );
    CREATE TABLE live_months (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      month TEXT NOT NULL,
      traders INTEGER NOT NULL,
      pnl_cents BLOB NOT NULL,
      sum_sq BLOB NOT NULL,
      PRIMARY KEY (run_id, month)
    );
  `,
};
