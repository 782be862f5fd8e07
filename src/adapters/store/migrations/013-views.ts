import type { Migration } from './migration.js';

/**
 * Four years of history: each backtest records its provenance spans (where the fund's price was
 * derived, where no options were listed), each trader the marked-to-market P&L it booked on the
 * days of each span (NULL: the run kept none, or the trader's fund has no such span), and the
 * run the max loss its traders entered per calendar year, for the per-year return on max loss.
 * And the group gate's series beside the monthly P&L: each trader's monthly Σ(daily P&L)² (float32
 * cents², trader-major like monthly_cents) and each (symbol, dte, delta, width) group's daily P&L
 * summed over its traders (float64 cents, group-major). farm_blobs' name list is fixed by a CHECK,
 * so these arrays get a table of their own.
 */
export const m013Views: Migration = {
  version: 13,
  name: 'provenance spans, span P&L, yearly risk, group series',
  up: `
    ALTER TABLE farm_runs ADD COLUMN spans_json TEXT CHECK (spans_json IS NULL OR json_valid(spans_json));
    ALTER TABLE trader_stats ADD COLUMN span_derived_cents INTEGER;
    ALTER TABLE trader_stats ADD COLUMN span_no_options_cents INTEGER;
    CREATE TABLE farm_series (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (name IN ('yearly_risk_cents', 'monthly_sumsq', 'group_daily')),
      meta_json TEXT NOT NULL CHECK (json_valid(meta_json)),
      data BLOB NOT NULL,
      PRIMARY KEY (run_id, name)
    ) STRICT, WITHOUT ROWID;
  `,
};
