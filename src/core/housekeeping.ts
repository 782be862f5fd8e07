import type { RunKind, RunRecord, RunStatus } from './runs.js';

/** A run as `runs list` shows it: its row with the farm's size and progress (null when it has no farm). */
export interface RunListRow extends RunRecord {
  traders: number | null;
  stepsDone: number | null;
  stepsTotal: number | null;
}

/** Rows that belong to a run and go with it (foreign keys cascade). */
export interface RunRowCounts {
  positions: number;
  traderStats: number;
  steps: number;
  events: number;
  blobs: number;
  checkpoints: number;
}

export interface FileUsage {
  count: number;
  bytes: number;
}

/** What `db prune` deletes in one transaction. */
export interface PruneDeletion {
  runIds: string[];
  /** Only backtests created before this instant go, whatever the list says. */
  beforeMs: number;
  /** Gap snapshots with session_date before this ET date go. */
  gapCutoff: string;
  /** Sent or suppressed notifications created before this instant go. */
  outboxCutoffMs: number;
}

/** SQLite's answer to a WAL checkpoint. */
export interface WalCheckpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

/** The reads and deletes of `runs list`, `runs rm` and `db prune`, and the files beside the database. */
export interface Housekeeping {
  /** Newest first; absent filters match every run. */
  listRuns(filter: { kind?: RunKind; status?: RunStatus; limit: number }): RunListRow[];
  runRow(id: string): RunListRow | null;
  /** The run the live farm writes to, as the settings name it (null before the first live step). */
  liveRunId(): string | null;
  /** Active promotions per run id. */
  activePromotions(): Map<string, number>;
  /** Checkpoint files beside the database per run id (a missing directory is none). */
  checkpointUsage(): Map<string, FileUsage>;
  rowCounts(runId: string): RunRowCounts;
  /** Deletes the run (its rows cascade) and the live pointer if it names it, in one transaction. */
  deleteRun(runId: string): void;
  /** Deletes every checkpoint file of a run. */
  removeCheckpointFiles(runId: string): void;
  /** Completed and failed backtests created before this instant, oldest first. */
  prunableRunIds(beforeMs: number): string[];
  runIds(): Set<string>;
  gapSnapshotsBefore(sessionDate: string): { count: number; first: string | null; last: string | null };
  latestGapSnapshot(): string | null;
  /** The earliest expiry of an open position of the live farm. */
  earliestOpenLiveExpiry(): string | null;
  /** Sent or suppressed notifications created before this instant. */
  prunableOutbox(beforeMs: number): number;
  deleteExpired(d: PruneDeletion): { runs: number; gapSnapshots: number; outbox: number };
  /** Checkpoints and truncates the WAL. */
  walCheckpoint(): WalCheckpoint | null;
  vacuum(): void;
  /** Bytes of the database file and its WAL (0 in memory). */
  fileBytes(): number;
}
