import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest, REPLAY_WINDOW } from '../../src/services/farm-run.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({}));

function ctx(db: string): AppContext {
  return new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: config },
    flags: { db },
    appVersion: 'test',
    clock: ManualClock.at('2026-11-25T12:00:00Z'),
  });
}

describe('replay through the 2022 bear market', () => {
  it('the default replay window is 2022-01-03 → 2026-02-12', () => {
    expect(REPLAY_WINDOW).toEqual({ from: '2022-01-03', to: '2026-02-12' });
  });

  it('November 2022 (FTX, IBIT derived at about $9, chains before the listing): trades close with stops', async () => {
    const c = ctx(join(dir, 'nov.db'));
    const r = await farmBacktest(c, {
      source: 'replay',
      from: '2022-11-01',
      to: '2022-11-30',
      gridFile: grid,
      engine: 'js',
      seed: 1,
    });
    expect(r.status).toBe('completed');
    // 21 sessions (Thanksgiving closed, 11-25 closes at 13:00): hourly steps 10:00 … the close
    expect(r.steps).toBe(144);
    expect(r.summary.exitsByReason.stop).toBeGreaterThan(0);
    expect(r.summary.exitsByReason.profit_target).toBeGreaterThan(0);
    expect(r.summary.closed).toBeGreaterThanOrEqual(
      Object.values(r.summary.exitsByReason).reduce((a, b) => a + b, 0),
    );
    c.close();
  });
});
