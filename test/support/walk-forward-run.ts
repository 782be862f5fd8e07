import { readFileSync } from 'node:fs';
import { Grid, gridSchema } from '../../src/core/farm/grid.js';
import { groupCount, groupIndex, groupLabel } from '../../src/core/farm/groups.js';
import type { CandidateSeries, RunData } from '../../src/core/judge/walk-forward.js';
import { CounterRng } from '../../src/core/pricing/rng.js';

/** Synthetic finished runs for the walk-forward tests: a daily P&L per trader, the rest derived. */
export const DAY = 86_400_000;
export const PER_MONTH = 21;
export const grid = new Grid(
  gridSchema.parse(
    JSON.parse(readFileSync(new URL('../fixtures/grids/honesty.json', import.meta.url), 'utf8')),
  ),
);

/** A synthetic finished run: daily P&L in cents per trader, everything else derived from it. */
export function synthRun(o: { traders: number; months: number; seed: number; edge?: Map<number, number> }) {
  const rng = new CounterRng(o.seed, 3);
  const D = o.months * PER_MONTH;
  const daily = new Float64Array(o.traders * D);
  const market = Float64Array.from({ length: D }, () => rng.nextNormal());
  for (let i = 0; i < o.traders; i++) {
    const mu = o.edge?.get(i) ?? 0;
    for (let d = 0; d < D; d++)
      daily[i * D + d] = Math.round(10_000 * (mu + 0.6 * market[d] + 0.8 * rng.nextNormal()));
  }
  return { daily, D };
}

export function runData(
  daily: Float64Array,
  traders: number,
  months: number,
  firstTradeMs?: Float64Array,
): RunData {
  const D = months * PER_MONTH;
  const monthly = new Int32Array(traders * months);
  for (let i = 0; i < traders; i++)
    for (let d = 0; d < D; d++) monthly[i * months + Math.floor(d / PER_MONTH)] += daily[i * D + d];
  return {
    runId: 'synthetic',
    traders,
    months: Array.from(
      { length: months },
      (_, m) => `${2025 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
    ),
    monthly,
    firstTradeMs: firstTradeMs ?? new Float64Array(traders).fill(0),
    days: Array.from({ length: D }, (_, d) => ({ closeMs: (d + 1) * DAY, month: Math.floor(d / PER_MONTH) })),
    sample: { ids: Int32Array.from({ length: traders }, (_, i) => i), daily: Float32Array.from(daily) },
    config: (id) => grid.config(id),
  };
}

/** Re-simulation stand-in: the series itself, one trade closing every 5 days with their P&L. */
export function provider(daily: Float64Array, D: number, calls: { ids: number[]; until: number }[] = []) {
  return async (ids: number[], until: number) => {
    calls.push({ ids, until });
    const out = new Map<number, CandidateSeries>();
    for (const id of ids) {
      const s = daily.slice(id * D, id * D + until + 1);
      const trades: CandidateSeries['trades'] = [];
      for (let d = 4; d <= until; d += 5)
        trades.push({ exitMs: (d + 1) * DAY, pnlCents: s[d - 4] + s[d - 3] + s[d - 2] + s[d - 1] + s[d] });
      out.set(id, { daily: s, trades });
    }
    return out;
  };
}

/** The run with the group series the farm would have stored for this daily P&L. */
export function withGroups(d: RunData, daily: Float64Array): RunData {
  const of = groupIndex(grid);
  const count = groupCount(grid);
  const D = d.days.length;
  const M = d.months.length;
  const sums = new Float64Array(count * D);
  const sumSq = new Float32Array(d.traders * M);
  for (let i = 0; i < d.traders; i++)
    for (let k = 0; k < D; k++) {
      const v = daily[i * D + k];
      sums[of[i] * D + k] += v;
      sumSq[i * M + d.days[k].month] += v * v;
    }
  return {
    ...d,
    groups: {
      count,
      size: d.traders / count,
      of: (i) => of[i],
      label: (g) => groupLabel(grid, g),
      daily: sums,
      monthlySumSq: sumSq,
    },
  };
}
