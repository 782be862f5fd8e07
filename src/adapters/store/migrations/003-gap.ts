import type { Migration } from './migration.js';

/** Official session closes (so the gap is measured from a recorded close): one row per NYSE session, written once by `argus gap snapshot`. */
export const m003Gap: Migration = {
  version: 3,
  name: 'gap snapshots',
  up: `
    CREATE TABLE gap_snapshots (
      session_date TEXT PRIMARY KEY,
      close_ms INTEGER NOT NULL,
      ibit_close REAL NOT NULL CHECK (ibit_close > 0),
      bito_close REAL CHECK (bito_close IS NULL OR bito_close > 0),
      btc_at_close REAL NOT NULL CHECK (btc_at_close > 0),
      btc_source TEXT NOT NULL,
      etf_source TEXT NOT NULL,
      recorded_ms INTEGER NOT NULL
    ) STRICT;
  `,
};
