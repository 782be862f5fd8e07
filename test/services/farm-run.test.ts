import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 10 } }));

function ctx(db: string, configFile = config, clock = ManualClock.at('2026-11-25T12:00:00Z')): AppContext {
  return new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: configFile },
    flags: { db },
    appVersion: 'test',
    clock,
  });
}

function stats(c: AppContext, runId: string) {
  return c
    .store()
    .db.prepare(
      `SELECT t.* FROM trader_stats t JOIN farm_runs f ON f.run_no = t.run_no WHERE f.run_id = ? ORDER BY trader_id`,
    )
    .all(runId)
    .map((r) => ({ ...(r as object), run_no: 0 }));
}

describe('farm backtest checkpoint and resume', () => {
  it('a run stopped mid-way and resumed ends with exactly what an uninterrupted run gives', async () => {
    const req = {
      source: 'replay' as const,
      from: '2025-03-03',
      to: '2025-03-21',
      gridFile: grid,
      engine: 'js' as const,
      seed: 3,
    };
    const a = ctx(join(dir, 'a.db'));
    const full = await farmBacktest(a, req);
    expect(full.status).toBe('completed');
    expect(full.summary.closed).toBeGreaterThan(100);

    const b = ctx(join(dir, 'b.db'));
    const part = await farmBacktest(b, { ...req, stopAfterSteps: 37 });
    expect(part.status).toBe('stopped');
    // A checkpoint at step 29 (every 10 steps) exists as a file beside the database.
    expect(readdirSync(join(dir, 'b.db.checkpoints')).some((f) => f.startsWith(`${part.runId}.29.`))).toBe(
      true,
    );
    const resumed = await farmBacktest(b, { ...req, resumeRunId: part.runId });
    expect(resumed.status).toBe('completed');
    expect(resumed.runId).toBe(part.runId);
    expect(stats(b, part.runId)).toEqual(stats(a, full.runId));
    expect(resumed.summary).toEqual(full.summary);
    // Completed runs leave no checkpoint files behind.
    expect(readdirSync(join(dir, 'b.db.checkpoints')).filter((f) => f.startsWith(part.runId))).toEqual([]);
    a.close();
    b.close();
  });

  it("without a step count it checkpoints by the run's own time, and resumes to the same results", async () => {
    const req = {
      source: 'replay' as const,
      from: '2025-03-03',
      to: '2025-03-21',
      gridFile: grid,
      engine: 'js' as const,
      seed: 3,
    };
    const full = await farmBacktest(ctx(join(dir, 'c.db')), req);
    const timed = join(dir, 'timed.json');
    writeFileSync(timed, JSON.stringify({ farm: { checkpointSeconds: 10 } }));
    const files = (db: string, runId: string) =>
      readdirSync(`${db}.checkpoints`).filter((f) => f.startsWith(`${runId}.`));

    // Each step takes one second of the run's clock: checkpoints fall at steps 10 and 20 (the first pruned).
    const clock = ManualClock.at('2026-11-25T12:00:00Z');
    const d = ctx(join(dir, 'd.db'), timed, clock);
    const part = await farmBacktest(d, { ...req, stopAfterSteps: 25, onProgress: () => clock.advance(1000) });
    expect(files(join(dir, 'd.db'), part.runId).map((f) => f.split('.')[1])).toEqual(['20']);
    expect((await farmBacktest(d, { ...req, resumeRunId: part.runId })).summary).toEqual(full.summary);

    // A quick run (no time passes) writes none: a resume starts again from the first step.
    const e = ctx(join(dir, 'e.db'), timed);
    const quick = await farmBacktest(e, { ...req, stopAfterSteps: 25 });
    expect(files(join(dir, 'e.db'), quick.runId)).toEqual([]);
    const again = await farmBacktest(e, { ...req, resumeRunId: quick.runId });
    expect(again.summary).toEqual(full.summary);
    expect(stats(e, quick.runId)).toEqual(stats(d, part.runId));
  });

  it('a resumed replay uses the IV shift recorded with its run, not the config of the day', async () => {
    const shifted = join(dir, 'shifted.json');
    writeFileSync(shifted, JSON.stringify({ farm: { checkpointEvery: 5 }, replay: { ivShift: -2 } }));
    const at = (db: string, cfg: string) =>
      new AppContext({
        dataDir: dir,
        configDir: dir,
        env: { ARGUS_CONFIG: cfg },
        flags: { db },
        appVersion: 'test',
        clock: ManualClock.at('2026-11-25T12:00:00Z'),
      });
    const req = {
      source: 'replay' as const,
      from: '2025-03-03',
      to: '2025-03-07',
      gridFile: grid,
      engine: 'js' as const,
      seed: 3,
    };
    const a = at(join(dir, 'shift-full.db'), shifted);
    const full = await farmBacktest(a, req);
    const b = at(join(dir, 'shift-part.db'), shifted);
    const part = await farmBacktest(b, { ...req, stopAfterSteps: 12 });
    expect(part.status).toBe('stopped');
    b.close();
    // resumed under a config without the shift
    const c = at(join(dir, 'shift-part.db'), config);
    const resumed = await farmBacktest(c, { ...req, resumeRunId: part.runId });
    expect(resumed.label).toContain('at its IV level -2 vp');
    expect(stats(c, part.runId)).toEqual(stats(a, full.runId));
    a.close();
    c.close();
  });

  it("refuses a replay window outside the data, stating each field's coverage", async () => {
    const c = ctx(join(dir, 'c.db'));
    await expect(
      farmBacktest(c, {
        source: 'replay',
        from: '2026-01-05',
        to: '2026-03-31',
        gridFile: grid,
        engine: 'js',
        seed: 1,
      }),
    ).rejects.toThrow(
      /does not cover 2026-01-05 → 2026-03-31: btcSpot, funding8h missing\. Coverage:\n.*btcSpot: /s,
    );
    c.close();
  });
});
