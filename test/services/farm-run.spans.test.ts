/**
 * The span attribution end to end: a small grid stepped over a market that plays a replay of
 * 2024-11-11 → 2024-11-29 (the simulator's prices, labelled as a replay so the run has IBIT's
 * spans). IBIT options listed on 2024-11-19, so each trader's "no listed options" P&L must be its
 * daily P&L summed over the six closes before that day (11, 12, 13, 14, 15 and 18 November),
 * read back from the farm's full daily sample; the derived-price span lies before the window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import type { MarketDataSource } from '../../src/core/market/port.js';
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
  // The simulator's market under a replay's name: the runner gives a replay its provenance spans.
  const relabel = (s: MarketDataSource): MarketDataSource =>
    new Proxy(s, { get: (t, p) => (p === 'kind' ? 'replay' : Reflect.get(t, p, t)) });
  const deps = new Proxy(ctx, {
    get: (t, p) =>
      p === 'source'
        ? (kind: 'sim', req: Parameters<AppContext['source']>[1]) => relabel(t.source(kind, req))
        : Reflect.get(t, p, t),
  });
  res = await farmBacktest(deps, {
    source: 'sim',
    from: '2024-11-11',
    to: '2024-11-29',
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
  it('records the run’s spans: no listed options until 2024-11-19; no derived price in this window', () => {
    const row = ctx
      .store()
      .db.prepare('SELECT spans_json FROM farm_runs WHERE run_id = ?')
      .get(res.runId) as {
      spans_json: string;
    };
    expect(JSON.parse(row.spans_json)).toEqual([
      { kind: 'noListedOptions', symbol: 'IBIT', from: '2024-11-11', until: '2024-11-19' },
    ]);
  });

  it('each trader’s span P&L is its first six closes’ P&L; the derived span is null, not zero', () => {
    const db = ctx.store().db;
    const stats = db
      .prepare(
        'SELECT trader_id, span_derived_cents, span_no_options_cents FROM trader_stats ORDER BY trader_id',
      )
      .all() as { trader_id: number; span_derived_cents: number | null; span_no_options_cents: number }[];
    const sample = ctx.farmResults.dailySample(res.runId)!;
    expect(sample.ids.length).toBe(128);
    // 2024-11-11 → 11-29: 14 NYSE days (the 28th is Thanksgiving).
    expect(sample.days).toBe(14);
    let nonZero = 0;
    let sum = 0;
    for (const s of stats) {
      const k = sample.ids.indexOf(s.trader_id);
      let first6 = 0;
      for (let d = 0; d < 6; d++) first6 += sample.daily[k * sample.days + d];
      expect(s.span_no_options_cents).toBe(first6);
      expect(s.span_derived_cents).toBeNull();
      if (first6 !== 0) nonZero++;
      sum += first6;
    }
    expect(nonZero).toBeGreaterThan(10);
    // The summary sums them; the top table carries each trader's.
    expect(res.summary.spans?.[0].pnlUsd).toBe(Math.round(sum) / 100);
    const top = res.top[0];
    expect(top.spanPnlUsd[0]).toBeNull();
    expect(top.spanPnlUsd[1]).toBe(stats[top.trader].span_no_options_cents / 100);
  });
});
