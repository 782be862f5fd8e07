import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadEconomicCalendar, loadMarketCalendar } from '../adapters/bundled/calendars.js';
import { loadChainModel } from '../adapters/bundled/chain-model.js';
import { loadGrid } from '../adapters/bundled/grids.js';
import { loadSimParams } from '../adapters/bundled/sim-params.js';
import { describeConfig, type ResolvedConfig, resolveConfig } from '../adapters/config/load.js';
import { loadChainExport } from '../adapters/market/chain-export.js';
import { BybitBtcTicks } from '../adapters/market/live/btc-ticks.js';
import { TelegramClient } from '../adapters/notify/telegram.js';
import { ThreadShards } from '../adapters/shards/shard-pool.js';
import { SqliteFarmResults } from '../adapters/store/farm-results.js';
import { SqliteFarmRuns } from '../adapters/store/farm-runs.js';
import { SqliteFarmShardFiles } from '../adapters/store/farm-shards.js';
import { SqliteGapSnapshots } from '../adapters/store/gap.js';
import { SqliteHousekeeping } from '../adapters/store/housekeeping.js';
import { SqliteMarketSnapshots } from '../adapters/store/market-snapshots.js';
import { SqliteOutbox } from '../adapters/store/outbox.js';
import { SqlitePromotions } from '../adapters/store/promotions.js';
import { SqliteReviews } from '../adapters/store/review.js';
import { Store } from '../adapters/store/store.js';
import type { ConfigReport } from '../core/config/report.js';
import { UsageError } from '../core/errors.js';
import type { Grid } from '../core/farm/grid.js';
import type { FarmShardFiles } from '../core/farm/merge.js';
import type { FarmRuns, HostShards } from '../core/farm/ports.js';
import type { Housekeeping } from '../core/housekeeping.js';
import type { FarmResults, Promotions } from '../core/judge/ports.js';
import { createLogger, type Logger } from '../core/log.js';
import type { ParsedChain } from '../core/market/chain-fit.js';
import type { ChainModel } from '../core/market/chain-model.js';
import type { GapSnapshots } from '../core/market/gap.js';
import type { MarketDataSource, SourceKind } from '../core/market/port.js';
import type { SimParams } from '../core/market/sim-params.js';
import type { BtcTicks, MarketSnapshots } from '../core/monitor/ports.js';
import type { MessageSender, Outbox, TelegramSettings } from '../core/notify.js';
import type { Reviews } from '../core/review.js';
import type { Runs } from '../core/runs.js';
import { type Clock, PinnedClock, SystemClock } from '../core/time/clock.js';
import type { EconomicCalendar } from '../core/time/economic-calendar.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';
import { MS_PER_DAY } from '../core/units.js';
import type { Deps, ScopedDeps, SourceRequest, WorkDatabases } from '../services/deps.js';

export interface ContextOptions {
  /** oclif config.dataDir / config.configDir. */
  dataDir: string;
  configDir: string;
  env: Record<string, string | undefined>;
  /** Global and command flags that map onto settings (e.g. source, log-level), plus db. */
  flags: Record<string, unknown> & { db?: string };
  appVersion: string;
  clock?: Clock;
  log?: Logger;
  /** The command only reads: a database that does not exist yet is an error, not a new file. */
  readsOnly?: boolean;
}

/**
 * The composition root: the one place that turns flags, environment and files into the clock,
 * config, store, calendars and market sources a service needs, and the only place that builds an
 * adapter. Heavy parts are opened lazily. It implements Deps; services see only the part they name.
 */
export class AppContext implements Deps {
  readonly clock: Clock;
  readonly config: ResolvedConfig;
  readonly dbPath: string;
  readonly appVersion: string;
  readonly env: Record<string, string | undefined>;
  readonly log: Logger;
  private readonly opts: ContextOptions;
  private storeInstance: Store | null = null;
  /** What this context built over its store, one of each; forgotten on close with the store. */
  private readonly repositories = new Map<string, unknown>();
  private marketInstance: MarketCalendar | null = null;
  private economicInstance: EconomicCalendar | null = null;

  constructor(opts: ContextOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? clockFromEnv(opts.env);
    const configFile = opts.env.ARGUS_CONFIG || join(opts.configDir, 'config.json');
    this.config = resolveConfig({ file: configFile, env: opts.env, flags: opts.flags });
    this.dbPath = opts.flags.db ?? (opts.env.ARGUS_DB || join(opts.dataDir, 'argus.db'));
    this.appVersion = opts.appVersion;
    this.env = opts.env;
    // Diagnostics go to stderr so stdout stays clean for tables, JSON and NDJSON.
    this.log = opts.log ?? createLogger(this.config.config.logLevel, (l) => process.stderr.write(l));
  }

  store(): Store {
    this.storeInstance ??= Store.open(this.dbPath, this.clock, { mustExist: this.opts.readsOnly === true });
    return this.storeInstance;
  }

  private repository<T>(name: string, make: (store: Store) => T): T {
    if (!this.repositories.has(name)) this.repositories.set(name, make(this.store()));
    return this.repositories.get(name) as T;
  }

  get runs(): Runs {
    return this.store();
  }
  get farmRuns(): FarmRuns {
    return this.repository('farmRuns', (s) => new SqliteFarmRuns(s));
  }
  get farmShardFiles(): FarmShardFiles {
    return new SqliteFarmShardFiles(this.clock);
  }
  get farmResults(): FarmResults {
    return this.repository('farmResults', (s) => new SqliteFarmResults(s.db));
  }
  get promotions(): Promotions {
    return this.repository('promotions', (s) => new SqlitePromotions(s.db));
  }
  get gapSnapshots(): GapSnapshots {
    return this.repository('gapSnapshots', (s) => new SqliteGapSnapshots(s));
  }
  get reviews(): Reviews {
    return this.repository('reviews', (s) => new SqliteReviews(s));
  }
  get housekeeping(): Housekeeping {
    return this.repository('housekeeping', (s) => new SqliteHousekeeping(s));
  }
  get outbox(): Outbox {
    return this.repository('outbox', (s) => new SqliteOutbox(s, this.clock));
  }
  get marketSnapshots(): MarketSnapshots {
    return this.repository('marketSnapshots', (s) => new SqliteMarketSnapshots(s));
  }

  btcTicks(): BtcTicks {
    return new BybitBtcTicks({
      url: this.env.ARGUS_BYBIT_WS_URL || undefined,
      clock: this.clock,
      // Reconnect jitter only; no result depends on it.
      random: Math.random,
    });
  }

  farmShards(): HostShards | null {
    // The step is memory-bound: past a few threads more cores add little but each thread's heap.
    const n = this.config.config.farm.workers || Math.min(8, availableParallelism());
    // Worker threads run compiled JavaScript: from the TypeScript sources (the in-process tests) one thread steps.
    if (n <= 1 || import.meta.url.endsWith('.ts')) return null;
    return new ThreadShards(n);
  }

  /** Work databases in `dir`: each opened as a context of its own, same environment, clock and version. */
  workDatabases(dir: string): WorkDatabases {
    mkdirSync(dir, { recursive: true });
    return {
      open: (name, settings): ScopedDeps =>
        new AppContext({
          dataDir: this.opts.dataDir,
          configDir: this.opts.configDir,
          env: this.env,
          flags: { ...settings, db: join(dir, name) },
          appVersion: this.appVersion,
          clock: this.clock,
        }),
      remove: (name) => {
        const db = join(dir, name);
        for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.checkpoints`])
          rmSync(f, { recursive: true, force: true });
      },
      readResult: (name) => {
        try {
          return JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
        } catch {
          return null;
        }
      },
      writeResult: (name, value) => {
        const tmp = join(dir, `${name}.tmp`);
        writeFileSync(tmp, JSON.stringify(value));
        renameSync(tmp, join(dir, name));
      },
    };
  }

  get calendar(): MarketCalendar {
    this.marketInstance ??= loadMarketCalendar();
    return this.marketInstance;
  }

  get economic(): EconomicCalendar {
    this.economicInstance ??= loadEconomicCalendar(this.config.config.calendar.events);
    return this.economicInstance;
  }

  get defaultSource(): SourceKind {
    return this.config.config.source;
  }
  get pricingConfig() {
    return this.config.config.pricing;
  }
  get farmConfig() {
    return this.config.config.farm;
  }
  get simConfig() {
    return this.config.config.sim;
  }
  get signalConfig() {
    return this.config.config.signal;
  }
  get replayConfig() {
    return this.config.config.replay;
  }
  get notifyConfig() {
    return this.config.config.notifications;
  }

  grid(file?: string): Grid {
    return loadGrid(file ?? this.config.config.farm.grid ?? undefined);
  }

  chainModel(): ChainModel {
    return loadChainModel();
  }

  chainExport(file: string): ParsedChain {
    return loadChainExport(file);
  }

  simParams(): SimParams {
    return loadSimParams();
  }

  telegram(settings: TelegramSettings): MessageSender {
    return new TelegramClient({
      baseUrl: settings.url,
      token: settings.token,
      clock: this.clock,
      // Jitter for retries only; no result depends on it.
      random: Math.random,
    });
  }

  configReport(): ConfigReport {
    const c = this.config;
    return { file: c.file, fileExists: c.fileExists, db: this.dbPath, settings: describeConfig(c) };
  }

  /**
   * The market-data adapter of this kind (see SourceRequest). Its module is imported here, when
   * the source is chosen: a command that reads the store never loads the market adapters.
   */
  async source(kind: SourceKind, request: SourceRequest = {}): Promise<MarketDataSource> {
    const c = this.config.config;
    switch (kind) {
      case 'sim':
        return this.simSource(request);
      case 'replay': {
        const recorded = request.recorded;
        const { ReplayMarketDataSource } = await import('../adapters/market/replay/replay-source.js');
        return new ReplayMarketDataSource({
          calendar: this.calendar,
          riskFreeRate: recorded ? recorded.riskFreeRate : c.pricing.riskFreeRate,
          dailyExpiriesFrom: (recorded?.replay ?? c.replay).dailyExpiriesFrom,
          ivShiftVp: (recorded?.replay ?? c.replay).ivShift,
        });
      }
      case 'live': {
        const store = this.store();
        const { LiveMarketDataSource } = await import('../adapters/market/live/live-source.js');
        return new LiveMarketDataSource({
          clock: this.clock,
          env: this.env,
          // Jitter for retries only; no result depends on it.
          random: Math.random,
          marketPhase: (ms) => this.calendar.status(ms).phase,
          maxQuoteAgeMs: c.data.maxQuoteAgeSec * 1000,
          dvolStore: { load: () => store.loadDvol(), save: (pts) => store.saveDvol(pts) },
          timeoutMs: 10_000,
          budgetMs: request.budgetMs,
        });
      }
      default:
        throw new UsageError(`the ${kind} source is not available yet`, 'use --source replay');
    }
  }

  private async simSource(request: SourceRequest): Promise<MarketDataSource> {
    const c = this.config.config;
    const cal = this.calendar;
    const { SimMarketDataSource } = await import('../adapters/market/sim/sim-source.js');
    try {
      if (request.window) {
        // A backtest's market: exactly its window, with the settings recorded for it.
        const s = request.sim ?? { model: 'heston' as const, fair: false, seed: 1 };
        return new SimMarketDataSource({
          calendar: cal,
          model: s.model,
          seed: s.seed,
          fromMs: cal.etToUtcMs(request.window.from, '00:00'),
          toMs: cal.etToUtcMs(request.window.to, '23:59'),
          premium: s.premium,
          fair: s.fair,
          riskFreeRate: c.pricing.riskFreeRate,
        });
      }
      // One-shot commands simulate a window around the asked time (plus the 52-week warm-up).
      const atMs = request.atMs ?? this.clock.nowMs();
      return new SimMarketDataSource({
        calendar: cal,
        model: c.sim.model,
        seed: c.sim.seed,
        fromMs: atMs - 30 * MS_PER_DAY,
        toMs: atMs + 7 * MS_PER_DAY,
        premium: c.sim.fair ? 0 : c.sim.premium,
        fair: c.sim.fair,
        riskFreeRate: c.pricing.riskFreeRate,
      });
    } catch (err) {
      if (err instanceof RangeError)
        throw new UsageError(
          err.message,
          request.window ? undefined : 'see `argus config show` for the sim.* settings',
        );
      throw err;
    }
  }

  close(): void {
    this.storeInstance?.close();
    this.storeInstance = null;
    this.repositories.clear();
  }
}

/**
 * ARGUS_FAKE_NOW (ISO instant) pins wall time: used by end-to-end tests and for reproducing a
 * user's report at a given moment. Sleeps stay real, so retries and waits still end.
 */
function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const fake = env.ARGUS_FAKE_NOW;
  if (!fake) return new SystemClock();
  try {
    return PinnedClock.at(fake);
  } catch {
    throw new UsageError(
      `ARGUS_FAKE_NOW="${fake}" is not an ISO instant`,
      'use e.g. 2026-11-25T15:00:00Z, or unset it',
    );
  }
}
