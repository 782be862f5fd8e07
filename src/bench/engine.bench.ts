import { AUTO_ENGINE } from '../core/engine/auto.js';
import { probeGl } from '../core/engine/gl.js';
import type { EngineName } from '../core/engine/kernel.js';
import { type Engine, resolveEngine } from '../core/engine/resolve.js';
import { spreadOutcomesOnEngine } from '../core/pricing/mc-kernels.js';
import type { ModelSpec } from '../core/pricing/models.js';
import { type SpreadOptions, type SpreadOutcomes, spreadOutcomes } from '../core/pricing/pop.js';
import type { Bench } from './harness.js';
import { round, time } from './harness.js';

// BTC-ETF-like Heston (60% vol, leverage effect) and a 91/85 put credit spread for 1 credit.
const SPEC: ModelSpec = { model: 'heston', heston: { v0: 0.36, kappa: 2, theta: 0.36, xi: 0.9, rho: -0.6 } };
const OPTS: SpreadOptions = {
  S0: 100,
  shortK: 91,
  longK: 85,
  credit: 1,
  T: 30 / 365,
  r: 0.04,
  q: 0,
  steps: 30,
  paths: 100_000,
  seed: 1,
  scheme: 'full-truncation',
};

function row(ms: ReturnType<typeof time>, r: SpreadOutcomes) {
  return {
    medianMs: ms.medianMs,
    minMs: ms.minMs,
    maxMs: ms.maxMs,
    pathsPerSec: Math.round((r.paths / ms.medianMs) * 1000),
    pop: round(r.pop, 5),
    popSE: round(r.popSE, 5),
    pTouch: round(r.pTouch, 5),
    expectedPnl: round(r.expectedPnl, 5),
  };
}

/** The evidence behind auto.ts's mcPaths entry: same workload on every engine available here. */
export const engineBench: Bench = {
  name: 'engine.mcPop',
  run() {
    const engines: Record<string, unknown> = {};
    const reference = spreadOutcomes(SPEC, OPTS);
    engines['pop.ts (reference loop)'] = row(
      time(() => spreadOutcomes(SPEC, OPTS), { runs: 5 }),
      reference,
    );
    const gl = probeGl();
    for (const name of ['js', 'cpu', 'gpu'] as EngineName[]) {
      if (name === 'gpu' && !gl.ok) {
        engines.gpu = { skipped: `${gl.reason} (${gl.hint})` };
        continue;
      }
      const engine: Engine = resolveEngine(name);
      try {
        let r = spreadOutcomesOnEngine(engine, SPEC, OPTS);
        const first = r;
        const ms = time(
          () => {
            r = spreadOutcomesOnEngine(engine, SPEC, OPTS);
          },
          { runs: name === 'gpu' ? 9 : 5 },
        );
        engines[name] = {
          ...row(ms, r),
          rng: engine.exactInt32 ? 'philox4x32-10' : 'wichmann-hill (float32)',
          bitExactWithPopTs: JSON.stringify(first) === JSON.stringify(reference),
          // float32 outputs can still give pop.ts's exact probabilities (same paths, same decisions).
          sameProbabilitiesAsPopTs:
            first.pop === reference.pop &&
            first.pTouch === reference.pTouch &&
            first.pMaxLoss === reference.pMaxLoss,
          backend: engine.describe().backend,
        };
      } finally {
        engine.destroy();
      }
    }
    return {
      workload: `spread PoP, ${OPTS.paths} paths (antithetic) x ${OPTS.steps} daily steps, Heston full truncation, incl. upload, readback and host reduction`,
      note: 'gpu runs only when a GL backend is present: run `xvfb-run -a npm run bench` to include it',
      autoChoice: AUTO_ENGINE.mcPaths,
      engines,
    };
  },
};
