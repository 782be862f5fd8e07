import { UsageError } from '../errors.js';
import { Grid, gridSchema } from '../farm/grid.js';
import { groupCount, groupIndex, groupLabel } from '../farm/groups.js';
import type { SimRequest } from '../market/sim.js';
import type { RunRecord } from '../runs.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import type { FarmResults } from './ports.js';
import type { GroupData, RunData } from './walk-forward.js';

/** A finished backtest as promotion reads it, plus what a re-simulation needs. */
export interface LoadedRun {
  run: RunRecord;
  runNo: number;
  stepsTotal: number;
  kind: 'replay' | 'sim';
  window: { from: string; to: string };
  sim: SimRequest | null;
  grid: Grid;
  rulesJson: string;
  fillJson: string;
  market: { riskFreeRate: number; optionLifeHours: number } | null;
  data: RunData;
}

/** A backtest's stored results, checked for what promotion needs (monthly P&L, its shape, the sample's). */
export function loadRun(results: FarmResults, cal: MarketCalendar, run: RunRecord): LoadedRun {
  const fr = results.farmRun(run.id);
  if (!fr) throw new UsageError(`run ${run.id} is not a farm backtest`);
  const grid = new Grid(gridSchema.parse(JSON.parse(fr.gridJson)));
  const months = JSON.parse(fr.monthsJson) as string[];
  const p = run.provenance as {
    window?: { from: string; to: string };
    sim?: SimRequest;
    market?: { riskFreeRate: number; optionLifeHours: number };
  };
  if (!p.window) throw new UsageError(`run ${run.id} has no window in its provenance`);
  const monthly = results.monthlyCents(run.id);
  if (!monthly) throw new UsageError(`run ${run.id} has no monthly P&L stored`);
  if (monthly.length !== fr.traders * months.length) {
    throw new UsageError(
      `run ${run.id}: monthly P&L holds ${monthly.length} values, expected ${fr.traders} × ${months.length}`,
    );
  }
  const firstTradeMs = results.firstTradeMs(fr.runNo, fr.traders);
  const days = cal.tradingDays(p.window.from, p.window.to).map((date) => ({
    closeMs: cal.tradingDay(date)!.closeMs,
    month: months.indexOf(date.slice(0, 7)),
  }));
  const stored = results.dailySample(run.id);
  const sample = stored ? { ids: stored.ids, daily: stored.daily } : null;
  if (sample && sample.daily.length !== sample.ids.length * days.length) {
    throw new UsageError(
      `run ${run.id}: the daily sample holds ${sample.daily.length} values, expected ${sample.ids.length} × ${days.length} days`,
    );
  }
  return {
    run,
    runNo: fr.runNo,
    stepsTotal: fr.stepsTotal,
    kind: run.kind === 'sim' ? 'sim' : 'replay',
    window: p.window,
    sim: p.sim ?? null,
    grid,
    rulesJson: fr.rulesJson,
    fillJson: fr.fillJson,
    market: p.market ?? null,
    data: {
      runId: run.id,
      traders: fr.traders,
      months,
      monthly,
      firstTradeMs,
      days,
      sample,
      config: (id) => grid.config(id),
      groups: groupData(results, run.id, grid, fr.traders, months.length, days.length),
    },
  };
}

/** The stored group series, checked against the run's shape; null for runs from before they were kept. */
function groupData(
  results: FarmResults,
  runId: string,
  grid: Grid,
  traders: number,
  months: number,
  days: number,
): GroupData | null {
  const s = results.groupSeries(runId);
  if (!s) return null;
  const count = groupCount(grid);
  if (s.groups !== count || s.days !== days || s.groupDaily.length !== count * days) {
    throw new UsageError(
      `run ${runId}: the group series hold ${s.groups} groups × ${s.days} days, expected ${count} × ${days}`,
    );
  }
  if (s.monthlySumSq.length !== traders * months) {
    throw new UsageError(
      `run ${runId}: monthly Σpnl² holds ${s.monthlySumSq.length} values, expected ${traders} × ${months}`,
    );
  }
  const of = groupIndex(grid);
  return {
    count,
    size: traders / count,
    of: (i) => of[i],
    label: (g) => groupLabel(grid, g),
    daily: s.groupDaily,
    monthlySumSq: s.monthlySumSq,
  };
}
