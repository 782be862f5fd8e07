import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';

const GRID = new URL('../fixtures/grids/small.json', import.meta.url).pathname;

/** A context over a fresh database and the replay backtest promotion tests read (small grid, 2025-03-03 → 05-30, seed 5). */
export interface PromoteBacktest {
  ctx: AppContext;
  runId: string;
  close(): void;
}

function promoteContext(): { ctx: AppContext; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-promote-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({}));
  const ctx = new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: config },
    flags: { db: join(dir, 'a.db') },
    appVersion: 'test',
    clock: ManualClock.at('2026-11-25T12:00:00Z'),
  });
  return { ctx, dir };
}

export async function promoteBacktest(): Promise<PromoteBacktest> {
  const { ctx, dir } = promoteContext();
  const r = await farmBacktest(ctx, {
    source: 'replay',
    from: '2025-03-03',
    to: '2025-05-30',
    gridFile: GRID,
    engine: 'js',
    seed: 5,
  });
  return {
    ctx,
    runId: r.runId,
    close: () => {
      ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
