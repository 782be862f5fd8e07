import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';
import { promoteRun } from '../../src/services/promote.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-promote-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
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
let runId = '';

beforeAll(async () => {
  const r = await farmBacktest(ctx, {
    source: 'replay',
    from: '2025-03-03',
    to: '2025-05-30',
    gridFile: grid,
    engine: 'js',
    seed: 5,
  });
  runId = r.runId;
}, 120_000);
afterAll(() => {
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('argus promote on a recorded run', () => {
  it('too short for the default windows: insufficient data, nothing recorded', async () => {
    const r = await promoteRun(ctx, { run: 'latest', dryRun: false });
    expect(r.status).toBe('insufficient data');
    expect(r.evalId).toBeNull();
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
  });

  it('takes a run reference: latest, the id or a unique prefix of it', async () => {
    const r = await promoteRun(ctx, { run: runId.slice(0, 8), dryRun: true });
    expect(r.runId).toBe(runId);
    await expect(promoteRun(ctx, { run: 'live', dryRun: true })).rejects.toThrow(/^no run live$/);
  });

  it('refuses bad parameters as a usage error', async () => {
    await expect(promoteRun(ctx, { run: runId, dryRun: true, alpha: 1.5 })).rejects.toThrow(
      /alpha must be in \(0, 1\)/,
    );
    await expect(promoteRun(ctx, { run: 'no-such-run', dryRun: true })).rejects.toThrow(/no run no-such-run/);
  });

  it('records evaluations, trial counts and promotions; the recommendation reads the active set', async () => {
    // Short windows and a loose α so that this 3-month replay promotes something: plumbing, not evidence.
    const req = {
      run: runId,
      isMonths: 1,
      oosMonths: 1,
      minDays: 0,
      minTrades: 1,
      minPnlUsd: 0,
      alpha: 0.9,
      top: 2,
    };
    const dry = await promoteRun(ctx, { ...req, dryRun: true });
    expect(dry.status).toBe('ok');
    expect(dry.windows).toHaveLength(2);
    expect(dry.evalId).toBeNull();
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
    const r = await promoteRun(ctx, { ...req, dryRun: false });
    expect(r.promoted.map((p) => p.trader)).toEqual(dry.promoted.map((p) => p.trader));
    expect(r.promoted.length).toBeGreaterThan(0);
    const configs = ctx.promotions.promotedConfigs();
    expect(configs).toHaveLength(r.promoted.length);
    expect(configs[0].label).toMatch(
      new RegExp(`^promoted trader ${r.promoted[0].trader} \\(run ${runId.slice(0, 8)}…, DSR p `),
    );
    expect(configs[0].dte).toBe(r.promoted[0].config.dte);
    const trials = ctx.promotions.trialCounts(runId);
    expect(trials.map((t) => [t.isFrom, t.isTo])).toEqual([
      ['2025-03', '2025-03'],
      ['2025-04', '2025-04'],
    ]);
    expect(trials[0].sampleSize).toBe(128);
    // A strict re-evaluation promotes nothing and retires the earlier promotions.
    const strict = await promoteRun(ctx, { ...req, alpha: 1e-12, dryRun: false });
    expect(strict.promoted).toEqual([]);
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
    const n = ctx
      .store()
      .db.prepare('SELECT count(*) AS n FROM promotion_evals WHERE run_id = ?')
      .get(runId) as { n: number };
    expect(n.n).toBe(2);
  }, 120_000);
});
