import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Grid, type GridSpec } from '../../src/core/farm/grid.js';
import { singleConfigGrid } from '../../src/core/farm/resim.js';
import { drillTrader } from '../../src/services/leaderboard-trader.js';
import { backtestFixture, type Fixture, TEST_GRID } from '../support/leaderboard-fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await backtestFixture();
});
afterAll(() => fx?.cleanup());

interface StatRow {
  trader_id: number;
  trades: number;
  wins: number;
  realized_cents: number;
  open_mtm_cents: number;
  open_positions: number;
  max_drawdown_cents: number;
  sharpe: number | null;
}

function stats(): StatRow[] {
  return fx.ctx
    .store()
    .db.prepare(
      'SELECT trader_id, trades, wins, realized_cents, open_mtm_cents, open_positions, max_drawdown_cents, sharpe FROM trader_stats ORDER BY trader_id',
    )
    .all() as StatRow[];
}

describe('drillTrader: re-simulating one trader agrees with the farm', () => {
  it('the single-configuration grid has one trader with the same config', () => {
    const cfg = new Grid(TEST_GRID as GridSpec).config(201);
    const g = singleConfigGrid(cfg);
    expect(g.count).toBe(1);
    expect({ ...g.config(0), id: 201 }).toEqual(cfg);
  });

  it('realised P&L, trade counts, open MtM, drawdown, Sharpe and daily P&L equal trader_stats exactly', async () => {
    const rows = stats();
    const traded = rows.filter((r) => r.trades > 0);
    expect(traded.length).toBeGreaterThan(10);
    // Best, worst, one with an open position at the end, and a few spread through the grid.
    const byPnl = [...traded].sort((a, b) => b.realized_cents - a.realized_cents);
    const pick = new Set<number>([
      byPnl[0].trader_id,
      byPnl[byPnl.length - 1].trader_id,
      (traded.find((r) => r.open_positions > 0) ?? traded[0]).trader_id,
      traded[Math.floor(traded.length / 3)].trader_id,
      traded[Math.floor((2 * traded.length) / 3)].trader_id,
    ]);
    const noTrades = rows.find((r) => r.trades === 0);
    if (noTrades) pick.add(noTrades.trader_id);
    for (const id of pick) {
      const t0 = performance.now();
      const d = await drillTrader(fx.ctx, { runId: fx.backtest.runId, traderId: id });
      const ms = performance.now() - t0;
      const s = rows[id];
      expect(d.trades.length, `trader ${id} trades`).toBe(s.trades);
      expect(d.realizedUsd, `trader ${id} realised`).toBe(s.realized_cents / 100);
      expect(d.trades.reduce((a, t) => a + Math.round(t.pnlUsd * 100), 0)).toBe(s.realized_cents);
      expect(d.wins).toBe(s.wins);
      expect(d.open.length).toBe(s.open_positions);
      expect(d.openMtmUsd).toBe(s.open_mtm_cents / 100);
      expect(d.maxDrawdownUsd).toBe(s.max_drawdown_cents / 100);
      expect(d.agrees).toEqual({
        trades: true,
        realized: true,
        openMtm: true,
        maxDrawdown: true,
        sharpe: true,
        dailyPnl: true,
      });
      expect(d.equity.length).toBe(15);
      const last = d.equity[d.equity.length - 1].equityUsd;
      expect(last).toBeCloseTo(d.capitalUsd + d.realizedUsd + d.openMtmUsd, 6);
      console.log(`drill trader ${id}: ${d.trades.length} trades, ${d.steps} steps, ${ms.toFixed(0)} ms`);
    }
  });

  it('each trade carries its legs, reason, fees and P&L consistently', async () => {
    const id = stats().find((r) => r.trades >= 3)!.trader_id;
    const d = await drillTrader(fx.ctx, { runId: fx.backtest.runId, traderId: id });
    for (const t of d.trades) {
      expect(t.spread.symbol).toBe('IBIT');
      expect(t.spread.shortStrike).toBeGreaterThan(t.spread.longStrike);
      expect(t.spread.shortStrike - t.spread.longStrike).toBeCloseTo(d.config.width as number, 6);
      expect(t.exitMs).toBeGreaterThanOrEqual(t.entryMs);
      expect([
        'assignment',
        'stop',
        'profit_target',
        'trailing_stop',
        'dte',
        'theta_capture',
        'expiry',
      ]).toContain(t.reason);
      // P&L = (credit − exit) × 100 × contracts − fees, in cents.
      expect(Math.round(t.pnlUsd * 100)).toBe(
        Math.round((t.creditUsd - t.exitUsd) * 10_000) * t.contracts - Math.round(t.feesUsd * 100),
      );
    }
  });

  it('unknown trader → UsageError naming the valid ids', async () => {
    await expect(drillTrader(fx.ctx, { runId: fx.backtest.runId, traderId: 99_999 })).rejects.toThrow(
      /trader 99999 does not exist.*0–383/,
    );
  });
});
