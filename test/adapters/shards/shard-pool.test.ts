import { describe, expect, it } from 'vitest';
import { ThreadShards } from '../../../src/adapters/shards/shard-pool.js';
import { Grid } from '../../../src/core/farm/grid.js';
import { FarmHost } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { randomScenario, SMALL_GRID } from '../../support/farm-scenario.js';
import { serialRun, shardHostOptions, sharedState } from '../../support/shard-run.js';

/** The worker from the TypeScript sources (the product's runs dist/). */
const WORKER = new URL('../../support/shard-worker-ts.mjs', import.meta.url);
const grid = new Grid(SMALL_GRID);
const steps = randomScenario(23, grid, 160);

describe('ThreadShards', () => {
  it('three worker threads over shared memory store exactly what one host does', async () => {
    const serial = serialRun(grid, steps);
    const opts = shardHostOptions(grid, steps);
    // The main thread's host, as the runner builds it: it reads the state, the threads step it.
    const host = new FarmHost(
      grid,
      DEFAULT_RULES,
      {
        ...opts,
        kernels: new JsFarmKernels(),
        dailySample: new Float32Array(new SharedArrayBuffer(serial.host.dailySample!.byteLength)),
      },
      sharedState(grid),
    );
    const shards = new ThreadShards(3, WORKER);
    try {
      await shards.start({
        gridSpec: grid.spec,
        rules: DEFAULT_RULES,
        host: opts,
        state: host.state,
        dailySample: host.dailySample,
      });
      let month = -1;
      for (const [k, inp] of steps.entries()) {
        if (inp.monthIndex !== month) {
          if (month >= 0) await shards.startMonth();
          month = inp.monthIndex;
        }
        const sum = await shards.step(inp);
        expect(sum, `step ${k}`).toEqual(serial.sums[k]);
        expect([...shards.openSpreads()], `step ${k}`).toEqual(serial.open[k]);
        // Half-way, as a checkpoint would: the group series gathered, the threads' own emptied.
        if (k === 80) shards.collectGroupDaily(host.state.groupDaily);
      }
      shards.collectGroupDaily(host.state.groupDaily);
    } finally {
      await shards.close();
    }
    expect(serial.sums.reduce((a, s) => a + s.closed, 0)).toBeGreaterThan(100);
    expect(host.state.days).toBe(serial.host.state.days);
    expect(Buffer.compare(host.state.serialize(), serial.host.state.serialize())).toBe(0);
    expect(Buffer.from(host.dailySample!.buffer).equals(Buffer.from(serial.host.dailySample!.buffer))).toBe(
      true,
    );
  });

  it("a process shard's few traders (a range of the grid, fewer than the ranges) over two threads step as one host over them", async () => {
    // Traders 13–16: 4 traders over 2 threads × 8 ranges (once, every non-empty range fell to one thread).
    const range = { from: 13, to: 17 };
    const serial = serialRun(grid, steps, range);
    const opts = { ...shardHostOptions(grid, steps), range };
    const host = new FarmHost(
      grid,
      DEFAULT_RULES,
      { ...opts, kernels: new JsFarmKernels() },
      sharedState(grid, 4),
    );
    const shards = new ThreadShards(2, WORKER);
    try {
      await shards.start({
        gridSpec: grid.spec,
        rules: DEFAULT_RULES,
        host: opts,
        state: host.state,
        dailySample: null,
      });
      let month = -1;
      for (const [k, inp] of steps.entries()) {
        if (inp.monthIndex !== month) {
          if (month >= 0) await shards.startMonth();
          month = inp.monthIndex;
        }
        expect(await shards.step(inp), `step ${k}`).toEqual(serial.sums[k]);
      }
      shards.collectGroupDaily(host.state.groupDaily);
    } finally {
      await shards.close();
    }
    expect(serial.sums.reduce((a, s) => a + s.closed, 0)).toBeGreaterThan(5);
    expect(Buffer.compare(host.state.serialize(), serial.host.state.serialize())).toBe(0);
  });

  it('a thread that fails stops the run with its error, and close() still ends every thread', async () => {
    const opts = shardHostOptions(grid, steps);
    const host = new FarmHost(
      grid,
      DEFAULT_RULES,
      { ...opts, kernels: new JsFarmKernels() },
      sharedState(grid),
    );
    const shards = new ThreadShards(2, new URL('data:text/javascript,throw new Error("the disk is gone")'));
    await expect(
      shards.start({
        gridSpec: grid.spec,
        rules: DEFAULT_RULES,
        host: opts,
        state: host.state,
        dailySample: null,
      }),
    ).rejects.toThrow(/the disk is gone/);
    await shards.close();
  });
});
