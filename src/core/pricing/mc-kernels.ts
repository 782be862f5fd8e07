/**
 * Monte Carlo of a put credit spread on any engine: one kernel (gbm | heston full truncation |
 * merton | heston-jump), one thread per antithetic pair (or per path), outputs terminal price and
 * path minimum; the host reduces in float64 with pop.ts's helpers.
 *
 * Generators (constant `rng`):
 * - 0, Philox4x32-10 with CounterRng's draw order and buffering: on the float64 engines ('js', and
 *   gpu.js 'cpu', whose kernels compute in float64) every path is bit-for-bit simulatePaths' path.
 *   'js' therefore reproduces pop.ts's spreadOutcomes (scheme 'full-truncation') exactly; 'cpu'
 *   returns the same paths rounded to float32.
 * - 1, Wichmann-Hill (wh-rng.ts) in float-exact arithmetic, for GL: no exact 32-bit integers there.
 *   Statistically equivalent to Philox, not the same numbers; on 'js' it gives the GL engine's
 *   integer stream in float64, which is how the GL path is checked path by path.
 */

import type { KernelOutput, KernelSpec, KernelThis } from '../engine/kernel.js';
import type { Engine } from '../engine/resolve.js';
import { pairedMeanSe, pathCount } from './mc.js';
import type { ModelSpec } from './models.js';
import { jumpCompensator, validateModelSpec } from './models.js';
import { DEFAULT_PATH_STREAM, hestonCoeffs, type PathSpec } from './paths.js';
import { type SpreadOptions, type SpreadOutcomes, spreadPnl } from './pop.js';
import { checkSeed } from './rng.js';
import { WH_JUMP_BITS, whJumpTable, whSeedState, whUnitState } from './wh-rng.js';

export type McRng = 'philox' | 'wichmann-hill';

/** GL needs a constant loop bound; steps above it are rejected rather than silently truncated. */
export const MC_MAX_STEPS = 4096;
/**
 * Threads per pass: bounds memory and keeps the in-kernel WH jump to WH_JUMP_BITS bits. gpu.js folds
 * a 1-D output into a near-square texture (512 x 512 here), well inside GL's 16384-a-side limit.
 */
export const MC_PASS_THREADS = 2 ** WH_JUMP_BITS;
/** Uniforms a thread may draw per step: three blocks (diffusion, Poisson, jump) of two. */
const UNIFORMS_PER_STEP = 6;

/** The kernel reads `p[i]` into the local named MC_PARAMS[i]; a test checks the two agree. */
export const MC_PARAMS = [
  'count',
  'steps',
  'antithetic',
  'lnS0',
  'S0',
  'heston',
  'jumps',
  'gDrift',
  'gScale',
  'v0',
  'mudt',
  'dt',
  'kappa',
  'theta',
  'xi',
  'rho',
  'rhoBar',
  'sqrtDt',
  'lamDt',
  'expNegLamDt',
  'jumpMean',
  'jumpVol',
  'key0',
  'key1',
  'stream',
  'firstUnit',
  // Wichmann-Hill state of the pass's first unit.
  's1',
  's2',
  's3',
] as const;

export type McParamName = (typeof MC_PARAMS)[number];

// ---- kernel source: gpu.js subset, see kernel.ts. Literals stand in for rng.ts/wh-rng.ts constants.

/** v mod m for 0 <= v < 2^24; the fix-ups absorb a GL division that is off by an ulp. */
export function whModm(v: number, m: number): number {
  let r = v - m * Math.floor(v / m);
  if (r < 0) r = r + m;
  if (r >= m) r = r - m;
  return r;
}

/** a * b mod m for a, b < m < 2^15, splitting b in bytes so no intermediate reaches 2^24. */
export function whMulmod(a: number, b: number, m: number): number {
  const bh = Math.floor(b / 256);
  const bl = b - 256 * bh;
  return whModm(whModm(a * bh, m) * 256 + a * bl, m);
}

/** frac(s1/m1 + s2/m2 + s3/m3) kept off 0 (2^-25) so log(u) is finite. */
export function whUnit(s1: number, s2: number, s3: number): number {
  const v = s1 / 30269 + s2 / 30307 + s3 / 30323;
  const u = v - Math.floor(v);
  if (u > 0) return u;
  return 2.9802322387695312e-8;
}

export function mcSpreadKernel(
  this: KernelThis<{ rng: number }>,
  p: Float64Array,
  jump: Float64Array,
): number[] {
  const count = p[0];
  const steps = p[1];
  const antithetic = p[2];
  const lnS0 = p[3];
  const S0 = p[4];
  const heston = p[5];
  const jumps = p[6];
  const gDrift = p[7];
  const gScale = p[8];
  const v0 = p[9];
  const mudt = p[10];
  const dt = p[11];
  const kappa = p[12];
  const theta = p[13];
  const xi = p[14];
  const rho = p[15];
  const rhoBar = p[16];
  const sqrtDt = p[17];
  const lamDt = p[18];
  const expNegLamDt = p[19];
  const jumpMean = p[20];
  const jumpVol = p[21];
  const key0 = p[22];
  const key1 = p[23];
  const stream = p[24];
  const firstUnit = p[25];
  let s1 = p[26];
  let s2 = p[27];
  let s3 = p[28];

  const x = this.thread.x;
  if (x >= count) return [0, 0, 0, 0];
  const unit = firstUnit + x;
  if (this.constants.rng === 1) {
    // Jump from the pass's first unit to this one: s *= a^(stride * x), bit by bit.
    let rest = x;
    for (let b = 0; b < 18; b++) {
      const half = Math.floor(rest / 2);
      if (rest - 2 * half > 0) {
        s1 = whMulmod(s1, jump[b], 30269);
        s2 = whMulmod(s2, jump[18 + b], 30307);
        s3 = whMulmod(s3, jump[36 + b], 30323);
      }
      rest = half;
    }
  }

  // CounterRng state: block counter, buffered second normal and second uniform.
  let ctr = 0;
  let hasZ = 0;
  let zBuf = 0;
  let hasU = 0;
  let uBuf = 0;

  let xa = lnS0;
  let xb = lnS0;
  let va = v0;
  let vb = v0;
  let mina = lnS0;
  let minb = lnS0;
  for (let i = 0; i < steps; i++) {
    let z1 = 0;
    let z2 = 0;
    let nJ = 0;
    let zJ = 0;
    // Draws in CounterRng order: diffusion normal(s) (d 0, 1), Poisson uniform (d 2), jump normal (d 3).
    // One block site keeps the generator code in one place.
    for (let d = 0; d < 4; d++) {
      let wantN = 0;
      if (d === 0) wantN = 1;
      if (d === 1 && heston > 0) wantN = 1;
      if (d === 3 && nJ > 0) wantN = 1;
      let wantU = 0;
      if (d === 2 && jumps > 0) wantU = 1;
      if (wantN + wantU > 0) {
        let ua = 0;
        let ub = 0;
        if ((wantN > 0 && hasZ === 0) || (wantU > 0 && hasU === 0)) {
          if (this.constants.rng === 0) {
            // Philox4x32-10 block (ctr, 0, stream, unit) under key (key0, key1), as rng.ts.
            let x0 = ctr;
            let x1 = 0;
            let x2 = stream;
            let x3 = unit;
            let ka = key0;
            let kb = key1;
            for (let round = 0; round < 10; round++) {
              const h0 = x0 >>> 16;
              const l0 = x0 & 65535;
              const t0 = 8019 * l0;
              const u0 = 53841 * l0 + (t0 >>> 16);
              const w0 = 8019 * h0 + (u0 & 65535);
              const hi0 = (53841 * h0 + (u0 >>> 16) + (w0 >>> 16)) >>> 0;
              const lo0 = (((w0 & 65535) << 16) | (t0 & 65535)) >>> 0;
              const h2 = x2 >>> 16;
              const l2 = x2 & 65535;
              const t2 = 36183 * l2;
              const u2 = 52638 * l2 + (t2 >>> 16);
              const w2 = 36183 * h2 + (u2 & 65535);
              const hi1 = (52638 * h2 + (u2 >>> 16) + (w2 >>> 16)) >>> 0;
              const lo1 = (((w2 & 65535) << 16) | (t2 & 65535)) >>> 0;
              x0 = (hi1 ^ x1 ^ ka) >>> 0;
              x1 = lo1;
              x2 = (hi0 ^ x3 ^ kb) >>> 0;
              x3 = lo0;
              ka = (ka + 2654435769) >>> 0;
              kb = (kb + 3144134277) >>> 0;
            }
            // 53-bit uniforms; 0 maps to 2^-54 (rng.ts toUnit).
            const ka53 = (x0 >>> 6) * 134217728 + (x1 >>> 5);
            const kb53 = (x2 >>> 6) * 134217728 + (x3 >>> 5);
            ua = 5.551115123125783e-17;
            if (ka53 > 0) ua = ka53 * 1.1102230246251565e-16;
            ub = 5.551115123125783e-17;
            if (kb53 > 0) ub = kb53 * 1.1102230246251565e-16;
            ctr = ctr + 1;
          } else {
            s1 = whModm(171 * s1, 30269);
            s2 = whModm(172 * s2, 30307);
            s3 = whModm(170 * s3, 30323);
            ua = whUnit(s1, s2, s3);
            s1 = whModm(171 * s1, 30269);
            s2 = whModm(172 * s2, 30307);
            s3 = whModm(170 * s3, 30323);
            ub = whUnit(s1, s2, s3);
          }
        }
        if (wantN > 0) {
          let z = zBuf;
          if (hasZ > 0) {
            hasZ = 0;
          } else {
            // Box-Muller; the sine half is buffered for the next normal.
            const r = Math.sqrt(-2 * Math.log(ua));
            const t = 6.283185307179586 * ub;
            zBuf = r * Math.sin(t);
            hasZ = 1;
            z = r * Math.cos(t);
          }
          if (d === 0) z1 = z;
          if (d === 1) z2 = z;
          if (d === 3) zJ = z;
        } else {
          let u = uBuf;
          if (hasU > 0) {
            hasU = 0;
          } else {
            uBuf = ub;
            hasU = 1;
            u = ua;
          }
          // Poisson by inversion, as CounterRng.nextPoisson for mean < 12.
          let pk = expNegLamDt;
          let cdf = pk;
          let k = 0;
          for (let it = 0; it < 200; it++) {
            if (u <= cdf) break;
            k = k + 1;
            pk = pk * (lamDt / k);
            cdf = cdf + pk;
          }
          nJ = k;
        }
      }
    }
    if (heston > 0) {
      // Full-truncation Euler on ln S (paths.ts hestonStepFT); the pair's twin uses -z1, -z2.
      const vpa = Math.max(va, 0);
      const sva = Math.sqrt(vpa) * sqrtDt;
      xa = xa + mudt - 0.5 * vpa * dt + sva * z1;
      va = va + kappa * (theta - vpa) * dt + xi * sva * (rho * z1 + rhoBar * z2);
      if (antithetic > 0) {
        const nz1 = -z1;
        const nz2 = -z2;
        const vpb = Math.max(vb, 0);
        const svb = Math.sqrt(vpb) * sqrtDt;
        xb = xb + mudt - 0.5 * vpb * dt + svb * nz1;
        vb = vb + kappa * (theta - vpb) * dt + xi * svb * (rho * nz1 + rhoBar * nz2);
      }
    } else {
      xa += gDrift + gScale * z1;
      xb += gDrift - gScale * z1;
    }
    if (nJ > 0) {
      // Jumps are shared by the pair, not mirrored (paths.ts).
      const jl = nJ * jumpMean + Math.sqrt(nJ) * jumpVol * zJ;
      xa += jl;
      xb += jl;
    }
    if (xa < mina) mina = xa;
    if (xb < minb) minb = xb;
  }
  // An untouched minimum is S0 exactly, as in paths.ts.
  let minA = S0;
  if (mina !== lnS0) minA = Math.exp(mina);
  let minB = S0;
  if (minb !== lnS0) minB = Math.exp(minb);
  return [Math.exp(xa), minA, Math.exp(xb), minB];
}

/**
 * Four consecutive uniforms per unit from the GL generator, after `skip` draws: the MC kernel's
 * stream, exposed so its quality can be tested on the engine that runs it.
 */
export function whUniformsKernel(this: KernelThis, p: Float64Array, jump: Float64Array): number[] {
  const count = p[0];
  const skip = p[1];
  let s1 = p[2];
  let s2 = p[3];
  let s3 = p[4];
  const x = this.thread.x;
  if (x >= count) return [0, 0, 0, 0];
  let rest = x;
  for (let b = 0; b < 18; b++) {
    const half = Math.floor(rest / 2);
    if (rest - 2 * half > 0) {
      s1 = whMulmod(s1, jump[b], 30269);
      s2 = whMulmod(s2, jump[18 + b], 30307);
      s3 = whMulmod(s3, jump[36 + b], 30323);
    }
    rest = half;
  }
  for (let i = 0; i < skip; i++) {
    s1 = whModm(171 * s1, 30269);
    s2 = whModm(172 * s2, 30307);
    s3 = whModm(170 * s3, 30323);
  }
  s1 = whModm(171 * s1, 30269);
  s2 = whModm(172 * s2, 30307);
  s3 = whModm(170 * s3, 30323);
  const u0 = whUnit(s1, s2, s3);
  s1 = whModm(171 * s1, 30269);
  s2 = whModm(172 * s2, 30307);
  s3 = whModm(170 * s3, 30323);
  const u1 = whUnit(s1, s2, s3);
  s1 = whModm(171 * s1, 30269);
  s2 = whModm(172 * s2, 30307);
  s3 = whModm(170 * s3, 30323);
  const u2 = whUnit(s1, s2, s3);
  s1 = whModm(171 * s1, 30269);
  s2 = whModm(172 * s2, 30307);
  s3 = whModm(170 * s3, 30323);
  const u3 = whUnit(s1, s2, s3);
  return [u0, u1, u2, u3];
}

/** The MC kernel with the generator an engine can run; `rng` overrides for cross-engine checks. */
export function mcSpreadKernelSpec(rng: McRng): KernelSpec {
  return {
    id: 'mcPaths',
    fn: mcSpreadKernel,
    width: 4,
    constants: { rng: rng === 'philox' ? 0 : 1 },
    functions: [whModm, whMulmod, whUnit],
    loopMaxIterations: MC_MAX_STEPS,
  };
}

// ---- host side

/** Antithetic by default; `paths` must then be even. */
export interface EnginePathOptions extends PathSpec {
  /** Philox stream; default paths.ts's DEFAULT_PATH_STREAM (what spreadOutcomes uses). */
  stream?: number;
}

export interface EngineKernelOptions {
  /** Default: 'philox' where kernels have exact 32-bit integers ('js', 'cpu'), else 'wichmann-hill'. */
  rng?: McRng;
}

export interface EnginePaths {
  /** float64 on 'js', float32 on gpu.js engines. */
  terminal: KernelOutput;
  min: KernelOutput;
  paths: number;
  rng: McRng;
}

function defaultRng(engine: Engine, requested: McRng | undefined): McRng {
  const rng = requested ?? (engine.exactInt32 ? 'philox' : 'wichmann-hill');
  if (rng === 'philox' && !engine.exactInt32) {
    throw new RangeError(`the Philox kernel needs exact 32-bit integers; engine '${engine.name}' has none`);
  }
  return rng;
}

function checkPathOptions(o: EnginePathOptions, antithetic: boolean): void {
  if (!(Number.isFinite(o.S0) && o.S0 > 0))
    throw new RangeError(`S0 must be a finite number > 0, got ${o.S0}`);
  if (!(Number.isFinite(o.T) && o.T > 0)) throw new RangeError(`T must be a finite number > 0, got ${o.T}`);
  if (!Number.isFinite(o.r)) throw new RangeError(`r must be finite, got ${o.r}`);
  if (!Number.isFinite(o.q)) throw new RangeError(`q must be finite, got ${o.q}`);
  if (!Number.isInteger(o.steps) || o.steps < 1 || o.steps > MC_MAX_STEPS) {
    throw new RangeError(`steps must be an integer in [1, ${MC_MAX_STEPS}] on an engine, got ${o.steps}`);
  }
  if (!Number.isInteger(o.paths) || o.paths < 1)
    throw new RangeError(`paths must be an integer >= 1, got ${o.paths}`);
  if (antithetic && o.paths % 2 !== 0)
    throw new RangeError(`paths must be even with antithetic, got ${o.paths}`);
  checkSeed(o.seed);
  const stream = o.stream ?? DEFAULT_PATH_STREAM;
  if (!Number.isInteger(stream) || stream < 0 || stream >= 2 ** 32) {
    throw new RangeError(`stream must be an integer in [0, 2^32), got ${stream}`);
  }
}

/**
 * Kernel parameters for one run, in MC_PARAMS order; per-pass fields are filled in later.
 * `unitSpot` simulates S/S0 from 1: in float32 a log price near ln(100) sits on a 4.8e-7 grid, and
 * adding the same drift every step rounds the same way every step (7e-6 bias after 30 steps); near
 * 0 the grid is ~30x finer. The float64 engines keep ln S0 so their paths stay paths.ts's paths.
 */
function buildParams(
  spec: ModelSpec,
  o: EnginePathOptions,
  antithetic: boolean,
  unitSpot: boolean,
): Float64Array {
  const dt = o.T / o.steps;
  const heston = spec.model === 'heston' || spec.model === 'heston-jump' ? spec.heston : undefined;
  const jumps = spec.model === 'merton' || spec.model === 'heston-jump' ? spec.jumps : undefined;
  const vol = spec.model === 'gbm' || spec.model === 'merton' ? spec.vol : 0;
  // Same expressions as paths.ts simulatePaths, so the float64 engines see identical constants.
  const lamKappa = jumps ? jumps.lambda * jumpCompensator(jumps) : 0;
  const lamDt = jumps ? jumps.lambda * dt : 0;
  if (lamDt >= 12) {
    throw new RangeError(`jump intensity x dt must be < 12 on an engine (inversion only), got ${lamDt}`);
  }
  const hc = heston ? hestonCoeffs(heston, o.r, o.q, dt, lamKappa) : undefined;
  const v: Record<McParamName, number> = {
    count: 0,
    steps: o.steps,
    antithetic: antithetic ? 1 : 0,
    lnS0: unitSpot ? 0 : Math.log(o.S0),
    S0: unitSpot ? 1 : o.S0,
    heston: hc ? 1 : 0,
    jumps: jumps && lamDt > 0 ? 1 : 0,
    gDrift: (o.r - o.q - lamKappa - 0.5 * vol * vol) * dt,
    gScale: vol * Math.sqrt(dt),
    v0: heston ? heston.v0 : vol * vol,
    mudt: hc?.mudt ?? 0,
    dt: hc?.dt ?? dt,
    kappa: hc?.kappa ?? 0,
    theta: hc?.theta ?? 0,
    xi: hc?.xi ?? 0,
    rho: hc?.rho ?? 0,
    rhoBar: hc?.rhoBar ?? 0,
    sqrtDt: hc?.sqrtDt ?? 0,
    lamDt,
    expNegLamDt: Math.exp(-lamDt),
    jumpMean: jumps?.jumpMean ?? 0,
    jumpVol: jumps?.jumpVol ?? 0,
    key0: o.seed % 2 ** 32,
    key1: Math.floor(o.seed / 2 ** 32),
    stream: o.stream ?? DEFAULT_PATH_STREAM,
    firstUnit: 0,
    s1: 0,
    s2: 0,
    s3: 0,
  };
  return Float64Array.from(MC_PARAMS, (name) => v[name]);
}

const P = Object.fromEntries(MC_PARAMS.map((n, i) => [n, i])) as Record<McParamName, number>;

/**
 * Terminal prices and path minima (discrete, including S0) for `paths` paths, in passes of at most
 * MC_PASS_THREADS threads. With the Philox generator on 'js' these equal simulatePaths(..., {scheme:
 * 'full-truncation', trackMin: true}) bit for bit.
 */
export function simulateSpreadPathsOnEngine(
  engine: Engine,
  spec: ModelSpec,
  opts: EnginePathOptions,
  kopts: EngineKernelOptions = {},
): EnginePaths {
  validateModelSpec(spec);
  const antithetic = opts.antithetic ?? true;
  checkPathOptions(opts, antithetic);
  const rng = defaultRng(engine, kopts.rng);
  const kernel = mcSpreadKernelSpec(rng);
  const unitSpot = engine.computePrecision === 'float32';
  const scale = unitSpot ? opts.S0 : 1;
  const params = buildParams(spec, opts, antithetic, unitSpot);
  const lanes = antithetic ? 2 : 1;
  const units = opts.paths / lanes;
  const stride = UNIFORMS_PER_STEP * opts.steps;
  const whStart = whSeedState(opts.seed, params[P.stream]);
  const jump = whJumpTable(stride);
  const n = opts.paths;
  const terminal = engine.outputPrecision === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const min = engine.outputPrecision === 'float64' ? new Float64Array(n) : new Float32Array(n);

  for (let first = 0; first < units; first += MC_PASS_THREADS) {
    const count = Math.min(MC_PASS_THREADS, units - first);
    const [w1, w2, w3] = whUnitState(whStart, stride, first);
    params[P.count] = count;
    params[P.firstUnit] = first;
    params[P.s1] = w1;
    params[P.s2] = w2;
    params[P.s3] = w3;
    const out = engine.run(kernel, [params, jump], count);
    for (let t = 0; t < count; t++) {
      const path = (first + t) * lanes;
      terminal[path] = scale * out[t * 4];
      min[path] = scale * out[t * 4 + 1];
      if (antithetic) {
        terminal[path + 1] = scale * out[t * 4 + 2];
        min[path + 1] = scale * out[t * 4 + 3];
      }
    }
  }
  return { terminal, min, paths: n, rng };
}

export interface WhUniformOptions {
  seed: number;
  stream: number;
  /** Draws between consecutive units' starts (the MC kernel uses 6 * steps). */
  stride: number;
  units: number;
  /** Draws skipped in each unit before the four returned; < MC_MAX_STEPS. */
  skip?: number;
}

/** `units * 4` uniforms, unit-major: unit u's draws skip+1..skip+4 of the GL generator. */
export function whUniformsOnEngine(engine: Engine, o: WhUniformOptions): KernelOutput {
  checkSeed(o.seed);
  const skip = o.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip >= MC_MAX_STEPS) {
    throw new RangeError(`skip must be an integer in [0, ${MC_MAX_STEPS}), got ${skip}`);
  }
  const kernel: KernelSpec = {
    id: 'whUniforms',
    fn: whUniformsKernel,
    width: 4,
    functions: [whModm, whMulmod, whUnit],
    loopMaxIterations: MC_MAX_STEPS,
  };
  const start = whSeedState(o.seed, o.stream);
  const jump = whJumpTable(o.stride);
  const out =
    engine.outputPrecision === 'float64' ? new Float64Array(o.units * 4) : new Float32Array(o.units * 4);
  for (let first = 0; first < o.units; first += MC_PASS_THREADS) {
    const count = Math.min(MC_PASS_THREADS, o.units - first);
    const base = whUnitState(start, o.stride, first);
    const r = engine.run(kernel, [Float64Array.of(count, skip, ...base), jump], count);
    out.set(r.subarray(0, count * 4), first * 4);
  }
  return out;
}

function checkSpread(o: SpreadOptions): void {
  if (!(Number.isFinite(o.shortK) && o.shortK > 0))
    throw new RangeError(`shortK must be finite and > 0, got ${o.shortK}`);
  if (!(Number.isFinite(o.longK) && o.longK > 0 && o.longK < o.shortK)) {
    throw new RangeError(`longK must be finite, > 0 and below shortK (${o.shortK}), got ${o.longK}`);
  }
  if (!Number.isFinite(o.credit)) throw new RangeError(`credit must be finite, got ${o.credit}`);
  if (o.scheme !== undefined && o.scheme !== 'full-truncation') {
    throw new RangeError(
      `engine kernels simulate Heston by full truncation only, got scheme '${o.scheme}' ` +
        "(pass 'full-truncation', or use pop.ts spreadOutcomes for QE)",
    );
  }
}

/**
 * pop.ts's spreadOutcomes on an engine: same options and result. Heston runs full-truncation Euler
 * whatever `scheme` is omitted (an explicit 'qe' is refused). On 'js' with the default generator the
 * result equals spreadOutcomes(spec, {...opts, scheme: 'full-truncation'}) exactly.
 */
export function spreadOutcomesOnEngine(
  engine: Engine,
  spec: ModelSpec,
  opts: SpreadOptions,
  kopts: EngineKernelOptions = {},
): SpreadOutcomes {
  checkSpread(opts);
  const { shortK, longK, credit } = opts;
  const antithetic = opts.antithetic ?? true;
  const n = pathCount(opts.paths, antithetic);
  const sim = simulateSpreadPathsOnEngine(
    engine,
    spec,
    {
      S0: opts.S0,
      r: opts.r,
      q: opts.q,
      T: opts.T,
      steps: opts.steps,
      paths: n,
      seed: opts.seed,
      antithetic,
    },
    kopts,
  );
  const win = new Float64Array(n);
  const touch = new Float64Array(n);
  const maxLossHit = new Float64Array(n);
  const pnl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = sim.terminal[i];
    const v = spreadPnl(s, shortK, longK, credit);
    win[i] = v > 0 ? 1 : 0;
    touch[i] = sim.min[i] <= shortK ? 1 : 0;
    maxLossHit[i] = s <= longK ? 1 : 0;
    pnl[i] = v;
  }
  const w = pairedMeanSe(win, antithetic);
  const t = pairedMeanSe(touch, antithetic);
  const m = pairedMeanSe(maxLossHit, antithetic);
  const e = pairedMeanSe(pnl, antithetic);
  return {
    pop: w.mean,
    popSE: w.se,
    pTouch: t.mean,
    pTouchSE: t.se,
    pMaxLoss: m.mean,
    pMaxLossSE: m.se,
    expectedPnl: e.mean,
    expectedPnlSE: e.se,
    breakeven: shortK - credit,
    maxLoss: shortK - longK - credit,
    paths: n,
  };
}
