import type { Migration } from './migration.js';

/**
 * What `review --run` reads of a backtest's day: each step's exits by reason, and the book marked
 * at each session's close (NULL on other steps and for runs stored before it).
 */
export const m011StepExits: Migration = {
  version: 11,
  name: 'farm_steps exits and close marks',
  up: `
    ALTER TABLE farm_steps ADD COLUMN exits_json TEXT CHECK (exits_json IS NULL OR json_valid(exits_json));
    ALTER TABLE farm_steps ADD COLUMN open_mtm_cents INTEGER;
  `,
};
