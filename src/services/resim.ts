import type { AppContext } from '../cli/context.js';
import { UsageError } from '../core/errors.js';
import { DIMENSIONS, Grid, type GridSpec, type TraderConfig } from '../core/farm/grid.js';
import { MarketStepBuilder } from '../core/farm/market-step.js';
import { ReferenceTrader } from '../core/farm/reference.js';
import type { FarmRules } from '../core/farm/rules.js';
import type { FillParams } from '../core/fill/fill.js';
import type { CandidateSeries } from '../core/judge/walk-forward.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { LoadedRun } from './promote-load.js';

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

function comboIn(g: Grid, c: TraderConfig): { combo: number; symbolLevel: number } {
  const s = g.spec.symbol.indexOf(c.symbol);
  const d = g.spec.dte.indexOf(c.dte);
  const q = g.spec.shortDelta.indexOf(c.shortDelta);
  const w = g.spec.width.indexOf(c.width);
  const combo = ((s * g.spec.dte.length + d) * g.spec.shortDelta.length + q) * g.spec.width.length + w;
  return { combo, symbolLevel: s };
}

/**
 * The run's market, as drill.ts rebuilds it: replay from the settings recorded with the run; sim
 * from its recorded model and seed. A non-fair sim also takes the configured rate: if that changed
 * since the run, a re-simulation would trade a different market, so refuse.
 */
function runSource(ctx: AppContext, r: LoadedRun): MarketDataSource {
  const p = r.run.provenance as {
    market?: { riskFreeRate?: number; replay?: { dailyExpiriesFrom: string | null; ivScale: number } };
  };
  const rate = p.market?.riskFreeRate;
  const recorded =
    p.market?.replay && rate !== undefined ? { riskFreeRate: rate, replay: p.market.replay } : null;
  if (r.kind === 'replay' && recorded) return ctx.source('replay', { window: r.window, recorded });
  const now = ctx.config.config.pricing.riskFreeRate;
  if (r.kind === 'sim' && !r.sim?.fair && rate !== undefined && rate !== now) {
    throw new UsageError(
      `pricing.riskFreeRate is ${now} but run ${r.run.id} ran at ${rate}`,
      'set it back (config or environment) to promote from this run',
    );
  }
  return ctx.source(r.kind, { window: r.window, sim: r.sim });
}

/**
 * Re-simulates the given traders with the reference implementation over the run's own market
 * (rebuilt from its provenance), all in one pass, up to the close of run day `untilDay`.
 * drillTrader does the same for one trader; here one pass serves K traders at about the cost of
 * one, since the market, not the traders, is the work.
 */
export async function resimulate(
  ctx: AppContext,
  r: LoadedRun,
  ids: number[],
  untilDay: number,
  onDay?: (day: number, days: number) => void,
): Promise<Map<number, CandidateSeries>> {
  if (!r.market) {
    throw new UsageError(
      `run ${r.run.id} predates the market settings a re-simulation needs`,
      'run the backtest again with this version of argus',
    );
  }
  const out = new Map<number, CandidateSeries>();
  if (!ids.length || untilDay < 0) return out;
  const cal = ctx.calendar;
  const configs = ids.map((id) => r.grid.config(id));
  const grid = candidateGrid(r.grid, configs);
  const rules = JSON.parse(r.rulesJson) as FarmRules;
  const fill = JSON.parse(r.fillJson) as FillParams;
  const traders = configs.map((c) => {
    const { combo, symbolLevel } = comboIn(grid, c);
    return new ReferenceTrader(c, rules, combo, symbolLevel);
  });
  const steps = cal.replaySteps(r.window.from, r.window.to);
  if (steps.length !== r.stepsTotal) {
    throw new UsageError(
      `run ${r.run.id} had ${r.stepsTotal} steps but its window now gives ${steps.length}`,
      'the market calendar changed since the run; re-run the backtest',
    );
  }
  const source = runSource(ctx, r);
  try {
    const builder = new MarketStepBuilder({
      source,
      calendar: cal,
      economic: ctx.economic,
      grid,
      rules,
      fill,
      riskFreeRate: r.market.riskFreeRate,
      months: r.data.months,
      optionLifeHours: r.market.optionLifeHours,
    });
    const stopMs = r.data.days[untilDay].closeMs;
    let month = -1;
    let day = 0;
    for (let k = 0; k < steps.length && steps[k] <= stopMs; k++) {
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
        // Decision events are for drill-down; here they would only pile up.
        t.events.length = 0;
      }
      if (input.isClose) onDay?.(day++, untilDay + 1);
    }
  } finally {
    await source.close?.();
  }
  ids.forEach((id, i) => {
    const t = traders[i];
    out.set(id, {
      daily: Float64Array.from(t.dailyPnl),
      trades: t.trades.map((x) => ({ exitMs: x.exitMs, pnlCents: x.pnlCents })),
    });
  });
  return out;
}
