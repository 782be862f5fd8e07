/** A run: the live farm's long-lived one or a backtest, with how and when it was made. */

export type RunKind = 'live' | 'replay' | 'sim';
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface RunRecord {
  id: string;
  kind: RunKind;
  command: string;
  status: RunStatus;
  createdMs: number;
  updatedMs: number;
  windowFromMs: number | null;
  windowToMs: number | null;
  seed: number | null;
  engine: string | null;
  appVersion: string;
  provenance: Record<string, unknown>;
}

export interface NewRun {
  kind: RunKind;
  command: string;
  windowFromMs?: number | null;
  windowToMs?: number | null;
  seed?: number | null;
  engine?: string | null;
  appVersion: string;
  provenance: Record<string, unknown>;
}

/**
 * What a run reference names. The one grammar: `latest` (the newest backtest), `live` (the live
 * farm's run), a full run id, or a unique prefix of one (at least 4 characters). Each command
 * words its own errors, so a miss comes back as a reason rather than thrown.
 */
export type RunRefResult =
  | { kind: 'found'; run: RunRecord }
  /** Neither a keyword nor an id (ids are hex digits and dashes). */
  | { kind: 'not-a-ref' }
  | { kind: 'none' }
  /** The prefix matches these runs, newest first. */
  | { kind: 'ambiguous'; ids: string[] };

export interface RunRefOptions {
  /** `latest` and id prefixes consider only runs with farm results (`live` always names the live run). */
  farm?: boolean;
  /** `latest` skips unfinished runs (an id still names one, so the caller can say why it will not do). */
  completed?: boolean;
}

/** The runs table as services read it. */
export interface Runs {
  getRun(id: string): RunRecord | null;
  resolveRunRef(ref: string, options?: RunRefOptions): RunRefResult;
}
