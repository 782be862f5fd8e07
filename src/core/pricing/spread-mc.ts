import type { EngineRequest } from '../engine/resolve.js';
import { resolveEngine } from '../engine/resolve.js';
import { spreadOutcomesOnEngine } from './mc-kernels.js';
import type { ModelSpec } from './models.js';
import type { SpreadOptions, SpreadOutcomes } from './pop.js';

/**
 * Spread outcome probabilities by Monte Carlo on the chosen engine (Heston by full truncation,
 * the scheme every engine implements; GL agrees with the float64 engines within standard errors).
 */
export function spreadMonteCarlo(
  engine: EngineRequest,
  spec: ModelSpec,
  opts: SpreadOptions,
): { outcomes: SpreadOutcomes; engine: string } {
  const e = resolveEngine(engine, { kernel: 'mcPaths' });
  try {
    return {
      outcomes: spreadOutcomesOnEngine(e, spec, { ...opts, scheme: 'full-truncation' }),
      engine: e.name,
    };
  } finally {
    e.destroy();
  }
}
