import { type EngineRequest, resolveEngine } from '../core/engine/resolve.js';
import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import { type ClosedTrade, FarmHost, type OpenedPosition } from '../core/farm/host.js';
import { farmKernels } from '../core/farm/kernels-gpujs.js';
import { MarketStepBuilder, SpreadRegistry } from '../core/farm/market-step.js';
import type { LiveDayBooking, LiveMode, PositionMark } from '../core/farm/ports.js';
import { EXIT_REASON_NAMES, type FarmRules } from '../core/farm/rules.js';
import { farmSettings } from '../core/farm/settings.js';
import { FarmState } from '../core/farm/state.js';
import { MS_PER_MINUTE } from '../core/units.js';
import type { Deps } from './deps.js';

export type FarmLiveDeps = Pick<
  Deps,
  | 'clock'
  | 'calendar'
  | 'gapSnapshots'
  | 'economic'
  | 'appVersion'
  | 'farmConfig'
  | 'pricingConfig'
  | 'source'
  | 'grid'
  | 'farmRuns'
>;

export interface LiveStepRequest {
  mode?: LiveMode;
  /** Default: the farm config's engine. */
  engine?: EngineRequest;
  gridFile?: string;
  /** Run even outside NYSE hours (farm exits). */
  force?: boolean;
  /** The market to step against; 'live' for users. Tests replay history through the same path. */
  sourceKind?: 'live' | 'replay' | 'sim';
  /** How long to wait for another process's step to finish (real time). */
  turnWaitMs?: number;
}

export interface LiveStepResult {
  /** Null when there is no live farm yet (nothing was created). */
  runId: string | null;
  mode: LiveMode;
  /** `already-done`: a step for this market minute was recorded by another process (its run and step given). */
  status: 'done' | 'market-closed' | 'already-done' | 'nothing-open';
  atMs: number;
  step: number;
  message: string;
  opened: {
    trader: number;
    symbol: string;
    expiry: string;
    shortStrike: number;
    longStrike: number;
    contracts: number;
    creditUsd: number;
  }[];
  closed: {
    trader: number;
    symbol: string;
    expiry: string;
    shortStrike: number;
    longStrike: number;
    reason: string;
    pnlUsd: number;
  }[];
  exitsBlocked: number;
  openPositions: number;
  /** The session this step booked into the live farm's daily series (`argus expire` after the close). */
  booked: string | null;
}

/** A cron step runs every minute: waiting longer for another process's step than this is a fault. */
const TURN_WAIT_MS = 90_000;
/** All of one step's provider requests together (real time): a slow provider cannot hold a cron step for minutes. */
const STEP_MARKET_BUDGET_MS = 45_000;

/** Months in live state: monthly P&L comes from the positions table, not a fixed-size array. */
const LIVE_MONTHS = 1;

/**
 * One live step, defined by its market minute. Steps take turns (one process at a time); a step
 * for a minute another process has already stepped (or a later one) does nothing and names the run
 * and step that did it, so overlapping cron runs all succeed and close each position exactly once.
 */
export async function farmLiveStep(deps: FarmLiveDeps, req: LiveStepRequest): Promise<LiveStepResult> {
  const mode = req.mode ?? 'full';
  const cal = deps.calendar;
  const now = deps.clock.nowMs();
  const minuteMs = Math.floor(now / MS_PER_MINUTE) * MS_PER_MINUTE;
  const runs = deps.farmRuns;
  // Reads and closes never create the live farm: only a full step starts it.
  const existing = runs.liveRunId();
  const started = existing !== null && runs.farmRun(existing) !== null;
  const quiet = (status: LiveStepResult['status'], message: string): LiveStepResult => ({
    runId: existing,
    mode,
    status,
    atMs: now,
    step: 0,
    message,
    opened: [],
    closed: [],
    exitsBlocked: 0,
    openPositions: 0,
    booked: null,
  });
  if (mode !== 'expire' && !cal.isOpen(now) && !req.force) {
    return quiet('market-closed', `market closed (next open ${cal.formatEt(cal.nextOpen(now).openMs)})`);
  }
  if (mode !== 'full' && !started) {
    return quiet(
      'nothing-open',
      'nothing is open: the live farm has not started (`argus farm run` starts it)',
    );
  }
  const runId = existing ?? runs.liveRun(deps.appVersion).id;
  const done = () => {
    const d = runs.liveStepCovering(runId, minuteMs, mode);
    if (!d) return null;
    return {
      ...quiet(
        'already-done',
        `${mode} for ${cal.formatEt(d.minuteMs)} already done by live run ${runId.slice(0, 8)} (step ${d.step})`,
      ),
      runId,
      atMs: d.minuteMs,
      step: d.step,
    };
  };
  const before = done();
  if (before) return before;
  const release = await runs.takeLiveTurn(req.turnWaitMs ?? TURN_WAIT_MS);
  try {
    // Checked again with the turn held: the step that held it before may have been this minute's.
    return done() ?? (await attemptStep(deps, req, mode, runId, now, minuteMs));
  } finally {
    release();
  }
}

/**
 * `argus expire`: settle the live farm's expired positions. A date names a session that must
 * have closed already.
 */
export async function expire(deps: FarmLiveDeps, o: { date?: string }): Promise<LiveStepResult> {
  if (o.date) {
    const day = deps.calendar.tradingDay(o.date);
    if (day && day.closeMs > deps.clock.nowMs()) {
      throw new UsageError(
        `${o.date}'s session has not closed yet (${deps.calendar.formatEt(day.closeMs)})`,
        'run expire after the close',
      );
    }
  }
  return farmLiveStep(deps, { mode: 'expire', engine: 'js' });
}

async function attemptStep(
  deps: FarmLiveDeps,
  req: LiveStepRequest,
  mode: LiveMode,
  runId: string,
  now: number,
  minuteMs: number,
): Promise<LiveStepResult> {
  const runs = deps.farmRuns;
  const cal = deps.calendar;
  const row = runs.farmRun(runId);
  const settings = farmSettings(deps.farmConfig);
  let grid = req.gridFile || !row ? deps.grid(req.gridFile) : parseGrid(row.gridJson, 'live farm grid');
  if (row && grid.hash !== row.gridHash) {
    throw new UsageError(
      'the live farm was started with another grid; its traders and positions belong to that grid',
      'drop --grid to keep the live grid, or start a new database with --db',
    );
  }
  if (row) grid = parseGrid(row.gridJson, 'live farm grid');
  const rules: FarmRules = row ? row.rules : settings.rules;
  const fill = row ? row.fill : settings.fill;
  const version = row?.stepsDone ?? 0;
  const cp = runs.checkpoint(runId);
  const capitalCents = Math.round(rules.capitalUsd * 100);
  const state = cp ? FarmState.deserialize(cp.state, capitalCents) : undefined;
  const registry = cp ? SpreadRegistry.fromJSON(cp.registry) : new SpreadRegistry();

  const opened: OpenedPosition[] = [];
  const closed: ClosedTrade[] = [];
  const kernels = farmKernels(resolveEngine(req.engine ?? deps.farmConfig.engine, { kernel: 'farmStep' }));
  const source = await deps.source(req.sourceKind ?? 'live', { atMs: now, budgetMs: STEP_MARKET_BUDGET_MS });
  try {
    // One day's group series: a booked session is taken out of the state and stored by the step.
    const host = new FarmHost(
      grid,
      rules,
      {
        months: LIVE_MONTHS,
        days: 1,
        kernels,
        onOpen: (p) => opened.push(p),
        onClose: (t) => closed.push(t),
      },
      state,
    );
    const builder = new MarketStepBuilder({
      source,
      calendar: cal,
      economic: deps.economic,
      grid,
      rules,
      fill,
      riskFreeRate: deps.pricingConfig.riskFreeRate,
      months: [cal.etDate(now).slice(0, 7)],
      registry,
      settlementPrice: async (symbol, date, closeMs) => {
        const snap = deps.gapSnapshots.get(date);
        const recorded = snap ? (symbol === 'IBIT' ? snap.ibitClose : snap.bitoClose) : null;
        if (recorded !== null || (req.sourceKind ?? 'live') === 'live') return recorded;
        const q = await source.etfQuote(symbol, closeMs);
        return q.status === 'ok' ? q.value.price : null;
      },
    });
    const open = host.openSpreads();
    // `argus expire` runs after the close: the holders' exercise decisions are taken then.
    const { input } = await builder.build(version, now, open, {
      entries: mode === 'full',
      marks: mode === 'expire' ? 'expired' : 'all',
      exercise: mode === 'expire',
    });
    input.monthIndex = 0;
    // `farm exits` closes by triggers only; settlement is `argus expire`'s job.
    if (mode === 'exits') for (const m of input.marks.values()) m.expiresNow = false;
    // Only `argus expire` books a session: the last closed one, once, while the market is shut (so
    // no step of the next session has moved the equity it books).
    const last = mode === 'expire' && !cal.isOpen(now) ? cal.lastClose(now) : null;
    const book = last && runs.liveDayBooked(runId, last.date) === null ? last : null;
    input.isClose = book !== null;
    const st = host.state;
    if (book) {
      st.days = 0;
      st.groupDaily.fill(0);
      st.monthlyCents.fill(0);
      st.monthlySumSq.fill(0);
    }
    const summary = host.step(input);
    host.settleGreeks();
    const day: LiveDayBooking | undefined = book
      ? {
          date: book.date,
          closeMs: book.closeMs,
          groupPnl: Float64Array.from(st.groupDaily),
          traderPnl: Float64Array.from(st.monthlyCents),
        }
      : undefined;

    // Persist: positions opened and closed, the state checkpoint and the step counter, atomically.
    const s = host.state.s;
    const spread = (id: number) => {
      const { symbol, expiry, shortStrike, longStrike } = builder.registry.get(id);
      return { symbol, expiry, shortStrike, longStrike };
    };
    // The trailing stop's high-water mark lives with the position row too.
    const marks: PositionMark[] = [];
    for (let k = 0; k < s.spread.length; k++) {
      if (s.spread[k] < 0) continue;
      marks.push({
        trader: Math.floor(k / host.state.slots),
        ...spread(s.spread[k]),
        lowMidPips: s.lowMidPips[k],
        lastMarkPips: s.lastMarkPips[k],
      });
    }
    runs.commitLiveStep(runId, {
      version,
      minuteMs,
      mode,
      setup: row
        ? null
        : {
            gridSpec: grid.spec,
            gridHash: grid.hash,
            rules,
            fill,
            traders: grid.count,
            stepsTotal: 0,
            months: [],
          },
      closed: closed.map((t) => ({
        trader: t.trader,
        ...spread(t.spreadId),
        exitMs: t.exitMs,
        reason: EXIT_REASON_NAMES[t.reason],
        exitPips: t.exitPips,
        pnlCents: t.pnlCents,
        feesCents: t.feesCents,
      })),
      opened: opened.map((p) => {
        const k = p.trader * host.state.slots + p.slot;
        return {
          trader: p.trader,
          ...spread(p.spreadId),
          idempotencyKey: `${runId}:${version}:${p.trader}`,
          contracts: p.contracts,
          creditPips: p.creditPips,
          entryMs: p.tMs,
          ptMidPips: s.ptMidPips[k],
          stopMidPips: s.stopMidPips[k],
          armMidPips: s.armMidPips[k],
          trailGapPips: s.trailGapPips[k],
          lowMidPips: s.lowMidPips[k],
          lastMarkPips: s.lastMarkPips[k],
          maxLossCents: s.maxLossCents[k],
          deltaUsd: s.deltaUsd[k],
          vegaUsd: s.vegaUsd[k],
        };
      }),
      marks,
      state: host.state.serializeParts(),
      registry: builder.registry.toJSON(),
      atMs: now,
      day,
    });

    const usd = (pips: number) => pips / 10_000;
    return {
      runId,
      mode,
      status: 'done',
      atMs: now,
      step: version,
      message: `${mode}: ${opened.length} opened, ${closed.length} closed${summary.exitsBlocked ? `, ${summary.exitsBlocked} exits waiting for a quote` : ''}${day ? `; booked the ${day.date} session` : ''}`,
      booked: day?.date ?? null,
      opened: opened.map((p) => {
        const i = builder.registry.get(p.spreadId);
        return {
          trader: p.trader,
          symbol: i.symbol,
          expiry: i.expiry,
          shortStrike: i.shortStrike,
          longStrike: i.longStrike,
          contracts: p.contracts,
          creditUsd: usd(p.creditPips),
        };
      }),
      closed: closed.map((t) => {
        const i = builder.registry.get(t.spreadId);
        return {
          trader: t.trader,
          symbol: i.symbol,
          expiry: i.expiry,
          shortStrike: i.shortStrike,
          longStrike: i.longStrike,
          reason: EXIT_REASON_NAMES[t.reason],
          pnlUsd: t.pnlCents / 100,
        };
      }),
      exitsBlocked: summary.exitsBlocked,
      openPositions: summary.openPositions,
    };
  } finally {
    kernels.destroy();
    await source.close?.();
  }
}
