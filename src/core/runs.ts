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
