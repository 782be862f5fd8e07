import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestDayReview } from '../../src/core/review.js';
import { backtestDay } from '../../src/services/review.js';
import { backtestFixture, type Fixture, TEST_WINDOW } from '../support/leaderboard-fixture.js';

let fx: Fixture;
let days: BacktestDayReview[];
beforeAll(async () => {
  fx = await backtestFixture();
  const dates = [
    ...new Set(fx.ctx.reviews.backtestSteps(fx.backtest.runId).map((s) => fx.ctx.calendar.etDate(s.tMs))),
  ];
  days = dates.map((date) => backtestDay(fx.ctx, { run: 'latest', date }));
}, 120_000);
afterAll(() => fx?.cleanup());

describe('review --run: a backtest day from its stored steps', () => {
  it('the days add up to the run: trades opened and closed, realised P&L, exits by reason', () => {
    const s = fx.backtest.summary;
    expect(days.reduce((a, d) => a + d.opened, 0)).toBe(s.opened);
    expect(days.reduce((a, d) => a + d.closed, 0)).toBe(s.closed);
    expect(days.reduce((a, d) => a + d.realizedUsd, 0)).toBeCloseTo(s.realizedCents / 100, 6);
    const byReason: Record<string, number> = {};
    for (const d of days)
      for (const e of d.exitsByReason ?? []) byReason[e.reason] = (byReason[e.reason] ?? 0) + e.trades;
    expect(byReason).toEqual(s.exitsByReason);
  });

  it('the last day’s book at the close is every trader’s open marks summed', () => {
    const last = days[days.length - 1];
    expect(last.date).toBe(TEST_WINDOW.to);
    const rows = fx.ctx.store().db.prepare('SELECT total(open_mtm_cents) AS c FROM trader_stats').get() as {
      c: number;
    };
    expect(last.openMtmUsd).toBeCloseTo(rows.c / 100, 6);
    expect(last.openPositions).toBe(s().openPositionsAtEnd);
  });

  it('best and worst of the day come from the daily sample, in dollars', () => {
    const d = days[5];
    const sample = fx.ctx.farmResults.dailySample(fx.backtest.runId)!;
    const col = Array.from(sample.ids, (_, k) => sample.daily[k * sample.days + 5] / 100);
    expect(d.traders?.best[0].pnlUsd).toBeCloseTo(Math.max(...col), 6);
    expect(d.traders?.worst[0].pnlUsd).toBeCloseTo(Math.min(...col), 6);
    expect(d.traders?.sampled).toBe(sample.ids.length);
  });

  it('the default date is the run’s last day; a day outside it names the window', () => {
    expect(backtestDay(fx.ctx, { run: 'latest' }).date).toBe(TEST_WINDOW.to);
    expect(() => backtestDay(fx.ctx, { run: 'latest', date: '2025-03-08' })).toThrow(
      /has no step on 2025-03-08/,
    );
  });
});

const s = () => fx.backtest.summary;
