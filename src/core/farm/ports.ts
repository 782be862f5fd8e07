import { ArgusError } from '../errors.js';
import type { FillParams } from '../fill/fill.js';
import type { EtfSymbol } from '../market/port.js';
import type { ProvenanceSpan } from '../market/provenance.js';
import type { NewRun, RunRecord } from '../runs.js';
import type { GridSpec } from './grid.js';
import type { HostOptions, StepSummary } from './host.js';
import type { SpreadInfo } from './market-step.js';
import type { FarmRules } from './rules.js';
import type { FarmState } from './state.js';
import type { StepInput } from './step-input.js';

/** Running totals of a backtest, carried across steps and saved with each checkpoint. */
export interface FarmTotals {
  opened: number;
  closed: number;
  exitsByReason: number[];
  skipsByReason: number[];
  exitsBlocked: number;
  realizedCents: number;
  monthIndex: number;
  /**
   * Per calendar year: the steps with the market open, and per (symbol, dte, delta, width) combo
   * the steps it found no candidate. Null in a run resumed from a checkpoint that kept none.
   */
  noCandidate?: { years: string[]; steps: number[]; byCombo: number[][] } | null;
}

/** A finished backtest's summary, as recorded with the run. */
export interface FarmSummary {
  opened: number;
  closed: number;
  exitsByReason: Record<string, number>;
  skipsByReason: Record<string, number>;
  exitsBlocked: number;
  realizedCents: number;
  tradersWithTrades: number;
  realizedPnlUsd: { min: number; p10: number; p50: number; p90: number; max: number; mean: number };
  openPositionsAtEnd: number;
  /**
   * Realised P&L of the traders that traded, in equal bins from their 1st to 99th percentile;
   * the first and last bins also hold the tails. Absent in runs stored before it existed.
   */
  realizedHistogram?: { edges: number[]; counts: number[] };
  /**
   * Entries whose stop could not fire (credit × (1 + X) ≥ width): their share of all entries, the
   * configurations with any, and the share by stop multiple X.
   */
  stopCannotFire: {
    entries: number;
    share: number;
    configurations: number;
    shareByStopX: Record<string, number>;
  };
  /**
   * Per provenance span: the marked-to-market P&L all traders booked on its days, against their
   * whole P&L, and the same for the trader with the most realised P&L. Absent before it existed or
   * when the spans were not booked; empty when the run has none.
   */
  spans?: SpanSummary[];
  /** Per calendar year, the configurations that found no candidate. Absent before it existed. */
  noCandidate?: NoCandidateYear[];
}

export interface SpanSummary extends ProvenanceSpan {
  /** Sums over every trader of its fund (USD): P&L on the span's days, and P&L over the whole run. */
  pnlUsd: number;
  totalPnlUsd: number;
  leader: { trader: number; pnlUsd: number; totalPnlUsd: number } | null;
}

export interface NoCandidateYear {
  year: string;
  /** Steps with the market open. */
  steps: number;
  configurations: number;
  /** Configurations whose (symbol, dte, delta, width) found no candidate at any step of the year. */
  never: number;
  /** Configurations' steps without a candidate, as a share of all their steps. */
  stepShare: number;
}

/** What a farm run is fixed to when it starts: a resume or a live step rebuilds from this. */
export interface FarmRunSetup {
  gridSpec: GridSpec;
  gridHash: string;
  rules: FarmRules;
  fill: FillParams;
  traders: number;
  stepsTotal: number;
  months: string[];
  /** A backtest's provenance spans (empty: none; a sim market has none by design); the live farm records none. */
  spans?: ProvenanceSpan[];
}

/** A farm run as stored: its grid (the JSON it was started with), settings and step counter. */
export interface StoredFarmRun {
  gridJson: string;
  gridHash: string;
  rules: FarmRules;
  fill: FillParams;
  stepsDone: number;
}

/** The last checkpoint of a run: the farm state after `step`, verified against its checksum. */
export interface FarmCheckpoint {
  step: number;
  state: Buffer;
  registry: SpreadInfo[];
  /** Null for the live farm, which keeps no running totals. */
  totals: FarmTotals | null;
}

export interface StepRecord {
  step: number;
  tMs: number;
  opened: number;
  closed: number;
  realizedCents: number;
  openPositions: number;
  /** Exits in this step by reason. */
  exits: Record<string, number>;
  /** Every open position marked, summed (cents): at a session's close step, else null. */
  openMtmCents: number | null;
}

export interface NewCheckpoint {
  /** FarmState.serializeParts(). */
  state: Buffer[];
  registry: SpreadInfo[];
  totals: FarmTotals;
  createdMs: number;
}

/** A backtest's results: one stats row per trader, the typed-array blobs and the summary. */
export interface BacktestResults {
  /** traderStatRows(): one row per trader, in trader_stats column order after the run (read once). */
  statRows: Iterable<(number | null)[]>;
  blobs: { name: string; meta: Record<string, unknown>; data: ArrayBufferView }[];
  /** Arrays kept beside the blobs: the group gate's monthly Σpnl² per trader and groups' daily P&L, and the max loss entered per year. */
  series: {
    name: 'monthly_sumsq' | 'group_daily' | 'yearly_risk_cents';
    meta: Record<string, unknown>;
    data: ArrayBufferView;
  }[];
  summary: FarmSummary;
  /** A shard's run (`farm run --shard`): its traders and what a merge needs beside the results. */
  shard?: ShardResults;
}

/** What a shard's run keeps for the merge: its grid range, its running totals, per trader its entries. */
export interface ShardResults {
  from: number;
  to: number;
  totals: FarmTotals;
  entries: Int32Array;
  noStopEntries: Int32Array;
}

/**
 * What the backtest runner persists. Every step is committed atomically with its checkpoint (when
 * one is due), so a run killed at any point resumes to exactly what an uninterrupted run gives.
 */
export interface FarmRunStore {
  /** Records a new run and its farm settings; returns the run id. */
  startRun(run: NewRun, setup: FarmRunSetup): string;
  /** The run's last checkpoint, or null when it has none. */
  checkpoint(runId: string): FarmCheckpoint | null;
  /** Forgets the steps from `step` on (a resume redoes them). */
  dropStepsFrom(runId: string, step: number): void;
  /** One step and, when given, a checkpoint of the state after it, in one transaction. */
  commitStep(runId: string, step: StepRecord, checkpoint: NewCheckpoint | null): void;
  /** The results, the run marked completed and its checkpoint removed, in one transaction. */
  completeRun(runId: string, results: BacktestResults): void;
  /**
   * This process runs the backtest from now on; refused (a UsageError naming the process) while
   * another live process on this machine holds it. A holder that died is taken over.
   */
  holdRun(runId: string): void;
  /** `interrupted` when a run stops on an error (or a signal); `running` again when it resumes. */
  setRunStatus(runId: string, status: 'running' | 'interrupted'): void;
}

interface PositionKey {
  trader: number;
  symbol: EtfSymbol;
  expiry: string;
  shortStrike: number;
  longStrike: number;
}

export interface PositionExit extends PositionKey {
  exitMs: number;
  reason: string;
  exitPips: number;
  pnlCents: number;
  feesCents: number;
}

export interface NewPosition extends PositionKey {
  idempotencyKey: string;
  contracts: number;
  creditPips: number;
  entryMs: number;
  ptMidPips: number;
  stopMidPips: number;
  armMidPips: number;
  trailGapPips: number;
  lowMidPips: number;
  lastMarkPips: number;
  maxLossCents: number;
  deltaUsd: number;
  vegaUsd: number;
}

/** An open position's trailing-stop high-water mark and last mark. */
export interface PositionMark extends PositionKey {
  lowMidPips: number;
  lastMarkPips: number;
}

/** What a live step does: `full` opens, marks, closes and settles; `exits` closes by triggers; `expire` settles. */
export type LiveMode = 'full' | 'exits' | 'expire';

/** A live step as recorded: the market minute it stood for and what it did. */
export interface RecordedLiveStep {
  runId: string;
  minuteMs: number;
  mode: LiveMode;
  step: number;
  opened: number;
  closed: number;
}

/** One live step, written atomically if the step counter still reads `version`. */
export interface LiveStepCommit {
  version: number;
  /** The market minute this step stands for (epoch ms at the minute's start), and what it did. */
  minuteMs: number;
  mode: LiveMode;
  /** The live run's farm settings, on its first step. */
  setup: FarmRunSetup | null;
  closed: PositionExit[];
  opened: NewPosition[];
  marks: PositionMark[];
  state: Buffer[];
  registry: SpreadInfo[];
  atMs: number;
  /** The session this step booked (`argus expire` after the close), if any. */
  day?: LiveDayBooking;
}

/** One session of the live farm, booked: what each group and each trader made that day. */
export interface LiveDayBooking {
  /** The session (US/Eastern date) and its close. */
  date: string;
  closeMs: number;
  /** Per group (the host's combo index): the day's P&L summed over its traders, cents. */
  groupPnl: Float64Array;
  /** Per trader: the day's P&L, cents. Added into the session's calendar month with its square. */
  traderPnl: Float64Array;
}

/** The live farm's booked sessions, in date order. */
export interface LiveDays {
  dates: string[];
  closeMs: number[];
  groups: number;
  /** Group g's P&L on session d at [g · dates.length + d], cents (the layout of a backtest's group series). */
  groupDaily: Float64Array;
}

/** Each trader's P&L per calendar month of the live farm's booked sessions. */
export interface LiveMonths {
  months: string[];
  traders: number;
  /** Trader i's P&L in month m at [i · months.length + m], cents; Σ(day P&L)² beside it. */
  monthlyCents: Float64Array;
  monthlySumSq: Float64Array;
}

/** Another step committed first although this one held the turn: nothing was written. */
export class StepConflictError extends ArgusError {
  constructor(message: string) {
    super(message, { hint: 'nothing was written; run the command again' });
    this.name = 'StepConflictError';
  }
}

/** The farm's runs, steps, checkpoints and live positions. */
export interface FarmRuns extends FarmRunStore {
  run(id: string): RunRecord | null;
  /** The single long-lived run the live farm's rows belong to, created on first use. */
  liveRun(appVersion: string): RunRecord;
  /** The live farm's run id, or null before its first step (never creates one). */
  liveRunId(): string | null;
  /**
   * The recorded step that already covers this minute and mode: one of the same or a later minute,
   * by the same mode or a full step (which also closes and settles).
   */
  liveStepCovering(runId: string, minuteMs: number, mode: LiveMode): RecordedLiveStep | null;
  /**
   * Waits (real time, at most `waitMs`) until no other process is stepping the live farm, then
   * holds the turn until the returned release is called. A turn whose process is gone is taken over.
   */
  takeLiveTurn(waitMs: number): Promise<() => void>;
  farmRun(runId: string): StoredFarmRun | null;
  /** Records the step by its minute; throws StepConflictError when another step ran first or a position was already closed. */
  commitLiveStep(runId: string, commit: LiveStepCommit): void;
  /** The session already booked for the live run on this date, if any (the step that booked it). */
  liveDayBooked(runId: string, date: string): { step: number } | null;
  /** Every booked session of the live run (empty when none). */
  liveDays(runId: string): LiveDays;
  /** Each trader's booked months of the live run (empty when none). */
  liveMonths(runId: string): LiveMonths;
}

/** What each shard's thread builds its host from: the run's grid, rules, host options and shared state. */
export interface ShardSetup {
  gridSpec: GridSpec;
  rules: FarmRules;
  /** The range, when set: the grid traders the state holds (a shard of a run split over processes). */
  host: Pick<HostOptions, 'months' | 'sample' | 'days' | 'spans' | 'monthYear' | 'range'>;
  /** The whole farm's state, in SharedArrayBuffers: each shard steps a range of its traders in place. */
  state: FarmState;
  /** The daily sample, shared; shards write the rows of their own traders. */
  dailySample: Float32Array | null;
}

/**
 * The js engine's host step split over threads by trader range. Every figure a trader books is
 * its own, and the sums across traders (a step's realised P&L, a group's daily P&L) add whole
 * cents, so the results are those of one FarmHost whatever the split.
 */
export interface HostShards {
  /** Threads the traders are split over. */
  readonly count: number;
  start(setup: ShardSetup): Promise<void>;
  /** One step on every shard; the summary is summed over them, and state.days kept. */
  step(inp: StepInput): Promise<StepSummary>;
  startMonth(): Promise<void>;
  /** Each shard writes its open positions' greeks at their last marks into the state (FarmHost.settleGreeks). */
  settleGreeks(): Promise<void>;
  /** Spread ids any shard holds open after the last step. */
  openSpreads(): Set<number>;
  /** Adds the group P&L the shards booked since the last call into `into` (the state's series). */
  collectGroupDaily(into: Float64Array): void;
  close(): Promise<void>;
}
