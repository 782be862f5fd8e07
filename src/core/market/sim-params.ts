import {
  type HestonParams,
  type JumpParams,
  type ModelSpec,
  validateHestonParams,
  validateJumpParams,
} from '../pricing/models.js';
import type { EtfSymbol } from './port.js';
import type { SimModel } from './sim.js';

/** The simulated market's parameters (fitted defaults in data/models/sim-params.json), and the BTC models it steps. */

export interface SimEtfParams {
  /** ETF price / BTC price at the start of the simulation. */
  ratio: number;
  /** The real close the ratio was measured at (provenance only). */
  ratioDate: string;
  expenseRatio: number;
  /** Continuous decay of the ratio per year in market mode (IBIT: the expense ratio; BITO: roll + expense). */
  dragPerYear: number;
}

/** Funding per 8 h as a discrete Ornstein-Uhlenbeck (AR(1)) process, in fractions. */
export interface SimFundingParams {
  mean: number;
  /** AR(1) coefficient per 8 h step (= e^{-kappa8h}). */
  phi8h: number;
  /** Standard deviation of the 8 h innovation. */
  noise8h: number;
}

export interface SimParams {
  version: string;
  /** BTC level at the first simulated hour (a fixed documented level, not a market price). */
  btcStartUsd: number;
  /** BTC drift per year in market mode (E[S_t] = S_0 e^{drift t}); fair mode forces 0. */
  driftPerYear: number;
  gbm: { vol: number };
  heston: HestonParams;
  hestonJump: { heston: HestonParams; jumps: JumpParams };
  funding: SimFundingParams;
  etf: Record<EtfSymbol, SimEtfParams>;
}

/** Overrides by section (each section merged field by field onto the fitted defaults). */
export interface SimParamsOverride {
  btcStartUsd?: number;
  driftPerYear?: number;
  gbm?: Partial<SimParams['gbm']>;
  heston?: Partial<HestonParams>;
  hestonJump?: { heston?: Partial<HestonParams>; jumps?: Partial<JumpParams> };
  funding?: Partial<SimFundingParams>;
  etf?: Partial<Record<EtfSymbol, Partial<SimEtfParams>>>;
}

/** The parameters from a parsed sim-params.json, validated. */
export function simParamsFromJson(raw: unknown, where: string): SimParams {
  return validateSimParams(pick(raw as SimParams), where);
}

// Keeps only the fields the simulator reads (the file also carries provenance and raw fits).
function pick(p: SimParams): SimParams {
  const etf = (e: SimEtfParams): SimEtfParams => ({
    ratio: e.ratio,
    ratioDate: e.ratioDate,
    expenseRatio: e.expenseRatio,
    dragPerYear: e.dragPerYear,
  });
  return {
    version: p.version,
    btcStartUsd: p.btcStartUsd,
    driftPerYear: p.driftPerYear,
    gbm: { vol: p.gbm?.vol },
    heston: { ...p.heston },
    hestonJump: {
      heston: { ...p.hestonJump?.heston },
      jumps: {
        lambda: p.hestonJump?.jumps?.lambda,
        jumpMean: p.hestonJump?.jumps?.jumpMean,
        jumpVol: p.hestonJump?.jumps?.jumpVol,
      },
    },
    funding: { mean: p.funding?.mean, phi8h: p.funding?.phi8h, noise8h: p.funding?.noise8h },
    etf: { IBIT: etf(p.etf?.IBIT ?? ({} as SimEtfParams)), BITO: etf(p.etf?.BITO ?? ({} as SimEtfParams)) },
  };
}

/** Defaults with `o` merged in, validated. */
export function resolveSimParams(o: SimParamsOverride, base: SimParams): SimParams {
  const merged: SimParams = {
    version: base.version,
    btcStartUsd: o.btcStartUsd ?? base.btcStartUsd,
    driftPerYear: o.driftPerYear ?? base.driftPerYear,
    gbm: { ...base.gbm, ...o.gbm },
    heston: { ...base.heston, ...o.heston },
    hestonJump: {
      heston: { ...base.hestonJump.heston, ...o.hestonJump?.heston },
      jumps: { ...base.hestonJump.jumps, ...o.hestonJump?.jumps },
    },
    funding: { ...base.funding, ...o.funding },
    etf: {
      IBIT: { ...base.etf.IBIT, ...o.etf?.IBIT },
      BITO: { ...base.etf.BITO, ...o.etf?.BITO },
    },
  };
  return validateSimParams(merged, 'sim params');
}

function finite(
  where: string,
  x: unknown,
  lo = Number.NEGATIVE_INFINITY,
  hi = Number.POSITIVE_INFINITY,
): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
    throw new RangeError(`${where} must be a finite number in [${lo}, ${hi}], got ${x}`);
  }
}

/** Throws a RangeError naming the first bad field. */
export function validateSimParams(p: SimParams, where = 'sim params'): SimParams {
  finite(`${where}: btcStartUsd`, p.btcStartUsd, 1e-9);
  finite(`${where}: driftPerYear`, p.driftPerYear, -5, 5);
  finite(`${where}: gbm.vol`, p.gbm.vol, 0, 10);
  validateHestonParams(p.heston, `${where}: heston`);
  validateHestonParams(p.hestonJump.heston, `${where}: hestonJump.heston`);
  validateJumpParams(p.hestonJump.jumps, `${where}: hestonJump.jumps`);
  finite(`${where}: funding.mean`, p.funding.mean);
  finite(`${where}: funding.phi8h`, p.funding.phi8h, -1, 1);
  finite(`${where}: funding.noise8h`, p.funding.noise8h, 0);
  for (const s of ['IBIT', 'BITO'] as const) {
    finite(`${where}: etf.${s}.ratio`, p.etf[s].ratio, 1e-12);
    finite(`${where}: etf.${s}.dragPerYear`, p.etf[s].dragPerYear, -1, 1);
  }
  return p;
}

/** The pricing-layer spec of a simulator model. */
export function simModelSpec(model: SimModel, p: SimParams): ModelSpec {
  switch (model) {
    case 'gbm':
      return { model: 'gbm', vol: p.gbm.vol };
    case 'heston':
      return { model: 'heston', heston: p.heston };
    case 'heston-jump':
      return { model: 'heston-jump', heston: p.hestonJump.heston, jumps: p.hestonJump.jumps };
  }
}

/**
 * Expected annualised variance of BTC log returns over the next `tauYears`, given the
 * instantaneous variance `v` now: Heston E[∫v]/τ = θ + (v − θ)(1 − e^{−κτ})/(κτ); jumps add
 * λ(m² + s²); GBM is vol² whatever `v`.
 */
export function expectedVariance(spec: ModelSpec, v: number, tauYears: number): number {
  switch (spec.model) {
    case 'gbm':
      return spec.vol * spec.vol;
    case 'merton':
      return spec.vol * spec.vol + jumpVariance(spec.jumps);
    case 'heston':
      return hestonMeanVariance(spec.heston, v, tauYears);
    case 'heston-jump':
      return hestonMeanVariance(spec.heston, v, tauYears) + jumpVariance(spec.jumps);
  }
}

/** sqrt(expectedVariance). */
export function expectedVol(spec: ModelSpec, v: number, tauYears: number): number {
  return Math.sqrt(expectedVariance(spec, v, tauYears));
}

function hestonMeanVariance(h: HestonParams, v: number, tau: number): number {
  const x = h.kappa * tau;
  // (1 − e^{−x})/x → 1 as x → 0: the variance now.
  const w = x < 1e-12 ? 1 : -Math.expm1(-x) / x;
  return h.theta + (Math.max(v, 0) - h.theta) * w;
}

function jumpVariance(j: JumpParams): number {
  return j.lambda * (j.jumpMean * j.jumpMean + j.jumpVol * j.jumpVol);
}
