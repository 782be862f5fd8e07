// Monte Carlo European pricing on the shared path simulator, with standard errors that respect
// antithetic pairing.
import type { Right } from './bs.js';
import type { ModelSpec } from './models.js';
import { type HestonScheme, type PathSpec, simulatePaths } from './paths.js';

/** Antithetic by default; `paths` is rounded up to an even count when antithetic. */
export interface McOptions extends PathSpec {
  /** Heston family only; paths.ts default ('qe') when omitted. */
  scheme?: HestonScheme;
}

export interface McResult {
  /** Discounted mean payoff. */
  price: number;
  standardError: number;
  /** Paths actually simulated. */
  paths: number;
}

/**
 * Welford accumulator over independent sampling units (a path, or an antithetic pair's average).
 * Pair members are correlated, so the SE must be computed over pair means, not over paths.
 */
export class UnitStats {
  n = 0;
  mean = 0;
  private m2 = 0;

  push(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  /** Standard error of the mean; NaN with fewer than two units. */
  se(): number {
    return this.n < 2 ? Number.NaN : Math.sqrt(this.m2 / (this.n - 1) / this.n);
  }
}

/** Paths to simulate: antithetic needs whole pairs. */
export function pathCount(paths: number, antithetic: boolean): number {
  return antithetic && paths % 2 === 1 ? paths + 1 : paths;
}

/** Mean and SE of per-path values, averaging each antithetic pair (2j, 2j+1) into one unit first. */
export function pairedMeanSe(values: Float64Array, antithetic: boolean): { mean: number; se: number } {
  const st = new UnitStats();
  if (antithetic) {
    for (let i = 0; i + 1 < values.length; i += 2) st.push(0.5 * (values[i] + values[i + 1]));
  } else {
    for (let i = 0; i < values.length; i++) st.push(values[i]);
  }
  return { mean: st.mean, se: st.se() };
}

/** European option by simulation: e^{-rT} E[payoff(S_T)]. */
export function mcEuropean(right: Right, K: number, spec: ModelSpec, opts: McOptions): McResult {
  if (right !== 'call' && right !== 'put')
    throw new RangeError(`right must be 'call' or 'put', got ${right}`);
  if (!(Number.isFinite(K) && K > 0))
    throw new RangeError(`K (strike) must be a finite number > 0, got ${K}`);
  const antithetic = opts.antithetic ?? true;
  const n = pathCount(opts.paths, antithetic);
  const { terminal } = simulatePaths(spec, {
    S0: opts.S0,
    r: opts.r,
    q: opts.q,
    T: opts.T,
    steps: opts.steps,
    paths: n,
    seed: opts.seed,
    antithetic,
    scheme: opts.scheme,
  });
  const pay = new Float64Array(n);
  const call = right === 'call';
  for (let i = 0; i < n; i++) {
    const s = terminal[i];
    pay[i] = call ? (s > K ? s - K : 0) : s < K ? K - s : 0;
  }
  const { mean, se } = pairedMeanSe(pay, antithetic);
  const df = Math.exp(-opts.r * opts.T);
  return { price: df * mean, standardError: df * se, paths: n };
}
