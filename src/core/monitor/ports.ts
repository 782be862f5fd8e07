import type { SourceKind } from '../market/port.js';

/** One refresh of the monitor as stored: what it saw, each value null when it was missing. */
export interface MarketSnapshotRow {
  atMs: number;
  source: SourceKind;
  btcUsd: number | null;
  btcChange24h: number | null;
  /** Annualised fraction (0.55 = DVOL 55). */
  dvol: number | null;
  ivRank: number | null;
  funding8h: number | null;
  ibitUsd: number | null;
  bitoUsd: number | null;
  warmth: number | null;
  recordedMs: number;
}

/** The market_snapshots table. */
export interface MarketSnapshots {
  /** Records a refresh; a second one for the same source and instant is ignored (false). */
  record(row: MarketSnapshotRow): boolean;
  /** The latest `limit` snapshots of a source, newest first. */
  recent(source: SourceKind, limit: number): MarketSnapshotRow[];
}

/** A live BTC price stream between refreshes. */
export type BtcTickEvent =
  | { type: 'tick'; priceUsd: number; change24hFrac: number; atMs: number }
  | { type: 'status'; status: 'connecting' | 'open' | 'reconnecting' | 'closed'; attempt?: number }
  | { type: 'error'; message: string };

export interface BtcTicks {
  start(): void;
  /** Subscribe; returns the unsubscribe function. */
  on(listener: (e: BtcTickEvent) => void): () => void;
  close(): Promise<void>;
}
