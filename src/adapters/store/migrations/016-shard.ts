import type { Migration } from './migration.js';

/**
 * A run split over processes (`farm run --shard I/N`, recorded in its provenance): each completed
 * shard keeps its traders and what `farm merge` needs beside its results to recompute the whole run's summary —
 * its running totals and each trader's entries and entries whose stop could not fire (int32,
 * trader-major over its own traders). A run without a row here is not a shard.
 */
export const m016Shard: Migration = {
  version: 16,
  name: 'farm shards',
  up: `
    CREATE TABLE farm_shards (
      run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      trader_from INTEGER NOT NULL CHECK (trader_from >= 0),
      trader_to INTEGER NOT NULL CHECK (trader_to > trader_from),
      totals_json TEXT NOT NULL CHECK (json_valid(totals_json)),
      entries BLOB NOT NULL,
      no_stop_entries BLOB NOT NULL
    ) STRICT;
  `,
};
