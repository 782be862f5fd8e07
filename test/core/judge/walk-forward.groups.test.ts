import { describe, expect, it } from 'vitest';
import { groupIndex } from '../../../src/core/farm/groups.js';
import { DEFAULT_PARAMS, type PromoteParams, walkForward } from '../../../src/core/judge/walk-forward.js';
import { walkForwardWindows } from '../../../src/core/judge/windows.js';
import { grid, provider, runData, synthRun, withGroups } from '../../support/walk-forward-run.js';

const params: PromoteParams = { ...DEFAULT_PARAMS, minPnlUsd: 0, candidates: 40 };
const of = groupIndex(grid);

describe('walk-forward with the group gate', () => {
  it('the honesty grid has 8 groups of 32 traders (2 DTE × 2 delta × 2 width)', () => {
    const counts = new Array(8).fill(0);
    for (const g of of) counts[g]++;
    expect(counts).toEqual(new Array(8).fill(32));
  });

  it('zero edge: no group passes in any window, nothing is re-simulated or promoted', async () => {
    const { daily, D } = synthRun({ traders: 256, months: 14, seed: 21 });
    const calls: { ids: number[]; until: number }[] = [];
    const r = await walkForward(
      withGroups(runData(daily, 256, 14), daily),
      params,
      provider(daily, D, calls),
    );
    expect(r.gate).toBe('group');
    expect(r.windows).toHaveLength(4);
    expect(r.windows.every((w) => w.gate!.passed.length === 0 && w.candidates.length === 0)).toBe(true);
    expect(calls).toEqual([]);
    expect(r.promoted).toEqual([]);
  });

  it('whole groups: a group with an edge passes; the pick inside it is its best eligible in-sample Sharpe, one per recommendation', async () => {
    // Every trader of group 5 earns 0.4 sd a day (the group’s book: a Sharpe near 0.65 a day, t ≈ 7 over 126 days).
    const edge = new Map<number, number>();
    for (let i = 0; i < 256; i++) if (of[i] === 5) edge.set(i, 0.4);
    const { daily, D } = synthRun({ traders: 256, months: 14, seed: 22, edge });
    const r = await walkForward(
      withGroups(runData(daily, 256, 14), daily),
      { ...params, top: 2, groupBook: 'whole', groupTest: 'holm' },
      provider(daily, D),
    );
    for (const w of r.windows) {
      expect(w.gate!.passed).toEqual([5]);
      // The first in Holm's order: 40·8/0.05 = 6,400 resamples, p a multiple of 1/6,401, Holm ×8.
      const g5 = w.gate!.groups[5];
      expect(g5.resamples).toBe(6400);
      expect(Math.round(g5.pBootstrap! * 6401)).toBeCloseTo(g5.pBootstrap! * 6401, 9);
      expect(g5.pAdjusted).toBeCloseTo(8 * g5.pBootstrap!, 12);
      expect(g5.pBootstrap).toBeLessThanOrEqual(0.05 / 8);
      expect(w.candidates.every((c) => c.group === 5)).toBe(true);
      // Ranked by in-sample Sharpe; the selected are the best two passes with distinct recommendations.
      const passed = w.candidates.filter((c) => c.passed);
      expect(passed.length).toBeGreaterThan(0);
      expect(passed[0].reason).toMatch(
        /^passed: its group is certified \(adjusted p 0\.00\d\d ≤ 0\.05\); second opinion DSR /,
      );
      expect(w.selected).toHaveLength(2);
      const best = [...passed].sort((a, b) => (b.sr ?? 0) - (a.sr ?? 0))[0];
      expect(w.selected[0]).toBe(best.trader);
    }
    expect(r.promoted.length).toBeGreaterThan(0);
    expect(r.promoted.every((p) => of[p.trader] === 5)).toBe(true);
  });

  it('anchored windows start in sample at the run’s first month, out of sample as the rolling ones', () => {
    const months = Array.from({ length: 14 }, (_, m) => `m${m}`);
    const rolling = walkForwardWindows(months, 6, 2);
    const anchored = walkForwardWindows(months, 6, 2, true);
    expect(anchored.map((w) => [w.isStart, w.isEnd, w.oosEnd])).toEqual([
      [0, 6, 8],
      [0, 8, 10],
      [0, 10, 12],
      [0, 12, 14],
    ]);
    expect(anchored.map((w) => w.oos)).toEqual(rolling.map((w) => w.oos));
  });
});
