import { UsageError } from '../core/errors.js';
import type { WalCheckpoint } from '../core/housekeeping.js';
import { MS_PER_DAY } from '../core/units.js';
import type { Deps } from './deps.js';
import { type RunOverview, runSummaries } from './runs.js';

export type PruneDeps = Pick<Deps, 'clock' | 'calendar' | 'notifyConfig' | 'housekeeping'>;

export interface PrunePlan {
  /** ET date: everything created before its midnight (New York) goes. */
  before: string;
  beforeMs: number;
  runs: RunOverview[];
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

export interface PlanPruneOptions {
  before: string;
  /** Sent outbox rows younger than this stay (they back the dedup and rate-limit windows). */
  keepOutboxMs?: number;
}

/** What `db prune` would delete; reads only. */
export function planPrune(deps: PruneDeps, o: PlanPruneOptions): PrunePlan {
  const nowMs = deps.clock.nowMs();
  const today = deps.calendar.etDate(nowMs);
  if (o.before > today) {
    throw new UsageError(`--before ${o.before} is in the future (today is ${today} ET)`, 'give a past date');
  }
  const beforeMs = deps.calendar.etToUtcMs(o.before, '00:00');
  const h = deps.housekeeping;

  const candidates = h.prunableRunIds(beforeMs);
  const promos = h.activePromotions();
  const skippedRuns: PrunePlan['skippedRuns'] = [];
  const ids: string[] = [];
  for (const id of candidates) {
    // A promoted configuration keeps its evidence; `runs rm --force` removes it deliberately.
    if (promos.get(id))
      skippedRuns.push({ id, reason: `${promos.get(id)} active promotion(s) come from it` });
    else ids.push(id);
  }
  const runs = runSummaries(deps, ids);

  const g = gapCutoff(deps, o.before);
  const snaps = h.gapSnapshotsBefore(g.cutoff);

  const cutoffMs = Math.min(beforeMs, nowMs - (o.keepOutboxMs ?? 7 * MS_PER_DAY));
  const outboxN = h.prunableOutbox(cutoffMs);

  const usage = h.checkpointUsage();
  const known = h.runIds();
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
      count: snaps.count,
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
function gapCutoff(deps: PruneDeps, before: string): { cutoff: string; reason: string | null } {
  const latest = deps.housekeeping.latestGapSnapshot();
  const expiry = deps.housekeeping.earliestOpenLiveExpiry();
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
  checkpoint: WalCheckpoint | null;
  vacuum: { ok: boolean; error: string | null };
  /** Database + WAL file bytes before and after, and checkpoint-file bytes removed. */
  bytesBefore: number;
  bytesAfter: number;
  freedBytes: number;
}

/** Execute a plan: one transaction for the rows, then the files, a WAL truncation and VACUUM. */
export function applyPrune(deps: PruneDeps, plan: PrunePlan): PruneResult {
  const h = deps.housekeeping;
  const before = h.fileBytes();
  const rows = h.deleteExpired({
    runIds: plan.runs.map((r) => r.id),
    beforeMs: plan.beforeMs,
    gapCutoff: plan.gapSnapshots.cutoff,
    outboxCutoffMs: plan.outbox.cutoffMs,
  });
  const deleted = { ...rows, checkpointFiles: plan.checkpointFiles.count };
  for (const id of [...plan.runs.map((r) => r.id), ...plan.checkpointFiles.orphanRuns])
    h.removeCheckpointFiles(id);

  let checkpoint: PruneResult['checkpoint'] = null;
  const vacuum = { ok: true, error: null as string | null };
  try {
    checkpoint = h.walCheckpoint();
    h.vacuum();
    // VACUUM writes the whole database through the WAL; truncate it again.
    checkpoint = h.walCheckpoint();
  } catch (err) {
    vacuum.ok = false;
    vacuum.error = (err as Error).message;
  }
  const after = h.fileBytes();
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

export interface PruneOptions {
  before: string;
  dryRun: boolean;
  /** Called with the plan before anything is deleted, e.g. to show it. */
  onPlan?: (plan: PrunePlan) => void;
}

export type PruneOutcome = (PrunePlan & { dryRun: true }) | (PruneResult & { dryRun: false });

/**
 * `db prune`: plan, then (unless a dry run) delete. Sent notifications stay at least a week, and
 * as long as the recommendations' dedup window reads them.
 */
export function prune(deps: PruneDeps, o: PruneOptions): PruneOutcome {
  const dedupMs = deps.notifyConfig.recommendations.dedupMinutes * 60_000;
  const plan = planPrune(deps, { before: o.before, keepOutboxMs: Math.max(7 * MS_PER_DAY, dedupMs) });
  o.onPlan?.(plan);
  if (o.dryRun) return { ...plan, dryRun: true };
  return { ...applyPrune(deps, plan), dryRun: false };
}
