import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppContext } from '../../src/cli/context.js';
import { fmtP } from '../../src/core/judge/walk-forward.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { runHonesty, type Scenario, type SeedResult } from '../../src/services/honesty.js';

/** 256 traders, 8 trade combinations: the market build, not the traders, sets the cost. */
export const HONESTY_GRID = new URL('../fixtures/grids/honesty.json', import.meta.url).pathname;
export const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

/** The context an honesty study runs from: an empty config in `dir`, its clock after the simulated years. */
export function honestyContext(dir: string): AppContext {
  const config = join(dir, 'config.json');
  writeFileSync(config, '{}');
  return new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: config },
    flags: {},
    appVersion: 'test',
    clock: ManualClock.at('2027-01-05T12:00:00Z'),
  });
}

/** One seed of the honesty test: a two-year simulated farm run, then the walk-forward promotion. */
export async function honestySeed(
  scenario: Scenario,
  seed: number,
): Promise<SeedResult & { wallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), `argus-honesty-${scenario}-`));
  const t0 = performance.now();
  try {
    // Each seed's context is opened from this one, on its own database in dir.
    const ctx = honestyContext(dir);
    const s = await runHonesty(ctx, {
      scenario,
      seeds: [seed],
      gridFile: HONESTY_GRID,
      engine: 'js',
      workDir: dir,
    });
    return { ...s.results[0], wallMs: performance.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeSeed(r: SeedResult & { wallMs: number }): string {
  return (
    `${r.scenario} seed ${r.seed}: promoted [${r.promoted.join(', ')}], selections in ${r.windowsWithSelection}/${r.windows} windows, ` +
    `OOS $${r.oosPnlUsd.toFixed(0)}, min p ${r.minP.map(fmtP).join(' ')}, N_eff ${r.nEff.map((n) => Math.round(n)).join(' ')}, ` +
    `naive leader OOS+ ${r.naive.positive}/${r.naive.windows}, ${(r.wallMs / 1000).toFixed(1)} s`
  );
}
