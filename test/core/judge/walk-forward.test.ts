import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type PromoteParams, walkForward } from '../../../src/core/judge/walk-forward.js';
import { walkForwardWindows } from '../../../src/core/judge/windows.js';
import { CounterRng } from '../../../src/core/pricing/rng.js';
import { DAY, grid, PER_MONTH, provider, runData, synthRun } from '../../support/walk-forward-run.js';

const params: PromoteParams = { ...DEFAULT_PARAMS, minPnlUsd: 0, candidates: 40 };

describe('walk-forward windows', () => {
  it('roll back from the end by the out-of-sample length: 24 months give 9 pairs of 6 + 2', () => {
    const months = Array.from({ length: 24 }, (_, m) => `m${m}`);
    const w = walkForwardWindows(months, 6, 2);
    expect(w).toHaveLength(9);
    expect(w[8]).toMatchObject({
      isStart: 16,
      isEnd: 22,
      oosEnd: 24,
      is: { from: 'm16', to: 'm21' },
      oos: { from: 'm22', to: 'm23' },
    });
    expect(w[0].isStart).toBe(0);
    expect(walkForwardWindows(months.slice(0, 7), 6, 2)).toEqual([]);
  });
});

describe('walk-forward promotion', () => {
  it('a run too short for one window pair reports insufficient data', async () => {
    const { daily, D } = synthRun({ traders: 20, months: 7, seed: 1 });
    const r = await walkForward(runData(daily, 20, 7), params, provider(daily, D));
    expect(r.status).toBe('insufficient data');
    expect(r.message).toMatch(
      /insufficient data: the run has 7 month\(s\); one window pair needs 6 in sample \+ 2 out of sample/,
    );
    expect(r.promoted).toEqual([]);
  });

  it('zero edge everywhere: nothing passes, and every candidate says why', async () => {
    const { daily, D } = synthRun({ traders: 200, months: 24, seed: 2 });
    const calls: { ids: number[]; until: number }[] = [];
    const r = await walkForward(runData(daily, 200, 24), params, provider(daily, D, calls));
    expect(r.status).toBe('ok');
    // Everyone is in the daily sample and nobody is significant: nothing to re-simulate.
    expect(calls).toEqual([]);
    expect(r.walkForward.windowsWithSelection).toBe(0);
    expect(r.promoted).toEqual([]);
    for (const w of r.windows) {
      for (const c of w.candidates) expect(c.reason).toMatch(/^(failed|ineligible): /);
      // A correlated cross-section: far fewer effective trials than configurations.
      expect(w.trials.nEff).toBeGreaterThanOrEqual(1);
      expect(w.sr0).toBeGreaterThan(0);
    }
  });

  it('a real edge is selected in sample, confirmed out of sample and promoted', async () => {
    const { daily, D } = synthRun({ traders: 200, months: 24, seed: 3, edge: new Map([[17, 0.6]]) });
    const r = await walkForward(runData(daily, 200, 24), params, provider(daily, D));
    expect(r.promoted.map((p) => p.trader)).toEqual([17]);
    const ev = r.promoted[0].evidence;
    expect(ev.reason).toMatch(/^passed: DSR 0\.99\d\d, p .* < α 0\.01$/);
    expect(ev.pValue).toBeLessThan(0.01);
    expect(ev.oosPnlUsd).toBeGreaterThan(0);
    expect(r.walkForward.windowsWithSelection).toBe(9);
  });

  it('configurations that would give the same recommendation are promoted once', async () => {
    // Traders 20 and 21 differ only in the stop (the last varying dimension of the grid).
    expect({ ...grid.config(20), id: 0, stopLossX: 0 }).toEqual({ ...grid.config(21), id: 0, stopLossX: 0 });
    const { daily, D } = synthRun({
      traders: 100,
      months: 24,
      seed: 7,
      edge: new Map([
        [20, 0.6],
        [21, 0.6],
      ]),
    });
    const r = await walkForward(runData(daily, 100, 24), params, provider(daily, D));
    expect(r.promoted).toHaveLength(1);
    const other = r.promoted[0].trader === 20 ? 21 : 20;
    const c = r.windows[8].candidates.find((x) => x.trader === other)!;
    expect(c.passed).toBe(true);
    expect(c.selected).toBe(false);
    expect(c.reason).toMatch(new RegExp(`; the same recommendation as trader ${r.promoted[0].trader}$`));
  });

  it('out-of-sample data never takes part in selection', async () => {
    const { daily, D } = synthRun({
      traders: 150,
      months: 24,
      seed: 4,
      edge: new Map([
        [5, 0.4],
        [9, 0.35],
      ]),
    });
    const calls: { ids: number[]; until: number }[] = [];
    const a = await walkForward(runData(daily, 150, 24), params, provider(daily, D, calls));
    // The last window's in-sample months end at month 22: re-simulation stops at that day.
    expect(calls).toHaveLength(1);
    expect(calls[0].until).toBe(22 * PER_MONTH - 1);
    // Rewrite the last two months for everyone: the last window's selection must not move.
    const b = daily.slice();
    const rng = new CounterRng(99, 1);
    for (let i = 0; i < 150; i++)
      for (let d = 22 * PER_MONTH; d < D; d++) b[i * D + d] = Math.round(50_000 * rng.nextNormal());
    const r = await walkForward(runData(b, 150, 24), params, provider(b, D));
    const strip = (w: (typeof a.windows)[number]) =>
      w.candidates.map(({ oosPnlUsd: _o, reason: _r, ...c }) => c);
    expect(strip(r.windows[8])).toEqual(strip(a.windows[8]));
    expect(r.windows[8].selected).toEqual(a.windows[8].selected);
    expect(r.windows[8].trials).toEqual(a.windows[8].trials);
  });

  it('candidates outside the daily sample are re-simulated for their daily P&L; the trial count uses the sample', async () => {
    const { daily, D } = synthRun({ traders: 200, months: 24, seed: 6, edge: new Map([[150, 0.6]]) });
    const d = runData(daily, 200, 24);
    // Sample the first 100 traders only (as the farm samples 4,096 of 432,000).
    d.sample = {
      ids: Int32Array.from({ length: 100 }, (_, i) => i),
      daily: Float32Array.from(daily.subarray(0, 100 * D)),
    };
    const calls: { ids: number[]; until: number }[] = [];
    const r = await walkForward(d, params, provider(daily, D, calls));
    expect(calls[0].ids.every((id) => id >= 100)).toBe(true);
    expect(calls[0].ids).toContain(150);
    expect(r.promoted.map((p) => p.trader)).toEqual([150]);
    const t = r.windows[8].trials;
    expect(t.sampleSize).toBe(100);
    expect(t.gridTraders).toBe(200);
    expect(t.exponent).not.toBeNull();
    expect(t.nEff).toBeGreaterThanOrEqual(t.clusters);
  });

  it("eligibility reads the run's own clock and the window's closed trades", async () => {
    const { daily, D } = synthRun({
      traders: 60,
      months: 24,
      seed: 5,
      edge: new Map([
        [3, 0.6],
        [4, 0.6],
      ]),
    });
    const first = new Float64Array(60).fill(0);
    // Trader 4 first traded 30 days before the last window's end: too recent at 60 days.
    const lastIsEnd = 22 * PER_MONTH * DAY;
    first[4] = lastIsEnd - 30 * DAY;
    const r = await walkForward(
      runData(daily, 60, 24, first),
      { ...params, minTrades: 30 },
      provider(daily, D),
    );
    const last = r.windows[8];
    // 6 months of 21 days, a trade every 5 days: 25 closed in sample < 30.
    const c3 = last.candidates.find((c) => c.trader === 3)!;
    expect(c3.isClosedTrades).toBe(25);
    // The per-trade evidence the forward review needs: 25 trades' mean, sd and t = mean/(sd/√25).
    expect(c3.isTradeMeanUsd! * 25).toBeCloseTo(c3.isRealisedUsd!, 1);
    expect(c3.isTradeSdUsd).toBeGreaterThan(0);
    expect(c3.isTradeT).toBeCloseTo(c3.isTradeMeanUsd! / (c3.isTradeSdUsd! / 5), 9);
    expect(c3.reason).toMatch(/^ineligible: 25 closed trades < 30 \(DSR/);
    // Trader 4 is not even a candidate there (pre-filter on days since the first trade).
    expect(last.candidates.some((c) => c.trader === 4)).toBe(false);
    expect(r.promoted).toEqual([]);
    const ok = await walkForward(runData(daily, 60, 24, first), params, provider(daily, D));
    expect(ok.promoted.map((p) => p.trader)).toEqual([3]);
    expect(ok.promoted[0].evidence.daysSinceFirstTrade).toBe(22 * PER_MONTH);
  });
});
