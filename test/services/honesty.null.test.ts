import { afterAll, describe, expect, it } from 'vitest';
import type { SeedResult } from '../../src/services/honesty.js';
import { describeSeed, honestySeed, SEEDS } from '../support/honesty.js';

// Null: a fair market (GBM, implied = model vol, mid fills, no fees), so every configuration's
// expected P&L is zero. The group gate at α = 5 % may select in at most α of the walk-forward
// windows: of these 180 the test allows 1.5 α (13); seeds that promote nothing are reported.
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
    }, 300_000);
  }

  it('windows that select anything: at most 1.5 α of 180 (13)', () => {
    expect(results).toHaveLength(20);
    expect(results.every((r) => r.gate === 'group')).toBe(true);
    expect(results.reduce((a, r) => a + r.windowsWithSelection, 0)).toBeLessThanOrEqual(13);
  });
});
