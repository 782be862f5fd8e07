import { describe, expect, it } from 'vitest';
import { resolveEngine } from '../../src/core/engine/resolve.js';
import { Grid } from '../../src/core/farm/grid.js';
import { type ClosedTrade, FarmHost, type FarmKernels } from '../../src/core/farm/host.js';
import { farmKernels } from '../../src/core/farm/kernels-gpujs.js';
import { JsFarmKernels } from '../../src/core/farm/kernels-js.js';
import { DEFAULT_RULES } from '../../src/core/farm/rules.js';
import { randomScenario, SMALL_GRID } from '../support/farm-scenario.js';

const grid = new Grid(SMALL_GRID);

function run(seed: number, kernels: FarmKernels) {
  const trades: ClosedTrade[] = [];
  const engine = new FarmHost(grid, DEFAULT_RULES, { months: 3, kernels, onClose: (t) => trades.push(t) });
  for (const s of randomScenario(seed, grid, 120)) engine.step(s);
  return { engine, trades };
}

describe('farm kernels on the GL backend (headless-gl)', () => {
  for (const seed of [41, 42]) {
    it(`identical decisions and P&L to the js loop (scenario ${seed})`, () => {
      const gl = farmKernels(resolveEngine('gpu'));
      try {
        expect(gl.name).toBe('gpu');
        const a = run(seed, new JsFarmKernels());
        const b = run(seed, gl);
        expect(b.trades).toEqual(a.trades);
        expect(b.engine.state.serialize().equals(a.engine.state.serialize())).toBe(true);
      } finally {
        gl.destroy();
      }
    });
  }
});
