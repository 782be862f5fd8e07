import type { ConfigReport } from '../core/config/report.js';
import type { ArgusConfig } from '../core/config/schema.js';
import type { Grid } from '../core/farm/grid.js';
import type { FarmShardFiles } from '../core/farm/merge.js';
import type { FarmRuns, HostShards } from '../core/farm/ports.js';
import type { Housekeeping } from '../core/housekeeping.js';
import type { FarmResults, Promotions } from '../core/judge/ports.js';
import type { Logger } from '../core/log.js';
import type { ParsedChain } from '../core/market/chain-fit.js';
import type { ChainModel } from '../core/market/chain-model.js';
import type { GapSnapshots } from '../core/market/gap.js';
import type { MarketDataSource, SourceKind } from '../core/market/port.js';
import type { SimRequest } from '../core/market/sim.js';
import type { SimParams } from '../core/market/sim-params.js';
import type { BtcTicks, MarketSnapshots } from '../core/monitor/ports.js';
import type { MessageSender, Outbox, TelegramSettings } from '../core/notify.js';
import type { Reviews } from '../core/review.js';
import type { Runs } from '../core/runs.js';
import type { Clock } from '../core/time/clock.js';
import type { EconomicCalendar } from '../core/time/economic-calendar.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';

/**
 * What a market-data adapter is built for. One-shot reads name the instant; a backtest names its
 * window (a sim simulates exactly it) and, when it is rebuilt later, the settings recorded with it.
 */
export interface SourceRequest {
  /** The instant asked about (a sim simulates a window around it). */
  atMs?: number;
  /** A backtest's window, ET dates. */
  window?: { from: string; to: string };
  /** The simulated market's settings (default: the config's sim.*). */
  sim?: SimRequest | null;
  /** Market settings recorded with a run: replay is rebuilt with these, not with today's config. */
  recorded?: { riskFreeRate: number; replay: ArgusConfig['replay'] } | null;
  /** Live: real milliseconds all of the source's provider requests may take together (a cron step). */
  budgetMs?: number;
}

/**
 * Everything a service may ask for: ports, repositories and the config sections it reads, never
 * the whole context, a database handle or the config object wholesale. The composition root
 * (cli/context.ts) implements it; each service names the part it uses, `Pick<Deps, …>`, so a
 * test builds only that.
 */
export interface Deps {
  readonly clock: Clock;
  /** NYSE sessions, holidays, early closes; the one way to show a time in New York. */
  readonly calendar: MarketCalendar;
  /** FOMC and CPI events. */
  readonly economic: EconomicCalendar;
  readonly log: Logger;
  readonly appVersion: string;
  /** The source a command uses when none is named (flag > environment > config). */
  readonly defaultSource: SourceKind;
  readonly pricingConfig: Readonly<ArgusConfig['pricing']>;
  readonly farmConfig: Readonly<ArgusConfig['farm']>;
  readonly simConfig: Readonly<ArgusConfig['sim']>;
  readonly signalConfig: Readonly<ArgusConfig['signal']>;
  readonly replayConfig: Readonly<ArgusConfig['replay']>;
  readonly notifyConfig: Readonly<ArgusConfig['notifications']>;
  /** A market-data adapter of this kind (its module loads on first use). The caller closes it. */
  source(kind: SourceKind, request?: SourceRequest): Promise<MarketDataSource>;
  /** Threads for a backtest's host step (farm.workers; null: this thread alone). Closed by the run. */
  farmShards(): HostShards | null;
  /** The trader grid: the bundled default, or a user's grid file, validated. */
  grid(file?: string): Grid;
  /** The fitted synthetic chain model (data/models/chain-model.json). */
  chainModel(): ChainModel;
  /** A real option chain export (the CSV format of data/options/), parsed. */
  chainExport(file: string): ParsedChain;
  /** The simulator's fitted BTC and ETF parameters (data/models/sim-params.json). */
  simParams(): SimParams;
  /** The farm's runs, steps, checkpoints and live positions. */
  readonly farmRuns: FarmRuns;
  /** Shards' databases (`farm run --shard`), read-only, and the database `farm merge` writes into. */
  readonly farmShardFiles: FarmShardFiles;
  /** The recorded official closes the gap is measured from. */
  readonly gapSnapshots: GapSnapshots;
  /** The live farm's day as the daily review reads it. */
  readonly reviews: Reviews;
  /** Runs, old rows and files as `runs` and `db prune` see them. */
  readonly housekeeping: Housekeeping;
  /** Notifications waiting to be sent, and their history. */
  readonly outbox: Outbox;
  /** The monitor's stored market snapshots. */
  readonly marketSnapshots: MarketSnapshots;
  /** Live BTC ticks (Bybit's stream; ARGUS_BYBIT_WS_URL overrides its address). The caller closes it. */
  btcTicks(): BtcTicks;
  /** A Telegram Bot API client for these settings. The caller closes it. */
  telegram(settings: TelegramSettings): MessageSender;
  /** The effective settings with their origins, the config file and the database path. */
  configReport(): ConfigReport;
  /** The runs table; `resolveRunRef` is the one run-reference grammar. */
  readonly runs: Runs;
  /** The farm's stored results: per-trader figures, live positions, monthly and daily series. */
  readonly farmResults: FarmResults;
  /** Promotion evaluations, trial counts and the active promotions. */
  readonly promotions: Promotions;
  /** Databases of their own in `dir` (created if missing), for a service that runs whole backtests. */
  workDatabases(dir: string): WorkDatabases;
}

/** Deps over a database of their own; the caller closes them. */
export interface ScopedDeps extends Deps {
  close(): void;
}

/** A directory of work databases (the honesty test: one per seed). */
export interface WorkDatabases {
  /** Deps over database `name` in the directory, with `settings` folded into the config as flags would be. */
  open(name: string, settings: Record<string, unknown>): ScopedDeps;
  /** Deletes database `name` and the files beside it (WAL, shared memory, checkpoints). */
  remove(name: string): void;
  /** A JSON result kept in the directory (null: none, or unreadable). */
  readResult(name: string): unknown;
  /** Writes a JSON result atomically (a kill never leaves half a file). */
  writeResult(name: string, value: unknown): void;
}
