import { afterAll, describe, expect, it } from 'vitest';
import { type Engine, resolveEngine } from '../../../src/core/engine/resolve.js';
import {
  MC_MAX_STEPS,
  MC_PARAMS,
  mcSpreadKernel,
  simulateSpreadPathsOnEngine,
  spreadOutcomesOnEngine,
  whUniformsKernel,
  whUniformsOnEngine,
  whUnit,
} from '../../../src/core/pricing/mc-kernels.js';
import type { ModelSpec } from '../../../src/core/pricing/models.js';
import { simulatePaths } from '../../../src/core/pricing/paths.js';
import { gbmProbAbove, type SpreadOptions, spreadOutcomes } from '../../../src/core/pricing/pop.js';
import {
  WH_A,
  WH_JUMP_BITS,
  WH_M,
  WhStream,
  whSeedState,
  whUnitState,
} from '../../../src/core/pricing/wh-rng.js';
import { chi2Plausible, uniformQuality } from '../../support/uniform-stats.js';

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

// Breakeven 90 on a 91/85 spread: the GBM PoP is the published P(S_T > 90) = 0.700730.
const SPREAD: SpreadOptions = {
  S0: 100,
  shortK: 91,
  longK: 85,
  credit: 1,
  T: T30,
  r: 0.01,
  q: 0.002,
  steps: 30,
  paths: 20_000,
  seed: 2 ** 40 + 3,
  scheme: 'full-truncation',
};

const js = resolveEngine('js');
const cpu = resolveEngine('cpu');
afterAll(() => {
  js.destroy();
  cpu.destroy();
});

describe('mcSpreadKernel parameter layout', () => {
  it('reads p[i] into the local named MC_PARAMS[i]', () => {
    const reads = [...mcSpreadKernel.toString().matchAll(/(?:const|let) (\w+) = p\[(\d+)\];/g)];
    expect(reads.map((m) => [Number(m[2]), m[1]])).toEqual(MC_PARAMS.map((name, i) => [i, name]));
  });

  it('spells the Wichmann-Hill constants and jump width as wh-rng.ts declares them', () => {
    const src = mcSpreadKernel.toString() + whUniformsKernel.toString();
    expect(src).toContain(`b < ${WH_JUMP_BITS};`);
    expect(src).not.toMatch(new RegExp(`\\bb < (?!${WH_JUMP_BITS};)`));
    expect(src).toContain(`jump[${WH_JUMP_BITS} + b]`);
    expect(src).toContain(`jump[${2 * WH_JUMP_BITS} + b]`);
    for (let j = 0; j < 3; j++) {
      expect(src).toContain(`whModm(${WH_A[j]} * s${j + 1}, ${WH_M[j]})`);
    }
    expect(whUnit.toString()).toContain(`s1 / ${WH_M[0]} + s2 / ${WH_M[1]} + s3 / ${WH_M[2]}`);
  });
});

describe('js engine: the same paths as pop.ts (Philox, float64)', () => {
  it.each(MODELS)('%s: spreadOutcomesOnEngine equals spreadOutcomes bit for bit', (model) => {
    const onEngine = spreadOutcomesOnEngine(js, SPECS[model], SPREAD);
    expect(onEngine).toEqual(spreadOutcomes(SPECS[model], SPREAD));
  });

  it.each([true, false])('antithetic=%s: terminal and minimum equal simulatePaths', (antithetic) => {
    for (const model of MODELS) {
      const o = { S0: 100, T: T30, r: 0.01, q: 0.002, steps: 30, paths: 2_000, seed: 9, antithetic };
      const ref = simulatePaths(SPECS[model], { ...o, scheme: 'full-truncation', trackMin: true });
      const got = simulateSpreadPathsOnEngine(js, SPECS[model], o);
      expect(got.rng).toBe('philox');
      expect(got.terminal).toEqual(ref.terminal);
      expect(got.min).toEqual(ref.min);
    }
  });

  it('is counter-based: a path does not depend on how many paths run', () => {
    const o = { S0: 100, T: T30, r: 0, q: 0, steps: 30, seed: 5 };
    for (const rng of ['philox', 'wichmann-hill'] as const) {
      const small = simulateSpreadPathsOnEngine(js, SPECS['heston-jump'], { ...o, paths: 1_000 }, { rng });
      const big = simulateSpreadPathsOnEngine(js, SPECS['heston-jump'], { ...o, paths: 3_000 }, { rng });
      expect(big.terminal.subarray(0, 1_000)).toEqual(small.terminal);
    }
  });
});

describe('cpu engine (gpu.js CPU mode) against js', () => {
  it.each(MODELS)('%s: every output is the js value rounded to float32, for both generators', (model) => {
    const o = { S0: 100, T: T30, r: 0.01, q: 0.002, steps: 30, paths: 4_000, seed: 21 };
    for (const rng of ['philox', 'wichmann-hill'] as const) {
      const a = simulateSpreadPathsOnEngine(js, SPECS[model], o, { rng });
      const b = simulateSpreadPathsOnEngine(cpu, SPECS[model], o, { rng });
      expect(b.terminal).toEqual(Float32Array.from(a.terminal));
      expect(b.min).toEqual(Float32Array.from(a.min));
    }
  });

  it.each(MODELS)('%s: identical decisions; expected P&L within float32 rounding', (model) => {
    const a = spreadOutcomesOnEngine(js, SPECS[model], SPREAD);
    const b = spreadOutcomesOnEngine(cpu, SPECS[model], SPREAD);
    expect([b.pop, b.pTouch, b.pMaxLoss, b.popSE]).toEqual([a.pop, a.pTouch, a.pMaxLoss, a.popSE]);
    expect(Math.abs(b.expectedPnl - a.expectedPnl)).toBeLessThan(1e-5);
  });
});

describe('GL generator (Wichmann-Hill) evaluated in float64 on js', () => {
  it('jump-ahead lands where stepping lands', () => {
    const start = whSeedState(3, 17);
    const stride = 180;
    for (const unit of [0, 1, 2, 7, 1000]) {
      const ref = new WhStream(start);
      for (let i = 0; i < unit * stride; i++) ref.next();
      expect(whUnitState(start, stride, unit)).toEqual(ref.state());
    }
  });

  it('the kernel draws exactly the reference stream', () => {
    const o = { seed: 3, stream: 17, stride: 180, units: 300, skip: 5 };
    const u = whUniformsOnEngine(js, o);
    const start = whSeedState(o.seed, o.stream);
    for (const unit of [0, 1, 150, 299]) {
      const ref = new WhStream(whUnitState(start, o.stride, unit));
      for (let i = 0; i < o.skip; i++) ref.next();
      for (let j = 0; j < 4; j++) expect(u[unit * 4 + j]).toBe(ref.next());
    }
  });

  it('passes mean, variance, lag-1, substream and chi-square checks', () => {
    const q = uniformQuality(whUniformsOnEngine(js, { seed: 1, stream: 2, stride: 180, units: 65_536 }));
    expect(Math.abs(q.meanZ)).toBeLessThan(4);
    expect(Math.abs(q.varianceZ)).toBeLessThan(4);
    expect(Math.abs(q.lag1Z)).toBeLessThan(4);
    expect(Math.abs(q.crossUnitZ)).toBeLessThan(4);
    expect(chi2Plausible(q.chi2Bins100)).toBe(true);
    expect(chi2Plausible(q.chi2Pairs10x10)).toBe(true);
    expect(q.min).toBeGreaterThan(0);
    expect(q.max).toBeLessThan(1);
  });

  it.each(MODELS)('%s: outcomes agree with the Philox run within 4 combined SE', (model) => {
    const o = { ...SPREAD, paths: 100_000 };
    const a = spreadOutcomesOnEngine(js, SPECS[model], o);
    const b = spreadOutcomesOnEngine(js, SPECS[model], o, { rng: 'wichmann-hill' });
    for (const [k, se] of [
      ['pop', 'popSE'],
      ['pTouch', 'pTouchSE'],
      ['pMaxLoss', 'pMaxLossSE'],
      ['expectedPnl', 'expectedPnlSE'],
    ] as const) {
      expect(Math.abs(a[k] - b[k])).toBeLessThan(4 * Math.hypot(a[se], b[se]));
    }
  });
});

describe('GBM PoP converges to the closed form 0.700730 (S=100, B=90, vol 0.6, 30 days, mu=0)', () => {
  const o = { ...SPREAD, r: 0, q: 0, paths: 200_000, seed: 11 };
  it.each(['philox', 'wichmann-hill'] as const)('%s on js, within 3 SE', (rng) => {
    expect(gbmProbAbove(100, 90, 0, 0.6, T30)).toBeCloseTo(0.70073, 6);
    const r = spreadOutcomesOnEngine(js, SPECS.gbm, o, { rng });
    expect(r.breakeven).toBe(90);
    expect(r.paths).toBe(200_000);
    expect(Math.abs(r.pop - 0.70073) / r.popSE).toBeLessThan(3);
    expect(r.popSE).toBeLessThan(0.001);
  });
});

describe('input checks', () => {
  it('refuses what the kernel cannot do rather than doing something else', () => {
    expect(() => spreadOutcomesOnEngine(js, SPECS.heston, { ...SPREAD, scheme: 'qe' })).toThrow(
      /full truncation/,
    );
    expect(() => spreadOutcomesOnEngine(js, SPECS.gbm, { ...SPREAD, steps: MC_MAX_STEPS + 1 })).toThrow(
      /steps/,
    );
    const wild = { model: 'merton', vol: 0.5, jumps: { ...JUMPS, lambda: 1e6 } } as const;
    expect(() => spreadOutcomesOnEngine(js, wild, SPREAD)).toThrow(/jump intensity/);
    expect(() => spreadOutcomesOnEngine(js, SPECS.gbm, { ...SPREAD, longK: 95 })).toThrow(/longK/);
    const o = { S0: 100, T: T30, r: 0, q: 0, steps: 30, seed: 1 };
    expect(() => simulateSpreadPathsOnEngine(js, SPECS.gbm, { ...o, paths: 3 })).toThrow(/even/);
  });

  it('keeps Philox off engines without exact 32-bit integers', () => {
    const glLike: Engine = {
      name: 'gpu',
      exactInt32: false,
      outputPrecision: 'float32',
      computePrecision: 'float32',
      describe: () => js.describe(),
      run: () => {
        throw new Error('not reached: the generator is checked before any kernel runs');
      },
      destroy: () => {},
    };
    const o = { S0: 100, T: T30, r: 0, q: 0, steps: 30, paths: 2, seed: 1 };
    expect(() => simulateSpreadPathsOnEngine(glLike, SPECS.gbm, o, { rng: 'philox' })).toThrow(
      /exact 32-bit/,
    );
  });

  it('rounds an odd path count up to whole antithetic pairs, as spreadOutcomes does', () => {
    expect(spreadOutcomesOnEngine(js, SPECS.gbm, { ...SPREAD, paths: 11 }).paths).toBe(12);
  });
});
