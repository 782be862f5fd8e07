import { randomUUID } from 'node:crypto';
import type {
  NewRun,
  RunKind,
  RunRecord,
  RunRefOptions,
  RunRefResult,
  RunStatus,
  Runs,
} from '../../core/runs.js';
import type { Clock } from '../../core/time/clock.js';
import { type Db, type OpenStoreOptions, openStore } from './db.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface NewEvent {
  runId?: string | null;
  level?: EventLevel;
  kind: string;
  message: string;
  data?: unknown;
}

/** A row of the runs table; `toRun` is its one mapping. */
export interface RunRow {
  id: string;
  kind: RunKind;
  command: string;
  status: RunStatus;
  created_ms: number;
  updated_ms: number;
  window_from_ms: number | null;
  window_to_ms: number | null;
  seed: number | null;
  engine: string | null;
  app_version: string;
  provenance_json: string;
}

/** The settings key that names the live farm's run. */
const LIVE_RUN_KEY = 'live_run_id';

/** The store's typed operations; SQL stays here, statements are prepared once. */
export class Store implements Runs {
  readonly db: Db;
  readonly clock: Clock;
  private readonly stmts;

  constructor(db: Db, clock: Clock) {
    this.db = db;
    this.clock = clock;
    this.stmts = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, kind, command, status, created_ms, updated_ms, window_from_ms, window_to_ms, seed, engine, app_version, provenance_json)
         VALUES (@id, @kind, @command, 'running', @now, @now, @windowFromMs, @windowToMs, @seed, @engine, @appVersion, @provenance)`,
      ),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      latestRun: db.prepare(
        "SELECT * FROM runs WHERE kind != 'live' ORDER BY created_ms DESC, rowid DESC LIMIT 1",
      ),
      // Bound flags rather than four statement variants: the runs table is small.
      latestRef: db.prepare(
        `SELECT r.id FROM runs r
         WHERE r.kind != 'live' AND (@completed = 0 OR r.status = 'completed')
           AND (@farm = 0 OR EXISTS (SELECT 1 FROM farm_runs f WHERE f.run_id = r.id))
         ORDER BY r.created_ms DESC, r.rowid DESC LIMIT 1`,
      ),
      prefixRef: db.prepare(
        `SELECT r.id FROM runs r
         WHERE substr(r.id, 1, @n) = @prefix
           AND (@farm = 0 OR EXISTS (SELECT 1 FROM farm_runs f WHERE f.run_id = r.id))
         ORDER BY r.created_ms DESC, r.rowid DESC`,
      ),
      listRuns: db.prepare('SELECT * FROM runs ORDER BY created_ms DESC, rowid DESC LIMIT ?'),
      setStatus: db.prepare('UPDATE runs SET status = ?, updated_ms = ? WHERE id = ?'),
      insertEvent: db.prepare(
        'INSERT INTO events (run_id, ts_ms, level, kind, message, data_json) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getSetting: db.prepare('SELECT value_json FROM settings WHERE key = ?'),
      putSetting: db.prepare(
        `INSERT INTO settings (key, value_json, updated_ms) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_ms = excluded.updated_ms`,
      ),
    };
  }

  static open(path: string, clock: Clock, opts?: OpenStoreOptions): Store {
    return new Store(openStore(path, opts), clock);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  createRun(run: NewRun): RunRecord {
    const id = randomUUID();
    this.stmts.insertRun.run({
      id,
      kind: run.kind,
      command: run.command,
      now: this.clock.nowMs(),
      windowFromMs: run.windowFromMs ?? null,
      windowToMs: run.windowToMs ?? null,
      seed: run.seed ?? null,
      engine: run.engine ?? null,
      appVersion: run.appVersion,
      provenance: JSON.stringify(run.provenance),
    });
    return this.getRun(id)!;
  }

  getRun(id: string): RunRecord | null {
    const row = this.stmts.getRun.get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  latestRun(): RunRecord | null {
    const row = this.stmts.latestRun.get() as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  /** See RunRefResult for the grammar. */
  resolveRunRef(ref: string, options: RunRefOptions = {}): RunRefResult {
    const want = ref.trim().toLowerCase();
    const farm = options.farm ? 1 : 0;
    let ids: string[];
    if (want === 'latest') {
      const row = this.stmts.latestRef.get({ farm, completed: options.completed ? 1 : 0 }) as
        | { id: string }
        | undefined;
      ids = row ? [row.id] : [];
    } else if (want === 'live') {
      const id = this.getSetting<string>(LIVE_RUN_KEY);
      ids = id ? [id] : [];
    } else {
      // Hex digits and dashes only: nothing else can be part of an id.
      if (!/^[0-9a-f-]{4,36}$/.test(want)) return { kind: 'not-a-ref' };
      ids = (this.stmts.prefixRef.all({ n: want.length, prefix: want, farm }) as { id: string }[]).map(
        (r) => r.id,
      );
    }
    if (ids.length > 1) return { kind: 'ambiguous', ids };
    const run = ids.length ? this.getRun(ids[0]) : null;
    return run ? { kind: 'found', run } : { kind: 'none' };
  }

  listRuns(limit = 50): RunRecord[] {
    return (this.stmts.listRuns.all(limit) as RunRow[]).map(toRun);
  }

  setRunStatus(id: string, status: RunStatus): void {
    this.stmts.setStatus.run(status, this.clock.nowMs(), id);
  }

  /** The live farm's run id, or null before its first step (never creates one). */
  liveRunId(): string | null {
    return this.getSetting<string>(LIVE_RUN_KEY);
  }

  /** Forgets the live farm's run (when that run is removed). */
  forgetLiveRun(): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(LIVE_RUN_KEY);
  }

  /** The single long-lived run that live farm rows belong to, created on first use. */
  liveRun(appVersion: string): RunRecord {
    const found = () => {
      const id = this.getSetting<string>(LIVE_RUN_KEY);
      return id ? this.getRun(id) : null;
    };
    // Looked up again inside the write lock: two first steps at once must not make two live runs.
    return (
      found() ??
      this.db
        .transaction(() => {
          const again = found();
          if (again) return again;
          const run = this.createRun({
            kind: 'live',
            command: 'live',
            appVersion,
            provenance: { source: 'live' },
          });
          this.putSetting(LIVE_RUN_KEY, run.id);
          return run;
        })
        .immediate()
    );
  }

  logEvent(e: NewEvent): void {
    this.stmts.insertEvent.run(
      e.runId ?? null,
      this.clock.nowMs(),
      e.level ?? 'info',
      e.kind,
      e.message,
      e.data === undefined ? null : JSON.stringify(e.data),
    );
  }

  /** Several events in one transaction: one commit, not one per row. */
  logEvents(events: NewEvent[]): void {
    this.db.transaction(() => {
      for (const e of events) this.logEvent(e);
    })();
  }

  /** Stored daily DVOL closes (live source backfill), oldest first. */
  loadDvol(): { date: string; vol: number }[] {
    return this.db
      .prepare("SELECT date, value AS vol FROM market_daily WHERE series = 'dvol_btc' ORDER BY date")
      .all() as {
      date: string;
      vol: number;
    }[];
  }

  saveDvol(points: { date: string; vol: number }[]): void {
    const put = this.db.prepare(
      "INSERT INTO market_daily (series, date, value) VALUES ('dvol_btc', ?, ?) ON CONFLICT (series, date) DO UPDATE SET value = excluded.value",
    );
    this.db.transaction(() => {
      for (const p of points) put.run(p.date, p.vol);
    })();
  }

  getSetting<T>(key: string): T | null {
    const row = this.stmts.getSetting.get(key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : null;
  }

  putSetting(key: string, value: unknown): void {
    this.stmts.putSetting.run(key, JSON.stringify(value), this.clock.nowMs());
  }
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    command: r.command,
    status: r.status,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    windowFromMs: r.window_from_ms,
    windowToMs: r.window_to_ms,
    seed: r.seed,
    engine: r.engine,
    appVersion: r.app_version,
    provenance: JSON.parse(r.provenance_json),
  };
}
