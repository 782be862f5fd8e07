import type { Interfaces } from '@oclif/core';
import { UsageError } from '../core/errors.js';
import { parseModelName } from '../core/pricing/models.js';
import type { PriceRequest } from '../services/price.js';
import type { priceFlags } from './flags.js';

type PriceFlagValues = Interfaces.InferredFlags<typeof priceFlags>;

/** Turns `argus price` flags (already parsed as numbers) into a request; --spot and the expiry are required. */
export function priceRequest(f: PriceFlagValues, type: 'call' | 'put', strike: number): PriceRequest {
  if (f.spot === undefined) throw new UsageError('--spot is required');
  // Named by the flag given: --days 0 is a --days problem, not a --years one.
  if (f.days !== undefined && !(f.days > 0))
    throw new UsageError(`--days must be a positive number, got ${f.days}`);
  const years = f.years ?? (f.days !== undefined ? f.days / 365 : undefined);
  if (years === undefined) throw new UsageError('give the time to expiry with --years or --days');
  return {
    type,
    spot: f.spot,
    strike,
    rate: f.rate ?? 0,
    dividendYield: f['dividend-yield'] ?? 0,
    years,
    style: f.style,
    model: parseModelName(f.model),
    vol: f.vol,
    heston: { v0: f.v0, kappa: f.kappa, theta: f.theta, xi: f.xi, rho: f.rho },
    jumps: { lambda: f.lambda, jumpMean: f['jump-mean'], jumpVol: f['jump-vol'] },
    method: f.method,
    paths: f.paths,
    steps: f.steps,
    seed: f.seed,
  };
}
