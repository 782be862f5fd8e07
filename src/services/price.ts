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
  /** The greeks as a trader reads them: one contract (100 shares), theta per day, vega per vol point, rho per rate point. */
  perContract: ContractGreeks;
  /** Inputs that are legal but probably not meant (e.g. --vol 65). */
  warnings: string[];
}

export interface ContractGreeks {
  /** Share-equivalent delta (Δ × 100). */
  delta: number | null;
  /** Change of the contract's delta per $1 (Γ × 100). */
  gamma: number | null;
  /** Dollars a day. */
  thetaPerDay: number | null;
  /** Dollars per volatility point (σ + 0.01). */
  vegaPerVolPoint: number | null;
  /** Dollars per rate point (r + 0.01). */
  rhoPerRatePoint: number | null;
}

const SHARES = 100;

export function contractGreeks(
  g: Pick<PriceResult, 'delta' | 'gamma' | 'vega' | 'theta' | 'rho'>,
): ContractGreeks {
  const scale = (x: number | null, by: number) => (x === null ? null : x * by);
  return {
    delta: scale(g.delta, SHARES),
    gamma: scale(g.gamma, SHARES),
    thetaPerDay: scale(g.theta, SHARES / 365),
    vegaPerVolPoint: scale(g.vega, SHARES / 100),
    rhoPerRatePoint: scale(g.rho, SHARES / 100),
  };
}

/** Annualised vols are fractions: 65 is 6,500 %, almost surely meant as 0.65. */
function volWarnings(req: Pick<PriceRequest, 'vol'>): string[] {
  return req.vol !== undefined && req.vol > 3
    ? [
        `--vol ${req.vol} is ${(req.vol * 100).toLocaleString('en-US')}% a year; volatilities are fractions — did you mean ${(req.vol / 100).toFixed(2)}?`,
      ]
    : [];
}

/** Builds the model spec from flags, naming every missing parameter. */
export function modelSpec(req: Pick<PriceRequest, 'model' | 'vol' | 'heston' | 'jumps'>): ModelSpec {
  const missing: string[] = [];
  const need = (v: number | undefined, flag: string): number => {
    if (v === undefined) missing.push(`--${flag}`);
    return v ?? Number.NaN;
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
  // All of them at once: a user should not discover them one run at a time.
  if (missing.length) throw new UsageError(`--model ${req.model} needs ${missing.join(', ')}`);
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
  const r = priceRaw(req);
  return { ...r, perContract: contractGreeks(r), warnings: volWarnings(req) };
}

/** Greeks by central differences where no closed form exists: vega σ ± 1 point, theta one day on, rho r ± 1 bp. */
function bumped(
  f: (p: { S: number; T: number; r: number; vol?: number }) => number,
  p: { S: number; T: number; r: number; vol?: number },
  hS: number,
) {
  const p0 = f(p);
  const [pu, pd] = [f({ ...p, S: p.S + hS }), f({ ...p, S: p.S - hS })];
  const dt = Math.min(1 / 365, p.T / 2);
  const dr = 1e-4;
  return {
    price: p0,
    delta: (pu - pd) / (2 * hS),
    gamma: (pu - 2 * p0 + pd) / (hS * hS),
    vega:
      p.vol === undefined ? null : (f({ ...p, vol: p.vol + 0.01 }) - f({ ...p, vol: p.vol - 0.01 })) / 0.02,
    // Value lost as a day passes, per year like the closed form's theta.
    theta: (f({ ...p, T: p.T - dt }) - p0) / dt,
    rho: (f({ ...p, r: p.r + dr }) - f({ ...p, r: p.r - dr })) / (2 * dr),
  };
}

function priceRaw(req: PriceRequest): Omit<PriceResult, 'perContract' | 'warnings'> {
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
    const price = (p: { S: number; T: number; r: number; vol?: number }) =>
      method === 'lattice'
        ? americanPrice(type, p.S, K, p.T, p.r, q, p.vol!, { steps: req.steps })
        : americanApprox(type, p.S, K, p.T, p.r, q, p.vol!);
    const g = bumped(price, { S, T, r, vol: spec.vol }, S * 1e-3);
    return {
      ...base,
      ...g,
      standardError: null,
      method: method === 'lattice' ? 'lattice' : 'analytic (Barone-Adesi–Whaley approximation)',
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
  const f = (p: { S: number; T: number; r: number; vol?: number }) =>
    spec.model === 'heston'
      ? hestonPrice(type, p.S, K, p.T, p.r, q, spec.heston)
      : spec.model === 'merton'
        ? mertonPrice(type, p.S, K, p.T, p.r, q, p.vol!, spec.jumps)
        : batesPrice(type, p.S, K, p.T, p.r, q, spec.heston, spec.jumps);
  // Heston's variance is a state, not one σ: vega is given for Merton's diffusion vol only.
  const g = bumped(f, { S, T, r, vol: spec.model === 'merton' ? spec.vol : undefined }, S * 1e-4);
  return { ...base, ...g, standardError: null, method: 'analytic' };
}

export interface SpreadPriceResult {
  shortPut: PriceResult;
  longPut: PriceResult;
  /** Model value of the spread per share (what a fair fill would credit). */
  modelCredit: number;
  /** The credit the PoP is computed for (--credit, else the model credit). */
  credit: number;
  maxLoss: number;
  /** The underlying price the spread was priced at. */
  spot: number;
  /** Underlying price at expiry where the spread breaks even: short strike − credit. */
  breakeven: number;
  /** Credit ÷ max loss. */
  creditToRisk: number;
  /** Short one spread (short the short put, long the long put), per contract. */
  netGreeks: ContractGreeks;
  outcomes: SpreadOutcomes;
  engine: string;
  /** P&L per contract across underlying prices: at expiry, and now at the model's value. */
  payoff: { spot: number[]; expiry: number[]; today: number[] };
  warnings: string[];
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
  const net = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  const sg = shortPut.perContract;
  const lg = longPut.perContract;
  return {
    shortPut,
    longPut,
    modelCredit,
    credit,
    maxLoss: width - credit,
    spot: req.spot,
    breakeven: req.shortStrike - credit,
    creditToRisk: credit / (width - credit),
    netGreeks: {
      delta: net(sg.delta, lg.delta),
      gamma: net(sg.gamma, lg.gamma),
      thetaPerDay: net(sg.thetaPerDay, lg.thetaPerDay),
      vegaPerVolPoint: net(sg.vegaPerVolPoint, lg.vegaPerVolPoint),
      rhoPerRatePoint: net(sg.rhoPerRatePoint, lg.rhoPerRatePoint),
    },
    outcomes,
    engine,
    payoff: payoffCurve(req, credit),
    warnings: shortPut.warnings,
  };
}

const PAYOFF_POINTS = 61;

/** The spread's P&L per contract from well below the long strike to above the short one. */
function payoffCurve(req: SpreadPriceRequest, credit: number): SpreadPriceResult['payoff'] {
  const width = req.shortStrike - req.longStrike;
  const lo = Math.max(req.longStrike - 1.5 * width, req.longStrike * 0.5);
  const hi = Math.max(req.shortStrike + 1.5 * width, req.spot * 1.03);
  const spot: number[] = [];
  const expiry: number[] = [];
  const today: number[] = [];
  for (let i = 0; i < PAYOFF_POINTS; i++) {
    const S = lo + ((hi - lo) * i) / (PAYOFF_POINTS - 1);
    spot.push(S);
    expiry.push((credit - Math.max(0, req.shortStrike - S) + Math.max(0, req.longStrike - S)) * SHARES);
    const v = (K: number) =>
      priceRaw({ ...req, type: 'put', strike: K, spot: S, method: undefined, paths: req.paths }).price;
    today.push((credit - (v(req.shortStrike) - v(req.longStrike))) * SHARES);
  }
  return { spot, expiry, today };
}
