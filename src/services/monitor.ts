import type { EngineRequest } from '../core/engine/resolve.js';
import { ArgusError, UsageError } from '../core/errors.js';
import type { MarketDataSource, SourceKind } from '../core/market/port.js';
import { type FarmClock, farmWorkDue } from '../core/monitor/farm-schedule.js';
import type { BtcTickEvent, BtcTicks } from '../core/monitor/ports.js';
import {
  buildMonitorState,
  type FarmDriverResult,
  type MonitorInputs,
  type MonitorState,
  type StreamHealth,
} from '../core/monitor/state.js';
import type { ModelName } from '../core/pricing/models.js';
import type { ExitRow } from '../core/review.js';
import { type Clock, ScaledClock } from '../core/time/clock.js';
import { MS_PER_DAY } from '../core/units.js';
import type { Deps } from './deps.js';
import { type FarmLiveDeps, farmLiveStep } from './farm-live.js';
import { type GapDeps, gapWith, recordCloseWith } from './gap.js';
import { deliverPending, enqueueMonitorNotice, type NotifyDeps } from './notify.js';
import { type DailyReviewDeps, dailyReview } from './review.js';
import { type SignalDeps, signalWith } from './signal.js';

export type MonitorDeps = SignalDeps &
  DailyReviewDeps &
  FarmLiveDeps &
  GapDeps &
  NotifyDeps &
  Pick<Deps, 'marketSnapshots' | 'btcTicks' | 'simConfig'>;

export interface MonitorOptions {
  source: SourceKind;
  /** Where a replay or sim starts (default: now for sim; required for replay). */
  atMs?: number;
  /** Market seconds per wall second (replay and sim; 1 live). */
  speed: number;
  /** Wall milliseconds between refreshes. */
  intervalMs: number;
  /** Drive the live farm: full steps and exits on schedule, expiries after the close. */
  farm: boolean;
  model?: ModelName;
  paths: number;
  seed: number;
  engine?: EngineRequest;
  /** The live farm's grid file (default: the bundled grid). */
  gridFile?: string;
}

/** What a running monitor tells its view. */
export interface MonitorListener {
  state(s: MonitorState): void;
  tick(t: { priceUsd: number; change24hFrac: number; atMs: number }): void;
  stream(h: StreamHealth): void;
}

/** How often replay and sim look at BTC between refreshes (wall time). */
const POLL_TICK_MS = 1_000;
/** Upcoming FOMC/CPI events shown. */
const UPCOMING_EVENTS = 4;
const TOP_TRADERS = 5;

/**
 * `argus monitor`: one session over one open market source. `refresh()` builds the dashboard's
 * state; `run()` refreshes on an interval, streams BTC between refreshes and, with `farm`, drives
 * the live farm — all stopped by one abort signal, after which the current write has finished,
 * the stop notice is queued and sent, and the source is closed.
 */
export function openMonitor(deps: MonitorDeps, o: MonitorOptions): MonitorSession {
  if (!(Number.isFinite(o.intervalMs) && o.intervalMs > 0))
    throw new UsageError(`--interval must be > 0 seconds, got ${o.intervalMs / 1000}`);
  if (o.source === 'live' && o.speed !== 1)
    throw new UsageError('--speed is for --source replay or sim', 'the live market runs at its own pace');
  if (o.source === 'live' && o.atMs !== undefined)
    throw new UsageError('--at is for --source replay or sim', 'live shows the market now');
  if (o.source === 'replay' && o.atMs === undefined)
    throw new UsageError('--source replay needs --at', 'e.g. --at 2025-03-10T14:00:00Z');
  return new MonitorSession(deps, o);
}

export class MonitorSession {
  /** Market time: the wall clock live, a scaled clock from --at in replay and sim. */
  readonly clock: Clock;
  /** Wall time: the interval between refreshes and the tick poll are wall seconds at any speed. */
  private readonly wall: Clock;
  private readonly d: MonitorDeps;
  /** Opened once, on first use (refresh and the tick poller may ask together). */
  private source: Promise<MarketDataSource> | null = null;
  private refreshes = 0;
  private farmClock: FarmClock = { fullMs: null, exitsMs: null };
  private driverLast: FarmDriverResult | null = null;
  private lastTradeKey: string | null = null;
  private expiredSession: string | null = null;
  private recordedSession: string | null = null;
  private streamHealth: StreamHealth | null = null;
  private ticks: BtcTicks | null = null;
  private paused = false;
  private wake: AbortController | null = null;
  private refreshNow = false;

  constructor(
    deps: MonitorDeps,
    readonly options: MonitorOptions,
  ) {
    this.wall = deps.clock;
    const startMs = options.atMs ?? deps.clock.nowMs();
    this.clock = options.source === 'live' ? deps.clock : new ScaledClock(deps.clock, startMs, options.speed);
    // Every service the monitor calls reads market time from this clock.
    this.d = options.source === 'live' ? deps : withClock(deps, this.clock);
  }

  private open(): Promise<MarketDataSource> {
    if (this.source) return this.source;
    const atMs = this.clock.nowMs();
    const o = this.options;
    if (o.source === 'sim') {
      // The sim simulates a window: a month of warm-up before the start and the days the speed covers.
      const days = Math.ceil((8 * 3600 * 1000 * o.speed) / MS_PER_DAY) + 14;
      const cal = this.d.calendar;
      const sim = this.d.simConfig;
      this.source = this.d.source('sim', {
        window: { from: cal.etDate(atMs - 30 * MS_PER_DAY), to: cal.etDate(atMs + days * MS_PER_DAY) },
        sim: { model: sim.model, seed: sim.seed, premium: sim.fair ? 0 : sim.premium, fair: sim.fair },
      });
    } else this.source = this.d.source(o.source, { atMs });
    return this.source;
  }

  /** One refresh: conditions, recommendation, gap, farm and data health as of the market clock now. */
  async refresh(): Promise<MonitorState> {
    const d = this.d;
    const o = this.options;
    const source = await this.open();
    // --at is the market time of the first refresh, however long start-up took.
    if (this.refreshes === 0 && this.clock instanceof ScaledClock) this.clock.anchor();
    const atMs = this.clock.nowMs();
    const problems: string[] = [];
    const signal = await signalWith(d, source, {
      atMs,
      model: o.model,
      paths: o.paths,
      seed: o.seed,
      engine: o.engine,
    });
    const [bito, dvolRecent, gap] = await Promise.all([
      source.etfQuote('BITO', atMs),
      source.dvolHistory(atMs, 31),
      gapWith(d, source, atMs),
    ]);
    let upcoming: MonitorInputs['upcoming'];
    try {
      upcoming = d.economic.events(atMs, atMs + 45 * MS_PER_DAY).events.slice(0, UPCOMING_EVENTS);
    } catch (err) {
      if (!(err instanceof ArgusError)) throw err;
      upcoming = err.message;
    }
    const phase = signal.conditions.market.phase;
    if (o.source === 'live' && phase !== 'open') await this.recordClose(source, atMs, problems);
    if (o.farm) await this.driveFarm(atMs, phase === 'open', signal, problems);

    const review = await dailyReview(d, {});
    const runId = review.liveRunId;
    let exitsToDate: ExitRow[] = [];
    let top: MonitorInputs['topTraders'] = [];
    let lastStep: MonitorInputs['lastStep'] = null;
    if (runId) {
      exitsToDate = d.reviews.exitsBetween(runId, 0, atMs + 1);
      top = d.reviews.traderDays(runId, 0, atMs + 1, 'best', TOP_TRADERS);
      const markMs = d.reviews.lastMarkMs(runId);
      if (markMs !== null)
        lastStep = { atMs: markMs, exits: d.reviews.exitsBetween(runId, markMs, markMs + 1) };
    }
    this.refreshes++;
    const state = buildMonitorState({
      atMs,
      source: o.source,
      speed: o.speed,
      refresh: this.refreshes,
      signal,
      bito,
      dvolRecent,
      upcoming,
      gap,
      review,
      exitsToDate,
      topTraders: top,
      lastStep,
      driver: { enabled: o.farm === true, last: this.driverLast },
      stream: this.streamHealth,
      problems,
    });
    this.record(state, problems);
    return state;
  }

  /** Stores what this refresh saw; a refused write is a problem shown, not a crash. */
  private record(s: MonitorState, problems: string[]): void {
    const v = <T>(x: { status: string; value?: T }): T | null => (x.status === 'ok' ? (x.value as T) : null);
    const btc = v(s.market.btc);
    try {
      this.d.marketSnapshots.record({
        atMs: s.atMs,
        source: s.source,
        btcUsd: btc?.priceUsd ?? null,
        btcChange24h: btc?.change24hFrac ?? null,
        dvol: v(s.volatility.dvol),
        ivRank: s.volatility.ivRank.status === 'ok' ? s.volatility.ivRank.rank : null,
        funding8h: v(s.fundingMomentum.funding8h),
        ibitUsd: v(s.market.ibit)?.price ?? null,
        bitoUsd: v(s.market.bito)?.price ?? null,
        warmth: s.warmth.status === 'ok' ? s.warmth.score : null,
        recordedMs: this.d.clock.nowMs(),
      });
    } catch (err) {
      if (!(err instanceof ArgusError)) throw err;
      problems.push(`snapshot not stored: ${err.message}`);
    }
  }

  /** Live, after the bell: the session's official close, once (what `gap snapshot` does from cron). */
  private async recordClose(source: MarketDataSource, atMs: number, problems: string[]): Promise<void> {
    const session = this.d.calendar.lastClose(atMs).date;
    if (this.recordedSession === session) return;
    const r = await recordCloseWith(this.d, source, atMs);
    if (r.status === 'unavailable') problems.push(`close of ${r.sessionDate} not recorded yet: ${r.reason}`);
    else this.recordedSession = session;
  }

  private async driveFarm(
    atMs: number,
    open: boolean,
    signal: Awaited<ReturnType<typeof signalWith>>,
    problems: string[],
  ): Promise<void> {
    const kind = this.options.source;
    const trade = signal.candidates.find((c) => c.verdict === 'trade');
    const key = trade ? `${trade.expiry}|${trade.shortStrike}|${trade.longStrike}` : null;
    const newTrade = key !== null && key !== this.lastTradeKey;
    this.lastTradeKey = key;
    try {
      if (!open) {
        const session = this.d.calendar.lastClose(atMs).date;
        if (this.expiredSession === session) return;
        const r = await farmLiveStep(this.d, {
          mode: 'expire',
          sourceKind: kind,
          engine: 'js',
          gridFile: this.options.gridFile,
        });
        this.expiredSession = session;
        this.driverLast = { atMs, mode: 'expire', status: 'done', message: r.message };
        return;
      }
      const mode = farmWorkDue(atMs, open, this.farmClock, newTrade);
      if (!mode) return;
      const r = await farmLiveStep(this.d, {
        mode,
        sourceKind: kind,
        engine: 'js',
        gridFile: this.options.gridFile,
      });
      if (mode === 'full') this.farmClock = { ...this.farmClock, fullMs: atMs };
      else this.farmClock = { ...this.farmClock, exitsMs: atMs };
      this.driverLast = {
        atMs,
        mode,
        status: r.status === 'done' ? 'done' : 'skipped',
        // Another process (a cron `farm exits`) may have stepped this minute: its message says which run.
        message: r.status === 'done' ? `${r.opened.length} opened, ${r.closed.length} closed` : r.message,
      };
    } catch (err) {
      if (!(err instanceof ArgusError)) throw err;
      this.driverLast = { atMs, mode: open ? 'full' : 'expire', status: 'failed', message: err.message };
      problems.push(`farm step failed: ${err.message}`);
    }
  }

  /** Stop refreshing (BTC ticks keep coming) or resume. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.wake?.abort();
  }

  /** Refresh now, paused or not. */
  requestRefresh(): void {
    this.refreshNow = true;
    this.wake?.abort();
  }

  /**
   * Refresh every interval until `signal` aborts; BTC between refreshes. A refresh that fails with
   * an ArgusError is shown as a problem and retried at the next interval; anything else stops the run.
   */
  async run(
    signal: AbortSignal,
    listener: MonitorListener,
    onProblem: (message: string) => void,
  ): Promise<void> {
    await this.notify('started');
    try {
      await Promise.all([this.refreshLoop(signal, listener, onProblem), this.tickLoop(signal, listener)]);
    } finally {
      await this.notify('stopped');
      await this.close();
    }
  }

  private async refreshLoop(signal: AbortSignal, l: MonitorListener, onProblem: (m: string) => void) {
    while (!signal.aborted) {
      if (!this.paused || this.refreshNow) {
        this.refreshNow = false;
        try {
          // The refresh in flight finishes (its writes are whole transactions) before the stop is seen.
          l.state(await this.refresh());
        } catch (err) {
          if (!(err instanceof ArgusError)) throw err;
          onProblem(err.message);
        }
      }
      if (signal.aborted) break;
      this.wake = new AbortController();
      try {
        await this.wall.sleep(this.options.intervalMs, AbortSignal.any([signal, this.wake.signal]));
      } catch {
        // woken: stop, resume or refresh now
      }
    }
  }

  private async tickLoop(signal: AbortSignal, l: MonitorListener): Promise<void> {
    if (this.options.source === 'live') {
      const ticks = this.d.btcTicks();
      this.ticks = ticks;
      this.streamHealth = { status: 'connecting', lastTickMs: null, attempt: null };
      const off = ticks.on((e: BtcTickEvent) => {
        const h = this.streamHealth!;
        if (e.type === 'tick') {
          this.streamHealth = { ...h, status: 'open', lastTickMs: e.atMs, attempt: null };
          l.tick(e);
        } else if (e.type === 'status')
          this.streamHealth = { ...h, status: e.status, attempt: e.attempt ?? null };
        else return;
        l.stream(this.streamHealth);
      });
      ticks.start();
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      off();
      return;
    }
    this.streamHealth = { status: 'polling', lastTickMs: null, attempt: null };
    let last: number | null = null;
    while (!signal.aborted) {
      const atMs = this.clock.nowMs();
      const b = await (await this.open()).btcSpot(atMs);
      if (b.status === 'ok' && b.value.priceUsd !== last) {
        last = b.value.priceUsd;
        this.streamHealth = { status: 'polling', lastTickMs: b.asOfMs, attempt: null };
        l.tick({ priceUsd: b.value.priceUsd, change24hFrac: b.value.change24hFrac, atMs: b.asOfMs });
      }
      try {
        await this.wall.sleep(POLL_TICK_MS, signal);
      } catch {
        break;
      }
    }
  }

  /** Live only, and only with Telegram configured: start and stop notices through the outbox. */
  private async notify(what: 'started' | 'stopped'): Promise<void> {
    if (this.options.source !== 'live') return;
    const d = this.d;
    try {
      const r = enqueueMonitorNotice(d, `Argus monitor ${what} at ${d.calendar.formatEt(d.clock.nowMs())}`);
      if (r.status === 'queued') await deliverPending(d, { maxInlineWaitMs: 2_000 });
    } catch (err) {
      if (!(err instanceof ArgusError)) throw err;
      d.log.warn(`monitor ${what} notice: ${err.message}`);
    }
  }

  /** Closes the stream and the market source; the caller closes the store. */
  async close(): Promise<void> {
    await this.ticks?.close();
    this.ticks = null;
    const source = this.source;
    this.source = null;
    await (await source)?.close?.();
  }
}

/** The same deps with market time from `clock` (replay and sim at their speed). */
function withClock<T extends object>(deps: T & { clock: Clock }, clock: Clock): T {
  return new Proxy(deps, {
    get(target, prop, receiver) {
      if (prop === 'clock') return clock;
      return Reflect.get(target, prop, receiver);
    },
  });
}
