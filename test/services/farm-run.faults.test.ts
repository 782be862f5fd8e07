import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
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

const stats = (c: AppContext, runId: string) =>
  c
    .store()
    .db.prepare(
      'SELECT t.* FROM trader_stats t JOIN farm_runs f ON f.run_no = t.run_no WHERE f.run_id = ? ORDER BY trader_id',
    )
    .all(runId)
    .map((r) => ({ ...(r as object), run_no: 0 }));

describe('a backtest stopped by a signal', () => {
  it('finishes the step in flight, is marked interrupted, and resumes to what an uninterrupted run gives', async () => {
    const a = ctx(join(dir, 'a.db'));
    const full = await farmBacktest(a, req);
    const b = ctx(join(dir, 'b.db'));
    const stop = new AbortController();
    const part = await farmBacktest(b, {
      ...req,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.step === 23) stop.abort();
      },
    });
    expect(part.status).toBe('interrupted');
    expect(part.steps).toBe(23);
    expect(b.runs.getRun(part.runId)?.status).toBe('interrupted');
    // The 23 steps are committed: the run records them as done.
    expect(b.farmRuns.farmRun(part.runId)?.stepsDone).toBe(23);
    const resumed = await farmBacktest(b, { ...req, resumeRunId: part.runId.slice(0, 8) });
    expect(resumed.status).toBe('completed');
    expect(stats(b, part.runId)).toEqual(stats(a, full.runId));
    a.close();
    b.close();
  }, 120_000);

  it('a run held by another live process is refused; one left by a dead process is taken over', async () => {
    const c = ctx(join(dir, 'c.db'));
    const part = await farmBacktest(c, { ...req, stopAfterSteps: 5 });
    const hold = (pid: number) =>
      c
        .store()
        .db.prepare('UPDATE runs SET holder_pid = ?, holder_host = ? WHERE id = ?')
        .run(pid, hostname(), part.runId);
    hold(process.ppid);
    await expect(farmBacktest(c, { ...req, resumeRunId: part.runId })).rejects.toThrow(
      `run ${part.runId} is being run by process ${process.ppid} on this machine`,
    );
    hold(2 ** 22 + 7); // beyond any pid Linux hands out: that holder is gone
    const done = await farmBacktest(c, { ...req, resumeRunId: part.runId });
    expect(done.status).toBe('completed');
    c.close();
  }, 120_000);
});
