import { join } from 'node:path';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmLiveStep } from '../../src/services/farm-live.js';

/** 128 traders in 8 groups of 16: the live farm's tests' grid. */
export const SMALL_GRID = new URL('../fixtures/grids/small.json', import.meta.url).pathname;

/** A context over database `db` in `dir`, its clock stopped at `iso`, with no config file. */
export function liveContext(dir: string, db: string, iso: string): AppContext {
  return new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: join(dir, 'none.json') },
    flags: { db },
    appVersion: 'test',
    clock: ManualClock.at(iso),
  });
}

/** One live step on the replayed market through the live path. */
export const liveStep = (c: AppContext, mode: 'full' | 'exits' | 'expire', gridFile?: string) =>
  farmLiveStep(c, { mode, engine: 'js', gridFile, sourceKind: 'replay' });

/** One live step at `iso` in its own context (a full step starts the farm on the small grid). */
export async function liveStepAt(dir: string, db: string, iso: string, mode: 'full' | 'exits' | 'expire') {
  const c = liveContext(dir, db, iso);
  try {
    return await liveStep(c, mode, mode === 'full' ? SMALL_GRID : undefined);
  } finally {
    c.close();
  }
}
