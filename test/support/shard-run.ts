import type { Grid } from '../../src/core/farm/grid.js';
import { FarmHost, type HostOptions, type StepSummary } from '../../src/core/farm/host.js';
import { JsFarmKernels } from '../../src/core/farm/kernels-js.js';
import { DEFAULT_RULES } from '../../src/core/farm/rules.js';
import { FarmState } from '../../src/core/farm/state.js';
import type { StepInput } from '../../src/core/farm/step-input.js';

/** Host options of the shard tests: a daily sample of every 7th trader, the group series, three months. */
export function shardHostOptions(grid: Grid, steps: StepInput[]): Omit<HostOptions, 'kernels'> {
  return {
    months: 3,
    days: steps.filter((s) => s.isClose).length,
    sample: Int32Array.from({ length: Math.ceil(grid.count / 7) }, (_, k) => k * 7),
  };
}

/** One host over every trader (or those of `range`), stepped through `steps` (month starts as the runner does them). */
export function serialRun(
  grid: Grid,
  steps: StepInput[],
  range?: { from: number; to: number },
): { host: FarmHost; sums: StepSummary[]; open: number[][] } {
  const host = new FarmHost(grid, DEFAULT_RULES, {
    ...shardHostOptions(grid, steps),
    range,
    kernels: new JsFarmKernels(),
  });
  let month = -1;
  const open: number[][] = [];
  const sums = steps.map((inp) => {
    if (inp.monthIndex !== month) {
      if (month >= 0) host.startMonth();
      month = inp.monthIndex;
    }
    const s = host.step(inp);
    open.push([...host.openSpreads()]);
    return s;
  });
  return { host, sums, open };
}

/** A state of every trader (or `traders` of them) in shared memory, as a sharded run starts from. */
export function sharedState(grid: Grid, traders = grid.count): FarmState {
  return new FarmState(traders, DEFAULT_RULES.maxOpenPositions, 3, DEFAULT_RULES.capitalUsd * 100, 0, {
    shared: true,
  });
}
