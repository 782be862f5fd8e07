import type { Migration } from './migration.js';

/** The process a backtest is running in, so a second `--resume` of it is refused while it runs. */
export const m012RunHolder: Migration = {
  version: 12,
  name: 'runs.holder_pid',
  up: `
    ALTER TABLE runs ADD COLUMN holder_pid INTEGER;
    ALTER TABLE runs ADD COLUMN holder_host TEXT;
  `,
};
