import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, typed by its use here
import { recorded, runCase, sameAsRecorded } from '../../scripts/golden.mjs';
import { ROOT } from '../support/cli.js';

type Digest = Record<string, unknown> & { series: string[] };
const run = runCase as (name: string, extra?: string[], env?: Record<string, string>) => Digest;

/**
 * The results a run stores (trader_stats, the steps, the monthly P&L and the daily sample, the
 * summary) are bit for bit those of main at 8c1ab10 (history merged, before the speed-ups), recorded in test/fixtures/golden/results.json
 * by scripts/golden.mjs. The shipped-grid cases (replay-2w, sim-1w) take minutes: `node
 * scripts/golden.mjs check` runs them all.
 */
describe('golden results', () => {
  it('a small-grid replay and sim run store exactly what main stored', () => {
    const r = spawnSync(process.execPath, ['scripts/golden.mjs', 'check', 'replay-small', 'sim-small'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/replay-small: identical/);
    expect(r.stdout).toMatch(/sim-small: identical/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('one thread or three, a run stores the same results, the group series included', () => {
    const want = recorded() as Record<string, Digest>;
    for (const name of ['replay-small', 'sim-small']) {
      const one = run(name, [], { ARGUS_FARM_WORKERS: '1' });
      const three = run(name, [], { ARGUS_FARM_WORKERS: '3' });
      expect(sameAsRecorded(one, want[name]), name).toBe(true);
      expect(sameAsRecorded(three, want[name]), name).toBe(true);
      expect(three.series.length, name).toBeGreaterThanOrEqual(2);
      expect(three.series, name).toEqual(one.series);
    }
  });
});
