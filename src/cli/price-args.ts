import { UsageError } from '../core/errors.js';
import { parseModelName } from '../core/pricing/models.js';
import type { PriceRequest } from '../services/price.js';

type Raw = Record<string, string | number | boolean | undefined>;

function num(flags: Raw, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v === 'string' && (v.trim() === '' || !Number.isFinite(n)))
    throw new UsageError(`--${name} "${v}" is not a number`);
  return n;
}

/** Turns `argus price` flags into a request, with errors that name the flag. */
export function priceRequest(flags: Raw, type: 'call' | 'put', strike: string | number): PriceRequest {
  const spot = num(flags, 'spot');
  if (spot === undefined) throw new UsageError('--spot is required');
  const years = num(flags, 'years') ?? (flags.days !== undefined ? num(flags, 'days')! / 365 : undefined);
  if (years === undefined) throw new UsageError('give the time to expiry with --years or --days');
  const k = Number(strike);
  if (!Number.isFinite(k)) throw new UsageError(`--strike "${strike}" is not a number`);
  return {
    type,
    spot,
    strike: k,
    rate: num(flags, 'rate') ?? 0,
    dividendYield: num(flags, 'dividend-yield') ?? 0,
    years,
    style: (flags.style as 'european' | 'american') ?? 'european',
    model: parseModelName(String(flags.model ?? 'gbm')),
    vol: num(flags, 'vol'),
    heston: {
      v0: num(flags, 'v0'),
      kappa: num(flags, 'kappa'),
      theta: num(flags, 'theta'),
      xi: num(flags, 'xi'),
      rho: num(flags, 'rho'),
    },
    jumps: {
      lambda: num(flags, 'lambda'),
      jumpMean: num(flags, 'jump-mean'),
      jumpVol: num(flags, 'jump-vol'),
    },
    method: flags.method as PriceRequest['method'],
    paths: Number(flags.paths ?? 100_000),
    steps: flags.steps === undefined ? undefined : Number(flags.steps),
    seed: Number(flags.seed ?? 1),
  };
}
