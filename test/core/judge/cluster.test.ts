import { describe, expect, it } from 'vitest';
import {
  averageLinkageHeights,
  clustersAt,
  correlationDistances,
  effectiveTrials,
  unitRows,
} from '../../../src/core/judge/cluster.js';
import { CounterRng } from '../../../src/core/pricing/rng.js';

/** n series of t days: a market factor on all, a factor per group, then noise. */
function blocks(groups: number, perGroup: number, t: number, seed: number, market = 1): Float64Array {
  const rng = new CounterRng(seed, 7);
  const m = Float64Array.from({ length: t }, () => rng.nextNormal());
  const g = Array.from({ length: groups }, () => Float64Array.from({ length: t }, () => rng.nextNormal()));
  const x = new Float64Array(groups * perGroup * t);
  for (let k = 0; k < groups; k++) {
    for (let j = 0; j < perGroup; j++) {
      const row = (k * perGroup + j) * t;
      for (let d = 0; d < t; d++) x[row + d] = market * 2 * m[d] + g[k][d] + 0.1 * rng.nextNormal();
    }
  }
  return x;
}

describe('average-linkage clustering', () => {
  it('merge heights: nearest pairs first, no inversions', () => {
    // Points on a line: 0, 1, 10, 11 → merges at 1, 1, then the groups at the mean distance 10.
    const pos = [0, 1, 10, 11];
    const d = new Float64Array(6);
    let k = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) d[k++] = Math.abs(pos[i] - pos[j]);
    const h = [...averageLinkageHeights(d, 4)].sort((a, b) => a - b);
    expect(h).toEqual([1, 1, 10]);
  });

  it('finds the groups under a common market factor (removed before counting)', () => {
    const t = 120;
    const x = blocks(6, 15, t, 1);
    const e = effectiveTrials(x, 90, t, { gridTraders: 90, sampleSize: 90, seed: 1 });
    expect(e.clusters).toBe(6);
    expect(e.nEff).toBe(6);
    expect(e.exponent).toBeNull();
    // The market mode carries most of the variance here.
    expect(e.marketShare).toBeGreaterThan(0.5);
    // Without removing it, every series is one cluster at ρ 0.5.
    const { rows } = unitRows(x, 90, t);
    expect(clustersAt(averageLinkageHeights(correlationDistances(rows, 90, t), 90), 90, 0.5)).toBe(1);
  });

  it('is not capped by the number of days: 300 independent series over 40 days are far more than 40 trials', () => {
    const rng = new CounterRng(2, 9);
    const x = Float64Array.from({ length: 300 * 40 }, () => rng.nextNormal());
    const e = effectiveTrials(x, 300, 40, { gridTraders: 300, sampleSize: 300, seed: 1 });
    // Far above the rank cap of 40; chance correlations over 40 days merge a few.
    expect(e.clusters).toBeGreaterThan(250);
  });

  it('series with no variance are no trials', () => {
    const x = new Float64Array(3 * 10);
    for (let d = 0; d < 10; d++) x[d] = d % 3;
    const e = effectiveTrials(x, 3, 10, { gridTraders: 3, sampleSize: 3, seed: 1 });
    expect(e.sampleActive).toBe(1);
    expect(e.nEff).toBe(1);
  });

  it('scales to the grid: independent trials grow with N, saturated groups do not', () => {
    const rng = new CounterRng(3, 11);
    const t = 60;
    const indep = Float64Array.from({ length: 512 * t }, () => rng.nextNormal());
    const a = effectiveTrials(indep, 512, t, { gridTraders: 51_200, sampleSize: 512, seed: 1 });
    expect(a.exponent).toBeGreaterThan(0.9);
    expect(a.nEff).toBeGreaterThan(0.5 * 51_200);
    const grouped = blocks(8, 64, t, 4);
    const b = effectiveTrials(grouped, 512, t, { gridTraders: 51_200, sampleSize: 512, seed: 1 });
    expect(b.clusters).toBe(8);
    expect(b.exponent).toBeLessThan(0.1);
    expect(b.nEff).toBeLessThan(12);
    // The sample's inactive share carries over to the grid.
    const half = new Float64Array(1024 * t);
    half.set(indep);
    const c = effectiveTrials(half, 1024, t, { gridTraders: 102_400, sampleSize: 1024, seed: 1 });
    expect(c.gridActive).toBe(51_200);
  });

  it('is deterministic for a seed', () => {
    const x = blocks(5, 40, 50, 5, 0.5);
    const o = { gridTraders: 10_000, sampleSize: 200, seed: 9, substream: 2 };
    expect(effectiveTrials(x, 200, 50, o)).toEqual(effectiveTrials(x, 200, 50, o));
  });
});
