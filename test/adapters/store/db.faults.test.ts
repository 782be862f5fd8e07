import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, storeError } from '../../../src/adapters/store/db.js';
import { Store } from '../../../src/adapters/store/store.js';
import { ExitCode, StoreError } from '../../../src/core/errors.js';
import { ManualClock } from '../../../src/core/time/clock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-store-faults-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const clock = ManualClock.at('2025-03-10T15:00:00Z');

function thrown(f: () => unknown): StoreError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('nothing thrown');
}

describe('openStore refuses what is not an Argus store and leaves it byte for byte unchanged', () => {
  it("someone else's SQLite file (an unrelated table, user_version 0)", () => {
    const path = join(dir, 'notes.db');
    const raw = new Database(path);
    raw.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine')",
    );
    raw.close();
    chmodSync(path, 0o644);
    const before = sha(path);
    const e = thrown(() => openStore(path));
    expect(e.message).toBe(`${path} is a SQLite database but not an Argus store (it has the table notes)`);
    expect(e.hint).toBe('pass --db with an Argus database, or a new file name (Argus creates it)');
    expect(e.exitCode).toBe(ExitCode.Store);
    expect(sha(path)).toBe(before);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('a file of random bytes', () => {
    const path = join(dir, 'random.db');
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const before = sha(path);
    const e = thrown(() => openStore(path));
    expect(e.message).toBe(`${path} is not a SQLite database (its first bytes are not a SQLite header)`);
    expect(e.hint).toBe('pass --db with an Argus database, or a new file name (Argus creates it)');
    expect(sha(path)).toBe(before);
  });

  it('an existing store is opened without changing its mode', () => {
    const path = join(dir, 'mine.db');
    openStore(path).close();
    chmodSync(path, 0o640);
    openStore(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});

describe('a read-only store', () => {
  it('reads without changing a byte; a write fails with the file named and what to do', () => {
    const path = join(dir, 'ro.db');
    const w = Store.open(path, clock);
    const run = w.createRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} });
    w.close();
    const before = sha(path);
    const r = Store.open(path, clock, { readonly: true });
    expect(r.getRun(run.id)?.id).toBe(run.id);
    expect(r.db.pragma('journal_mode', { simple: true })).toBe('wal');
    let err: unknown;
    try {
      r.setRunStatus(run.id, 'failed');
    } catch (e) {
      err = storeError(e, path);
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toBe(`${path} is read-only (attempt to write a readonly database)`);
    expect((err as StoreError).hint).toBe(
      'read commands work on it; to write, make the file and its directory writable or pass --db with another file',
    );
    r.close();
    expect(sha(path)).toBe(before);
  });
});

describe('raw driver errors become store errors naming the file', () => {
  it('damaged, full and I/O errors: what is wrong and what to do, exit code 4', () => {
    const err = (code: string, message: string) =>
      Object.assign(new Error(message), { name: 'SqliteError', code });
    const p = '/data/argus.db';
    expect(storeError(err('SQLITE_CORRUPT', 'database disk image is malformed'), p)).toMatchObject({
      message: '/data/argus.db is damaged (database disk image is malformed)',
      hint: 'restore it from a backup, or move it away and let Argus start a new one',
      exitCode: 4,
    });
    expect(storeError(err('SQLITE_NOTADB', 'file is not a database'), p)).toMatchObject({
      message: '/data/argus.db is damaged (file is not a database)',
    });
    expect(storeError(err('SQLITE_FULL', 'database or disk is full'), p)).toMatchObject({
      message: 'no space left to write /data/argus.db (database or disk is full)',
      hint: 'free some disk space and run the command again; an interrupted backtest continues with `argus farm run --resume <run>`',
    });
    expect(
      storeError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), p),
    ).toMatchObject({
      message: 'no space left to write /data/argus.db (ENOSPC: no space left on device, write)',
    });
    expect(storeError(err('SQLITE_IOERR_WRITE', 'disk I/O error'), p)).toMatchObject({
      message: 'cannot read or write /data/argus.db: disk I/O error',
      hint: 'check the disk and the file system it is on, then run the command again',
    });
    // Not a store error: left alone.
    expect(storeError(new TypeError('x'), p)).toBeNull();
  });
});
