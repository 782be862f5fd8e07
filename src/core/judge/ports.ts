import type { SignalConfig } from '../conditions/signal.js';
import type { TraderConfig } from '../farm/grid.js';
import type { FarmSummary } from '../farm/ports.js';
import type { DailySample, FarmFigures } from '../farm/resim.js';
import type { BoardRun } from './board-run.js';
import type { DimensionFilter } from './dimensions.js';
import type { LiveTraderPosition } from './live-trader.js';
import type { LevelStats, SortSpec, TraderStatRow } from './ranking.js';
import type { CandidateResult, PromoteResult } from './walk-forward.js';

/** A farm run's record (farm_runs), its JSON columns as stored. */
export interface FarmRunRecord {
  runNo: number;
  gridJson: string;
  rulesJson: string;
  fillJson: string;
  monthsJson: string;
  traders: number;
  stepsTotal: number;
  /** The run's provenance spans as recorded (null: recorded before they existed, or the live farm). */
  spansJson: string | null;
}

export interface RankQuery {
  sort: SortSpec;
  reverse: boolean;
  filters: readonly DimensionFilter[];
  minTrades: number;
  limit: number;
}

/** The farm's results as the judge reads them: run records, per-trader figures, live positions, stored series. */
export interface FarmResults {
  farmRun(runId: string): FarmRunRecord | null;
  /** The ranked traders (best first, or reversed) and how many pass the filters. */
  rankTraders(b: BoardRun, q: RankQuery): { rows: TraderStatRow[]; matching: number };
  /** Per level of dimension `index`, the traders passing the filters, summed up. */
  levelStats(
    b: BoardRun,
    index: number,
    filters: readonly DimensionFilter[],
    minTrades: number,
  ): LevelStats[];
  /** One live trader's positions, oldest entry first. */
  livePositions(runId: string, traderId: number): LiveTraderPosition[];
  /** What the farm stored for one trader of a backtest. */
  traderFigures(runNo: number, traderId: number): FarmFigures | null;
  /** Marked-to-market P&L per trader and month, trader-major (cents). */
  monthlyCents(runId: string): Int32Array | null;
  /** Max loss entered per trader and calendar year, trader-major (cents); null: the run kept none. */
  yearlyRiskCents(runId: string): { years: string[]; data: Float64Array } | null;
  /** The summary a finished backtest recorded (null: none yet). */
  runSummary(runId: string): FarmSummary | null;
  dailySample(runId: string): DailySample | null;
  /** The group gate's series (null: a run from before they were stored). */
  groupSeries(runId: string): GroupSeries | null;
  /** Each trader's first trade (NaN: none). */
  firstTradeMs(runNo: number, traders: number): Float64Array;
}

/** What a backtest stored for the group gate. */
export interface GroupSeries {
  /** Σ(daily P&L)² per trader and month, trader-major (cents²). */
  monthlySumSq: Float32Array;
  /** Each group's daily P&L summed over its traders, group-major: [group * days + day] (cents). */
  groupDaily: Float64Array;
  days: number;
  groups: number;
}

/** One window's trial count as stored with its run. */
export interface StoredTrialCount {
  isFrom: string;
  isTo: string;
  method: string;
  rho: number;
  nEff: number;
  sampleSize: number;
  exponent: number | null;
}

/** What `argus promote` records and the recommendation reads back. */
export interface Promotions {
  /** Records one evaluation and makes its promotions the active set; returns the evaluation's id. */
  record(r: PromoteResult, nowMs: number): string;
  /** The trial counts stored with a run, oldest window first. */
  trialCounts(runId: string): StoredTrialCount[];
  /** The active promotions as recommendation configs (empty: the recommendation uses its default). */
  promotedConfigs(): SignalConfig[];
  /** The active promotions with their evidence, as `promote --review` follows them (rank order). */
  active(): ActivePromotion[];
  /**
   * Records a review: each promotion's last verdict, and demotes those it says to (active = 0, the
   * time and the reason). One transaction.
   */
  demote(reviews: readonly PromotionReviewRecord[], nowMs: number): void;
}

/** An active promotion with what was recorded at promotion. */
export interface ActivePromotion {
  id: number;
  runId: string;
  trader: number;
  config: TraderConfig;
  rank: number;
  promotedMs: number;
  /** The candidate's evidence as recorded; promotions from before the per-trade figures lack them. */
  evidence: Partial<CandidateResult>;
}

/** One promotion's review as recorded. */
export interface PromotionReviewRecord {
  id: number;
  /** Demote it (active = 0) with this reason; otherwise only the verdict is kept. */
  demote: boolean;
  reason: string;
  /** The verdict, JSON-able, kept as the promotion's last review. */
  verdict: object;
}
