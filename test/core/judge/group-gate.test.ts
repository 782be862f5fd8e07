import { describe, expect, it } from 'vitest';
import { minDetectableSharpe } from '../../../src/core/judge/bootstrap.js';
import { groupGate } from '../../../src/core/judge/group-gate.js';
import { CounterRng } from '../../../src/core/pricing/rng.js';

const LABEL = { symbol: 'IBIT' as const, dte: 30, shortDelta: 0.2, width: 5 };

/** Seeded normals shifted and scaled to exactly mean mu and sample sd 1: t = √T·mu. */
function series(rng: CounterRng, n: number, mu: number): Float64Array {
  const z = Float64Array.from({ length: n }, () => rng.nextNormal());
  const m = z.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(z.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1));
  return z.map((v) => mu + (v - m) / sd);
}

/** 100 days; t = 10·mu: 10, 1.5, 1.2, and a group that never traded. */
function fourGroups(test: 'holm' | 'min-p') {
  const rng = new CounterRng(11, 2);
  const s = [series(rng, 100, 1), series(rng, 100, 0.15), series(rng, 100, 0.12), new Float64Array(100)];
  const r = groupGate(
    { series: s, labels: s.map(() => LABEL), substream: 0 },
    { alpha: 0.05, meanBlock: 10, seed: 1, test },
  );
  return { s, r };
}

describe('group gate', () => {
  it('Holm step-down: a strong group passes at 1/(B + 1), the next fails its bootstrap, the rest stop', () => {
    const { s, r } = fourGroups('holm');
    const [g0, g1, g2, g3] = r.groups;
    // First of m = 4: 40·4/0.05 = 3,200 resamples; none reaches t = 10, so p = 1/3,201; Holm ×4.
    expect(g0.t).toBeCloseTo(10, 10);
    expect(g0.resamples).toBe(3200);
    expect(g0.pBootstrap).toBe(1 / 3201);
    expect(g0.pAdjusted).toBeCloseTo(4 / 3201, 12);
    expect(g0.passed).toBe(true);
    // Second: threshold 0.05/3 = 0.0167; t 1.5 is a p near 0.07, inside the screen (4 × 0.0167),
    // so it is bootstrapped (40·3/0.05 = 2,400 resamples) and fails.
    expect(g1.resamples).toBe(2400);
    expect(g1.pBootstrap).toBeGreaterThan(0.05 / 3);
    expect(g1.passed).toBe(false);
    expect(g1.reason).toMatch(/^failed: bootstrap p/);
    expect(g2.reason).toBe('failed: Holm stopped at a group before it');
    expect(g2.pBootstrap).toBeNull();
    expect(g3.reason).toBe('failed: no P&L variance in sample');
    expect(r.passed).toEqual([0]);
    // 80 % power with 4 groups over 100 days: (z(1 − 0.0125) 2.2414 + 0.8416)/10 · √252 = 4.894/yr.
    expect(r.minSharpeAnnual).toBeCloseTo(minDetectableSharpe(100, 4, 0.05), 12);
    expect(r.minSharpeAnnual).toBeCloseTo(4.894, 2);
    // Same seed, same verdict.
    const again = groupGate(
      { series: s, labels: s.map(() => LABEL), substream: 0 },
      { alpha: 0.05, meanBlock: 10, seed: 1, test: 'holm' },
    );
    expect(again.groups.map((g) => g.pBootstrap)).toEqual(r.groups.map((g) => g.pBootstrap));
  });

  it('keeps its level: 8 zero-mean groups over 126 days select in at most α of 400 windows (binomial bound)', () => {
    const rng = new CounterRng(5, 3);
    let windows = 0;
    for (let w = 0; w < 400; w++) {
      const s = Array.from({ length: 8 }, () => Float64Array.from({ length: 126 }, () => rng.nextNormal()));
      const r = groupGate(
        { series: s, labels: s.map(() => LABEL), substream: w },
        { alpha: 0.05, meanBlock: 15, seed: 1, test: 'holm' },
      );
      if (r.passed.length) windows++;
    }
    // At 5 %, 400 windows give 20 on average; 99.9 % of binomial draws stay at or below 35.
    expect(windows).toBeLessThanOrEqual(35);
  });

  it('min-p step-down: reasons, 40·m/α joint resamples, and a bar from its own first step', () => {
    const { r } = fourGroups('min-p');
    const [g0, g1, g2, g3] = r.groups;
    expect(r.test).toBe('min-p');
    // Three groups with variance: 40·4/0.05 = 3,200 resamples for each.
    expect(g0.resamples).toBe(3200);
    expect(g0.pBootstrap).toBe(1 / 3201);
    expect(g0.passed).toBe(true);
    expect(g0.reason).toMatch(/^passed: step-down p .* ≤ α 0.05 \(min-p over 3 groups\)$/);
    expect(g1.passed).toBe(false);
    expect(g1.pAdjusted).toBeGreaterThanOrEqual(g1.pBootstrap!);
    expect(g2.pAdjusted).toBeGreaterThanOrEqual(g1.pAdjusted);
    expect(g3.reason).toBe('failed: no P&L variance in sample');
    expect(g3.resamples).toBe(0);
    expect(r.passed).toEqual([0]);
    // Three nearly independent groups: the first step's bar is close to Šidák's 1 − 0.95^(1/3) =
    // 0.0170, so the 80 %-power Sharpe is near (z(1 − 0.017) 2.12 + 0.84)/10 · √252 = 4.70/yr.
    expect(r.minSharpeAnnual).toBeGreaterThan(4.4);
    expect(r.minSharpeAnnual).toBeLessThan(5.0);
  });

  it('min-p keeps its level on groups that move together, and finds more than Holm there', () => {
    // 8 groups over 63 days (a split book's test half): a common factor (ρ ≈ 0.8) plus own noise.
    const rng = new CounterRng(6, 1);
    const windows = (mu: number, n: number) =>
      Array.from({ length: n }, () => {
        const f = Float64Array.from({ length: 63 }, () => rng.nextNormal());
        return Array.from({ length: 8 }, () => f.map((v) => mu + 0.9 * v + 0.45 * rng.nextNormal()));
      });
    const count = (ws: Float64Array[][], test: 'min-p' | 'holm') =>
      ws.filter(
        (s, w) =>
          groupGate(
            { series: s, labels: s.map(() => LABEL), substream: w },
            { alpha: 0.05, meanBlock: 10, seed: 1, test },
          ).passed.length > 0,
      ).length;
    // Zero mean: 120 windows at 5 % give 6 on average (it selects in 6); 99.9 % of binomial draws stay at or below 15.
    const level = count(windows(0, 120), 'min-p');
    expect(level).toBeLessThanOrEqual(15);
    // An edge of 0.25 sd a day, the same 40 windows for both: the joint step-down sees that the
    // groups move together (Holm pays for 8 independent tests).
    const edge = windows(0.25, 40);
    expect({ minP: count(edge, 'min-p'), holm: count(edge, 'holm') }).toEqual({ minP: 24, holm: 18 });
  });
});
