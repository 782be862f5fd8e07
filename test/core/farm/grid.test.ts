import { describe, expect, it } from 'vitest';
import { Grid, parseGrid, widthDollars } from '../../../src/core/farm/grid.js';
import { parseWhere } from '../../../src/core/judge/dimensions.js';

const BASE = {
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [7],
  shortDelta: [0.2],
  profitTargetPct: [50],
  stopLossX: [2],
  trailingStopPct: [0],
  sizePct: [5],
};
const grid = (width: unknown[]) => parseGrid(JSON.stringify({ ...BASE, width }), 'g.json');

describe('grid widths in dollars or in % of the price', () => {
  it('dollars and shares of the price side by side; a share becomes dollars at the price', () => {
    const g = grid([1, '5%', '7.5%']);
    expect(g.spec.width).toEqual([1, '5%', '7.5%']);
    expect(g.config(1).width).toBe('5%');
    expect(widthDollars('5%', 13.1)).toBeCloseTo(0.655, 12);
    expect(widthDollars('7.5%', 40)).toBe(3);
    expect(widthDollars(2, 13.1)).toBe(2);
  });

  it('a width is refused when it is neither: "5", "0%", "60%"', () => {
    expect(() => grid(['5'])).toThrow(
      /invalid grid at "width.0": a width is dollars \(5\) or a share of the price/,
    );
    expect(() => grid(['0%'])).toThrow(/above 0 and at most 50%/);
    expect(() => grid(['60%'])).toThrow(/above 0 and at most 50%/);
  });

  it('--where width=5% picks the share, width=$1 the dollars', () => {
    const g = grid([1, '5%']);
    expect(parseWhere(g, 'width=5%')[0].levels).toEqual([1]);
    expect(parseWhere(g, 'width=$1')[0].levels).toEqual([0]);
    expect(() => parseWhere(g, 'width=3%')).toThrow(/width has no value "3%"/);
  });

  it('a dollar-only grid hashes as before (the option adds nothing to it)', () => {
    expect(new Grid({ ...BASE, width: [1] } as never).hash).toBe(grid([1]).hash);
  });
});

describe('a configuration found in another grid', () => {
  it('idOf inverts config: the same configuration has id 5 in a grid with dte [7, 14] and width [1, 2, 5%] and is missing where dte 14 is not', () => {
    const live = parseGrid(JSON.stringify({ ...BASE, dte: [7, 14], width: [1, 2, '5%'] }), 'live.json');
    const backtest = parseGrid(JSON.stringify({ ...BASE, dte: [14], width: ['5%'] }), 'bt.json');
    const c = backtest.config(0);
    // dte level 1 × stride 3 (the widths after it) + width level 2 = 5.
    expect(live.idOf(c)).toEqual({ id: 5 });
    expect(live.config(5)).toEqual({ ...c, id: 5 });
    for (let id = 0; id < live.count; id++) expect(live.idOf(live.config(id))).toEqual({ id });
    expect(grid([1]).idOf(c)).toEqual({ missing: 'dte' });
  });
});
