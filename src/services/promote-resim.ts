import { UsageError } from '../core/errors.js';
import { ReferenceTrader } from '../core/farm/reference.js';
import { candidateGrid, comboIn, recordedReplay, runSteps, stepTraders } from '../core/farm/resim.js';
import type { FarmRules } from '../core/farm/rules.js';
import type { FillParams } from '../core/fill/fill.js';
import type { LoadedRun } from '../core/judge/loaded-run.js';
import type { CandidateSeries } from '../core/judge/walk-forward.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { Deps } from './deps.js';

export type ResimDeps = Pick<Deps, 'calendar' | 'economic' | 'pricingConfig' | 'source'>;

export interface ResimOptions {
  run: LoadedRun;
  /** Trader ids to re-simulate. */
  ids: number[];
  /** The last run day (index into run.data.days) to simulate to, its close included. */
  untilDay: number;
  onDay?: (day: number, days: number) => void;
}

/**
 * The run's market, as the drill-down rebuilds it: replay from the settings recorded with the
 * run; sim from its recorded model and seed. A non-fair sim also takes the configured rate: if
 * that changed since the run, a re-simulation would trade a different market, so refuse.
 */
function runSource(deps: ResimDeps, r: LoadedRun): Promise<MarketDataSource> {
  const recorded = recordedReplay(r.run.provenance);
  if (r.kind === 'replay' && recorded) return deps.source('replay', { window: r.window, recorded });
  const rate = (r.run.provenance as { market?: { riskFreeRate?: number } }).market?.riskFreeRate;
  const now = deps.pricingConfig.riskFreeRate;
  if (r.kind === 'sim' && !r.sim?.fair && rate !== undefined && rate !== now) {
    throw new UsageError(
      `pricing.riskFreeRate is ${now} but run ${r.run.id} ran at ${rate}`,
      'set it back (config or environment) to promote from this run',
    );
  }
  return deps.source(r.kind, { window: r.window, sim: r.sim });
}

/**
 * Re-simulates the given traders with the reference implementation over the run's own market
 * (rebuilt from its provenance), all in one pass, up to the close of run day `untilDay`.
 */
export async function resimulate(deps: ResimDeps, o: ResimOptions): Promise<Map<number, CandidateSeries>> {
  const { run: r, ids, untilDay } = o;
  if (!r.market) {
    throw new UsageError(
      `run ${r.run.id} predates the market settings a re-simulation needs`,
      'run the backtest again with this version of argus',
    );
  }
  const out = new Map<number, CandidateSeries>();
  if (!ids.length || untilDay < 0) return out;
  const configs = ids.map((id) => r.grid.config(id));
  const grid = candidateGrid(r.grid, configs);
  const rules = JSON.parse(r.rulesJson) as FarmRules;
  const fill = JSON.parse(r.fillJson) as FillParams;
  const traders = configs.map((c) => {
    const { combo, symbolLevel } = comboIn(grid, c);
    return new ReferenceTrader(c, rules, combo, symbolLevel);
  });
  const steps = runSteps(deps.calendar, r.run.id, r.window, r.stepsTotal);
  const stopMs = r.data.days[untilDay].closeMs;
  let day = 0;
  await stepTraders(
    {
      source: await runSource(deps, r),
      calendar: deps.calendar,
      economic: deps.economic,
      grid,
      rules,
      fill,
      riskFreeRate: r.market.riskFreeRate,
      months: r.data.months,
      optionLifeHours: r.market.optionLifeHours,
    },
    traders,
    steps,
    { stopMs, onClose: () => o.onDay?.(day++, untilDay + 1) },
  );
  ids.forEach((id, i) => {
    const t = traders[i];
    out.set(id, {
      daily: Float64Array.from(t.dailyPnl),
      trades: t.trades.map((x) => ({ exitMs: x.exitMs, pnlCents: x.pnlCents })),
    });
  });
  return out;
}
