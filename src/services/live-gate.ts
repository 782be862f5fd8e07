import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import { groupCount, groupLabel } from '../core/farm/groups.js';
import { monthsBetween } from '../core/farm/runner.js';
import type { GateResult, GroupTest } from '../core/judge/group-gate.js';
import { DEFAULT_PARAMS, gateOverDays } from '../core/judge/walk-forward.js';
import type { Deps } from './deps.js';

export type LiveGateDeps = Pick<Deps, 'farmRuns' | 'calendar'>;

export interface LiveGateRequest {
  isMonths?: number;
  groupAlpha?: number;
  meanBlock?: number;
  groupTest?: GroupTest;
}

/** The group gate over the live farm's own booked sessions: which trades it certifies on live fills. */
export interface LiveGateResult {
  runId: string;
  params: { isMonths: number; groupAlpha: number; meanBlock: number; groupTest: GroupTest };
  /** Every session the live farm has booked (from/to null: none yet). */
  booked: { sessions: number; from: string | null; to: string | null };
  /** The sessions tested: the last `isMonths` calendar months of the booked ones; null with fewer than two booked. */
  window: { from: string; to: string; sessions: number } | null;
  /** NYSE sessions in the window not booked on their own night: their P&L is in the next booked session. */
  missing: string[];
  /** Null until the live farm has booked two sessions: there is nothing to test before. */
  gate: GateResult | null;
}

/**
 * `argus promote --run live`: the group gate of `promote` over the sessions `argus expire` booked.
 * Nothing is promoted from it (the live farm already trades every configuration): it says which
 * groups the live record certifies, and the smallest edge it could have certified.
 */
export function liveGate(deps: LiveGateDeps, req: LiveGateRequest): LiveGateResult {
  const params = {
    isMonths: req.isMonths ?? DEFAULT_PARAMS.isMonths,
    groupAlpha: req.groupAlpha ?? DEFAULT_PARAMS.groupAlpha,
    meanBlock: req.meanBlock ?? DEFAULT_PARAMS.meanBlock,
    groupTest: req.groupTest ?? DEFAULT_PARAMS.groupTest,
  };
  const runs = deps.farmRuns;
  const runId = runs.liveRunId();
  const row = runId ? runs.farmRun(runId) : null;
  if (!runId || !row)
    throw new UsageError(
      'there is no live farm to judge',
      'start it with `argus farm run --source live` from cron, and `argus expire` after each close',
    );
  const d = runs.liveDays(runId);
  if (d.dates.length < 2)
    return {
      runId,
      params,
      booked: { sessions: d.dates.length, from: d.dates[0] ?? null, to: d.dates[0] ?? null },
      window: null,
      missing: [],
      gate: null,
    };
  const grid = parseGrid(row.gridJson, 'live farm grid');
  const count = groupCount(grid);
  if (d.groups !== count)
    throw new UsageError(
      `the live farm's sessions hold ${d.groups} groups, its grid ${count}`,
      'the database was edited by hand: start a new one with --db',
    );
  const first = d.dates[0];
  const last = d.dates[d.dates.length - 1];
  const months = monthsBetween(first, last).slice(-params.isMonths);
  const from = `${months[0]}-01` > first ? `${months[0]}-01` : first;
  const start = d.dates.findIndex((x) => x >= from);
  const groups = {
    count,
    size: grid.count / count,
    label: (g: number) => groupLabel(grid, g),
    daily: d.groupDaily,
  };
  const gate = gateOverDays(groups, d.dates.length, { ...params, seed: 1 }, 0, start, d.dates.length);
  const booked = new Set(d.dates);
  return {
    runId,
    params,
    booked: { sessions: d.dates.length, from: first, to: last },
    window: { from: d.dates[start], to: last, sessions: d.dates.length - start },
    missing: deps.calendar.tradingDays(d.dates[start], last).filter((x) => !booked.has(x)),
    gate,
  };
}
