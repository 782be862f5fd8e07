import type { Migration } from './migration.js';

/**
 * The group gate's series beside a backtest's monthly P&L: each trader's monthly Σ(daily P&L)²
 * (float32 cents², trader-major like monthly_cents) and each (symbol, dte, delta, width) group's
 * daily P&L summed over its traders (float64 cents, group-major). A table of its own, so the
 * migration only adds.
 */
export const m013JudgeSeries: Migration = {
  version: 13,
  name: 'farm_series',
  up: `
    CREATE TABLE farm_series (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (name IN ('monthly_sumsq', 'group_daily')),
      meta_json TEXT NOT NULL CHECK (json_valid(meta_json)),
      data BLOB NOT NULL,
      PRIMARY KEY (run_id, name)
    ) STRICT, WITHOUT ROWID;
  `,
};
