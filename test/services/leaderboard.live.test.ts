import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { renderTrader } from '../../src/cli/render/leaderboard.js';
import { UsageError } from '../../src/core/errors.js';
import { DIMENSIONS, Grid, type GridSpec } from '../../src/core/farm/grid.js';
import { DEFAULT_RULES } from '../../src/core/farm/rules.js';
import { DEFAULT_FILL } from '../../src/core/fill/fill.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { groupBy, leaderboard, leaderboardQuery, resolveBoardRun } from '../../src/services/leaderboard.js';
import { TEST_GRID } from '../support/leaderboard-fixture.js';

const grid = new Grid(TEST_GRID as GridSpec);
const dir = mkdtempSync(join(tmpdir(), 'argus-lb-live-'));
let ctx: AppContext;
let runId: string;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 15, 0);
const FEE = 65; // cents per contract per leg

interface Pos {
  trader: number;
  contracts: number;
  credit: number;
  mark: number;
  entry: number;
  exit?: { ms: number; pips: number; reason: string; pnl: number; fees: number };
}

// Traders 5 and 200 have closed and open positions; 9 only an open one; 300 one loss.
const POSITIONS: Pos[] = [
  {
    trader: 5,
    contracts: 2,
    credit: 6000,
    mark: 1500,
    entry: T0,
    exit: { ms: T0 + 3 * DAY, pips: 1500, reason: 'profit_target', pnl: 8740, fees: 520 },
  },
  {
    trader: 5,
    contracts: 1,
    credit: 5000,
    mark: 5600,
    entry: T0 + DAY,
    exit: { ms: T0 + 4 * DAY, pips: 9000, reason: 'stop', pnl: -4260, fees: 260 },
  },
  { trader: 5, contracts: 3, credit: 5500, mark: 4000, entry: T0 + 5 * DAY },
  {
    trader: 200,
    contracts: 1,
    credit: 7000,
    mark: 2000,
    entry: T0,
    exit: { ms: T0 + 2 * DAY, pips: 2000, reason: 'profit_target', pnl: 4740, fees: 260 },
  },
  { trader: 200, contracts: 4, credit: 6000, mark: 6500, entry: T0 + 2 * DAY },
  { trader: 9, contracts: 1, credit: 4000, mark: 3000, entry: T0 + DAY },
  {
    trader: 300,
    contracts: 1,
    credit: 4000,
    mark: 4000,
    entry: T0,
    exit: { ms: T0 + DAY, pips: 9000, reason: 'stop', pnl: -5260, fees: 260 },
  },
];

const openMtm = (p: Pos) => (p.credit - p.mark) * p.contracts - 2 * FEE * p.contracts;

beforeAll(() => {
  ctx = new AppContext({
    dataDir: dir,
    configDir: dir,
    env: {},
    flags: { db: join(dir, 'live.db') },
    appVersion: '0.0.0-test',
    clock: ManualClock.at('2026-01-20T15:00:00Z'),
  });
  const store = ctx.store();
  runId = store.liveRun('0.0.0-test').id;
  store.db
    .prepare(
      `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json)
       VALUES (?, ?, ?, ?, ?, ?, 0, '[]')`,
    )
    .run(
      runId,
      JSON.stringify(grid.spec),
      grid.hash,
      JSON.stringify(DEFAULT_RULES),
      JSON.stringify(DEFAULT_FILL),
      grid.count,
    );
  const ins = store.db.prepare(
    `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts,
       credit_pips, entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips,
       max_loss_cents, delta_usd, vega_usd, status, exit_ms, exit_reason, exit_pips, pnl_cents, fees_cents)
     VALUES (?, ?, ?, ?, 'IBIT', ?, ?, ?, ?, ?, ?, 0, 0, -1, -1, ?, ?, 0, 0, 0, ?, ?, ?, ?, ?, ?)`,
  );
  POSITIONS.forEach((p, i) => {
    ins.run(
      randomUUID(),
      runId,
      p.trader,
      `${runId}:${i}:${p.trader}`,
      '2026-01-30',
      50 - i,
      48 - i,
      p.contracts,
      p.credit,
      p.entry,
      p.mark,
      p.mark,
      p.exit ? 'closed' : 'open',
      p.exit?.ms ?? null,
      p.exit?.reason ?? null,
      p.exit?.pips ?? null,
      p.exit?.pnl ?? null,
      p.exit?.fees ?? null,
    );
  });
});
afterAll(() => {
  ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--run live: the leaderboard from the positions table', () => {
  it('realised from closed trades, open positions marked at their last mark and kept apart', async () => {
    const r = await leaderboardQuery(ctx, { run: 'live', minTrades: 0, limit: 10 });
    if (r.view !== 'leaderboard') throw new Error(r.view);
    expect(r.run.kind).toBe('live');
    expect(r.run.provenance).toContain('live farm');
    expect(r.rows.map((x) => x.trader)).toEqual([200, 5, 9, 300]);
    for (const x of r.rows) {
      const mine = POSITIONS.filter((p) => p.trader === x.trader);
      const closed = mine.filter((p) => p.exit);
      expect(x.realizedUsd).toBe(closed.reduce((a, p) => a + (p.exit?.pnl ?? 0), 0) / 100);
      expect(x.trades).toBe(closed.length);
      expect(x.wins).toBe(closed.filter((p) => (p.exit?.pnl ?? 0) > 0).length);
      expect(x.openPositions).toBe(mine.length - closed.length);
      expect(x.openMtmUsd).toBeCloseTo(
        mine.filter((p) => !p.exit).reduce((a, p) => a + openMtm(p), 0) / 100,
        9,
      );
      expect(x.sharpe).toBeNull();
      expect(x.maxDrawdownUsd).toBeNull();
    }
    const t5 = r.rows.find((x) => x.trader === 5)!;
    expect(t5.profitFactor).toBeCloseTo(8740 / 4260, 12);
    expect(t5.avgDaysInTrade).toBeCloseTo(3, 12);
    expect(r.notes.join(' ')).toMatch(/Live farm/);
  });

  it('default --min-trades 1 leaves out a trader with only an open position; filters apply', () => {
    const b = resolveBoardRun(ctx, 'live');
    expect(leaderboard(ctx, b).rows.map((x) => x.trader)).toEqual([200, 5, 300]);
    const v = grid.config(200).dte;
    const r = leaderboard(ctx, b, { where: `dte=${v}`, minTrades: 0 });
    expect(r.rows.every((x) => x.config.dte === v)).toBe(true);
    expect(r.rows.map((x) => x.trader)).toContain(200);
  });

  it('Sharpe, Sortino and drawdown are refused for the live farm, naming what is valid', () => {
    try {
      leaderboard(ctx, resolveBoardRun(ctx, 'live'), { sort: 'sharpe' });
      throw new Error('expected a UsageError');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain('--sort sharpe is not available for the live farm');
      expect((err as UsageError).hint).toBe(
        'valid for --run live: pnl, total, win-rate, profit-factor, trades, avg-days',
      );
    }
  });

  it('--by over the live farm counts every trader of the grid, traded or not', () => {
    const r = groupBy(ctx, resolveBoardRun(ctx, 'live'), 'dte');
    expect(r.groups.reduce((a, g) => a + g.traders, 0)).toBe(grid.count);
    const lv = grid.level(5, DIMENSIONS.indexOf('dte'));
    const withTrades = [5, 200, 300].filter((t) => grid.level(t, DIMENSIONS.indexOf('dte')) === lv);
    expect(r.groups[lv].traded).toBe(withTrades.length);
    const realized = withTrades.reduce(
      (a, t) =>
        a + POSITIONS.filter((p) => p.trader === t && p.exit).reduce((s, p) => s + (p.exit?.pnl ?? 0), 0),
      0,
    );
    expect(r.groups[lv].meanRealizedUsd).toBeCloseTo(realized / 100 / r.groups[lv].traders, 9);
    expect(r.groups[lv].medianRealizedUsd).toBe(0);
    expect(r.groups[lv].meanSharpe).toBeNull();
  });

  it('--trader on the live farm: its positions, realised curve and open MtM', async () => {
    const r = await leaderboardQuery(ctx, { run: 'live', trader: 5 });
    if (r.view !== 'trader') throw new Error(r.view);
    expect(r.basis).toBe('live positions');
    const d = r.trader;
    expect(d.trades.map((t) => t.reason)).toEqual(['profit_target', 'stop']);
    expect(d.realizedUsd).toBe((8740 - 4260) / 100);
    expect(d.open).toHaveLength(1);
    expect(d.openMtmUsd).toBe(openMtm(POSITIONS[2]) / 100);
    expect(d.equity.map((e) => e.equityUsd)).toEqual([100_000 + 87.4, 100_000 + 44.8]);
    const text = renderTrader(r, (ms) => ctx.calendar.formatEt(ms));
    expect(text).toContain('Realised equity at each exit day');
    expect(text).toContain('marked to market, not realised');
  });
});
