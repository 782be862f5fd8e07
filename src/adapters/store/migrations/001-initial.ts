import type { Migration } from './migration.js';

/**
 * Runs carry provenance; every row produced by a replay or sim carries its run id so it never
 * mixes with live data (the live farm has its own run of kind 'live'). Ids are full UUIDs or
 * integers, never truncated (seed #7).
 */
export const m001Initial: Migration = {
  version: 1,
  name: 'runs, events, settings',
  up: `
    CREATE TABLE runs (
      id TEXT PRIMARY KEY CHECK (length(id) = 36),
      kind TEXT NOT NULL CHECK (kind IN ('live', 'replay', 'sim')),
      command TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
      created_ms INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL,
      window_from_ms INTEGER,
      window_to_ms INTEGER,
      seed INTEGER,
      engine TEXT,
      app_version TEXT NOT NULL,
      provenance_json TEXT NOT NULL CHECK (json_valid(provenance_json))
    ) STRICT;
    CREATE INDEX runs_kind_created ON runs (kind, created_ms);

    CREATE TABLE events (
      id INTEGER PRIMARY KEY,
      run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
      ts_ms INTEGER NOT NULL,
      level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      data_json TEXT CHECK (data_json IS NULL OR json_valid(data_json))
    ) STRICT;
    CREATE INDEX events_run_ts ON events (run_id, ts_ms);
    CREATE INDEX events_kind_ts ON events (kind, ts_ms);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value_json TEXT NOT NULL CHECK (json_valid(value_json)),
      updated_ms INTEGER NOT NULL
    ) STRICT;
  `,
};
