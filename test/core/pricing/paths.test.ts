import { describe, expect, it } from 'vitest';
import { normCdf } from '../../../src/core/pricing/bs.js';
import type { ModelSpec } from '../../../src/core/pricing/models.js';
import {
  gbmStep,
  hestonCoeffs,
  hestonStep,
  hestonStepFT,
  jumpLogSum,
  mertonStep,
  type SimOptions,
  simulatePaths,
} from '../../../src/core/pricing/paths.js';
import { CounterRng } from '../../../src/core/pricing/rng.js';

function meanSe(a: ArrayLike<number>, f: (x: number) => number = (x) => x): { mean: number; se: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = f(a[i]);
    s += x;
    s2 += x * x;
  }
  const n = a.length;
  const mean = s / n;
  return { mean, se: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n) };
}

/** SE from antithetic pair averages (pairs are not independent draws). */
function pairMeanSe(a: ArrayLike<number>, f: (x: number) => number): { mean: number; se: number } {
  const pairs = new Float64Array(a.length / 2);
  for (let i = 0; i < pairs.length; i++) pairs[i] = 0.5 * (f(a[2 * i]) + f(a[2 * i + 1]));
  return meanSe(pairs);
}

const HESTON_FO = { v0: 0.0175, kappa: 1.5768, theta: 0.0398, xi: 0.5751, rho: -0.5711 };
const JUMPS = { lambda: 2, jumpMean: -0.08, jumpVol: 0.12 };
const base: SimOptions = { S0: 100, r: 0.05, q: 0.01, T: 1, steps: 50, paths: 40_000, seed: 42 };

describe('GBM', () => {
  const vol = 0.6;
  const res = simulatePaths({ model: 'gbm', vol }, { ...base, steps: 10, paths: 100_000 });

  it('terminal mean is S0 e^{(r-q)T} within 3 SE', () => {
    const { mean, se } = meanSe(res.terminal);
    expect(Math.abs(mean - 100 * Math.exp(0.04))).toBeLessThan(3 * se);
  });

  it('log terminal has mean (r-q-vol^2/2)T and variance vol^2 T', () => {
    const lnS0 = Math.log(100);
    const { mean, se } = meanSe(res.terminal, (x) => Math.log(x) - lnS0);
    expect(Math.abs(mean - (0.04 - 0.18))).toBeLessThan(3 * se);
    const { mean: m2, se: se2 } = meanSe(res.terminal, (x) => (Math.log(x) - lnS0 - mean) ** 2);
    expect(Math.abs(m2 - vol * vol)).toBeLessThan(3 * se2);
  });

  it('P(S_T > 90) converges to the closed form 0.700730 (S=100, vol=0.6, T=30/365, mu=0)', () => {
    const T = 30 / 365;
    const exact = normCdf((Math.log(100 / 90) - 0.5 * 0.36 * T) / (0.6 * Math.sqrt(T)));
    expect(exact).toBeCloseTo(0.70073, 6);
    const sim = simulatePaths(
      { model: 'gbm', vol: 0.6 },
      { S0: 100, r: 0, q: 0, T, steps: 1, paths: 400_000, seed: 9 },
    );
    const { mean, se } = meanSe(sim.terminal, (x) => (x > 90 ? 1 : 0));
    expect(Math.abs(mean - 0.70073)).toBeLessThan(3 * se);
    expect(se).toBeLessThan(8e-4);
  });

  it('antithetic pairs are exact mirrors in log space', () => {
    const a = simulatePaths({ model: 'gbm', vol }, { ...base, paths: 10, antithetic: true });
    const mid = Math.log(100) + (0.04 - 0.18) * 1;
    for (let i = 0; i < 10; i += 2) {
      expect(Math.log(a.terminal[i]) + Math.log(a.terminal[i + 1])).toBeCloseTo(2 * mid, 10);
    }
  });

  it('trackMin is at most min(S0, S_T) and bounds the path', () => {
    const a = simulatePaths({ model: 'gbm', vol }, { ...base, paths: 2000, trackMin: true });
    const min = a.min!;
    let bad = 0;
    for (let i = 0; i < 2000; i++) if (min[i] > Math.min(100, a.terminal[i]) || min[i] <= 0) bad++;
    expect(bad).toBe(0);
    expect(simulatePaths({ model: 'gbm', vol }, { ...base, paths: 10 }).min).toBeUndefined();
  });

  it('gbmStep matches the simulator with one step', () => {
    const z = new CounterRng(42, 0).nextNormal();
    expect(gbmStep(100, 0.05, 0.01, 0.6, 0.5, z)).toBeCloseTo(
      100 * Math.exp((0.04 - 0.18) * 0.5 + 0.6 * Math.sqrt(0.5) * z),
      12,
    );
  });
});

describe('reproducibility', () => {
  const specs: ModelSpec[] = [
    { model: 'gbm', vol: 0.5 },
    { model: 'heston', heston: HESTON_FO },
    { model: 'merton', vol: 0.3, jumps: JUMPS },
    { model: 'heston-jump', heston: HESTON_FO, jumps: JUMPS },
  ];
  it.each(specs)(
    '$model: same seed is bit-identical; more paths keep the first ones; batches compose',
    (spec) => {
      for (const antithetic of [false, true]) {
        const o = { ...base, steps: 20, paths: 301, antithetic, trackMin: true };
        const a = simulatePaths(spec, o);
        const b = simulatePaths(spec, o);
        expect(Buffer.from(a.terminal.buffer).equals(Buffer.from(b.terminal.buffer))).toBe(true);
        expect(Buffer.from(a.min!.buffer).equals(Buffer.from(b.min!.buffer))).toBe(true);
        const big = simulatePaths(spec, { ...o, paths: 1000 });
        expect(Array.from(big.terminal.subarray(0, 301))).toEqual(Array.from(a.terminal));
        const tail = simulatePaths(spec, { ...o, paths: 700, firstPath: 300 });
        expect(Array.from(tail.terminal)).toEqual(Array.from(big.terminal.subarray(300)));
        const other = simulatePaths(spec, { ...o, seed: 43 });
        expect(other.terminal[0]).not.toBe(a.terminal[0]);
        const otherStream = simulatePaths(spec, { ...o, stream: 5 });
        expect(otherStream.terminal[0]).not.toBe(a.terminal[0]);
      }
    },
  );

  it('rejects bad options', () => {
    const g: ModelSpec = { model: 'gbm', vol: 0.5 };
    expect(() => simulatePaths(g, { ...base, S0: 0 })).toThrow(/S0/);
    expect(() => simulatePaths(g, { ...base, T: 0 })).toThrow(/T must/);
    expect(() => simulatePaths(g, { ...base, steps: 1.5 })).toThrow(/steps/);
    expect(() => simulatePaths(g, { ...base, paths: 0 })).toThrow(/paths/);
    expect(() => simulatePaths(g, { ...base, seed: -3 })).toThrow(/seed/);
    expect(() => simulatePaths(g, { ...base, antithetic: true, firstPath: 3 })).toThrow(/firstPath/);
    expect(() => simulatePaths({ model: 'gbm', vol: -1 }, base)).toThrow(/vol/);
  });
});

describe('Heston', () => {
  const spec: ModelSpec = { model: 'heston', heston: HESTON_FO };
  const ev = HESTON_FO.theta + (HESTON_FO.v0 - HESTON_FO.theta) * Math.exp(-HESTON_FO.kappa);

  it('QE: E[v_T] = theta + (v0 - theta) e^{-kappa T} within 3 SE (QE matches the mean exactly per step)', () => {
    const res = simulatePaths(spec, { ...base, r: 0, q: 0, trackVariance: true });
    const { mean, se } = meanSe(res.variance!);
    expect(Math.abs(mean - ev)).toBeLessThan(3 * se);
  });

  it('full truncation: E[v_T] close to the exact mean (Euler bias small at dt=1/100)', () => {
    const res = simulatePaths(spec, { ...base, steps: 100, scheme: 'full-truncation', trackVariance: true });
    const { mean, se } = meanSe(res.variance!, (v) => Math.max(v, 0));
    expect(Math.abs(mean - ev)).toBeLessThan(3 * se + 5e-4);
  });

  it.each(['qe', 'full-truncation'] as const)('%s: discounted S_T is a martingale within 3 SE', (scheme) => {
    const res = simulatePaths(spec, { ...base, scheme, antithetic: true, paths: 60_000 });
    const { mean, se } = pairMeanSe(res.terminal, (x) => x * Math.exp(-0.04));
    expect(Math.abs(mean - 100)).toBeLessThan(3 * se);
  });

  it('QE prices the Fang-Oosterlee call (5.785155450) within 3 SE', () => {
    const res = simulatePaths(spec, {
      S0: 100,
      r: 0,
      q: 0,
      T: 1,
      steps: 32,
      paths: 100_000,
      seed: 5,
      antithetic: true,
    });
    const { mean, se } = pairMeanSe(res.terminal, (x) => Math.max(x - 100, 0));
    expect(Math.abs(mean - 5.78515545)).toBeLessThan(3 * se);
  });

  it("hestonStep: one QE step has E[v'] = m and E[S'] = S e^{(r-q)dt}, also when psi > 1.5", () => {
    const dt = 0.25;
    const rng = new CounterRng(8, 1);
    const out = new Float64Array(2);
    for (const [xi, v, highPsi] of [
      [1.2, 0.002, true],
      [0.3, 0.04, false],
    ] as const) {
      const h = { v0: v, kappa: 1, theta: 0.04, xi, rho: -0.8 };
      const c = hestonCoeffs(h, 0.03, 0, dt);
      const m = h.theta + (v - h.theta) * Math.exp(-h.kappa * dt);
      const psi = (v * c.s2v + c.s2c) / (m * m);
      expect(psi > 1.5).toBe(highPsi);
      const n = 200_000;
      const vs = new Float64Array(n);
      const ss = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        hestonStep(c, 0, v, rng.nextNormal(), rng.nextNormal(), out);
        ss[i] = Math.exp(out[0]);
        vs[i] = out[1];
      }
      const mv = meanSe(vs);
      expect(Math.abs(mv.mean - m)).toBeLessThan(3 * mv.se);
      const ms = meanSe(ss);
      expect(Math.abs(ms.mean - Math.exp(0.03 * dt))).toBeLessThan(3 * ms.se);
    }
  });

  it('hestonStepFT keeps ln S drift -v/2 and truncates negative variance', () => {
    const c = hestonCoeffs(HESTON_FO, 0, 0, 0.01);
    const out = new Float64Array(2);
    hestonStepFT(c, 0, -0.01, 1, 1, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(-0.01 + HESTON_FO.kappa * HESTON_FO.theta * 0.01, 15);
  });
});

describe('jumps', () => {
  it('Merton: discounted S_T is a martingale within 3 SE', () => {
    const res = simulatePaths({ model: 'merton', vol: 0.3, jumps: JUMPS }, { ...base, paths: 100_000 });
    const { mean, se } = meanSe(res.terminal, (x) => x * Math.exp(-0.04));
    expect(Math.abs(mean - 100)).toBeLessThan(3 * se);
  });

  it('Merton: prices the reference call 8.95 (gamma=0.25 of variance 0.0625 from jumps) within 3 SE', () => {
    const jumpVol = 0.25 * Math.sqrt(0.25);
    const spec: ModelSpec = {
      model: 'merton',
      vol: 0.25 * Math.sqrt(0.75),
      jumps: { lambda: 1, jumpVol, jumpMean: -0.5 * jumpVol * jumpVol },
    };
    const res = simulatePaths(spec, { S0: 100, r: 0.08, q: 0, T: 0.5, steps: 4, paths: 200_000, seed: 3 });
    const { mean, se } = meanSe(res.terminal, (x) => Math.exp(-0.04) * Math.max(x - 100, 0));
    expect(Math.abs(mean - 8.95)).toBeLessThan(3 * se + 0.01);
  });

  it('Bates (heston-jump): discounted S_T is a martingale within 3 SE', () => {
    const res = simulatePaths(
      { model: 'heston-jump', heston: HESTON_FO, jumps: JUMPS },
      { ...base, paths: 60_000 },
    );
    const { mean, se } = meanSe(res.terminal, (x) => x * Math.exp(-0.04));
    expect(Math.abs(mean - 100)).toBeLessThan(3 * se);
  });

  it('antithetic pairs share jumps: log terms mirror around the drift plus the common jump sum', () => {
    const spec: ModelSpec = {
      model: 'merton',
      vol: 0.3,
      jumps: { lambda: 50, jumpMean: -0.02, jumpVol: 0.05 },
    };
    const a = simulatePaths(spec, { ...base, steps: 1, paths: 2000, antithetic: true });
    const g = simulatePaths(
      { model: 'merton', vol: 0.3, jumps: { ...spec.jumps, lambda: 0 } },
      { ...base, steps: 1, paths: 2, antithetic: true },
    );
    const gMid = 0.5 * (Math.log(g.terminal[0]) + Math.log(g.terminal[1]));
    let withJumps = 0;
    for (let i = 0; i < 2000; i += 2) {
      const mid = 0.5 * (Math.log(a.terminal[i]) + Math.log(a.terminal[i + 1]));
      if (Math.abs(mid - gMid) > 1e-12) withJumps++;
    }
    // The midpoint differs from the jump-free one only by the shared jump sum and the compensator.
    expect(withJumps).toBeGreaterThan(900);
  });

  it('mertonStep and jumpLogSum', () => {
    expect(jumpLogSum(JUMPS, 0, 3)).toBe(0);
    expect(jumpLogSum(JUMPS, 4, 0.5)).toBeCloseTo(4 * -0.08 + 2 * 0.12 * 0.5, 15);
    const k = Math.exp(-0.08 + 0.0072) - 1;
    const expected =
      100 * Math.exp((0.05 - 2 * k - 0.045) * 0.1 + 0.3 * Math.sqrt(0.1) * 0.2 + jumpLogSum(JUMPS, 1, -1));
    expect(mertonStep(100, 0.05, 0, 0.3, JUMPS, 0.1, 0.2, 1, -1)).toBeCloseTo(expected, 10);
  });
});
