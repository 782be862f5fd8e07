import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openStore, schemaVersion } from '../../../src/adapters/store/db.js';
import { MIGRATIONS } from '../../../src/adapters/store/migrations/index.js';
import type { Migration } from '../../../src/adapters/store/migrations/migration.js';
import { Store } from '../../../src/adapters/store/store.js';
import { StoreError } from '../../../src/core/errors.js';
import { ManualClock } from '../../../src/core/time/clock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('creates the file 0600 with WAL, foreign keys and a busy timeout, at the newest schema', () => {
    const path = join(dir, 'sub', 'argus.db');
    const db = openStore(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database written by a newer version, leaving it untouched', () => {
    const path = join(dir, 'new.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(/schema version 99, newer than this Argus understands/);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    check.close();
  });

  it('applies migrations in one transaction: a failing one leaves the schema unchanged', () => {
    const path = join(dir, 'fail.db');
    const bad: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'ok part', up: 'CREATE TABLE t1 (x INTEGER)' },
      {
        version: MIGRATIONS.length + 2,
        name: 'broken',
        up: 'CREATE TABLE t2 (x INTEGER); SELECT * FROM no_such_table',
      },
    ];
    openStore(path).close();
    expect(() => openStore(path, { migrations: bad })).toThrow(
      new RegExp(`migration .* failed \\(schema stays at ${MIGRATIONS.length}\\)`),
    );
    const db = openStore(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('t1','t2')").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('rejects a migration list with gaps', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: 'SELECT 1' }])).toThrow(/out of order/);
    db.close();
  });
});

describe('Store', () => {
  it('records runs with full UUIDs and provenance; live rows have their own run', () => {
    const clock = ManualClock.at('2026-11-25T15:00:00Z');
    const store = Store.open(join(dir, 'a.db'), clock);
    const run = store.createRun({
      kind: 'replay',
      command: 'farm run',
      appVersion: '0.1.0',
      seed: 7,
      provenance: { gridHash: 'abc', source: 'replay' },
    });
    expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(run.status).toBe('running');
    expect(run.provenance).toEqual({ gridHash: 'abc', source: 'replay' });
    clock.advance(1000);
    store.setRunStatus(run.id, 'completed');
    expect(store.getRun(run.id)?.status).toBe('completed');
    expect(store.getRun(run.id)?.updatedMs).toBe(clock.nowMs());
    const live = store.liveRun('0.1.0');
    expect(store.liveRun('0.1.0').id).toBe(live.id);
    expect(store.latestRun()?.id).toBe(run.id);
    store.logEvent({ runId: run.id, kind: 'test', message: 'hello', data: { a: 1 } });
    store.putSetting('k', { v: 1 });
    expect(store.getSetting('k')).toEqual({ v: 1 });
    store.close();
  });

  it('rejects truncated ids and unknown run kinds at the schema level', () => {
    const store = Store.open(join(dir, 'b.db'), new ManualClock(0));
    const insert = store.db.prepare(
      "INSERT INTO runs (id, kind, command, status, created_ms, updated_ms, app_version, provenance_json) VALUES (?, ?, 'x', 'running', 0, 0, 'v', '{}')",
    );
    expect(() => insert.run('1234abcd', 'replay')).toThrow(/CHECK/);
    expect(() => insert.run('00000000-0000-0000-0000-000000000000', 'paper')).toThrow(/CHECK/);
    store.close();
  });
});
