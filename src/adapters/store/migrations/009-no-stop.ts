import type { Migration } from './migration.js';

/**
 * Per trader, the share of its entries whose stop could not fire (credit × (1 + X) ≥ width: a
 * spread's mid never exceeds its width). NULL for runs stored before it and traders without entries.
 */
export const m009NoStop: Migration = {
  version: 9,
  name: 'trader_stats.no_stop_share',
  up: `
    ALTER TABLE trader_stats ADD COLUMN no_stop_share REAL;
  `,
};
