import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export type Db = Database.Database;

export interface OpenStoreOptions {
  migrations?: readonly Migration[];
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/**
 * Open (creating if needed, mode 0600) the SQLite store and bring it to the newest schema.
 * A database written by a newer Argus is refused rather than guessed at.
 */
export function openStore(path: string, opts: OpenStoreOptions = {}): Db {
  const migrations = opts.migrations ?? MIGRATIONS;
  if (path !== ':memory:') {
    if (!existsSync(path)) {
      if (opts.readonly) {
        throw new StoreError(
          `no Argus database at ${path}`,
          'run a command that writes (e.g. `argus farm run`) first, or pass --db',
        );
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
    }
    chmodSync(path, 0o600);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: path !== ':memory:' });
  } catch (err) {
    throw new StoreError(
      `cannot open the database ${path}: ${(err as Error).message}`,
      'check the --db path and its permissions',
      err,
    );
  }
  try {
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations, path, opts.readonly ?? false);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
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
      `${label} needs migrating from schema ${current} to ${latest}`,
      'run any writing command once to upgrade it',
    );
  }
  const apply = db.transaction(() => {
    for (const m of pending) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // user_version cannot be bound as a parameter; the value is an integer from our own list.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }
  });
  try {
    apply.immediate();
  } catch (err) {
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
