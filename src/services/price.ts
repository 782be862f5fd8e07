import type { EngineRequest } from '../core/engine/resolve.js';
import { UsageError } from '../core/errors.js';
import { bsGreeks, type Right } from '../core/pricing/bs.js';
import { batesPrice, hestonPrice } from '../core/pricing/heston.js';
import { americanApprox, americanPrice } from '../core/pricing/lattice.js';
import { mcEuropean } from '../core/pricing/mc.js';
import { mertonPrice } from '../core/pricing/merton.js';
import { type ModelName, type ModelSpec, validateModelSpec } from '../core/pricing/models.js';
import type { SpreadOutcomes } from '../core/pricing/pop.js';
import { spreadMonteCarlo } from '../core/pricing/spread-mc.js';
import type { Deps } from './deps.js';

export type PriceSpreadDeps = Pick<Deps, 'farmConfig'>;

export interface PriceRequest {
  type: Right;
  spot: number;
  strike: number;
  rate: number;
  dividendYield: number;
  years: number;
  style: 'european' | 'american';
  model: ModelName;
  vol?: number;
  heston?: { v0?: number; kappa?: number; theta?: number; xi?: number; rho?: number };
  jumps?: { lambda?: number; jumpMean?: number; jumpVol?: number };
  method?: 'analytic' | 'mc' | 'lattice';
  paths: number;
  steps?: number;
  seed: number;
}

export interface PriceResult {
  price: number;
  standardError: number | null;
  method: string;
  model: ModelName;
  style: 'european' | 'american';
  delta: number | null;
  gamma: number | null;
  vega: number | null;
  theta: number | null;
  rho: number | null;
  paths: number | null;
  note: string | null;
}

/** Builds the model spec from flags, naming every missing parameter. */
export function modelSpec(req: Pick<PriceRequest, 'model' | 'vol' | 'heston' | 'jumps'>): ModelSpec {
  const need = (v: number | undefined, flag: string): number => {
    if (v === undefined) throw new UsageError(`--model ${req.model} needs --${flag}`);
    return v;
  };
  const h = () => ({
    v0: need(req.heston?.v0, 'v0'),
    kappa: need(req.heston?.kappa, 'kappa'),
    theta: need(req.heston?.theta, 'theta'),
    xi: need(req.heston?.xi, 'xi'),
    rho: need(req.heston?.rho, 'rho'),
  });
  const j = () => ({
    lambda: need(req.jumps?.lambda, 'lambda'),
    jumpMean: need(req.jumps?.jumpMean, 'jump-mean'),
    jumpVol: need(req.jumps?.jumpVol, 'jump-vol'),
  });
  let spec: ModelSpec;
  switch (req.model) {
    case 'gbm':
      spec = { model: 'gbm', vol: need(req.vol, 'vol') };
      break;
    case 'heston':
      spec = { model: 'heston', heston: h() };
      break;
    case 'merton':
      spec = { model: 'merton', vol: need(req.vol, 'vol'), jumps: j() };
      break;
    case 'heston-jump':
      spec = { model: 'heston-jump', heston: h(), jumps: j() };
      break;
  }
  try {
    return validateModelSpec(spec);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function checkNumbers(req: PriceRequest): void {
  const pos = { spot: req.spot, strike: req.strike, years: req.years } as Record<string, number>;
  for (const [k, v] of Object.entries(pos)) {
    if (!(Number.isFinite(v) && v > 0)) throw new UsageError(`--${k} must be a positive number, got ${v}`);
  }
  if (!Number.isFinite(req.rate)) throw new UsageError('--rate must be a number');
  if (!Number.isFinite(req.dividendYield)) throw new UsageError('--dividend-yield must be a number');
}

/** An option's value under the requested model and method, with greeks where they are defined. */
export function priceOption(req: PriceRequest): PriceResult {
  checkNumbers(req);
  const spec = modelSpec(req);
  const { type, spot: S, strike: K, rate: r, dividendYield: q, years: T } = req;
  const method = req.method ?? (req.style === 'american' ? 'lattice' : 'analytic');
  // Key order of the JSON output: price and standardError first, then greeks.
  const base = {
    price: 0,
    standardError: null as number | null,
    method: '',
    model: req.model,
    style: req.style,
    delta: null,
    gamma: null,
    vega: null,
    theta: null,
    rho: null,
    paths: null,
    note: null,
  };

  if (req.style === 'american') {
    if (spec.model !== 'gbm') {
      throw new UsageError(
        `American options under ${spec.model} are not supported`,
        'use --style american with --model gbm (lattice or analytic approximation), or --style european',
      );
    }
    if (method === 'mc')
      throw new UsageError(
        'American options by Monte Carlo are not supported',
        'use --method lattice (default)',
      );
    const vol = spec.vol;
    const price = (s: number) =>
      method === 'lattice'
        ? americanPrice(type, s, K, T, r, q, vol, { steps: req.steps })
        : americanApprox(type, s, K, T, r, q, vol);
    const h = S * 1e-3;
    const [pu, p0, pd] = [price(S + h), price(S), price(S - h)];
    return {
      ...base,
      price: p0,
      standardError: null,
      method: method === 'lattice' ? 'lattice' : 'analytic (Barone-Adesi–Whaley approximation)',
      delta: (pu - pd) / (2 * h),
      gamma: (pu - 2 * p0 + pd) / (h * h),
      note: method === 'lattice' ? null : 'fast approximation; use --method lattice for the converged value',
    };
  }

  if (method === 'lattice')
    throw new UsageError(
      'the lattice prices American options',
      'use --style american, or --method analytic|mc',
    );
  if (method === 'mc') {
    const steps = req.steps ?? Math.max(1, Math.ceil(T * 365));
    const mc = mcEuropean(type, K, spec, { S0: S, r, q, T, steps, paths: req.paths, seed: req.seed });
    return { ...base, price: mc.price, standardError: mc.standardError, method: 'mc', paths: mc.paths };
  }
  if (spec.model === 'gbm') {
    const g = bsGreeks(type, S, K, T, r, q, spec.vol);
    return {
      ...base,
      price: g.price,
      standardError: null,
      method: 'analytic',
      delta: g.delta,
      gamma: g.gamma,
      vega: g.vega,
      theta: g.theta,
      rho: g.rho,
    };
  }
  const f = (s: number) =>
    spec.model === 'heston'
      ? hestonPrice(type, s, K, T, r, q, spec.heston)
      : spec.model === 'merton'
        ? mertonPrice(type, s, K, T, r, q, spec.vol, spec.jumps)
        : batesPrice(type, s, K, T, r, q, spec.heston, spec.jumps);
  const h = S * 1e-4;
  const [pu, p0, pd] = [f(S + h), f(S), f(S - h)];
  return {
    ...base,
    price: p0,
    standardError: null,
    method: 'analytic',
    delta: (pu - pd) / (2 * h),
    gamma: (pu - 2 * p0 + pd) / (h * h),
  };
}

export interface SpreadPriceResult {
  shortPut: PriceResult;
  longPut: PriceResult;
  /** Model value of the spread per share (what a fair fill would credit). */
  modelCredit: number;
  /** The credit the PoP is computed for (--credit, else the model credit). */
  credit: number;
  maxLoss: number;
  outcomes: SpreadOutcomes;
  engine: string;
}

export interface SpreadPriceRequest extends PriceRequest {
  shortStrike: number;
  longStrike: number;
  /** Credit per share (default: the model value). */
  credit?: number;
  /** Monte Carlo engine (default farm.engine). */
  engine?: EngineRequest;
}

/** A put credit spread: credit, max loss and the Monte Carlo outcome probabilities. */
export function priceSpread(deps: PriceSpreadDeps, req: SpreadPriceRequest): SpreadPriceResult {
  const mcEngine = req.engine ?? deps.farmConfig.engine;
  if (!(req.longStrike < req.shortStrike))
    throw new UsageError(
      `--long ${req.longStrike} must be below --short ${req.shortStrike} for a put credit spread`,
    );
  const shortPut = priceOption({ ...req, type: 'put', strike: req.shortStrike });
  const longPut = priceOption({ ...req, type: 'put', strike: req.longStrike });
  const modelCredit = shortPut.price - longPut.price;
  const credit = req.credit ?? modelCredit;
  const width = req.shortStrike - req.longStrike;
  if (!(credit > 0 && credit < width))
    throw new UsageError(`the credit ${credit.toFixed(4)} must lie between 0 and the width ${width}`);
  const steps = req.steps ?? Math.max(1, Math.ceil(req.years * 365));
  const spec = modelSpec(req);
  const { outcomes, engine } = spreadMonteCarlo(mcEngine, spec, {
    S0: req.spot,
    shortK: req.shortStrike,
    longK: req.longStrike,
    credit,
    T: req.years,
    r: req.rate,
    q: req.dividendYield,
    steps,
    paths: req.paths,
    seed: req.seed,
  });
  return { shortPut, longPut, modelCredit, credit, maxLoss: width - credit, outcomes, engine };
}
