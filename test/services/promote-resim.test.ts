import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';
import { loadBacktest } from '../../src/services/promote.js';
import { resimulate } from '../../src/services/promote-resim.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-promote-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({}));
const ctx = new AppContext({
  dataDir: dir,
  configDir: dir,
  env: { ARGUS_CONFIG: config },
  flags: { db: join(dir, 'a.db') },
  appVersion: 'test',
  clock: ManualClock.at('2026-11-25T12:00:00Z'),
});
let runId = '';

beforeAll(async () => {
  const r = await farmBacktest(ctx, {
    source: 'replay',
    from: '2025-03-03',
    to: '2025-05-30',
    gridFile: grid,
    engine: 'js',
    seed: 5,
  });
  runId = r.runId;
}, 120_000);
afterAll(() => {
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

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
