import { afterAll, describe, expect, it } from 'vitest';
import { resolveEngine } from '../../src/core/engine/resolve.js';
import {
  MC_PASS_THREADS,
  simulateSpreadPathsOnEngine,
  spreadOutcomesOnEngine,
  whUniformsOnEngine,
} from '../../src/core/pricing/mc-kernels.js';
import type { ModelSpec } from '../../src/core/pricing/models.js';
import type { SpreadOptions } from '../../src/core/pricing/pop.js';
import { WhStream, whSeedState, whUnitState } from '../../src/core/pricing/wh-rng.js';
import { chi2Plausible, uniformQuality } from '../support/uniform-stats.js';

// Runs under xvfb-run (scripts/gpu-tests.mjs): gpu.js on headless-gl, float32 throughout.
const T30 = 30 / 365;
const HESTON = { v0: 0.36, kappa: 2, theta: 0.36, xi: 0.9, rho: -0.6 };
const JUMPS = { lambda: 20, jumpMean: -0.05, jumpVol: 0.1 };
const SPECS: Record<ModelSpec['model'], ModelSpec> = {
  gbm: { model: 'gbm', vol: 0.6 },
  heston: { model: 'heston', heston: HESTON },
  merton: { model: 'merton', vol: 0.5, jumps: JUMPS },
  'heston-jump': { model: 'heston-jump', heston: HESTON, jumps: JUMPS },
};
const MODELS = Object.keys(SPECS) as ModelSpec['model'][];
const SPREAD: SpreadOptions = {
  S0: 100,
  shortK: 91,
  longK: 85,
  credit: 1,
  T: T30,
  r: 0.01,
  q: 0.002,
  steps: 30,
  paths: 200_000,
  seed: 17,
};
const STATS = [
  ['pop', 'popSE'],
  ['pTouch', 'pTouchSE'],
  ['pMaxLoss', 'pMaxLossSE'],
  ['expectedPnl', 'expectedPnlSE'],
] as const;

const gpu = resolveEngine('gpu');
const js = resolveEngine('js');
afterAll(() => {
  gpu.destroy();
  js.destroy();
});

describe('gpu engine (gpu.js on headless-gl)', () => {
  it('resolves to the GL kernel and says so', () => {
    const d = gpu.describe();
    expect(d).toMatchObject({
      engine: 'gpu',
      backend: 'HeadlessGLKernel',
      outputPrecision: 'float32',
      computePrecision: 'float32',
      exactInt32: false,
    });
    expect(d.gl?.maxTextureSize).toBeGreaterThanOrEqual(4096);
    expect(d.gl?.display).toBeTruthy();
  });

  it("is what 'auto' picks for mcPaths when GL is present", () => {
    const e = resolveEngine('auto', { kernel: 'mcPaths' });
    try {
      expect(e.name).toBe('gpu');
      expect(e.describe().selection?.reason).toMatch(/100k paths/);
    } finally {
      e.destroy();
    }
  });
});

describe('GL generator quality (Wichmann-Hill in float32 on the GL path)', () => {
  const o = { seed: 1, stream: 2, stride: 180, units: 65_536, skip: 3 };
  const u = whUniformsOnEngine(gpu, o);

  it('reproduces the integer stream of the float64 reference', () => {
    // A wrong integer state would give an unrelated uniform; float32 rounding stays below 5e-7.
    const start = whSeedState(o.seed, o.stream);
    let worst = 0;
    for (let unit = 0; unit < o.units; unit += 997) {
      const ref = new WhStream(whUnitState(start, o.stride, unit));
      for (let i = 0; i < o.skip; i++) ref.next();
      for (let j = 0; j < 4; j++) worst = Math.max(worst, Math.abs(u[unit * 4 + j] - ref.next()));
    }
    expect(worst).toBeLessThan(5e-7);
  });

  it('passes mean, variance, lag-1, substream and chi-square checks', () => {
    const q = uniformQuality(u);
    expect(q.n).toBe(4 * 65_536);
    expect(Math.abs(q.meanZ)).toBeLessThan(4);
    expect(Math.abs(q.varianceZ)).toBeLessThan(4);
    expect(Math.abs(q.lag1Z)).toBeLessThan(4);
    expect(Math.abs(q.crossUnitZ)).toBeLessThan(4);
    expect(chi2Plausible(q.chi2Bins100)).toBe(true);
    expect(chi2Plausible(q.chi2Pairs10x10)).toBe(true);
    expect(q.min).toBeGreaterThan(0);
    expect(q.max).toBeLessThan(1);
  });
});

describe('MC spread outcomes: GL against js', () => {
  it.each(MODELS)('%s: agrees with js (Philox) within 4 combined standard errors', (model) => {
    const g = spreadOutcomesOnEngine(gpu, SPECS[model], SPREAD);
    const j = spreadOutcomesOnEngine(js, SPECS[model], SPREAD);
    expect(g.paths).toBe(j.paths);
    for (const [k, se] of STATS) {
      expect(Math.abs(g[k] - j[k]), k).toBeLessThan(4 * Math.hypot(g[se], j[se]));
    }
  });

  it.each(MODELS)('%s: follows the js run of the same generator path by path', (model) => {
    const o = { S0: 100, T: T30, r: 0.01, q: 0.002, steps: 30, paths: 20_000, seed: 3 };
    const g = simulateSpreadPathsOnEngine(gpu, SPECS[model], o);
    const j = simulateSpreadPathsOnEngine(js, SPECS[model], o, { rng: 'wichmann-hill' });
    expect(g.rng).toBe('wichmann-hill');
    const rel = Array.from(g.terminal, (x, i) => Math.abs(x - j.terminal[i]) / j.terminal[i]).sort(
      (a, b) => a - b,
    );
    // float32 arithmetic: ~1e-7 typically. A few paths differ more: the uniforms' absolute
    // resolution (~1e-7) coarsens deep-tail normals, and sqrt(v) near v = 0 amplifies (Heston).
    expect(rel[rel.length >> 1]).toBeLessThan(5e-7);
    expect(rel[Math.floor(rel.length * 0.99)]).toBeLessThan(5e-6);
    expect(rel[rel.length - 1]).toBeLessThan(5e-2);
    const go = spreadOutcomesOnEngine(gpu, SPECS[model], { ...SPREAD, ...o });
    const jo = spreadOutcomesOnEngine(js, SPECS[model], { ...SPREAD, ...o }, { rng: 'wichmann-hill' });
    for (const [k] of STATS) expect(Math.abs(go[k] - jo[k]), k).toBeLessThan(5e-4);
  });

  it('GBM PoP converges to the closed form 0.700730 within 3 SE', () => {
    const r = spreadOutcomesOnEngine(gpu, SPECS.gbm, { ...SPREAD, r: 0, q: 0, seed: 11 });
    expect(Math.abs(r.pop - 0.70073) / r.popSE).toBeLessThan(3);
  });

  it('runs 1M paths in passes of at most MC_PASS_THREADS threads', () => {
    const paths = 1_000_000;
    expect(paths / 2).toBeGreaterThan(MC_PASS_THREADS);
    const r = spreadOutcomesOnEngine(gpu, SPECS.heston, { ...SPREAD, paths });
    expect(r.paths).toBe(paths);
    expect(r.popSE).toBeLessThan(0.0005);
    const small = spreadOutcomesOnEngine(gpu, SPECS.heston, SPREAD);
    expect(Math.abs(r.pop - small.pop)).toBeLessThan(4 * Math.hypot(r.popSE, small.popSE));
    // Counter-based across passes: pass 1 repeats a smaller run, pass 2 follows the js stream.
    const o = { S0: 100, T: T30, r: 0.01, q: 0.002, steps: 30, seed: 17, paths: 2 * MC_PASS_THREADS + 10 };
    const a = simulateSpreadPathsOnEngine(gpu, SPECS.heston, o);
    const b = simulateSpreadPathsOnEngine(gpu, SPECS.heston, { ...o, paths: 1_000 });
    expect(a.terminal.subarray(0, 1_000)).toEqual(b.terminal);
    const j = simulateSpreadPathsOnEngine(js, SPECS.heston, o, { rng: 'wichmann-hill' });
    for (let i = 2 * MC_PASS_THREADS; i < o.paths; i++) {
      expect(Math.abs(a.terminal[i] - j.terminal[i]) / j.terminal[i]).toBeLessThan(1e-4);
    }
  });
});
