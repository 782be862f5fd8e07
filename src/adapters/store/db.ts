import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export type Db = Database.Database;

export interface OpenStoreOptions {
  migrations?: readonly Migration[];
  /** Open for reading only (also chosen by itself when the file or its directory cannot be written). */
  readonly?: boolean;
  /** Refuse a path where no database exists yet (a read command creates nothing, not even a directory). */
  mustExist?: boolean;
  busyTimeoutMs?: number;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const NOT_OURS_HINT = 'pass --db with an Argus database, or a new file name (Argus creates it)';

/** The file each open database was opened from (an in-memory copy of a read-only one keeps its origin). */
const files = new WeakMap<Db, string>();

/** The path a store was opened from. */
export function dbFile(db: Db): string {
  return files.get(db) ?? db.name;
}

/**
 * Open (creating if needed, mode 0600) the SQLite store and bring it to the newest schema.
 * Nothing is changed in a file that is not an Argus store (foreign tables, a newer schema, not
 * SQLite at all): it is refused as it is. A file or directory that cannot be written is opened
 * read-only, without touching its mode or journal; a write to it then fails with a store error.
 */
export function openStore(path: string, opts: OpenStoreOptions = {}): Db {
  const migrations = opts.migrations ?? MIGRATIONS;
  if (path === ':memory:') return prepare(new Database(path), path, migrations, false, opts);
  let readonly = opts.readonly ?? false;
  try {
    if (!existsSync(path)) {
      if (readonly || opts.mustExist) {
        throw new StoreError(
          `no Argus database at ${path}`,
          'run a command that writes (e.g. `argus farm run`) first, or pass --db',
        );
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'wx', 0o600));
    } else {
      checkHeader(path);
      readonly ||= !writable(path) || !writable(dirname(path));
    }
    return prepare(
      readonly ? openReadonly(path) : new Database(path, { fileMustExist: true }),
      path,
      migrations,
      readonly,
      opts,
    );
  } catch (err) {
    throw storeError(err, path) ?? err;
  }
}

function prepare(
  db: Db,
  path: string,
  migrations: readonly Migration[],
  readonly: boolean,
  opts: OpenStoreOptions,
): Db {
  files.set(db, path);
  try {
    // Before anything that writes (the journal mode is in the file's header): refuse what is not ours.
    checkOurs(db, path, migrations.length);
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations, path, readonly);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A non-empty file must start with SQLite's header; nothing else is even opened. */
function checkHeader(path: string): void {
  if (statSync(path).size === 0) return;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) {
    throw new StoreError(
      `${path} is not a SQLite database (its first bytes are not a SQLite header)`,
      NOT_OURS_HINT,
    );
  }
}

/**
 * A store has user_version > 0 and a runs table; a fresh file has no tables at all. A newer
 * schema is left to `migrate`, which refuses it by name.
 */
function checkOurs(db: Db, path: string, latest: number): void {
  const version = schemaVersion(db);
  if (version > latest) return;
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  if (version === 0 ? tables.length === 0 : tables.includes('runs')) return;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  throw new StoreError(
    `${path} is a SQLite database but not an Argus store (it has the table${tables.length === 1 ? '' : 's'} ${shown})`,
    NOT_OURS_HINT,
  );
}

/**
 * Read-only. SQLite reads a WAL database through its `-shm` file, which it cannot create in a
 * read-only directory: there the file is read into memory instead (still read-only), unless a
 * write-ahead log holds changes not yet in the file.
 */
function openReadonly(path: string): Db {
  if (writable(dirname(path)) || existsSync(`${path}-shm`)) {
    return new Database(path, { readonly: true, fileMustExist: true });
  }
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
    throw new StoreError(
      `${path} is in a read-only directory and its write-ahead log ${path}-wal holds changes SQLite cannot read from there`,
      'copy the database with its -wal file to a writable directory and pass that with --db',
    );
  }
  const image = readFileSync(path);
  // Bytes 18-19 name the journal (2 = WAL); an in-memory image has no log, so it reads as rollback.
  if (image.length > 19) {
    image[18] = 1;
    image[19] = 1;
  }
  return new Database(image, { readonly: true });
}

/**
 * A driver or file-system error on the store as a StoreError naming the file, what is wrong and
 * what to do; null for anything else.
 */
export function storeError(err: unknown, path: string): StoreError | null {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new StoreError(
      `${path} is damaged (${msg})`,
      'restore it from a backup, or move it away and let Argus start a new one',
      err,
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreError(
      `no space left to write ${path} (${msg})`,
      'free some disk space and run the command again; an interrupted backtest continues with `argus farm run --resume <run>`',
      err,
    );
  }
  if (/^SQLITE_READONLY/.test(code) || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreError(
      `${path} is read-only (${msg})`,
      'read commands work on it; to write, make the file and its directory writable or pass --db with another file',
      err,
    );
  }
  if (/^SQLITE_IOERR/.test(code) || code === 'EIO') {
    return new StoreError(
      `cannot read or write ${path}: ${msg}`,
      'check the disk and the file system it is on, then run the command again',
      err,
    );
  }
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new StoreError(
      `${path} stayed locked by another process (${msg})`,
      'another Argus command is writing it: run this one again in a moment',
      err,
    );
  }
  if (/^SQLITE_CANTOPEN/.test(code) || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new StoreError(`cannot open ${path} (${msg})`, 'check the --db path and its permissions', err);
  }
  if (code.startsWith('SQLITE_')) {
    return new StoreError(
      `${path}: ${msg}`,
      'run the command again; if it fails again, report this error',
      err,
    );
  }
  return null;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply pending numbered migrations in one transaction, keyed on PRAGMA user_version. */
export function migrate(
  db: Db,
  migrations: readonly Migration[],
  label = 'database',
  readonly = false,
): number {
  checkMigrationList(migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StoreError(
      `${label} has schema version ${current}, newer than this Argus understands (${latest})`,
      'upgrade Argus, or point --db / ARGUS_DB at another database file',
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  if (readonly) {
    throw new StoreError(
      `${label} needs migrating from schema ${current} to ${latest}, and it is read-only`,
      'run any writing command once on a writable copy to upgrade it',
    );
  }
  const apply = db.transaction(() => {
    // Another process may have migrated while this one waited for the write lock: read again under it.
    const now = schemaVersion(db);
    for (const m of pending.filter((p) => p.version > now)) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // user_version cannot be bound as a parameter; the value is an integer from our own list.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }
  });
  try {
    apply.immediate();
  } catch (err) {
    const known = storeError(err, label);
    if (known && !/^SQLITE_ERROR$/.test(String((err as { code?: unknown }).code))) throw known;
    throw new StoreError(
      `migration of ${label} failed (schema stays at ${current}): ${(err as Error).message}`,
      'the database was left unchanged; report this with the error above',
      err,
    );
  }
  return latest;
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: #${i} has version ${m.version}`);
  });
}
