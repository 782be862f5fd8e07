import { afterAll, describe, expect, it } from 'vitest';
import type { SeedResult } from '../../src/services/honesty.js';
import { describeSeed, honestySeed, SEEDS } from '../support/honesty.js';

// Power: implied vol 20 % over the model's (Heston), ORATS fills (f = 0.32) and fees. Reported,
// not asserted: in how many seeds the walk-forward selections made money out of sample.
describe('honesty, power: a premium market', () => {
  const results: SeedResult[] = [];
  afterAll(() => {
    const pos = results.filter((r) => r.oosPositive).length;
    const w = results.reduce((a, r) => a + r.windowsWithSelection, 0);
    const n = results.reduce((a, r) => a + r.windows, 0);
    const naive = results.reduce((a, r) => a + r.naive.positive, 0);
    process.stdout.write(
      `honesty power: selections made money out of sample in ${pos} of ${results.length} seeds; windows with a selection ${w} of ${n}; ` +
        `the untested in-sample leader made money out of sample in ${naive} of ${n} windows\n`,
    );
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      const r = await honestySeed('power', seed);
      process.stdout.write(`${describeSeed(r)}\n`);
      results.push(r);
      expect(r.windows).toBe(9);
    }, 300_000);
  }

  it('reports all 20 seeds', () => {
    expect(results).toHaveLength(20);
  });
});
