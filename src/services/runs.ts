import { StoreError, UsageError } from '../core/errors.js';
import type { FileUsage, RunListRow, RunRowCounts } from '../core/housekeeping.js';
import type { RunKind, RunRecord, RunStatus } from '../core/runs.js';
import type { Deps } from './deps.js';

export type RunsDeps = Pick<Deps, 'housekeeping' | 'runs'>;

export interface RunOverview {
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

function summarise(deps: Pick<Deps, 'housekeeping'>, rows: RunListRow[]): RunOverview[] {
  const h = deps.housekeeping;
  const liveId = h.liveRunId();
  const usage = h.checkpointUsage();
  const promos = h.activePromotions();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    command: r.command,
    createdMs: r.createdMs,
    updatedMs: r.updatedMs,
    windowFromMs: r.windowFromMs,
    windowToMs: r.windowToMs,
    seed: r.seed,
    engine: r.engine,
    live: r.kind === 'live' || r.id === liveId,
    traders: r.traders,
    stepsDone: r.stepsDone,
    stepsTotal: r.kind === 'live' ? null : r.stepsTotal,
    checkpointBytes: usage.get(r.id)?.bytes ?? 0,
    activePromotions: promos.get(r.id) ?? 0,
  }));
}

export interface ListRunsOptions {
  limit?: number;
  kind?: RunKind;
  status?: RunStatus;
}

/** `runs list`: newest first, with the farm size, progress and the disk its checkpoints take. */
export function listRuns(deps: Pick<Deps, 'housekeeping'>, o: ListRunsOptions = {}): RunOverview[] {
  const rows = deps.housekeeping.listRuns({ kind: o.kind, status: o.status, limit: o.limit ?? 50 });
  return summarise(deps, rows);
}

export function runSummaries(deps: Pick<Deps, 'housekeeping'>, ids: string[]): RunOverview[] {
  if (ids.length === 0) return [];
  const rows = ids.map((id) => deps.housekeeping.runRow(id)).filter((r): r is RunListRow => r !== null);
  return summarise(deps, rows);
}

/** A full run id or a unique prefix of at least 4 characters (lists show the first 8). */
export function resolveRun(deps: Pick<Deps, 'runs'>, idOrPrefix: string): RunRecord {
  const r = deps.runs.resolveRunRef(idOrPrefix);
  if (r.kind === 'found') return r.run;
  if (r.kind === 'not-a-ref') {
    throw new UsageError(
      `"${idOrPrefix}" is not a run id`,
      'give the id (or its first 8 characters) from `argus runs list`',
    );
  }
  if (r.kind === 'none') throw new UsageError(`no run ${idOrPrefix}`, 'see `argus runs list`');
  throw new UsageError(
    `${idOrPrefix} matches ${r.ids.length} runs: ${r.ids.slice(0, 5).join(', ')}${r.ids.length > 5 ? ', …' : ''}`,
    'give more of the id',
  );
}

export interface RemovalPlan {
  run: RunOverview;
  /** Rows that go with the run (foreign keys cascade). */
  rows: RunRowCounts;
  checkpointFiles: FileUsage;
  /** Why this run should not go without --force. */
  blockers: string[];
}

export function planRemoveRun(deps: RunsDeps, idOrPrefix: string): RemovalPlan {
  const run = resolveRun(deps, idOrPrefix);
  const summary = runSummaries(deps, [run.id])[0];
  const rows = deps.housekeeping.rowCounts(run.id);
  const files = deps.housekeeping.checkpointUsage().get(run.id) ?? { count: 0, bytes: 0 };
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

function refuseBlocked(plan: RemovalPlan, force: boolean): void {
  if (plan.blockers.length && !force) {
    throw new UsageError(
      `not removing run ${plan.run.id}: ${plan.blockers.join('; ')}`,
      'pass --force to remove it anyway (--dry-run shows what would go)',
    );
  }
}

export interface RemovalResult extends RemovalPlan {
  removed: true;
  freedCheckpointBytes: number;
}

/**
 * Delete a run and everything that belongs to it in one transaction, then its checkpoint files
 * (after the commit, so a failed delete never leaves rows pointing at missing files).
 */
export function applyRemoval(deps: RunsDeps, plan: RemovalPlan, o: { force?: boolean } = {}): RemovalResult {
  refuseBlocked(plan, o.force === true);
  const id = plan.run.id;
  try {
    deps.housekeeping.deleteRun(id);
  } catch (err) {
    throw new StoreError(
      `cannot remove run ${id}: ${(err as Error).message}`,
      'another table still refers to this run (e.g. promotions); remove those rows first',
      err,
    );
  }
  deps.housekeeping.removeCheckpointFiles(id);
  return { ...plan, removed: true, freedCheckpointBytes: plan.checkpointFiles.bytes };
}

export interface RemoveRunOptions {
  /** Run id or a unique prefix. */
  run: string;
  dryRun: boolean;
  force: boolean;
  /** Called with the plan before anything is deleted (or refused), e.g. to show it. */
  onPlan?: (plan: RemovalPlan) => void;
  /** Asked after the plan is shown and before anything is deleted; false keeps the run. */
  confirm?: (plan: RemovalPlan) => Promise<boolean>;
}

export type RemoveRunResult =
  | (RemovalPlan & { dryRun: true })
  | (RemovalResult & { dryRun: false })
  | (RemovalPlan & { dryRun: false; removed: false; cancelled: true });

/** `runs rm`: plan, then (unless a dry run) ask if asked to, and remove; blockers refuse without --force. */
export async function removeRun(deps: RunsDeps, o: RemoveRunOptions): Promise<RemoveRunResult> {
  const plan = planRemoveRun(deps, o.run);
  o.onPlan?.(plan);
  if (o.dryRun) return { ...plan, dryRun: true };
  refuseBlocked(plan, o.force);
  if (o.confirm && !(await o.confirm(plan)))
    return { ...plan, dryRun: false, removed: false, cancelled: true };
  return { ...applyRemoval(deps, plan, { force: o.force }), dryRun: false };
}
