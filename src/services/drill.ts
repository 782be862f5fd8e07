import type { AppContext } from '../cli/context.js';
import { UsageError } from '../core/errors.js';
import { DIMENSIONS, Grid, type GridSpec, parseGrid, type TraderConfig } from '../core/farm/grid.js';
import { defaultOptionLifeHours, MarketStepBuilder } from '../core/farm/market-step.js';
import { ReferenceTrader } from '../core/farm/reference.js';
import type {
  DrillOpenPosition,
  DrillResult,
  DrillSpread,
  DrillTrade,
  FarmFigures,
} from '../core/farm/resim.js';
import { EXIT_REASON, EXIT_REASON_NAMES, type FarmRules } from '../core/farm/rules.js';
import { sharpeSortino } from '../core/farm/stats.js';
import type { FillParams } from '../core/fill/fill.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { SimRequest } from '../core/market/sim.js';

const DAY_MS = 86_400_000;

interface RunProvenance {
  source?: string;
  window?: { from: string; to: string };
  sim?: SimRequest;
  market?: {
    riskFreeRate?: number;
    replay?: { dailyExpiriesFrom: string | null; ivScale: number };
    optionLifeHours?: number;
  };
}

interface FarmRunRow {
  run_no: number;
  grid_json: string;
  rules_json: string;
  fill_json: string;
  months_json: string;
  steps_total: number;
}

/** The grid of exactly one configuration: each dimension restricted to that trader's value. */
export function singleConfigGrid(cfg: TraderConfig): Grid {
  const spec = Object.fromEntries(DIMENSIONS.map((d) => [d, [cfg[d]]])) as unknown as GridSpec;
  return new Grid(spec);
}

/**
 * The market a backtest ran on. Replay is rebuilt from the settings recorded with the run (the
 * config may have changed since); sim from its recorded model and seed.
 */
function runSource(ctx: AppContext, kind: 'replay' | 'sim', p: RunProvenance): MarketDataSource {
  const window = p.window as { from: string; to: string };
  const replay = p.market?.replay;
  const rate = p.market?.riskFreeRate;
  const recorded = replay && rate !== undefined ? { riskFreeRate: rate, replay } : null;
  return ctx.source(kind, { window, sim: p.sim ?? null, recorded });
}

/**
 * Re-simulate one trader of a backtest with the ReferenceTrader over the run's own market: the
 * same steps, rules, fill, option life (so warmth is identical) and month handling as the
 * runner. The result is held against the farm's stored figures, so a drill-down that disagrees
 * with the leaderboard says so.
 */
export async function drillTrader(ctx: AppContext, runId: string, traderId: number): Promise<DrillResult> {
  const t0 = ctx.clock.monotonicMs();
  const store = ctx.store();
  const run = store.getRun(runId);
  if (!run) throw new UsageError(`no run ${runId}`);
  if (run.kind === 'live') {
    throw new UsageError(
      'the live farm cannot be re-simulated (its market was live)',
      'use the positions view: --run live --trader ID',
    );
  }
  const row = store.db
    .prepare(
      'SELECT run_no, grid_json, rules_json, fill_json, months_json, steps_total FROM farm_runs WHERE run_id = ?',
    )
    .get(runId) as FarmRunRow | undefined;
  if (!row) throw new UsageError(`run ${runId} is not a farm run`);
  const p = run.provenance as RunProvenance;
  if (!p.window) throw new UsageError(`run ${runId} records no window; it cannot be re-simulated`);
  const grid = parseGrid(row.grid_json, `grid of run ${runId}`);
  const cfg = grid.config(traderId);
  const rules = JSON.parse(row.rules_json) as FarmRules;
  const fill = JSON.parse(row.fill_json) as FillParams;
  const months = JSON.parse(row.months_json) as string[];
  const cal = ctx.calendar;
  const steps = cal.replaySteps(p.window.from, p.window.to);
  if (steps.length !== row.steps_total) {
    throw new UsageError(
      `run ${runId} had ${row.steps_total} steps but its window now gives ${steps.length}`,
      'the market calendar changed since the run; re-run the backtest',
    );
  }
  const kind = run.kind === 'sim' ? 'sim' : 'replay';
  const source = runSource(ctx, kind, p);
  const sub = singleConfigGrid(cfg);
  const fair = kind === 'sim' && (p.sim?.fair ?? false);
  const builder = new MarketStepBuilder({
    source,
    calendar: cal,
    economic: ctx.economic,
    grid: sub,
    rules,
    fill,
    riskFreeRate: p.market?.riskFreeRate ?? (fair ? 0 : ctx.config.config.pricing.riskFreeRate),
    months,
    // The farm's warmth assumed its whole grid's option life, not this one trader's DTE.
    optionLifeHours: p.market?.optionLifeHours ?? defaultOptionLifeHours(grid),
  });
  // The single-config grid has one combo (0) and one symbol level (0).
  const ref = new ReferenceTrader(cfg, rules, 0, 0);
  try {
    let monthIndex = -1;
    for (let k = 0; k < steps.length; k++) {
      const open = new Set<number>();
      for (const pos of ref.positions) if (pos) open.add(pos.spreadId);
      const { input } = await builder.build(k, steps[k], open);
      if (input.monthIndex !== monthIndex) {
        if (monthIndex >= 0) ref.startMonth();
        monthIndex = input.monthIndex;
      }
      ref.step(input);
    }
  } finally {
    await source.close?.();
  }

  const feeCents = Math.round(rules.feePerContractPerLegUsd * 100);
  const spread = (id: number): DrillSpread => {
    const s = builder.registry.get(id);
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
      days: (t.exitMs - t.entryMs) / DAY_MS,
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
  open.sort((a, b) => a.entryMs - b.entryMs);
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
  const farm = farmFigures(ctx, row.run_no, traderId);
  const result: DrillResult = {
    runId,
    trader: traderId,
    config: cfg,
    trades,
    open,
    equity: ref.equityCurve.map((e) => ({
      tMs: e.tMs,
      date: cal.etDate(e.tMs),
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
    steps: steps.length,
    elapsedMs: 0,
  };
  if (farm) {
    const close = (a: number | null, b: number | null) =>
      a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    result.agrees = {
      trades: farm.trades === trades.length,
      realized: farm.realizedUsd === result.realizedUsd,
      openMtm: farm.openMtmUsd === result.openMtmUsd,
      maxDrawdown: farm.maxDrawdownUsd === result.maxDrawdownUsd,
      sharpe: close(sharpe, farm.sharpe),
      dailyPnl: dailyAgrees(ctx, runId, traderId, daily),
    };
  }
  result.elapsedMs = ctx.clock.monotonicMs() - t0;
  return result;
}

function farmFigures(ctx: AppContext, runNo: number, traderId: number): FarmFigures | null {
  const r = ctx
    .store()
    .db.prepare(
      `SELECT trades, wins, realized_cents, open_mtm_cents, open_positions, max_drawdown_cents, sharpe, sortino
       FROM trader_stats WHERE run_no = ? AND trader_id = ?`,
    )
    .get(runNo, traderId) as
    | {
        trades: number;
        wins: number;
        realized_cents: number;
        open_mtm_cents: number;
        open_positions: number;
        max_drawdown_cents: number;
        sharpe: number | null;
        sortino: number | null;
      }
    | undefined;
  if (!r) return null;
  return {
    trades: r.trades,
    wins: r.wins,
    realizedUsd: r.realized_cents / 100,
    openMtmUsd: r.open_mtm_cents / 100,
    openPositions: r.open_positions,
    maxDrawdownUsd: r.max_drawdown_cents / 100,
    sharpe: r.sharpe,
    sortino: r.sortino,
  };
}

/** The farm keeps full daily P&L (float32) for a seeded sample of traders; compare when sampled. */
function dailyAgrees(ctx: AppContext, runId: string, traderId: number, daily: number[]): boolean | null {
  const blobs = ctx
    .store()
    .db.prepare(
      "SELECT name, meta_json, data FROM farm_blobs WHERE run_id = ? AND name IN ('daily_sample', 'daily_sample_ids')",
    )
    .all(runId) as { name: string; meta_json: string; data: Buffer }[];
  const idsBlob = blobs.find((b) => b.name === 'daily_sample_ids');
  const sampleBlob = blobs.find((b) => b.name === 'daily_sample');
  if (!idsBlob || !sampleBlob) return null;
  const ids = new Int32Array(
    idsBlob.data.buffer.slice(idsBlob.data.byteOffset, idsBlob.data.byteOffset + idsBlob.data.byteLength),
  );
  const k = ids.indexOf(traderId);
  if (k < 0) return null;
  const days = (JSON.parse(sampleBlob.meta_json) as { days: number }).days;
  if (days !== daily.length) return false;
  const sample = new Float32Array(
    sampleBlob.data.buffer.slice(
      sampleBlob.data.byteOffset,
      sampleBlob.data.byteOffset + sampleBlob.data.byteLength,
    ),
  );
  for (let d = 0; d < days; d++) if (sample[k * days + d] !== Math.fround(daily[d])) return false;
  return true;
}
