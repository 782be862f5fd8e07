import { afterAll, describe, expect, it } from 'vitest';
import type { SeedResult } from '../../src/services/honesty.js';
import { describeSeed, honestySeed, SEEDS } from '../support/honesty.js';

// Null: a fair market (GBM, implied = model vol, mid fills, no fees), so every configuration's
// expected P&L is zero. Promotion at the 1 % level must promote nothing in at least 19 of 20 seeds.
describe('honesty, null: a fair market promotes nothing', () => {
  const results: SeedResult[] = [];
  afterAll(() => {
    const none = results.filter((r) => r.promoted.length === 0).length;
    const w = results.reduce((a, r) => a + r.windowsWithSelection, 0);
    const n = results.reduce((a, r) => a + r.windows, 0);
    process.stdout.write(
      `honesty null: nothing promoted in ${none} of ${results.length} seeds; windows with a selection ${w} of ${n}\n`,
    );
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      const r = await honestySeed('null', seed);
      process.stdout.write(`${describeSeed(r)}\n`);
      results.push(r);
      expect(r.windows).toBe(9);
    }, 180_000);
  }

  it('nothing promoted in at least 19 of 20 seeds', () => {
    expect(results).toHaveLength(20);
    expect(results.filter((r) => r.promoted.length === 0).length).toBeGreaterThanOrEqual(19);
  });
});
