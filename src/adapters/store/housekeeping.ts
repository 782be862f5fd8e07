import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FileUsage,
  Housekeeping,
  PruneDeletion,
  RunListRow,
  RunRowCounts,
  WalCheckpoint,
} from '../../core/housekeeping.js';
import type { RunKind, RunStatus } from '../../core/runs.js';
import { CheckpointFiles } from './checkpoints.js';
import { dbFile } from './db.js';
import { type RunRow, type Store, toRun } from './store.js';

const UUID_LEN = 36;

type RunListSqlRow = RunRow & {
  traders: number | null;
  steps_done: number | null;
  steps_total: number | null;
};

// One fixed statement; absent filters are NULL parameters.
const RUN_QUERY = `SELECT r.*, f.traders, f.steps_done, f.steps_total FROM runs r LEFT JOIN farm_runs f ON f.run_id = r.id
  WHERE (@id IS NULL OR r.id = @id) AND (@kind IS NULL OR r.kind = @kind) AND (@status IS NULL OR r.status = @status)
  ORDER BY r.created_ms DESC, r.rowid DESC LIMIT @limit`;

const toRow = (r: RunListSqlRow): RunListRow => ({
  ...toRun(r),
  traders: r.traders,
  stepsDone: r.steps_done,
  stepsTotal: r.steps_total,
});

/** Runs, gap snapshots and notifications as housekeeping sees them, and the files beside the database. */
export class SqliteHousekeeping implements Housekeeping {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  listRuns(f: { kind?: RunKind; status?: RunStatus; limit: number }): RunListRow[] {
    const rows = this.db
      .prepare(RUN_QUERY)
      .all({ id: null, kind: f.kind ?? null, status: f.status ?? null, limit: f.limit }) as RunListSqlRow[];
    return rows.map(toRow);
  }

  runRow(id: string): RunListRow | null {
    const r = this.db.prepare(RUN_QUERY).get({ id, kind: null, status: null, limit: 1 }) as
      | RunListSqlRow
      | undefined;
    return r ? toRow(r) : null;
  }

  liveRunId(): string | null {
    return this.store.liveRunId();
  }

  activePromotions(): Map<string, number> {
    const out = new Map<string, number>();
    const rows = this.db
      .prepare('SELECT run_id, count(*) AS n FROM promotions WHERE active = 1 GROUP BY run_id')
      .all() as { run_id: string; n: number }[];
    for (const r of rows) out.set(r.run_id, r.n);
    return out;
  }

  checkpointUsage(): Map<string, FileUsage> {
    const dir = new CheckpointFiles(this.db).dir;
    const out = new Map<string, FileUsage>();
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return out;
    }
    for (const n of names) {
      if (n.length <= UUID_LEN || n[UUID_LEN] !== '.') continue;
      const id = n.slice(0, UUID_LEN);
      let bytes = 0;
      try {
        bytes = statSync(join(dir, n)).size;
      } catch {
        continue;
      }
      const u = out.get(id) ?? { count: 0, bytes: 0 };
      u.count++;
      u.bytes += bytes;
      out.set(id, u);
    }
    return out;
  }

  rowCounts(runId: string): RunRowCounts {
    const count = (sql: string) => (this.db.prepare(sql).get(runId) as { n: number }).n;
    return {
      positions: count('SELECT count(*) AS n FROM positions WHERE run_id = ?'),
      traderStats: count(
        'SELECT count(*) AS n FROM trader_stats WHERE run_no = (SELECT run_no FROM farm_runs WHERE run_id = ?)',
      ),
      steps: count('SELECT count(*) AS n FROM farm_steps WHERE run_id = ?'),
      events: count('SELECT count(*) AS n FROM events WHERE run_id = ?'),
      blobs: count('SELECT count(*) AS n FROM farm_blobs WHERE run_id = ?'),
      checkpoints: count('SELECT count(*) AS n FROM farm_checkpoints WHERE run_id = ?'),
    };
  }

  deleteRun(runId: string): void {
    const db = this.db;
    db.transaction(() => {
      if (this.liveRunId() === runId) this.store.forgetLiveRun();
      db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    }).immediate();
  }

  removeCheckpointFiles(runId: string): void {
    new CheckpointFiles(this.db).prune(runId, null);
  }

  prunableRunIds(beforeMs: number): string[] {
    const rows = this.db
      .prepare(
        `SELECT id FROM runs WHERE kind IN ('replay', 'sim') AND status IN ('completed', 'failed') AND created_ms < ?
         ORDER BY created_ms`,
      )
      .all(beforeMs) as { id: string }[];
    return rows.map((r) => r.id);
  }

  runIds(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
  }

  gapSnapshotsBefore(sessionDate: string): { count: number; first: string | null; last: string | null } {
    const r = this.db
      .prepare(
        'SELECT count(*) AS n, min(session_date) AS first, max(session_date) AS last FROM gap_snapshots WHERE session_date < ?',
      )
      .get(sessionDate) as { n: number; first: string | null; last: string | null };
    return { count: r.n, first: r.first, last: r.last };
  }

  latestGapSnapshot(): string | null {
    return (this.db.prepare('SELECT max(session_date) AS d FROM gap_snapshots').get() as { d: string | null })
      .d;
  }

  earliestOpenLiveExpiry(): string | null {
    return (
      this.db
        .prepare(
          "SELECT min(p.expiry) AS d FROM positions p JOIN runs r ON r.id = p.run_id WHERE r.kind = 'live' AND p.status = 'open'",
        )
        .get() as { d: string | null }
    ).d;
  }

  prunableOutbox(beforeMs: number): number {
    return (
      this.db
        .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('sent', 'suppressed') AND created_ms < ?")
        .get(beforeMs) as { n: number }
    ).n;
  }

  deleteExpired(d: PruneDeletion): { runs: number; gapSnapshots: number; outbox: number } {
    const db = this.db;
    const deleted = { runs: 0, gapSnapshots: 0, outbox: 0 };
    db.transaction(() => {
      const delRun = db.prepare(
        "DELETE FROM runs WHERE id = ? AND kind IN ('replay', 'sim') AND status IN ('completed', 'failed') AND created_ms < ?",
      );
      for (const id of d.runIds) deleted.runs += delRun.run(id, d.beforeMs).changes;
      deleted.gapSnapshots = db
        .prepare('DELETE FROM gap_snapshots WHERE session_date < ?')
        .run(d.gapCutoff).changes;
      deleted.outbox = db
        .prepare("DELETE FROM outbox WHERE status IN ('sent', 'suppressed') AND created_ms < ?")
        .run(d.outboxCutoffMs).changes;
    }).immediate();
    return deleted;
  }

  walCheckpoint(): WalCheckpoint | null {
    const r = this.db.pragma('wal_checkpoint(TRUNCATE)') as WalCheckpoint[];
    return r[0] ?? null;
  }

  vacuum(): void {
    this.db.exec('VACUUM');
  }

  fileBytes(): number {
    const name = dbFile(this.db);
    if (!name || name === ':memory:') return 0;
    let total = 0;
    for (const f of [name, `${name}-wal`]) {
      try {
        total += statSync(f).size;
      } catch {
        // No WAL file yet.
      }
    }
    return total;
  }
}
