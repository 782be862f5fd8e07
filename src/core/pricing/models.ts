/** Model names, parameter types and validation for the path simulators and analytic pricers. */

export type ModelName = 'gbm' | 'heston' | 'merton' | 'heston-jump';

export const MODEL_NAMES: readonly ModelName[] = ['gbm', 'heston', 'merton', 'heston-jump'];

export interface GbmParams {
  /** Annualized volatility. */
  vol: number;
}

export interface HestonParams {
  /** Initial variance. */
  v0: number;
  /** Mean-reversion speed. */
  kappa: number;
  /** Long-run variance. */
  theta: number;
  /** Vol of variance (sigma_v). */
  xi: number;
  /** Spot/variance correlation. */
  rho: number;
}

export interface JumpParams {
  /** Jumps per year. */
  lambda: number;
  /** Mean log-jump. */
  jumpMean: number;
  /** Standard deviation of the log-jump. */
  jumpVol: number;
}

/** For 'merton', `vol` is the diffusion volatility only (jumps add variance on top). */
export type ModelSpec =
  | { model: 'gbm'; vol: number }
  | { model: 'heston'; heston: HestonParams }
  | { model: 'merton'; vol: number; jumps: JumpParams }
  | { model: 'heston-jump'; heston: HestonParams; jumps: JumpParams };

const ALIASES: Record<string, ModelName> = {
  gbm: 'gbm',
  bs: 'gbm',
  heston: 'heston',
  merton: 'merton',
  'heston-jump': 'heston-jump',
};

/** Case-insensitive; 'bs' is an alias of 'gbm'. */
export function parseModelName(s: string): ModelName {
  const key = String(s).trim().toLowerCase();
  const name = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (name === undefined) {
    throw new RangeError(`unknown model '${s}'; valid models: ${MODEL_NAMES.join(', ')} (alias: bs = gbm)`);
  }
  return name;
}

function finite(name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw new RangeError(`${name} must be a finite number, got ${x}`);
  return x;
}

function nonNegative(name: string, x: unknown): void {
  if (finite(name, x) < 0) throw new RangeError(`${name} must be >= 0, got ${x}`);
}

export function validateHestonParams(h: HestonParams, where = 'heston'): void {
  if (h === null || typeof h !== 'object') throw new RangeError(`${where} parameters are missing`);
  nonNegative(`${where}.v0`, h.v0);
  nonNegative(`${where}.theta`, h.theta);
  nonNegative(`${where}.kappa`, h.kappa);
  if (finite(`${where}.xi`, h.xi) <= 0)
    throw new RangeError(`${where}.xi (vol of variance) must be > 0, got ${h.xi}`);
  const rho = finite(`${where}.rho`, h.rho);
  if (rho < -1 || rho > 1) throw new RangeError(`${where}.rho must be in [-1, 1], got ${rho}`);
}

export function validateJumpParams(j: JumpParams, where = 'jumps'): void {
  if (j === null || typeof j !== 'object') throw new RangeError(`${where} parameters are missing`);
  nonNegative(`${where}.lambda`, j.lambda);
  finite(`${where}.jumpMean`, j.jumpMean);
  nonNegative(`${where}.jumpVol`, j.jumpVol);
}

/** Throws a RangeError naming the offending field; returns the spec for chaining. */
export function validateModelSpec(spec: ModelSpec): ModelSpec {
  if (spec === null || typeof spec !== 'object') throw new RangeError('model spec must be an object');
  switch (spec.model) {
    case 'gbm':
      nonNegative('vol', spec.vol);
      break;
    case 'heston':
      validateHestonParams(spec.heston);
      break;
    case 'merton':
      nonNegative('vol', spec.vol);
      validateJumpParams(spec.jumps);
      break;
    case 'heston-jump':
      validateHestonParams(spec.heston);
      validateJumpParams(spec.jumps);
      break;
    default:
      throw new RangeError(
        `unknown model '${(spec as { model?: unknown }).model}'; valid models: ${MODEL_NAMES.join(', ')}`,
      );
  }
  return spec;
}

/** Jump compensator kappa = E[e^J] - 1 for a normal log-jump. */
export function jumpCompensator(j: JumpParams): number {
  return Math.expm1(j.jumpMean + 0.5 * j.jumpVol * j.jumpVol);
}

/** Feller condition 2*kappa*theta >= xi^2 (variance stays off zero). */
export function fellerSatisfied(h: HestonParams): boolean {
  return 2 * h.kappa * h.theta >= h.xi * h.xi;
}
