import { describe, expect, it } from 'vitest';
import { renderHonestyMarkdown, seedRanges } from '../../../src/cli/render/honesty.js';
import { DEFAULT_PARAMS } from '../../../src/core/judge/walk-forward.js';
import type { HonestySummary, SeedResult } from '../../../src/services/honesty.js';

function seed(n: number, o: Partial<SeedResult>): SeedResult {
  return {
    scenario: 'power',
    seed: n,
    traders: 43_740,
    promoted: [],
    windows: 27,
    windowsWithSelection: 0,
    selected: 0,
    oosPnlUsd: 0,
    oosPositive: false,
    naive: { windows: 27, positive: 10 },
    gate: 'group',
    groupWindows: 0,
    minGroupP: [],
    minSharpeAnnual: 5.494,
    minP: [],
    nEff: [],
    farmMs: 60_000,
    promoteMs: 30_000,
    ...o,
  };
}

function summary(scenario: HonestySummary['scenario'], results: SeedResult[]): HonestySummary {
  const { seed: _s, ...params } = DEFAULT_PARAMS;
  const power = scenario === 'power';
  return {
    scenario,
    seeds: results.length,
    chainModel: 'chain-model-2',
    elapsedMs: 1,
    cachedSeeds: results.length,
    selectionRate: 3 / 81,
    selectionRateUpper95: 0.105,
    settings: {
      sim: { model: power ? 'heston' : 'gbm', premium: power ? 0.4 : 0, fair: !power },
      flags: power ? { 'fill-f': 0.32, fee: 0.65 } : { 'fill-f': 0, fee: 0 },
      window: { from: '2022-01-04', to: '2026-12-31' },
      params,
    },
    nothingPromoted: results.filter((r) => !r.promoted.length).length,
    oosPositive: results.filter((r) => r.oosPositive).length,
    windowsWithSelection: 3,
    windows: 81,
    results,
  };
}

describe('renderHonestyMarkdown', () => {
  it('writes one row per scenario with the counts the README quotes', () => {
    const power = summary('power', [
      seed(1, {
        windowsWithSelection: 2,
        oosPositive: true,
        promoted: [7],
        naive: { windows: 27, positive: 20 },
      }),
      seed(2, { windowsWithSelection: 1, oosPositive: false }),
      seed(4, { windowsWithSelection: 0 }),
    ]);
    const nul = summary('null', [
      seed(1, { scenario: 'null', minSharpeAnnual: 4.7 }),
      seed(2, { scenario: 'null' }),
    ]);
    const lines = renderHonestyMarkdown([nul, power]).split('\n');
    expect(lines[0]).toBe(
      '| market | traders | seeds | windows selecting anything (95 % bound) | seeds promoting something | seeds whose selections made money out of sample | untested in-sample leader made money out of sample (windows) | 80 %-power book Sharpe/yr |',
    );
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- |');
    // Null: two seeds, bars 4.70 and 5.49 differ so the range is printed; naive 10 + 10 of 54.
    expect(lines[2]).toBe(
      '| fair null, GBM, mid fills, no fees | 43,740 | 2 | 3 of 81: 3.7 % (10.5 %) | 0 of 2 | 0 of 2 | 20 of 54 | 4.70–5.49 |',
    );
    // Power: one seed promoted, one profitable; naive 20 + 10 + 10 = 40 of 81.
    expect(lines[3]).toBe(
      '| premium 0.4, Heston, f = 0.32, fees $0.65 | 43,740 | 3 | 3 of 81: 3.7 % (10.5 %) | 1 of 3 | 1 of 3 | 40 of 81 | 5.49 |',
    );
    // 5 seeds × 1.5 min of farm and promotion.
    expect(lines[5]).toBe(
      'Simulated 2022-01-04 → 2026-12-31, chain model chain-model-2; rolling windows of 6 months in sample and 2 out, group gate at α = 0.05 on split books (the best quarter of each group on the first half in sample, tested on the second) where the daily sample holds every trader, whole groups where it does not, Holm across groups, top 5 per window; seeds 1–2; compute 7.5 min (farm and promotion of every seed, cached ones included).',
    );
  });

  it('names a fair Heston null as such', () => {
    const s = summary('null-heston', [seed(3, { scenario: 'null-heston' })]);
    s.settings.sim.model = 'heston';
    expect(renderHonestyMarkdown([s]).split('\n')[2]).toMatch(
      /^\| fair null, Heston, mid fills, no fees \| /,
    );
  });
});

describe('seedRanges', () => {
  it('folds runs of consecutive seeds', () => {
    expect(seedRanges([5, 1, 2, 3, 7, 8])).toBe('1–3, 5, 7–8');
    expect(seedRanges([1001])).toBe('1001');
    expect(seedRanges([])).toBe('none');
  });
});
