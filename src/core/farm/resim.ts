import { UsageError } from '../errors.js';
import type { EtfSymbol } from '../market/port.js';
import type { SimRequest } from '../market/sim.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { MS_PER_DAY } from '../units.js';
import { DIMENSIONS, Grid, type GridSpec, type TraderConfig } from './grid.js';
import { MarketStepBuilder, type MarketStepOptions, type SpreadRegistry } from './market-step.js';
import type { ReferenceTrader } from './reference.js';
import { EXIT_REASON, EXIT_REASON_NAMES, type FarmRules } from './rules.js';
import { sharpeSortino } from './stats.js';

/*
 * Re-simulation: traders of a finished backtest stepped again by the reference implementation over
 * the run's own market, rebuilt from its provenance. The drill-down does it for one trader, the
 * promotion for K candidates in one pass; both must reproduce the farm's stored figures exactly.
 */

/** One trader of a backtest re-simulated by the reference implementation: its trades, open positions and figures. */
export interface DrillSpread {
  symbol: EtfSymbol;
  expiry: string;
  shortStrike: number;
  longStrike: number;
}

export interface DrillTrade {
  entryMs: number;
  exitMs: number;
  spread: DrillSpread;
  reason: string;
  contracts: number;
  /** Per share, as filled at entry. */
  creditUsd: number;
  /** Per share: the closing debit, the assignment debit, or the settlement value at expiry. */
  exitUsd: number;
  /** After all fees. */
  pnlUsd: number;
  feesUsd: number;
  days: number;
}

export interface DrillOpenPosition {
  entryMs: number;
  spread: DrillSpread;
  contracts: number;
  creditUsd: number;
  /** The last mark (spread mid per share): open MtM, not realised. */
  markUsd: number;
  openMtmUsd: number;
}

/** What the farm stored for this trader (trader_stats), to hold the re-simulation against. */
export interface FarmFigures {
  trades: number;
  wins: number;
  realizedUsd: number;
  openMtmUsd: number;
  openPositions: number;
  maxDrawdownUsd: number;
  sharpe: number | null;
  sortino: number | null;
  /** P&L booked on each provenance span's days, by SPAN_KINDS (null: none for it, or not kept). */
  spanPnlUsd: (number | null)[];
}

export interface DrillResult {
  runId: string;
  trader: number;
  config: TraderConfig;
  trades: DrillTrade[];
  open: DrillOpenPosition[];
  /** Marked-to-market equity at each NYSE close of the window. */
  equity: { tMs: number; date: string; equityUsd: number }[];
  capitalUsd: number;
  /** Closed and expired trades only. */
  realizedUsd: number;
  /** Open positions at the end, marked to market: not realised. */
  openMtmUsd: number;
  wins: number;
  /** Marked to market (null where no marked series exists: the live farm). */
  maxDrawdownUsd: number | null;
  sharpe: number | null;
  sortino: number | null;
  farm: FarmFigures | null;
  /** Each figure equal to the farm's (null: the farm has no figure for it). */
  agrees: {
    trades: boolean;
    realized: boolean;
    openMtm: boolean;
    maxDrawdown: boolean;
    sharpe: boolean;
    /** The daily P&L against the farm's daily sample, when this trader is in it. */
    dailyPnl: boolean | null;
  } | null;
  steps: number;
  elapsedMs: number;
}

/** The farm's full daily P&L (float32) of a seeded sample of traders: trader k's days at daily[k·days …]. */
export interface DailySample {
  ids: Int32Array;
  daily: Float32Array;
  /** Days per trader, as the farm recorded it. */
  days: number;
}

/** What a backtest recorded about its market, for rebuilding it. */
export interface RecordedMarket {
  window?: { from: string; to: string };
  sim?: SimRequest;
  market?: {
    riskFreeRate?: number;
    replay?: { dailyExpiriesFrom: string | null; ivShift?: number };
    optionLifeHours?: number;
  };
}

/**
 * The replay settings recorded with a run (the config may have changed since), if it kept them.
 * Runs from before the IV shift existed ran without one.
 */
export function recordedReplay(p: RecordedMarket): {
  riskFreeRate: number;
  replay: { dailyExpiriesFrom: string | null; ivShift: number };
} | null {
  const replay = p.market?.replay;
  const rate = p.market?.riskFreeRate;
  return replay && rate !== undefined
    ? {
        riskFreeRate: rate,
        replay: { dailyExpiriesFrom: replay.dailyExpiriesFrom, ivShift: replay.ivShift ?? 0 },
      }
    : null;
}

/** The run's steps, refused if the calendar no longer gives the run's count. */
export function runSteps(
  cal: MarketCalendar,
  runId: string,
  window: { from: string; to: string },
  stepsTotal: number,
): number[] {
  const steps = cal.replaySteps(window.from, window.to);
  if (steps.length !== stepsTotal) {
    throw new UsageError(
      `run ${runId} had ${stepsTotal} steps but its window now gives ${steps.length}`,
      'the market calendar changed since the run; re-run the backtest',
    );
  }
  return steps;
}

/** The grid of exactly one configuration: each dimension restricted to that trader's value. */
export function singleConfigGrid(cfg: TraderConfig): Grid {
  const spec = Object.fromEntries(DIMENSIONS.map((d) => [d, [cfg[d]]])) as unknown as GridSpec;
  return new Grid(spec);
}

/**
 * The (symbol, dte, delta, width) sub-grid the candidates trade: the market builds candidate
 * spreads per combination, so a small sub-grid gives each candidate exactly the spread it saw
 * in the full run. Other dimensions do not touch the market and keep one value.
 */
export function candidateGrid(run: Grid, configs: TraderConfig[]): Grid {
  const used = <K extends 'dte' | 'shortDelta' | 'width'>(k: K) =>
    run.spec[k].filter((v) => configs.some((c) => c[k] === v)) as GridSpec[K];
  const spec = Object.fromEntries(DIMENSIONS.map((d) => [d, [run.spec[d][0]]])) as unknown as GridSpec;
  // The whole symbol list keeps the run's symbol levels (symbolAvail is indexed by them).
  spec.symbol = run.spec.symbol;
  spec.dte = used('dte');
  spec.shortDelta = used('shortDelta');
  spec.width = used('width');
  return new Grid(spec);
}

/** A configuration's market combination and symbol level in grid `g`. */
export function comboIn(g: Grid, c: TraderConfig): { combo: number; symbolLevel: number } {
  const s = g.spec.symbol.indexOf(c.symbol);
  const d = g.spec.dte.indexOf(c.dte);
  const q = g.spec.shortDelta.indexOf(c.shortDelta);
  const w = g.spec.width.indexOf(c.width);
  const combo = ((s * g.spec.dte.length + d) * g.spec.shortDelta.length + q) * g.spec.width.length + w;
  return { combo, symbolLevel: s };
}

/**
 * Steps the traders over the market, step by step as the runner does: the same steps, open
 * spreads, month handling; up to and including `stopMs` if given. The market, not the traders, is
 * the work, so K traders cost about one. Closes the source; returns the registry the traders'
 * spread ids point into.
 */
export async function stepTraders(
  market: MarketStepOptions,
  traders: readonly ReferenceTrader[],
  steps: readonly number[],
  o: { stopMs?: number; onClose?: () => void } = {},
): Promise<SpreadRegistry> {
  try {
    const builder = new MarketStepBuilder(market);
    let month = -1;
    for (let k = 0; k < steps.length && (o.stopMs === undefined || steps[k] <= o.stopMs); k++) {
      const open = new Set<number>();
      for (const t of traders) for (const p of t.positions) if (p) open.add(p.spreadId);
      const { input } = await builder.build(k, steps[k], open);
      // As the runner: a new month restarts the monthly drawdown rule (not before the first).
      if (input.monthIndex !== month) {
        if (month >= 0) for (const t of traders) t.startMonth();
        month = input.monthIndex;
      }
      for (const t of traders) {
        t.step(input);
        // Decision events are not part of any result here; they would only pile up.
        t.events.length = 0;
      }
      if (input.isClose) o.onClose?.();
    }
    return builder.registry;
  } finally {
    await market.source.close?.();
  }
}

/** Whether the re-simulated daily P&L equals the farm's sample (null: the trader is not in it). */
export function dailyAgrees(
  sample: DailySample | null,
  traderId: number,
  daily: readonly number[],
): boolean | null {
  if (!sample) return null;
  const k = sample.ids.indexOf(traderId);
  if (k < 0) return null;
  const days = sample.days;
  if (days !== daily.length) return false;
  for (let d = 0; d < days; d++) if (sample.daily[k * days + d] !== Math.fround(daily[d])) return false;
  return true;
}

/**
 * One re-simulated trader's trades, open positions, curve and figures, held against what the
 * farm stored for it (`farm`, and its daily sample), so a drill-down that disagrees says so.
 */
export function drillResult(a: {
  runId: string;
  traderId: number;
  config: TraderConfig;
  rules: FarmRules;
  trader: ReferenceTrader;
  registry: SpreadRegistry;
  calendar: MarketCalendar;
  steps: number;
  farm: FarmFigures | null;
  sample: DailySample | null;
}): DrillResult {
  const { rules, trader: ref, registry, farm } = a;
  const feeCents = Math.round(rules.feePerContractPerLegUsd * 100);
  const spread = (id: number): DrillSpread => {
    const s = registry.get(id);
    return { symbol: s.symbol, expiry: s.expiry, shortStrike: s.shortStrike, longStrike: s.longStrike };
  };
  const trades: DrillTrade[] = ref.trades.map((t) => {
    const exitLegs = t.reason === EXIT_REASON.expiry ? 0 : t.reason === EXIT_REASON.assignment ? 1 : 2;
    return {
      entryMs: t.entryMs,
      exitMs: t.exitMs,
      spread: spread(t.spreadId),
      reason: EXIT_REASON_NAMES[t.reason],
      contracts: t.contracts,
      creditUsd: t.creditPips / 10_000,
      exitUsd: t.exitPips / 10_000,
      pnlUsd: t.pnlCents / 100,
      feesUsd: (feeCents * t.contracts * (2 + exitLegs)) / 100,
      days: (t.exitMs - t.entryMs) / MS_PER_DAY,
    };
  });
  const open: DrillOpenPosition[] = [];
  for (const pos of ref.positions) {
    if (!pos) continue;
    const mtm = (pos.creditPips - pos.lastMarkPips) * pos.contracts - 2 * feeCents * pos.contracts;
    open.push({
      entryMs: pos.entryMs,
      spread: spread(pos.spreadId),
      contracts: pos.contracts,
      creditUsd: pos.creditPips / 10_000,
      markUsd: pos.lastMarkPips / 10_000,
      openMtmUsd: mtm / 100,
    });
  }
  open.sort((x, y) => x.entryMs - y.entryMs);
  const daily = ref.dailyPnl;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  for (const d of daily) {
    sum += d;
    sumSq += d * d;
    if (d < 0) downSq += d * d;
  }
  const { sharpe, sortino } = sharpeSortino(daily.length, sum, sumSq, downSq);
  const result: DrillResult = {
    runId: a.runId,
    trader: a.traderId,
    config: a.config,
    trades,
    open,
    equity: ref.equityCurve.map((e) => ({
      tMs: e.tMs,
      date: a.calendar.etDate(e.tMs),
      equityUsd: e.equityCents / 100,
    })),
    capitalUsd: rules.capitalUsd,
    realizedUsd: ref.realizedCents / 100,
    openMtmUsd: ref.openMtm() / 100,
    wins: ref.trades.filter((t) => t.pnlCents > 0).length,
    maxDrawdownUsd: ref.maxDrawdownCents / 100,
    sharpe,
    sortino,
    farm,
    agrees: null,
    steps: a.steps,
    elapsedMs: 0,
  };
  if (farm) {
    const close = (x: number | null, y: number | null) =>
      x === null || y === null ? x === y : Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
    result.agrees = {
      trades: farm.trades === trades.length,
      realized: farm.realizedUsd === result.realizedUsd,
      openMtm: farm.openMtmUsd === result.openMtmUsd,
      maxDrawdown: farm.maxDrawdownUsd === result.maxDrawdownUsd,
      sharpe: close(sharpe, farm.sharpe),
      dailyPnl: dailyAgrees(a.sample, a.traderId, daily),
    };
  }
  return result;
}
