import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointFiles } from '../adapters/store/checkpoints.js';
import type { Store } from '../adapters/store/store.js';
import { StoreError, UsageError } from '../core/errors.js';
import type { RunKind, RunRecord, RunStatus } from '../core/runs.js';

const LIVE_RUN_KEY = 'live_run_id';
const UUID_LEN = 36;

export interface RunSummary {
  id: string;
  kind: RunKind;
  status: RunStatus;
  command: string;
  createdMs: number;
  updatedMs: number;
  windowFromMs: number | null;
  windowToMs: number | null;
  seed: number | null;
  engine: string | null;
  /** The live farm's run (its positions are the live book). */
  live: boolean;
  traders: number | null;
  stepsDone: number | null;
  stepsTotal: number | null;
  /** Bytes of this run's checkpoint files beside the database. */
  checkpointBytes: number;
  /** Active promotions that name this run. */
  activePromotions: number;
}

/** Checkpoint files per run id: count and bytes. Missing directory = none. */
export function checkpointUsage(files: CheckpointFiles): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>();
  let names: string[];
  try {
    names = readdirSync(files.dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (n.length <= UUID_LEN || n[UUID_LEN] !== '.') continue;
    const id = n.slice(0, UUID_LEN);
    let bytes = 0;
    try {
      bytes = statSync(join(files.dir, n)).size;
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

export function liveRunIdOf(store: Store): string | null {
  return store.getSetting<string>(LIVE_RUN_KEY);
}

/** Active promotions per run id. */
export function activePromotions(store: Store): Map<string, number> {
  const out = new Map<string, number>();
  const rows = store.db
    .prepare('SELECT run_id, count(*) AS n FROM promotions WHERE active = 1 GROUP BY run_id')
    .all() as { run_id: string; n: number }[];
  for (const r of rows) out.set(r.run_id, r.n);
  return out;
}

interface RunRow {
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
  traders: number | null;
  steps_done: number | null;
  steps_total: number | null;
}

// One fixed statement; absent filters are NULL parameters.
const RUN_QUERY = `SELECT r.id, r.kind, r.command, r.status, r.created_ms, r.updated_ms, r.window_from_ms, r.window_to_ms,
  r.seed, r.engine, f.traders, f.steps_done, f.steps_total FROM runs r LEFT JOIN farm_runs f ON f.run_id = r.id
  WHERE (@id IS NULL OR r.id = @id) AND (@kind IS NULL OR r.kind = @kind) AND (@status IS NULL OR r.status = @status)
  ORDER BY r.created_ms DESC, r.rowid DESC LIMIT @limit`;

function summarise(
  rows: RunRow[],
  liveId: string | null,
  usage: Map<string, { count: number; bytes: number }>,
  promos: Map<string, number>,
): RunSummary[] {
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    command: r.command,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    windowFromMs: r.window_from_ms,
    windowToMs: r.window_to_ms,
    seed: r.seed,
    engine: r.engine,
    live: r.kind === 'live' || r.id === liveId,
    traders: r.traders,
    stepsDone: r.steps_done,
    stepsTotal: r.kind === 'live' ? null : r.steps_total,
    checkpointBytes: usage.get(r.id)?.bytes ?? 0,
    activePromotions: promos.get(r.id) ?? 0,
  }));
}

export interface ListRunsOptions {
  limit?: number;
  kind?: RunKind;
  status?: RunStatus;
}

/** Newest first, with the farm size, progress and the disk its checkpoints take. */
export function listRuns(store: Store, o: ListRunsOptions = {}): RunSummary[] {
  const rows = store.db
    .prepare(RUN_QUERY)
    .all({ id: null, kind: o.kind ?? null, status: o.status ?? null, limit: o.limit ?? 50 }) as RunRow[];
  return summarise(
    rows,
    liveRunIdOf(store),
    checkpointUsage(new CheckpointFiles(store.db)),
    activePromotions(store),
  );
}

export function runSummaries(store: Store, ids: string[]): RunSummary[] {
  if (ids.length === 0) return [];
  const get = store.db.prepare(RUN_QUERY);
  const rows = ids.map((id) => get.get({ id, kind: null, status: null, limit: 1 }) as RunRow).filter(Boolean);
  return summarise(
    rows,
    liveRunIdOf(store),
    checkpointUsage(new CheckpointFiles(store.db)),
    activePromotions(store),
  );
}

/** A full run id or a unique prefix of at least 4 characters (lists show the first 8). */
export function resolveRun(store: Store, idOrPrefix: string): RunRecord {
  const want = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(want)) {
    throw new UsageError(
      `"${idOrPrefix}" is not a run id`,
      'give the id (or its first 8 characters) from `argus runs list`',
    );
  }
  const rows = store.db
    .prepare('SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY created_ms')
    .all(want.length, want) as {
    id: string;
  }[];
  if (rows.length === 0) throw new UsageError(`no run ${idOrPrefix}`, 'see `argus runs list`');
  if (rows.length > 1) {
    throw new UsageError(
      `${idOrPrefix} matches ${rows.length} runs: ${rows
        .slice(0, 5)
        .map((r) => r.id)
        .join(', ')}${rows.length > 5 ? ', …' : ''}`,
      'give more of the id',
    );
  }
  return store.getRun(rows[0].id)!;
}

export interface RemovalPlan {
  run: RunSummary;
  /** Rows that go with the run (foreign keys cascade). */
  rows: {
    positions: number;
    traderStats: number;
    steps: number;
    events: number;
    blobs: number;
    checkpoints: number;
  };
  checkpointFiles: { count: number; bytes: number };
  /** Why this run should not go without --force. */
  blockers: string[];
}

export function planRemoveRun(store: Store, idOrPrefix: string): RemovalPlan {
  const run = resolveRun(store, idOrPrefix);
  const summary = runSummaries(store, [run.id])[0];
  const db = store.db;
  const count = (sql: string) => (db.prepare(sql).get(run.id) as { n: number }).n;
  const rows = {
    positions: count('SELECT count(*) AS n FROM positions WHERE run_id = ?'),
    traderStats: count(
      'SELECT count(*) AS n FROM trader_stats WHERE run_no = (SELECT run_no FROM farm_runs WHERE run_id = ?)',
    ),
    steps: count('SELECT count(*) AS n FROM farm_steps WHERE run_id = ?'),
    events: count('SELECT count(*) AS n FROM events WHERE run_id = ?'),
    blobs: count('SELECT count(*) AS n FROM farm_blobs WHERE run_id = ?'),
    checkpoints: count('SELECT count(*) AS n FROM farm_checkpoints WHERE run_id = ?'),
  };
  const files = checkpointUsage(new CheckpointFiles(db)).get(run.id) ?? { count: 0, bytes: 0 };
  const blockers: string[] = [];
  if (summary.live) blockers.push('it is the live farm run: its open positions are the live book');
  else if (run.status === 'running') {
    blockers.push(
      'it is marked running: another process may be running it, or it was interrupted and can be resumed',
    );
  }
  if (summary.activePromotions)
    blockers.push(`${summary.activePromotions} active promotion(s) come from it and would go with it`);
  return { run: summary, rows, checkpointFiles: files, blockers };
}

export interface RemovalResult extends RemovalPlan {
  removed: true;
  freedCheckpointBytes: number;
}

/**
 * Delete a run and everything that belongs to it in one transaction, then its checkpoint files
 * (after the commit, so a failed delete never leaves rows pointing at missing files).
 */
export function removeRun(store: Store, plan: RemovalPlan, o: { force?: boolean } = {}): RemovalResult {
  if (plan.blockers.length && !o.force) {
    throw new UsageError(
      `not removing run ${plan.run.id}: ${plan.blockers.join('; ')}`,
      'pass --force to remove it anyway (--dry-run shows what would go)',
    );
  }
  const db = store.db;
  const id = plan.run.id;
  try {
    db.transaction(() => {
      if (liveRunIdOf(store) === id) db.prepare('DELETE FROM settings WHERE key = ?').run(LIVE_RUN_KEY);
      db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    }).immediate();
  } catch (err) {
    throw new StoreError(
      `cannot remove run ${id}: ${(err as Error).message}`,
      'another table still refers to this run (e.g. promotions); remove those rows first',
      err,
    );
  }
  const files = new CheckpointFiles(db);
  files.prune(id, null);
  return { ...plan, removed: true, freedCheckpointBytes: plan.checkpointFiles.bytes };
}
