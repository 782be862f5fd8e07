import { describe, expect, it } from 'vitest';
import { histogram } from '../../../src/core/farm/runner.js';

describe('the realised P&L histogram', () => {
  it('equal bins from the 1st to the 99th percentile, the tails in the end bins', () => {
    // 0..99: p1 = 1, p99 = 99 → 4 bins of width 24.5 from 1 to 99
    const v = Float64Array.from({ length: 100 }, (_, i) => i);
    const h = histogram(v, 4);
    expect(h.edges).toEqual([1, 25.5, 50, 74.5, 99]);
    // 0..25 (26 values, 0 is the low tail), 26..49, 50..74, 75..99 (99 is the top edge, in the last bin)
    expect(h.counts).toEqual([26, 24, 25, 25]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('no traders: no bins; everyone equal: one bin', () => {
    expect(histogram(new Float64Array(0), 4)).toEqual({ edges: [], counts: [] });
    expect(histogram(Float64Array.from([5, 5, 5]), 4)).toEqual({ edges: [5, 5], counts: [3] });
  });
});
