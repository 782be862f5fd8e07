/**
 * Seeded path generators under GBM, Heston (Andersen QE or full-truncation Euler), Merton and Bates.
 * Path p draws only from Philox substream p (or p/2 for antithetic pairs), so a path's values do not
 * depend on how many paths are simulated or in which batch.
 */

import { normCdf } from './bs.js';
import {
  type HestonParams,
  type JumpParams,
  jumpCompensator,
  type ModelSpec,
  validateModelSpec,
} from './models.js';
import { CounterRng, checkSeed, streamId } from './rng.js';

export type HestonScheme = 'full-truncation' | 'qe';

/** What every path simulation is asked for: the start, carry, horizon, grid, path count and seed. */
export interface PathSpec {
  S0: number;
  r: number;
  q: number;
  /** Horizon in years. */
  T: number;
  steps: number;
  paths: number;
  seed: number;
  /** Pairs (2j, 2j+1) use z and -z; jump counts and sizes are shared, not flipped. */
  antithetic?: boolean;
}

/** simulatePaths' options: antithetic is off unless asked for. */
export interface SimOptions extends PathSpec {
  /** Philox stream; defaults to DEFAULT_PATH_STREAM. */
  stream?: number;
  /** Index of the first path (for batching); must be even with antithetic. Default 0. */
  firstPath?: number;
  /** Heston only; default 'qe' (Andersen 2008 with martingale correction). */
  scheme?: HestonScheme;
  /** Minimum of S over the step grid including S0 (discrete monitoring, no bridge correction). */
  trackMin?: boolean;
  /** Terminal variance (Heston family; gbm/merton report vol^2). */
  trackVariance?: boolean;
}

export interface SimResult {
  terminal: Float64Array;
  min?: Float64Array;
  variance?: Float64Array;
}

export const DEFAULT_PATH_STREAM = streamId('pricing.paths');

/** Exact GBM step: S * exp((r - q - vol^2/2) dt + vol sqrt(dt) z). */
export function gbmStep(S: number, r: number, q: number, vol: number, dt: number, z: number): number {
  return S * Math.exp((r - q - 0.5 * vol * vol) * dt + vol * Math.sqrt(dt) * z);
}

/** Sum of n normal log-jumps from one standard normal: n*mean + sqrt(n)*vol*z. */
export function jumpLogSum(jumps: JumpParams, n: number, z: number): number {
  return n === 0 ? 0 : n * jumps.jumpMean + Math.sqrt(n) * jumps.jumpVol * z;
}

/** Exact Merton step given the step's jump count and jump normal; drift r - q - lambda*kappa keeps it a martingale. */
export function mertonStep(
  S: number,
  r: number,
  q: number,
  vol: number,
  jumps: JumpParams,
  dt: number,
  z: number,
  nJumps: number,
  zJump: number,
): number {
  const drift = (r - q - jumps.lambda * jumpCompensator(jumps) - 0.5 * vol * vol) * dt;
  return S * Math.exp(drift + vol * Math.sqrt(dt) * z + jumpLogSum(jumps, nJumps, zJump));
}

/** Step constants for one dt; build once per grid with hestonCoeffs. */
export interface HestonCoeffs {
  dt: number;
  kappa: number;
  theta: number;
  xi: number;
  rho: number;
  /** Log drift per step, (r - q - extra) dt. */
  mudt: number;
  expKdt: number;
  /** s^2 = v*s2v + s2c. */
  s2v: number;
  s2c: number;
  k0: number;
  k1: number;
  k2: number;
  k3: number;
  k4: number;
  sqrtDt: number;
  rhoBar: number;
}

/** `driftAdj` is subtracted from r - q (Bates passes lambda*kappa). */
export function hestonCoeffs(h: HestonParams, r: number, q: number, dt: number, driftAdj = 0): HestonCoeffs {
  const { kappa, theta, xi, rho } = h;
  const e = Math.exp(-kappa * dt);
  // (1 - e^{-k dt}) / k, finite as kappa -> 0.
  const oneMinusEOverK = kappa === 0 ? dt : -Math.expm1(-kappa * dt) / kappa;
  const oneMinusE = -Math.expm1(-kappa * dt);
  const g = 0.5 * dt * ((kappa * rho) / xi - 0.5);
  return {
    dt,
    kappa,
    theta,
    xi,
    rho,
    mudt: (r - q - driftAdj) * dt,
    expKdt: e,
    s2v: xi * xi * e * oneMinusEOverK,
    s2c: 0.5 * theta * xi * xi * oneMinusE * oneMinusEOverK,
    k0: (-rho * kappa * theta * dt) / xi,
    k1: g - rho / xi,
    k2: g + rho / xi,
    k3: 0.5 * dt * (1 - rho * rho),
    k4: 0.5 * dt * (1 - rho * rho),
    sqrtDt: Math.sqrt(dt),
    rhoBar: Math.sqrt(Math.max(0, 1 - rho * rho)),
  };
}

const PSI_C = 1.5;

/**
 * Andersen (2008) QE step with martingale correction: out[0] = ln S', out[1] = v'.
 * zV drives the variance (quadratic branch uses it directly, the exponential branch uses Phi(zV)
 * as its uniform); z drives the price, independent of zV.
 */
export function hestonStep(
  c: HestonCoeffs,
  lnS: number,
  v: number,
  zV: number,
  z: number,
  out: Float64Array,
): void {
  const m = c.theta + (v - c.theta) * c.expKdt;
  const s2 = v * c.s2v + c.s2c;
  const A = c.k2 + 0.5 * c.k4;
  let vNext: number;
  let k0 = c.k0;
  if (m <= 0) {
    vNext = 0;
  } else {
    const psi = s2 / (m * m);
    if (psi <= PSI_C) {
      const ip = 2 / psi;
      const b2 = ip - 1 + Math.sqrt(ip * (ip - 1));
      const a = m / (1 + b2);
      const b = Math.sqrt(b2);
      vNext = a * (b + zV) * (b + zV);
      const t = 1 - 2 * A * a;
      if (t > 0) k0 = (-A * b2 * a) / t + 0.5 * Math.log(t) - (c.k1 + 0.5 * c.k3) * v;
    } else {
      const p = (psi - 1) / (psi + 1);
      const beta = (1 - p) / m;
      // 1 - U computed as Phi(-zV) keeps precision near U = 1.
      const oneMinusU = normCdf(-zV);
      vNext = 1 - oneMinusU <= p ? 0 : Math.log((1 - p) / oneMinusU) / beta;
      if (A < beta) k0 = -Math.log(p + (beta * (1 - p)) / (beta - A)) - (c.k1 + 0.5 * c.k3) * v;
    }
  }
  out[0] = lnS + c.mudt + k0 + c.k1 * v + c.k2 * vNext + Math.sqrt(Math.max(0, c.k3 * v + c.k4 * vNext)) * z;
  out[1] = vNext;
}

/** Full-truncation Euler (Lord et al. 2010) on ln S: out[0] = ln S', out[1] = v' (may go negative). */
export function hestonStepFT(
  c: HestonCoeffs,
  lnS: number,
  v: number,
  z1: number,
  z2: number,
  out: Float64Array,
): void {
  const vp = Math.max(v, 0);
  const sv = Math.sqrt(vp) * c.sqrtDt;
  out[0] = lnS + c.mudt - 0.5 * vp * c.dt + sv * z1;
  out[1] = v + c.kappa * (c.theta - vp) * c.dt + c.xi * sv * (c.rho * z1 + c.rhoBar * z2);
}

function checkOptions(o: SimOptions): void {
  if (!(Number.isFinite(o.S0) && o.S0 > 0))
    throw new RangeError(`S0 must be a finite number > 0, got ${o.S0}`);
  if (!(Number.isFinite(o.T) && o.T > 0)) throw new RangeError(`T must be a finite number > 0, got ${o.T}`);
  if (!Number.isFinite(o.r)) throw new RangeError(`r must be finite, got ${o.r}`);
  if (!Number.isFinite(o.q)) throw new RangeError(`q must be finite, got ${o.q}`);
  if (!Number.isInteger(o.steps) || o.steps < 1)
    throw new RangeError(`steps must be an integer >= 1, got ${o.steps}`);
  if (!Number.isInteger(o.paths) || o.paths < 1)
    throw new RangeError(`paths must be an integer >= 1, got ${o.paths}`);
  checkSeed(o.seed);
  const first = o.firstPath ?? 0;
  if (!Number.isInteger(first) || first < 0)
    throw new RangeError(`firstPath must be an integer >= 0, got ${first}`);
  if (o.antithetic && first % 2 !== 0)
    throw new RangeError(`firstPath must be even with antithetic, got ${first}`);
  if (o.scheme !== undefined && o.scheme !== 'qe' && o.scheme !== 'full-truncation') {
    throw new RangeError(`scheme must be 'qe' or 'full-truncation', got ${o.scheme}`);
  }
}

/**
 * Simulate `paths` paths of S over [0, T] on `steps` equal steps. Draw order per step is fixed
 * (diffusion normals, then the Poisson count, then one jump normal if any jump), so results are
 * bit-for-bit reproducible for a given (seed, stream, path index).
 */
export function simulatePaths(spec: ModelSpec, opts: SimOptions): SimResult {
  validateModelSpec(spec);
  checkOptions(opts);
  const { S0, r, q, T, steps, paths, seed } = opts;
  const stream = opts.stream ?? DEFAULT_PATH_STREAM;
  const first = opts.firstPath ?? 0;
  const anti = opts.antithetic === true;
  const qe = (opts.scheme ?? 'qe') === 'qe';
  const dt = T / steps;
  const lnS0 = Math.log(S0);

  const terminal = new Float64Array(paths);
  const minOut = opts.trackMin ? new Float64Array(paths) : undefined;
  const varOut = opts.trackVariance ? new Float64Array(paths) : undefined;

  const heston = spec.model === 'heston' || spec.model === 'heston-jump' ? spec.heston : undefined;
  const jumps = spec.model === 'merton' || spec.model === 'heston-jump' ? spec.jumps : undefined;
  const vol = spec.model === 'gbm' || spec.model === 'merton' ? spec.vol : 0;
  const lamKappa = jumps ? jumps.lambda * jumpCompensator(jumps) : 0;
  const lamDt = jumps ? jumps.lambda * dt : 0;
  const hc = heston ? hestonCoeffs(heston, r, q, dt, lamKappa) : undefined;
  // Exact log drift and diffusion scale for gbm/merton.
  const gDrift = (r - q - lamKappa - 0.5 * vol * vol) * dt;
  const gScale = vol * Math.sqrt(dt);

  const rng = new CounterRng(seed, stream, 0);
  const st = new Float64Array(2);
  const lanes = anti ? 2 : 1;
  const last = first + paths;

  for (let base = first; base < last; base += lanes) {
    rng.seek(anti ? base / 2 : base, 0);
    const hasB = anti && base + 1 < last;
    let xa = lnS0;
    let xb = lnS0;
    let va = heston ? heston.v0 : vol * vol;
    let vb = va;
    let mina = lnS0;
    let minb = lnS0;
    for (let i = 0; i < steps; i++) {
      if (hc) {
        const z1 = rng.nextNormal();
        const z2 = rng.nextNormal();
        if (qe) {
          // z1 -> variance, z2 -> price (independent by construction in QE).
          hestonStep(hc, xa, va, z1, z2, st);
          xa = st[0];
          va = st[1];
          if (hasB) {
            hestonStep(hc, xb, vb, -z1, -z2, st);
            xb = st[0];
            vb = st[1];
          }
        } else {
          hestonStepFT(hc, xa, va, z1, z2, st);
          xa = st[0];
          va = st[1];
          if (hasB) {
            hestonStepFT(hc, xb, vb, -z1, -z2, st);
            xb = st[0];
            vb = st[1];
          }
        }
      } else {
        const z = rng.nextNormal();
        xa += gDrift + gScale * z;
        if (hasB) xb += gDrift - gScale * z;
      }
      if (jumps && lamDt > 0) {
        const n = rng.nextPoisson(lamDt);
        if (n > 0) {
          const j = jumpLogSum(jumps, n, rng.nextNormal());
          xa += j;
          xb += j;
        }
      }
      if (xa < mina) mina = xa;
      if (xb < minb) minb = xb;
    }
    const ia = base - first;
    // Untouched minimum reports S0 exactly (exp(log(S0)) can be off by an ulp).
    terminal[ia] = Math.exp(xa);
    if (minOut) minOut[ia] = mina === lnS0 ? S0 : Math.exp(mina);
    if (varOut) varOut[ia] = va;
    if (hasB) {
      terminal[ia + 1] = Math.exp(xb);
      if (minOut) minOut[ia + 1] = minb === lnS0 ? S0 : Math.exp(minb);
      if (varOut) varOut[ia + 1] = vb;
    }
  }
  const out: SimResult = { terminal };
  if (minOut) out.min = minOut;
  if (varOut) out.variance = varOut;
  return out;
}
