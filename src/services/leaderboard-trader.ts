import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import { defaultOptionLifeHours } from '../core/farm/market-step.js';
import { ReferenceTrader } from '../core/farm/reference.js';
import {
  type DrillResult,
  drillResult,
  type RecordedMarket,
  recordedReplay,
  runSteps,
  singleConfigGrid,
  stepTraders,
} from '../core/farm/resim.js';
import type { FarmRules } from '../core/farm/rules.js';
import type { FillParams } from '../core/fill/fill.js';
import type { Deps } from './deps.js';

export type DrillDeps = Pick<
  Deps,
  'clock' | 'calendar' | 'economic' | 'pricingConfig' | 'runs' | 'farmResults' | 'source'
>;

export interface DrillOptions {
  runId: string;
  traderId: number;
}

/**
 * Re-simulate one trader of a backtest with the ReferenceTrader over the run's own market: the
 * same steps, rules, fill, option life (so warmth is identical) and month handling as the
 * runner. The result is held against the farm's stored figures, so a drill-down that disagrees
 * with the leaderboard says so.
 */
export async function drillTrader(deps: DrillDeps, o: DrillOptions): Promise<DrillResult> {
  const { runId, traderId } = o;
  const t0 = deps.clock.monotonicMs();
  const run = deps.runs.getRun(runId);
  if (!run) throw new UsageError(`no run ${runId}`);
  if (run.kind === 'live') {
    throw new UsageError(
      'the live farm cannot be re-simulated (its market was live)',
      'use the positions view: --run live --trader ID',
    );
  }
  const row = deps.farmResults.farmRun(runId);
  if (!row) throw new UsageError(`run ${runId} is not a farm run`);
  const p = run.provenance as RecordedMarket;
  if (!p.window) throw new UsageError(`run ${runId} records no window; it cannot be re-simulated`);
  const grid = parseGrid(row.gridJson, `grid of run ${runId}`);
  const cfg = grid.config(traderId);
  const rules = JSON.parse(row.rulesJson) as FarmRules;
  const fill = JSON.parse(row.fillJson) as FillParams;
  const months = JSON.parse(row.monthsJson) as string[];
  const cal = deps.calendar;
  const steps = runSteps(cal, runId, p.window, row.stepsTotal);
  const kind = run.kind === 'sim' ? 'sim' : 'replay';
  // Replay is rebuilt from the settings recorded with the run (the config may have changed since); sim from its model and seed.
  const source = await deps.source(kind, {
    window: p.window,
    sim: p.sim ?? null,
    recorded: recordedReplay(p),
  });
  const fair = kind === 'sim' && (p.sim?.fair ?? false);
  // The single-config grid has one combo (0) and one symbol level (0).
  const ref = new ReferenceTrader(cfg, rules, 0, 0);
  const registry = await stepTraders(
    {
      source,
      calendar: cal,
      economic: deps.economic,
      grid: singleConfigGrid(cfg),
      rules,
      fill,
      riskFreeRate: p.market?.riskFreeRate ?? (fair ? 0 : deps.pricingConfig.riskFreeRate),
      months,
      // The farm's warmth assumed its whole grid's option life, not this one trader's DTE.
      optionLifeHours: p.market?.optionLifeHours ?? defaultOptionLifeHours(grid),
    },
    [ref],
    steps,
  );
  const farm = deps.farmResults.traderFigures(row.runNo, traderId);
  const result = drillResult({
    runId,
    traderId,
    config: cfg,
    rules,
    trader: ref,
    registry,
    calendar: cal,
    steps: steps.length,
    farm,
    // The farm keeps full daily P&L for a seeded sample of traders: compared when this one is in it.
    sample: farm ? deps.farmResults.dailySample(runId) : null,
  });
  result.elapsedMs = deps.clock.monotonicMs() - t0;
  return result;
}
