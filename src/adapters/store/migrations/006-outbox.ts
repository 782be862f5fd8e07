import type { Migration } from './migration.js';

/**
 * Notification outbox: a message is stored before any attempt to send it and keeps its state
 * (pending → sending → sent | failed; suppressed for duplicates and rate limits). A row left in
 * 'sending' means the process stopped between sending and marking: it is sent again (at least
 * once) with `resent` set so the possible duplicate is visible.
 */
export const m006Outbox: Migration = {
  version: 6,
  name: 'notification outbox; position indexes for the daily review',
  up: `
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY,
      channel TEXT NOT NULL CHECK (channel IN ('telegram')),
      kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'review', 'promotion')),
      chat_id TEXT NOT NULL,
      text TEXT NOT NULL,
      dedup_key TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      created_ms INTEGER NOT NULL,
      next_attempt_ms INTEGER NOT NULL,
      sending_ms INTEGER,
      sent_ms INTEGER,
      message_id INTEGER,
      last_error TEXT,
      resent INTEGER NOT NULL DEFAULT 0 CHECK (resent IN (0, 1))
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (status, next_attempt_ms, id);
    CREATE INDEX outbox_dedup ON outbox (kind, dedup_key, created_ms);
    CREATE INDEX outbox_kind_created ON outbox (kind, created_ms);

    -- The daily review reads the live farm's positions by entry and exit day.
    CREATE INDEX positions_entry ON positions (run_id, entry_ms);
    CREATE INDEX positions_exit ON positions (run_id, exit_ms) WHERE exit_ms IS NOT NULL;
  `,
};
