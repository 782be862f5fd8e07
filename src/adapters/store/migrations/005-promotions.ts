import type { Migration } from './migration.js';

/**
 * `argus promote`: each evaluation of a run with its parameters and outcome, the effective number
 * of trials estimated per in-sample window (stored with the run), and the promoted configurations
 * with their evidence. The recommendation reads the active promotions (promote-store.ts).
 */
export const m005Promotions: Migration = {
  version: 5,
  name: 'promotions, trial counts',
  up: `
    CREATE TABLE promotion_evals (
      id TEXT PRIMARY KEY CHECK (length(id) = 36),
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      created_ms INTEGER NOT NULL,
      params_json TEXT NOT NULL CHECK (json_valid(params_json)),
      summary_json TEXT NOT NULL CHECK (json_valid(summary_json))
    ) STRICT;
    CREATE INDEX promotion_evals_run ON promotion_evals (run_id, created_ms);

    CREATE TABLE trial_counts (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      -- In-sample window, 'YYYY-MM' inclusive.
      is_from TEXT NOT NULL,
      is_to TEXT NOT NULL,
      method TEXT NOT NULL,
      rho REAL NOT NULL,
      n_eff REAL NOT NULL CHECK (n_eff >= 1),
      sample_size INTEGER NOT NULL,
      sample_active INTEGER NOT NULL,
      clusters INTEGER NOT NULL,
      grid_traders INTEGER NOT NULL,
      -- Fitted scaling exponent; NULL when the sample is the whole grid.
      exponent REAL,
      detail_json TEXT NOT NULL CHECK (json_valid(detail_json)),
      computed_ms INTEGER NOT NULL,
      PRIMARY KEY (run_id, is_from, is_to, method, rho)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE promotions (
      id INTEGER PRIMARY KEY,
      eval_id TEXT NOT NULL REFERENCES promotion_evals (id) ON DELETE CASCADE,
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      trader_id INTEGER NOT NULL,
      config_json TEXT NOT NULL CHECK (json_valid(config_json)),
      rank INTEGER NOT NULL CHECK (rank >= 1),
      active INTEGER NOT NULL CHECK (active IN (0, 1)),
      promoted_ms INTEGER NOT NULL,
      evidence_json TEXT NOT NULL CHECK (json_valid(evidence_json))
    ) STRICT;
    CREATE INDEX promotions_active ON promotions (active, rank);
    CREATE UNIQUE INDEX promotions_eval_rank ON promotions (eval_id, rank);
  `,
};
