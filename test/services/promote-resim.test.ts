import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { loadBacktest } from '../../src/services/promote.js';
import { resimulate } from '../../src/services/promote-resim.js';
import { type PromoteBacktest, promoteBacktest } from '../support/promote-backtest.js';

let b: PromoteBacktest;
let ctx: AppContext;
let runId = '';

beforeAll(async () => {
  b = await promoteBacktest();
  ({ ctx, runId } = b);
}, 120_000);
afterAll(() => b.close());

describe('re-simulating candidates over the run’s own market', () => {
  it('reproduces the farm exactly: daily P&L of the sampled traders, trades and realised P&L', async () => {
    const run = loadBacktest(ctx, runId);
    const stats = ctx
      .store()
      .db.prepare(
        'SELECT trader_id, trades, realized_cents FROM trader_stats WHERE run_no = ? AND trades > 0 ORDER BY trader_id',
      )
      .all(run.runNo) as { trader_id: number; trades: number; realized_cents: number }[];
    expect(stats.length).toBeGreaterThan(10);
    const ids = stats.filter((_, i) => i % 5 === 0).map((s) => s.trader_id);
    const D = run.data.days.length;
    const series = await resimulate(ctx, { run, ids, untilDay: D - 1 });
    const sample = run.data.sample!;
    for (const id of ids) {
      const s = series.get(id)!;
      const st = stats.find((x) => x.trader_id === id)!;
      expect(s.trades.length).toBe(st.trades);
      expect(Math.round(s.trades.reduce((a, t) => a + t.pnlCents, 0))).toBe(st.realized_cents);
      const k = sample.ids.indexOf(id);
      expect(k).toBeGreaterThanOrEqual(0);
      for (let d = 0; d < D; d++) expect(Math.fround(s.daily[d])).toBe(sample.daily[k * D + d]);
    }
  }, 120_000);
});
