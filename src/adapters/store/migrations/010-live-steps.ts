import type { Migration } from './migration.js';

/**
 * A live step is its market minute: each one is recorded, so a second process for a minute already
 * stepped can see who did it and stop. Steps take turns under one lock row, held by a process id
 * (a lock whose process is gone is taken over).
 */
export const m010LiveSteps: Migration = {
  version: 10,
  name: 'live steps by market minute, the live step lock',
  up: `
    CREATE TABLE live_steps (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      minute_ms INTEGER NOT NULL,
      mode TEXT NOT NULL CHECK (mode IN ('full', 'exits', 'expire')),
      step INTEGER NOT NULL,
      opened INTEGER NOT NULL,
      closed INTEGER NOT NULL,
      PRIMARY KEY (run_id, minute_ms, mode)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE live_step_lock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      token TEXT NOT NULL,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      since_ms INTEGER NOT NULL
    ) STRICT;
  `,
};
