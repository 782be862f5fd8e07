/**
 * The span attribution end to end: a small grid replayed over 2024-01-03 → 2024-01-19, across
 * IBIT's listing (2024-01-11) and well before its options (2024-11-19). Each trader's derived-price
 * P&L must be its daily P&L summed over the six closes before the listing (3, 4, 5, 8, 9 and 10
 * January), and its no-listed-options P&L over all twelve, read back from the farm's full daily
 * sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { type BacktestResult, farmBacktest } from '../../src/services/farm-run.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-spans-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
let ctx: AppContext;
let res: BacktestResult;

beforeAll(async () => {
  ctx = new AppContext({
    dataDir: dir,
    configDir: dir,
    env: {},
    flags: { db: join(dir, 'argus.db') },
    appVersion: '0.0.0-test',
    clock: ManualClock.at('2026-01-05T15:00:00Z'),
  });
  res = await farmBacktest(ctx, {
    source: 'replay',
    from: '2024-01-03',
    to: '2024-01-19',
    gridFile: grid,
    engine: 'js',
    seed: 5,
  });
}, 120_000);
afterAll(() => {
  ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('P&L by provenance span, end to end', () => {
  it('records the run’s spans, clipped to its window', () => {
    const row = ctx
      .store()
      .db.prepare('SELECT spans_json FROM farm_runs WHERE run_id = ?')
      .get(res.runId) as {
      spans_json: string;
    };
    expect(JSON.parse(row.spans_json)).toEqual([
      { kind: 'priceDerived', symbol: 'IBIT', from: '2024-01-03', until: '2024-01-11' },
      { kind: 'noListedOptions', symbol: 'IBIT', from: '2024-01-03', until: '2024-01-20' },
    ]);
  });

  it('each trader’s derived-price P&L is its first six closes’ P&L, its unlisted-options P&L all twelve', () => {
    const db = ctx.store().db;
    const stats = db
      .prepare(
        'SELECT trader_id, span_derived_cents, span_no_options_cents FROM trader_stats ORDER BY trader_id',
      )
      .all() as { trader_id: number; span_derived_cents: number; span_no_options_cents: number }[];
    const sample = ctx.farmResults.dailySample(res.runId)!;
    expect(sample.ids.length).toBe(128);
    // 2024-01-03 → 01-19: 12 NYSE days (the 15th is Martin Luther King Day).
    expect(sample.days).toBe(12);
    let differ = 0;
    let derived = 0;
    for (const s of stats) {
      const k = sample.ids.indexOf(s.trader_id);
      const days = Array.from(sample.daily.subarray(k * 12, k * 12 + 12));
      const first6 = days.slice(0, 6).reduce((a, b) => a + b, 0);
      expect(s.span_derived_cents).toBe(first6);
      expect(s.span_no_options_cents).toBe(days.reduce((a, b) => a + b, 0));
      if (s.span_derived_cents !== s.span_no_options_cents) differ++;
      derived += first6;
    }
    expect(differ).toBeGreaterThan(10);
    // The summary sums them; the top table carries each trader's.
    expect(res.summary.spans?.[0].pnlUsd).toBe(Math.round(derived) / 100);
    const top = res.top[0];
    expect(top.spanPnlUsd).toEqual([
      stats[top.trader].span_derived_cents / 100,
      stats[top.trader].span_no_options_cents / 100,
    ]);
  });
});
