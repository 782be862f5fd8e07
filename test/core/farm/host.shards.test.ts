import { describe, expect, it } from 'vitest';
import { Grid } from '../../../src/core/farm/grid.js';
import { addStepSummary, FarmHost, MarkBook } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { randomScenario, SMALL_GRID } from '../../support/farm-scenario.js';
import { serialRun, shardHostOptions, sharedState } from '../../support/shard-run.js';

const grid = new Grid(SMALL_GRID);
const steps = randomScenario(11, grid, 120);

describe('FarmHost over a range of traders', () => {
  it('a state view is the same memory: a write through it is the whole state’s', () => {
    const whole = sharedState(grid);
    const v = whole.view(100, 200);
    expect(v.traders).toBe(100);
    v.t.realizedCents[5] = 1234;
    const slots = whole.slots;
    v.s.spread[5 * slots + 1] = 77;
    v.monthlyCents[5 * 3 + 2] = -9;
    expect(whole.t.realizedCents[105]).toBe(1234);
    expect(whole.s.spread[105 * slots + 1]).toBe(77);
    expect(whole.monthlyCents[105 * 3 + 2]).toBe(-9);
  });

  it('five hosts over five ranges of one state step exactly as one host over all traders', () => {
    const serial = serialRun(grid, steps);
    const whole = sharedState(grid);
    const opts = shardHostOptions(grid, steps);
    const groupDaily = new Float64Array(serial.host.state.groupDaily.length);
    const dailySample = new Float32Array(serial.host.dailySample?.length ?? 0);
    const book = new MarkBook(true);
    // Uneven ranges, one of a single trader: nothing may depend on where a range starts.
    const cuts = [0, 1, 400, 401, 1000, grid.count];
    const hosts = cuts.slice(1).map((to, k) => {
      const state = whole.view(cuts[k], to);
      state.groupDaily = groupDaily;
      return new FarmHost(
        grid,
        DEFAULT_RULES,
        { ...opts, kernels: new JsFarmKernels(), range: { from: cuts[k], to }, dailySample, markBook: book },
        state,
      );
    });
    let month = -1;
    steps.forEach((inp, k) => {
      if (inp.monthIndex !== month) {
        if (month >= 0) for (const h of hosts) h.startMonth();
        month = inp.monthIndex;
      }
      const sums = hosts.map((h) => h.step(inp));
      const total = sums[0];
      for (const x of sums.slice(1)) addStepSummary(total, x);
      expect(total, `step ${k}`).toEqual(serial.sums[k]);
      const open = new Set(hosts.flatMap((h) => [...h.openSpreads()]));
      expect(
        [...open].sort((a, b) => a - b),
        `step ${k}`,
      ).toEqual(serial.open[k]);
    });
    whole.days = serial.host.state.days;
    whole.groupDaily = groupDaily;
    expect(serial.sums.some((s) => s.closed > 0 && s.realizedCents !== 0)).toBe(true);
    expect(Buffer.compare(whole.serialize(), serial.host.state.serialize())).toBe(0);
    expect(Buffer.from(dailySample.buffer).equals(Buffer.from(serial.host.dailySample!.buffer))).toBe(true);
  });

  it('a range host names its trades by grid id', () => {
    const whole = sharedState(grid);
    const ids: number[] = [];
    const h = new FarmHost(
      grid,
      DEFAULT_RULES,
      {
        months: 3,
        kernels: new JsFarmKernels(),
        range: { from: 1000, to: 1100 },
        onOpen: (p) => ids.push(p.trader),
      },
      whole.view(1000, 1100),
    );
    for (const inp of steps.slice(0, 20)) h.step(inp);
    expect(ids.length).toBeGreaterThan(0);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...ids)).toBeLessThan(1100);
  });
});
