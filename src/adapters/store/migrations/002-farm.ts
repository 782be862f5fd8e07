import type { Migration } from './migration.js';

/**
 * The farm. Replays keep per-trader running statistics (one row per trader), monthly P&L in
 * integer cents and a daily-P&L sample as blobs, and a checkpoint of the engine state for resume.
 * Live farms keep every position and closed trade as rows (full UUIDs, an idempotency key per
 * (run, step, trader) entry, one open position per trader and contract).
 */
export const m002Farm: Migration = {
  version: 2,
  name: 'farm runs, checkpoints, trader stats, positions',
  up: `
    CREATE TABLE farm_runs (
      -- A small integer key keeps the 432k-row tables compact (a UUID per row would cost ~50 MB).
      run_no INTEGER PRIMARY KEY,
      run_id TEXT NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
      grid_json TEXT NOT NULL CHECK (json_valid(grid_json)),
      grid_hash TEXT NOT NULL,
      rules_json TEXT NOT NULL CHECK (json_valid(rules_json)),
      fill_json TEXT NOT NULL CHECK (json_valid(fill_json)),
      traders INTEGER NOT NULL,
      steps_total INTEGER NOT NULL,
      steps_done INTEGER NOT NULL DEFAULT 0,
      months_json TEXT NOT NULL CHECK (json_valid(months_json)),
      summary_json TEXT CHECK (summary_json IS NULL OR json_valid(summary_json))
    ) STRICT;

    CREATE TABLE farm_steps (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      t_ms INTEGER NOT NULL,
      opened INTEGER NOT NULL,
      closed INTEGER NOT NULL,
      realized_cents INTEGER NOT NULL,
      open_positions INTEGER NOT NULL,
      PRIMARY KEY (run_id, step)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE farm_checkpoints (
      run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      -- The engine state is a file beside the database (see checkpoint.ts), verified on load.
      file TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      registry_json TEXT NOT NULL CHECK (json_valid(registry_json)),
      totals_json TEXT NOT NULL CHECK (json_valid(totals_json)),
      created_ms INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE trader_stats (
      run_no INTEGER NOT NULL REFERENCES farm_runs (run_no) ON DELETE CASCADE,
      trader_id INTEGER NOT NULL,
      realized_cents INTEGER NOT NULL,
      open_mtm_cents INTEGER NOT NULL,
      open_positions INTEGER NOT NULL,
      trades INTEGER NOT NULL,
      wins INTEGER NOT NULL,
      gross_profit_cents INTEGER NOT NULL,
      gross_loss_cents INTEGER NOT NULL,
      fees_cents INTEGER NOT NULL,
      days_in_trade REAL NOT NULL,
      first_trade_ms INTEGER,
      last_trade_ms INTEGER,
      max_drawdown_cents INTEGER NOT NULL,
      max_drawdown_frac REAL NOT NULL,
      daily_n INTEGER NOT NULL,
      daily_sum REAL NOT NULL,
      daily_sum_sq REAL NOT NULL,
      daily_down_sq REAL NOT NULL,
      sharpe REAL,
      sortino REAL,
      win_rate REAL,
      profit_factor REAL,
      PRIMARY KEY (run_no, trader_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX trader_stats_realized ON trader_stats (run_no, realized_cents);
    CREATE INDEX trader_stats_sharpe ON trader_stats (run_no, sharpe);

    CREATE TABLE farm_blobs (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (name IN ('monthly_cents', 'daily_sample', 'daily_sample_ids')),
      meta_json TEXT NOT NULL CHECK (json_valid(meta_json)),
      data BLOB NOT NULL,
      PRIMARY KEY (run_id, name)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE positions (
      id TEXT PRIMARY KEY CHECK (length(id) = 36),
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      trader_id INTEGER NOT NULL,
      idempotency_key TEXT NOT NULL UNIQUE,
      symbol TEXT NOT NULL CHECK (symbol IN ('IBIT', 'BITO')),
      expiry TEXT NOT NULL,
      short_strike REAL NOT NULL,
      long_strike REAL NOT NULL,
      contracts INTEGER NOT NULL CHECK (contracts > 0),
      credit_pips INTEGER NOT NULL,
      entry_ms INTEGER NOT NULL,
      pt_mid_pips INTEGER NOT NULL,
      stop_mid_pips INTEGER NOT NULL,
      arm_mid_pips INTEGER NOT NULL,
      trail_gap_pips INTEGER NOT NULL,
      low_mid_pips INTEGER NOT NULL,
      last_mark_pips INTEGER NOT NULL,
      max_loss_cents INTEGER NOT NULL,
      delta_usd REAL NOT NULL,
      vega_usd REAL NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
      exit_ms INTEGER,
      exit_reason TEXT,
      exit_pips INTEGER,
      pnl_cents INTEGER,
      fees_cents INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX positions_one_open ON positions (run_id, trader_id, symbol, expiry, short_strike, long_strike)
      WHERE status = 'open';
    CREATE INDEX positions_run_status ON positions (run_id, status, expiry);
    CREATE INDEX positions_trader ON positions (run_id, trader_id, entry_ms);

    -- Daily series fetched from live providers (DVOL backfill for IV rank on day one).
    CREATE TABLE market_daily (
      series TEXT NOT NULL CHECK (series IN ('dvol_btc')),
      date TEXT NOT NULL,
      value REAL NOT NULL,
      PRIMARY KEY (series, date)
    ) STRICT, WITHOUT ROWID;
  `,
};
