import { tStat } from './bootstrap.js';

/** What the books read of a run (RunData and GroupData have these). */
interface SampledRun {
  days: readonly unknown[];
  /** The seeded daily-P&L sample: ids and [k * days + d] cents. */
  sample: { ids: Int32Array; daily: Float32Array } | null;
}
interface GroupSums {
  count: number;
  size: number;
  /** Σ over the group's traders of their daily P&L, [group * days + day] (cents). */
  daily: Float64Array;
}

/**
 * What the group gate tests per group. `whole`: the equal-weight book of every trader in the
 * group over the whole in-sample window (H0: the group's average has no edge). `split`: the top
 * quarter of the group's sampled traders by Sharpe over the window's first half, held as an
 * equal-weight book over its second half (H0: no configuration in the group has an edge — then no
 * book chosen from it has one either, however it was chosen, since the halves do not overlap).
 * The split book is what a pick inside a certified group needs: the study found the edge of a
 * market in some configurations of a group, not in its average (docs/judge-study.md).
 */
export type GroupBookKind = 'split' | 'whole';

/**
 * What `--group-book` asks for: a kind, or `auto`: split books when the farm's daily sample holds
 * every trader of the run (the best quarter of the whole group can be chosen), whole groups when
 * it holds a fraction (a split book would be the best quarter of a random few per group: about
 * 91 of 972 on the medium grid, 41 of 4,320 on the full grid).
 */
export type GroupBookChoice = GroupBookKind | 'auto';

export const GROUP_BOOKS: readonly GroupBookChoice[] = ['auto', 'split', 'whole'];

/** The kind `choice` means for a run of `traders` whose daily sample holds `sampled`. */
export function resolveBook(choice: GroupBookChoice, sampled: number, traders: number): GroupBookKind {
  if (choice !== 'auto') return choice;
  return sampled >= traders ? 'split' : 'whole';
}

/** The share of a group's sampled traders its split book holds (at least one). */
export const SPLIT_SHARE = 0.25;

export interface GroupBooks {
  kind: GroupBookKind;
  /** Run days [chooseFrom, testFrom) chose the books (split; empty for whole), [testFrom, testTo) test them. */
  chooseFrom: number;
  testFrom: number;
  testTo: number;
  /** Per group, its book's daily P&L over the test days, cents per trader. */
  series: Float64Array[];
  /** Per group: its sampled traders and the ones its split book holds (best first); null for whole. */
  members: { sampled: number; chosen: number[] }[] | null;
}

/** The whole groups' books over run days [dayFrom, dayTo), from the stored group sums (`days` a series). */
export function wholeBooks(g: GroupSums, days: number, dayFrom: number, dayTo: number): GroupBooks {
  const series = Array.from({ length: g.count }, (_, k) =>
    Float64Array.from({ length: dayTo - dayFrom }, (_, u) => g.daily[k * days + dayFrom + u] / g.size),
  );
  return { kind: 'whole', chooseFrom: dayFrom, testFrom: dayFrom, testTo: dayTo, series, members: null };
}

/**
 * The split books over run days [dayFrom, dayTo): each group's sampled traders (the farm's seeded
 * daily sample, drawn before any P&L) ranked by their Sharpe over the first ⌊T/2⌋ days (no
 * variance ranks last, ties by id), the best quarter held equal-weight over the rest. A group with
 * no sampled trader gets an empty series, which the gate fails.
 */
export function splitBooks(
  d: SampledRun,
  g: { count: number; of(trader: number): number },
  dayFrom: number,
  dayTo: number,
): GroupBooks {
  const D = d.days.length;
  const testFrom = dayFrom + Math.floor((dayTo - dayFrom) / 2);
  const byGroup: { id: number; row: number }[][] = Array.from({ length: g.count }, () => []);
  const ids = d.sample?.ids ?? new Int32Array(0);
  for (let row = 0; row < ids.length; row++) byGroup[g.of(ids[row])].push({ id: ids[row], row });
  const daily = d.sample?.daily ?? new Float32Array(0);
  const members = byGroup.map((list) => {
    const ranked = list
      .map(({ id, row }) => ({ id, row, t: tStat(daily.subarray(row * D + dayFrom, row * D + testFrom)) }))
      .sort((a, b) => (b.t ?? Number.NEGATIVE_INFINITY) - (a.t ?? Number.NEGATIVE_INFINITY) || a.id - b.id);
    return {
      sampled: list.length,
      chosen: ranked.slice(0, Math.max(1, Math.round(list.length * SPLIT_SHARE))),
    };
  });
  const series = members.map(({ chosen }) => {
    const x = new Float64Array(chosen.length ? dayTo - testFrom : 0);
    for (const { row } of chosen)
      for (let u = 0; u < x.length; u++) x[u] += daily[row * D + testFrom + u] / chosen.length;
    return x;
  });
  return {
    kind: 'split',
    chooseFrom: dayFrom,
    testFrom,
    testTo: dayTo,
    series,
    members: members.map((m) => ({ sampled: m.sampled, chosen: m.chosen.map((c) => c.id) })),
  };
}
