import { describe, expect, it } from 'vitest';
import { loadGrid } from '../../../src/adapters/bundled/grids.js';
import { groupCount, groupIndex, groupLabel, groupName } from '../../../src/core/farm/groups.js';

const bundled = (name: string) =>
  loadGrid(new URL(`../../../data/grids/${name}.json`, import.meta.url).pathname);

describe('groups: (symbol, DTE, delta, width)', () => {
  it('the bundled grids: default 432,000 traders in 100 groups; medium 43,740 in 45; equal sizes', () => {
    for (const [name, traders, groups] of [
      ['default', 432_000, 100],
      ['medium', 43_740, 45],
    ] as const) {
      const g = bundled(name);
      expect(g.count).toBe(traders);
      expect(groupCount(g)).toBe(groups);
      const sizes = new Array(groups).fill(0);
      for (const k of groupIndex(g)) sizes[k]++;
      expect(new Set(sizes)).toEqual(new Set([traders / groups]));
    }
  });

  it("a trader's group is its trade: medium trader 0 is IBIT 7d Δ0.15 $1, the last is 45d Δ0.3 $5", () => {
    const g = bundled('medium');
    const idx = groupIndex(g);
    expect(groupName(groupLabel(g, idx[0]))).toBe('IBIT 7d Δ0.15 $1');
    expect(groupName(groupLabel(g, idx[g.count - 1]))).toBe('IBIT 45d Δ0.3 $5');
    const c = g.config(12_345);
    expect(groupLabel(g, idx[12_345])).toEqual({
      symbol: c.symbol,
      dte: c.dte,
      shortDelta: c.shortDelta,
      width: c.width,
    });
  });
});
