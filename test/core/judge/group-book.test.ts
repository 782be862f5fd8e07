import { describe, expect, it } from 'vitest';
import { groupIndex } from '../../../src/core/farm/groups.js';
import { resolveBook, splitBooks, wholeBooks } from '../../../src/core/judge/group-book.js';
import {
  DEFAULT_PARAMS,
  type PromoteParams,
  walkForward,
  windowGate,
} from '../../../src/core/judge/walk-forward.js';
import { grid, provider, runData, synthRun, withGroups } from '../../support/walk-forward-run.js';

describe('the group books', () => {
  // 8 days: the first 4 choose, the last 4 test. Group 0 samples traders 0–3 (a quarter: 1),
  // group 1 traders 4–11 (a quarter: 2), group 2 none.
  const rows: number[][] = [
    [1, 2, 1, 2, 10, 20, 30, 40], // t = √4·1.5/0.577 = 5.20: chosen in group 0
    [0, 4, 0, 4, 99, 99, 99, 99], // t = 1.73
    [5, 5, 5, 5, 77, 77, 77, 77], // no variance: ranks last
    [-1, 0, -1, 0, 1, 1, 1, 1],
    [3, 1, 3, 1, 8, 0, 0, 0], // t = 3.46: second in group 1
    [1, 1, 1, 2, 0, 4, 0, 0], // t = 5.00: first in group 1
    [0, 0, 0, 1, 50, 50, 50, 50], // t = 1.00
    [2, 0, 2, 0, 50, 50, 50, 50], // t = 1.73
    [-5, 0, 0, 0, 50, 50, 50, 50],
    [0, 0, 0, 0, 50, 50, 50, 50], // never traded: ranks last
    [1, 0, 1, 0, 50, 50, 50, 50], // t = 1.73
    [9, 0, 9, 0, 50, 50, 50, 50], // t = 1.73
  ];
  const D = 8;
  // 16 traders in the run, 12 of them in the daily sample.
  const d = {
    traders: 16,
    days: Array.from({ length: D }, (_, k) => ({ closeMs: k, month: 0 })),
    sample: { ids: Int32Array.from(rows.keys()), daily: Float32Array.from(rows.flat()) },
  };
  const g = { count: 3, of: (i: number) => (i < 4 ? 0 : 1) };
  // The groups as the gate reads them: zero daily sums (what whole books test) and labels.
  const groups = {
    ...g,
    size: 4,
    daily: new Float64Array(3 * D),
    monthlySumSq: new Float32Array(0),
    label: (k: number) => ({ symbol: 'IBIT' as const, dte: 7 + k, shortDelta: 0.2, width: 1 }),
  };

  it('split: the best quarter of each group by Sharpe over the first half, held equal-weight over the second', () => {
    const b = splitBooks(d, g, 0, D);
    expect([b.chooseFrom, b.testFrom, b.testTo]).toEqual([0, 4, 8]);
    expect(b.members).toEqual([
      { sampled: 4, chosen: [0] },
      { sampled: 8, chosen: [5, 4] },
      { sampled: 0, chosen: [] },
    ]);
    expect([...b.series[0]]).toEqual([10, 20, 30, 40]);
    // (8 + 0)/2, (0 + 4)/2, 0, 0
    expect([...b.series[1]]).toEqual([4, 2, 0, 0]);
    expect(b.series[2].length).toBe(0);
  });

  it('split over a later window chooses on that window only', () => {
    // Days 2–7: choose on 2–4 (three days), test on 5–7. Group 0: trader 1 [0, 4, 99] t = 1.11,
    // trader 0 [1, 2, 10] t = 1.23, trader 3 [−1, 0, 1] t = 0: trader 0 again, by 1.23 against 1.11.
    const b = splitBooks(d, g, 2, 8);
    expect([b.testFrom, b.testTo]).toEqual([5, 8]);
    expect(b.members![0].chosen).toEqual([0]);
    expect([...b.series[0]]).toEqual([20, 30, 40]);
  });

  it('the gate fails a group none of whose traders is sampled, and says so', () => {
    const r = windowGate(d, groups, { ...DEFAULT_PARAMS, groupBook: 'split' }, 0, 0, D);
    expect(r.book).toEqual({ kind: 'split', chosenDays: 4, testedDays: 4 });
    expect(r.groups[2].book).toEqual({ sampled: 0, chosen: [] });
    expect(r.groups[2].passed).toBe(false);
    expect(r.groups[2].reason).toBe('failed: none of its traders is in the daily sample');
    expect(r.groups[1].book).toEqual({ sampled: 8, chosen: [5, 4] });
  });

  it('auto: split books when the daily sample holds every trader of the run, whole groups when it holds a fraction', () => {
    expect(resolveBook('auto', 256, 256)).toBe('split');
    expect(resolveBook('auto', 4096, 43_740)).toBe('whole');
    expect(resolveBook('split', 4096, 43_740)).toBe('split');
    expect(resolveBook('whole', 256, 256)).toBe('whole');
    const auto = { ...DEFAULT_PARAMS, groupBook: 'auto' as const };
    // 12 of 16 sampled: whole groups over all 8 days; the same run with all 12 sampled: split.
    expect(windowGate(d, groups, auto, 0, 0, D).book).toEqual({
      kind: 'whole',
      chosenDays: 0,
      testedDays: 8,
    });
    expect(windowGate({ ...d, traders: 12 }, groups, auto, 0, 0, D).book).toEqual({
      kind: 'split',
      chosenDays: 4,
      testedDays: 4,
    });
  });

  it('whole: every trader of the group over the whole window, from the stored sums', () => {
    const sums = Float64Array.from([4, 8, 12, 16, 1, 2, 3, 4]);
    const b = wholeBooks({ count: 2, size: 4, daily: sums }, 4, 1, 3);
    expect([...b.series[0]]).toEqual([2, 3]);
    expect([...b.series[1]]).toEqual([0.5, 0.75]);
    expect(b.members).toBeNull();
  });
});

describe('split books certify a group whose edge sits in a quarter of it', () => {
  const of = groupIndex(grid);
  const params: PromoteParams = { ...DEFAULT_PARAMS, minPnlUsd: 0, candidates: 40 };
  // Group 5: eight traders earn 0.4 sd a day, the other 24 lose 0.2: the group's average loses 0.05.
  const edge = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < 256; i++) if (of[i] === 5) edge.set(i, n++ < 8 ? 0.4 : -0.2);

  it('whole groups: nothing passes (the average has no edge); split books: group 5 passes in every window', async () => {
    const { daily, D } = synthRun({ traders: 256, months: 14, seed: 23, edge });
    const run = withGroups(runData(daily, 256, 14), daily);
    const whole = await walkForward(run, { ...params, groupBook: 'whole' }, provider(daily, D));
    expect(whole.windows.every((w) => w.gate!.passed.length === 0)).toBe(true);
    const split = await walkForward(run, params, provider(daily, D));
    expect(split.windows).toHaveLength(4);
    for (const w of split.windows) {
      expect(w.gate!.passed).toEqual([5]);
      expect(w.gate!.book).toEqual({ kind: 'split', chosenDays: 63, testedDays: 63 });
      // The book holds 8 of the 32, chosen on the first half: the edge traders.
      expect(w.gate!.groups[5].book!.sampled).toBe(32);
      expect(w.gate!.groups[5].book!.chosen.every((i) => edge.get(i) === 0.4)).toBe(true);
      expect(edge.get(w.selected[0])).toBe(0.4);
    }
  });

  it('zero edge: split books select in at most α of 160 windows (testing on the days that chose would not)', async () => {
    let windows = 0;
    let selecting = 0;
    for (let seed = 100; seed < 140; seed++) {
      const { daily, D } = synthRun({ traders: 256, months: 14, seed });
      const r = await walkForward(withGroups(runData(daily, 256, 14), daily), params, provider(daily, D));
      windows += r.windows.length;
      selecting += r.windows.filter((w) => w.gate!.passed.length > 0).length;
    }
    expect(windows).toBe(160);
    expect(selecting).toBeLessThanOrEqual(8);
  });
});
