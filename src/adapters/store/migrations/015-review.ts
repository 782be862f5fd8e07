import type { Migration } from './migration.js';

/**
 * `argus promote --review`: a promotion followed forward on the live farm is demoted with the time
 * and the reason (a demoted row has active = 0 and demoted_ms set; one replaced by a later
 * evaluation has active = 0 and no demoted_ms), and each review leaves its last verdict.
 */
export const m015Review: Migration = {
  version: 15,
  name: 'promotion reviews: demotion and last verdict',
  up: `
    ALTER TABLE promotions ADD COLUMN demoted_ms INTEGER;
    ALTER TABLE promotions ADD COLUMN demoted_reason TEXT;
    ALTER TABLE promotions ADD COLUMN review_json TEXT CHECK (review_json IS NULL OR json_valid(review_json));
  `,
};
