import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadShards } from '../../src/adapters/shards/shard-pool.js';
import type { AppContext } from '../../src/cli/context.js';
import type { FarmRuns } from '../../src/core/farm/ports.js';
import { farmBacktest } from '../../src/services/farm-run.js';
import { liveContext } from '../support/live-farm.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-run-fault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// 43,740 traders: a step long enough that the threads are still in it when the commit fails.
const grid = new URL('../../data/grids/medium.json', import.meta.url).pathname;
/** The worker from the TypeScript sources (the product's runs dist/). */
const WORKER = new URL('../support/shard-worker-ts.mjs', import.meta.url);

describe('a store failure while the threads step', () => {
  it("fails the run with the store's error, marks it interrupted, and leaves no stray rejection", async () => {
    const ctx = liveContext(dir, join(dir, 'a.db'), '2026-11-25T12:00:00Z');
    // The disk fills at step 5's commit, which runs while the threads step 6.
    const full = new Error('SQLITE_FULL: database or virtual table is full');
    const runs = ctx.farmRuns;
    const failing = new Proxy(runs, {
      get(target, key) {
        if (key === 'commitStep')
          return (runId: string, row: { step: number }, cp: unknown) => {
            if (row.step >= 5) throw full;
            return target.commitStep(runId, row as never, cp as never);
          };
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as FarmRuns;
    const deps = Object.create(ctx, {
      farmRuns: { value: failing },
      farmShards: { value: () => new ThreadShards(2, WORKER) },
    }) as AppContext;
    await expect(
      farmBacktest(deps, {
        source: 'replay',
        from: '2025-03-03',
        to: '2025-03-07',
        gridFile: grid,
        engine: 'js',
        seed: 3,
      }),
    ).rejects.toBe(full);
    const status = ctx.store().db.prepare('SELECT status FROM runs').get() as { status: string };
    expect(status.status).toBe('interrupted');
    ctx.close();
  }, 60_000);
});
