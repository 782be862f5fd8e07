import type { Migration } from './migration.js';

/**
 * What `argus monitor` keeps as it runs: one market snapshot per refresh (so the conditions it
 * saw can be read back and IV rank history accrues beside the DVOL closes), and its start/stop
 * notifications in the outbox (SQLite cannot alter a CHECK, so the outbox is copied once).
 */
export const m007Monitor: Migration = {
  version: 7,
  name: 'market snapshots; monitor notifications',
  up: `
    CREATE TABLE market_snapshots (
      id INTEGER PRIMARY KEY,
      at_ms INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('live', 'replay', 'sim')),
      btc_usd REAL CHECK (btc_usd IS NULL OR btc_usd > 0),
      btc_change_24h REAL,
      dvol REAL CHECK (dvol IS NULL OR dvol > 0),
      iv_rank REAL CHECK (iv_rank IS NULL OR (iv_rank >= 0 AND iv_rank <= 1)),
      funding_8h REAL,
      ibit_usd REAL CHECK (ibit_usd IS NULL OR ibit_usd > 0),
      bito_usd REAL CHECK (bito_usd IS NULL OR bito_usd > 0),
      warmth REAL CHECK (warmth IS NULL OR (warmth >= 1 AND warmth <= 10)),
      recorded_ms INTEGER NOT NULL,
      UNIQUE (source, at_ms)
    ) STRICT;

    CREATE TABLE outbox_v7 (
      id INTEGER PRIMARY KEY,
      channel TEXT NOT NULL CHECK (channel IN ('telegram')),
      kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'review', 'promotion', 'monitor')),
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
    INSERT INTO outbox_v7 SELECT * FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v7 RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (status, next_attempt_ms, id);
    CREATE INDEX outbox_dedup ON outbox (kind, dedup_key, created_ms);
    CREATE INDEX outbox_kind_created ON outbox (kind, created_ms);
  `,
};
