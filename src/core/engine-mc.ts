import { resolveEngine } from './engine/resolve.js';
import type { ModelSpec } from './pricing/models.js';
import { type SpreadOptions, type SpreadOutcomes, spreadOutcomes } from './pricing/pop.js';

/** Spread outcome probabilities by Monte Carlo on the chosen engine. */
export function spreadMonteCarlo(
  engine: 'auto' | 'gpu' | 'cpu' | 'js',
  spec: ModelSpec,
  opts: SpreadOptions,
): { outcomes: SpreadOutcomes; engine: string } {
  const e = resolveEngine(engine, { kernel: 'mcPaths' });
  try {
    return { outcomes: spreadOutcomes(spec, opts), engine: e.name };
  } finally {
    e.destroy();
  }
}
