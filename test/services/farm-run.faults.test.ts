import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-run-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 10 } }));

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

const req = {
  source: 'replay' as const,
  from: '2025-03-03',
  to: '2025-03-21',
  gridFile: grid,
  engine: 'js' as const,
  seed: 3,
};

describe('a backtest stopped by a full disk', () => {
  it('is marked interrupted, and --resume after space is freed ends with what an uninterrupted run gives', async () => {
    const clean = ctx(join(dir, 'clean.db'));
    const full = await farmBacktest(clean, req);

    const c = ctx(join(dir, 'full.db'));
    const db = c.store().db;
    // SQLite's own size cap stands in for a full disk: the same SQLITE_FULL a write meets there.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 4}`);
    await expect(farmBacktest(c, req)).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    const run = db.prepare("SELECT id, status FROM runs WHERE kind = 'replay'").get() as {
      id: string;
      status: string;
    };
    expect(run.status).toBe('interrupted');

    db.pragma('max_page_count = 1073741823');
    const resumed = await farmBacktest(c, { ...req, resumeRunId: run.id });
    expect(resumed.status).toBe('completed');
    expect(resumed.summary).toEqual(full.summary);
    expect(db.prepare('SELECT status FROM runs WHERE id = ?').get(run.id)).toEqual({ status: 'completed' });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    clean.close();
    c.close();
  });
});
