import type { GapView } from './market/gap.js';
import type { OutboxHealth } from './notify.js';
import type { CalendarEntry } from './time/calendar-entry.js';

/** The daily review of the live farm, and the reads it is made of. */

export interface TraderDay {
  trader: number;
  trades: number;
  wins: number;
  realizedUsd: number;
  /** The trader's grid configuration, when the live grid is readable. */
  config: Record<string, unknown> | null;
}

export interface OpenSpread {
  symbol: string;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  positions: number;
  contracts: number;
  creditUsd: number;
  unrealizedUsd: number;
}

export interface PromotionRow {
  trader: number;
  runId: string;
  rank: number | null;
  active: boolean | null;
  promotedMs: number | null;
  config: Record<string, unknown> | null;
}

export type PromotionsView =
  | { status: 'ok'; promotedOnDate: PromotionRow[] | null; active: PromotionRow[]; note: string | null }
  | { status: 'none' | 'unavailable'; reason: string };

export type ReviewGap = GapView | { status: 'missing'; atMs: number; reason: string };

export interface DailyReview {
  /** ET date reviewed. */
  date: string;
  /** End of the day, or now when reviewing today: marks, events and gap are as of this instant. */
  asOfMs: number;
  liveRunId: string | null;
  note: string | null;
  opened: { trades: number; contracts: number; creditUsd: number; traders: number };
  closed: {
    trades: number;
    wins: number;
    losses: number;
    /** Closed by an exit rule plus settled at expiry, after all fees. */
    realizedUsd: number;
    closedUsd: number;
    expiredUsd: number;
    feesUsd: number;
    winRate: number | null;
  };
  exitsByReason: { reason: string; trades: number; pnlUsd: number }[];
  /**
   * Positions open at the end of the day, marked to market at the live farm's last mark (seed #21:
   * the old summary counted the entry credit as open P&L). Entry fees are included, exit fees not.
   */
  open: {
    positions: number;
    contracts: number;
    creditUsd: number;
    unrealizedUsd: number;
    maxLossUsd: number;
    markedAtMs: number | null;
    /** Open at the end of the day but closed since: their mark on that day was not kept. */
    closedSince: number;
    bySpread: OpenSpread[];
  };
  traders: { best: TraderDay[]; worst: TraderDay[] };
  promotions: PromotionsView;
  events: { entries: CalendarEntry[]; warnings: string[] };
  gap: ReviewGap;
  /** Outbox state, so a failed notification is seen here too. */
  notifications: OutboxHealth | null;
}

/** Positions opened in a window: count, contracts, credit in cents, distinct traders. */
export interface OpenedRow {
  n: number;
  contracts: number;
  creditCents: number;
  traders: number;
}

/** Positions closed in a window, per exit reason; money in cents. */
export interface ExitRow {
  reason: string;
  n: number;
  pnlCents: number;
  feesCents: number | null;
  wins: number;
}

/** Positions open at an instant, per spread; money in cents. */
export interface OpenSpreadRow {
  symbol: string;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  n: number;
  contracts: number;
  creditCents: number;
  /** (credit − last mark) × contracts, before fees. */
  grossCents: number;
  maxLossCents: number;
}

export interface TraderDayRow {
  trader: number;
  trades: number;
  wins: number;
  pnlCents: number;
}

/** One stored step of a backtest, as `review --run` reads it. */
export interface BacktestStepRow {
  tMs: number;
  opened: number;
  closed: number;
  realizedCents: number;
  openPositions: number;
  /** Null for runs stored before per-step exits were kept. */
  exits: Record<string, number> | null;
  /** The book marked at a session's close step; null elsewhere. */
  openMtmCents: number | null;
}

/** A backtest's day, from its stored steps and daily sample. */
export interface BacktestDayReview {
  runId: string;
  kind: string;
  date: string;
  window: { from: string; to: string };
  steps: number;
  opened: number;
  closed: number;
  realizedUsd: number;
  /** Null when the run predates per-step exits. */
  exitsByReason: { reason: string; trades: number }[] | null;
  openPositions: number;
  /** At the session's close; null when the run predates close marks. */
  openMtmUsd: number | null;
  /** Best and worst of the daily sample on this day (marked P&L change), not of every trader. */
  traders: {
    sampled: number;
    of: number;
    best: { trader: number; pnlUsd: number }[];
    worst: { trader: number; pnlUsd: number }[];
  } | null;
}

/** The live farm's positions, marks and promotions as the review reads them. */
export interface Reviews {
  /** A backtest's stored steps, in order. */
  backtestSteps(runId: string): BacktestStepRow[];
  /** The live farm's run: the one the settings name if it exists, else the newest live run. */
  liveRunId(): string | null;
  openedBetween(runId: string, startMs: number, endMs: number): OpenedRow;
  exitsBetween(runId: string, startMs: number, endMs: number): ExitRow[];
  /** The fee per contract and leg the run recorded with its rules, if any. */
  recordedFeeUsd(runId: string): number | null;
  /** When the live farm last marked its positions (its checkpoint's time). */
  lastMarkMs(runId: string): number | null;
  /** Still open now and entered before `endMs`, by spread, most contracts first. */
  openSpreads(runId: string, endMs: number): OpenSpreadRow[];
  /** Entered before `endMs`, closed at or after it. */
  closedSince(runId: string, endMs: number): number;
  /** Closed in the window, per trader, by realised P&L (best: highest first). */
  traderDays(
    runId: string,
    startMs: number,
    endMs: number,
    order: 'best' | 'worst',
    limit: number,
  ): TraderDayRow[];
  /** The run's grid as stored (JSON), if it has one. */
  gridJson(runId: string): string | null;
  /** Active promotions by rank. */
  activePromotions(limit: number): PromotionRow[];
  /** Promotions recorded in the window, by rank. */
  promotionsBetween(startMs: number, endMs: number, limit: number): PromotionRow[];
}
