import { join } from 'node:path';
import { type ResolvedConfig, resolveConfig } from '../adapters/config/load.js';
import { LiveMarketDataSource } from '../adapters/market/live/live-source.js';
import { ReplayMarketDataSource } from '../adapters/market/replay/replay-source.js';
import { SimMarketDataSource } from '../adapters/market/sim/sim-source.js';
import { Store } from '../adapters/store/store.js';
import { UsageError } from '../core/errors.js';
import type { MarketDataSource, SourceKind } from '../core/market/port.js';
import { type Clock, ManualClock, SystemClock } from '../core/time/clock.js';
import { type EconomicCalendar, loadEconomicCalendar } from '../core/time/economic-calendar.js';
import { loadMarketCalendar, type MarketCalendar } from '../core/time/market-calendar.js';

export interface ContextOptions {
  /** oclif config.dataDir / config.configDir. */
  dataDir: string;
  configDir: string;
  env: Record<string, string | undefined>;
  /** Global and command flags that map onto settings (e.g. source, log-level), plus db. */
  flags: Record<string, unknown> & { db?: string };
  appVersion: string;
  clock?: Clock;
}

/**
 * The composition root: the one place that turns flags, environment and files into the clock,
 * config, store and calendars a service needs. Heavy parts are opened lazily.
 */
export class AppContext {
  readonly clock: Clock;
  readonly config: ResolvedConfig;
  readonly dbPath: string;
  readonly appVersion: string;
  readonly env: Record<string, string | undefined>;
  private storeInstance: Store | null = null;
  private marketInstance: MarketCalendar | null = null;
  private economicInstance: EconomicCalendar | null = null;

  constructor(opts: ContextOptions) {
    this.clock = opts.clock ?? clockFromEnv(opts.env);
    const configFile = opts.env.ARGUS_CONFIG || join(opts.configDir, 'config.json');
    this.config = resolveConfig({ file: configFile, env: opts.env, flags: opts.flags });
    this.dbPath = opts.flags.db ?? (opts.env.ARGUS_DB || join(opts.dataDir, 'argus.db'));
    this.appVersion = opts.appVersion;
    this.env = opts.env;
  }

  store(): Store {
    this.storeInstance ??= Store.open(this.dbPath, this.clock);
    return this.storeInstance;
  }

  market(): MarketCalendar {
    this.marketInstance ??= loadMarketCalendar();
    return this.marketInstance;
  }

  economic(): EconomicCalendar {
    this.economicInstance ??= loadEconomicCalendar(this.config.config.calendar.events);
    return this.economicInstance;
  }

  /** The market-data adapter chosen by --source / ARGUS_SOURCE / config. */
  source(kind: SourceKind = this.config.config.source, atMs: number = this.clock.nowMs()): MarketDataSource {
    const c = this.config.config;
    switch (kind) {
      case 'sim': {
        // One-shot commands simulate a window around the asked time (plus the 52-week warm-up).
        const day = 86_400_000;
        try {
          return new SimMarketDataSource({
            calendar: this.market(),
            model: c.sim.model,
            seed: c.sim.seed,
            fromMs: atMs - 30 * day,
            toMs: atMs + 7 * day,
            premium: c.sim.fair ? 0 : c.sim.premium,
            fair: c.sim.fair,
            riskFreeRate: c.pricing.riskFreeRate,
          });
        } catch (err) {
          if (err instanceof RangeError)
            throw new UsageError(err.message, 'see `argus config show` for the sim.* settings');
          throw err;
        }
      }
      case 'replay':
        return new ReplayMarketDataSource({
          calendar: this.market(),
          riskFreeRate: c.pricing.riskFreeRate,
          dailyExpiriesFrom: c.replay.dailyExpiriesFrom,
          ivScale: c.replay.ivScale,
        });
      case 'live': {
        const store = this.store();
        return new LiveMarketDataSource({
          clock: this.clock,
          env: this.env,
          // Jitter for retries only; no result depends on it.
          random: Math.random,
          marketPhase: (ms) => this.market().status(ms).phase,
          maxQuoteAgeMs: c.data.maxQuoteAgeSec * 1000,
          dvolStore: { load: () => store.loadDvol(), save: (pts) => store.saveDvol(pts) },
          timeoutMs: 10_000,
        });
      }
      default:
        throw new UsageError(`the ${kind} source is not available yet`, 'use --source replay');
    }
  }

  close(): void {
    this.storeInstance?.close();
    this.storeInstance = null;
  }
}

/**
 * ARGUS_FAKE_NOW (ISO instant) pins the clock: used by end-to-end tests and for reproducing a
 * user's report at a given moment.
 */
function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const fake = env.ARGUS_FAKE_NOW;
  if (!fake) return new SystemClock();
  try {
    return ManualClock.at(fake);
  } catch {
    throw new UsageError(
      `ARGUS_FAKE_NOW="${fake}" is not an ISO instant`,
      'use e.g. 2026-11-25T15:00:00Z, or unset it',
    );
  }
}
