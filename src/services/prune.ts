import { statSync } from 'node:fs';
import { CheckpointFiles } from '../adapters/store/checkpoints.js';
import type { Store } from '../adapters/store/store.js';
import { UsageError } from '../core/errors.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';
import { activePromotions, checkpointUsage, type RunSummary, runSummaries } from './runs.js';

const DAY = 86_400_000;

export interface PrunePlan {
  /** ET date: everything created before its midnight (New York) goes. */
  before: string;
  beforeMs: number;
  runs: RunSummary[];
  skippedRuns: { id: string; reason: string }[];
  /** Snapshots with session_date < cutoff go; cutoff is `before` unless a newer close is still needed. */
  gapSnapshots: {
    count: number;
    first: string | null;
    last: string | null;
    cutoff: string;
    keptReason: string | null;
  };
  outbox: { count: number; cutoffMs: number };
  /** Files of the runs above plus files whose run no longer exists. */
  checkpointFiles: { count: number; bytes: number; orphanRuns: string[] };
}

export interface PruneOptions {
  before: string;
  nowMs: number;
  market: MarketCalendar;
  /** Sent outbox rows younger than this stay (they back the dedup and rate-limit windows). */
  keepOutboxMs?: number;
}

/** What `db prune` would delete; reads only. */
export function planPrune(store: Store, o: PruneOptions): PrunePlan {
  const today = o.market.etDate(o.nowMs);
  if (o.before > today) {
    throw new UsageError(`--before ${o.before} is in the future (today is ${today} ET)`, 'give a past date');
  }
  const beforeMs = o.market.etToUtcMs(o.before, '00:00');
  const db = store.db;

  const candidates = db
    .prepare(
      `SELECT id FROM runs WHERE kind IN ('replay', 'sim') AND status IN ('completed', 'failed') AND created_ms < ?
       ORDER BY created_ms`,
    )
    .all(beforeMs) as { id: string }[];
  const promos = activePromotions(store);
  const skippedRuns: PrunePlan['skippedRuns'] = [];
  const ids: string[] = [];
  for (const { id } of candidates) {
    // A promoted configuration keeps its evidence; `runs rm --force` removes it deliberately.
    if (promos.get(id))
      skippedRuns.push({ id, reason: `${promos.get(id)} active promotion(s) come from it` });
    else ids.push(id);
  }
  const runs = runSummaries(store, ids);

  const g = gapCutoff(store, o.before);
  const snaps = db
    .prepare(
      'SELECT count(*) AS n, min(session_date) AS first, max(session_date) AS last FROM gap_snapshots WHERE session_date < ?',
    )
    .get(g.cutoff) as { n: number; first: string | null; last: string | null };

  const cutoffMs = Math.min(beforeMs, o.nowMs - (o.keepOutboxMs ?? 7 * DAY));
  const { n: outboxN } = db
    .prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('sent', 'suppressed') AND created_ms < ?")
    .get(cutoffMs) as { n: number };

  const usage = checkpointUsage(new CheckpointFiles(db));
  const known = new Set((db.prepare('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
  const orphanRuns = [...usage.keys()].filter((id) => !known.has(id));
  let count = 0;
  let bytes = 0;
  for (const id of [...ids, ...orphanRuns]) {
    const u = usage.get(id);
    if (u) {
      count += u.count;
      bytes += u.bytes;
    }
  }
  return {
    before: o.before,
    beforeMs,
    runs,
    skippedRuns,
    gapSnapshots: {
      count: snaps.n,
      first: snaps.first,
      last: snaps.last,
      cutoff: g.cutoff,
      keptReason: g.reason,
    },
    outbox: { count: outboxN, cutoffMs },
    checkpointFiles: { count, bytes, orphanRuns },
  };
}

/**
 * Snapshots still needed stay: the latest close (the gap is measured from it) and every close on
 * or after the earliest expiry of an open live position (`argus expire` settles at that close).
 */
function gapCutoff(store: Store, before: string): { cutoff: string; reason: string | null } {
  const db = store.db;
  const latest = (
    db.prepare('SELECT max(session_date) AS d FROM gap_snapshots').get() as { d: string | null }
  ).d;
  const expiry = (
    db
      .prepare(
        "SELECT min(p.expiry) AS d FROM positions p JOIN runs r ON r.id = p.run_id WHERE r.kind = 'live' AND p.status = 'open'",
      )
      .get() as {
      d: string | null;
    }
  ).d;
  let cutoff = before;
  let reason: string | null = null;
  if (expiry && expiry < cutoff) {
    cutoff = expiry;
    reason = `closes from ${expiry} on are kept: open live positions expire then and settle at that close`;
  }
  if (latest && latest < cutoff) {
    cutoff = latest;
    reason = `the latest close (${latest}) is kept: the gap is measured from it`;
  }
  return { cutoff, reason };
}

export interface PruneResult extends PrunePlan {
  deleted: { runs: number; gapSnapshots: number; outbox: number; checkpointFiles: number };
  checkpoint: { busy: number; log: number; checkpointed: number } | null;
  vacuum: { ok: boolean; error: string | null };
  /** Database + WAL file bytes before and after, and checkpoint-file bytes removed. */
  bytesBefore: number;
  bytesAfter: number;
  freedBytes: number;
}

/** Execute a plan: one transaction for the rows, then the files, a WAL truncation and VACUUM. */
export function prune(store: Store, plan: PrunePlan): PruneResult {
  const db = store.db;
  const before = dbBytes(store);
  const deleted = { runs: 0, gapSnapshots: 0, outbox: 0, checkpointFiles: plan.checkpointFiles.count };
  db.transaction(() => {
    const delRun = db.prepare(
      "DELETE FROM runs WHERE id = ? AND kind IN ('replay', 'sim') AND status IN ('completed', 'failed') AND created_ms < ?",
    );
    for (const r of plan.runs) deleted.runs += delRun.run(r.id, plan.beforeMs).changes;
    deleted.gapSnapshots = db
      .prepare('DELETE FROM gap_snapshots WHERE session_date < ?')
      .run(plan.gapSnapshots.cutoff).changes;
    deleted.outbox = db
      .prepare("DELETE FROM outbox WHERE status IN ('sent', 'suppressed') AND created_ms < ?")
      .run(plan.outbox.cutoffMs).changes;
  }).immediate();
  const files = new CheckpointFiles(db);
  for (const id of [...plan.runs.map((r) => r.id), ...plan.checkpointFiles.orphanRuns]) files.prune(id, null);

  let checkpoint: PruneResult['checkpoint'] = null;
  const vacuum = { ok: true, error: null as string | null };
  try {
    checkpoint = walCheckpoint(store);
    db.exec('VACUUM');
    // VACUUM writes the whole database through the WAL; truncate it again.
    checkpoint = walCheckpoint(store);
  } catch (err) {
    vacuum.ok = false;
    vacuum.error = (err as Error).message;
  }
  const after = dbBytes(store);
  return {
    ...plan,
    deleted,
    checkpoint,
    vacuum,
    bytesBefore: before,
    bytesAfter: after,
    freedBytes: Math.max(0, before - after) + plan.checkpointFiles.bytes,
  };
}

function walCheckpoint(store: Store): { busy: number; log: number; checkpointed: number } | null {
  const r = store.db.pragma('wal_checkpoint(TRUNCATE)') as {
    busy: number;
    log: number;
    checkpointed: number;
  }[];
  return r[0] ?? null;
}

function dbBytes(store: Store): number {
  const name = store.db.name;
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

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
