import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmLiveStep } from '../../src/services/farm-live.js';
import { runCli, startCli } from '../support/cli.js';
import { type FakeProviders, startFakeProviders } from '../support/fake-providers.js';
import { FULL, report, scale, seeded } from '../support/reliability.js';

/**
 * Crash safety through the built binary: kill -9 at seeded random points of replays (and of
 * `farm exits`, `expire`), then resume; every resumed run must end with the leaderboard of an
 * uninterrupted one and the database must pass integrity_check.
 */

const dir = mkdtempSync(join(tmpdir(), 'argus-crash-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 20 } }));
const replay = [
  'farm',
  'run',
  '--source',
  'replay',
  '--from',
  '2025-03-03',
  '--to',
  '2025-04-30',
  '--grid',
  grid,
  '--engine',
  'js',
  '--json',
];
let providers: FakeProviders;
beforeAll(async () => {
  providers = await startFakeProviders();
});
afterAll(async () => {
  await providers.close();
  rmSync(dir, { recursive: true, force: true });
});

function read<T>(db: string, f: (d: Database.Database) => T): T {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return f(d);
  } finally {
    d.close();
  }
}

const leaderboard = (db: string) =>
  read(db, (d) =>
    d
      .prepare('SELECT * FROM trader_stats ORDER BY trader_id')
      .all()
      .map((r) => JSON.stringify({ ...(r as object), run_no: 0 })),
  );
const integrity = (db: string) =>
  read(db, (d) => (d.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check);

/**
 * Starts the CLI and kills it with SIGKILL `ms` after `ready` first holds (polled; at once when no
 * `ready` is given), if it is still running; resolves how it ended.
 */
async function killAfter(
  args: string[],
  env: Record<string, string>,
  ms: number,
  ready?: () => boolean,
): Promise<'killed' | number | null> {
  const child = startCli(args, env);
  child.stdout.resume();
  child.stderr.resume();
  let ended = false;
  const exit = new Promise<'killed' | number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = true;
      resolve(signal === 'SIGKILL' ? 'killed' : code);
    }),
  );
  while (ready && !ended && !ready()) await new Promise((r) => setTimeout(r, 10));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const how = await exit;
  clearTimeout(timer);
  return how;
}

/** Whether the replay's run has been recorded yet (it may not even have a database). */
function runRecorded(db: string): boolean {
  try {
    return read(db, (d) => d.prepare('SELECT 1 FROM farm_runs').get() !== undefined);
  } catch {
    return false;
  }
}

describe('crash safety (subprocess, kill -9)', () => {
  it(`${scale(4, 50)} kills at random points of replays: every resume gives the uninterrupted leaderboard`, async () => {
    const clean = join(dir, 'clean.db');
    const full = runCli(replay, { ARGUS_DB: clean, ARGUS_CONFIG: config });
    expect(full.status, full.stderr).toBe(0);
    // The run's own time, from its record to its results.
    const runMs = JSON.parse(full.stdout).elapsedMs as number;
    const want = leaderboard(clean);
    expect(want.length).toBe(128);

    const random = seeded(7);
    const kills = scale(4, 50);
    let killed = 0;
    let beforeRun = 0;
    let mismatches = 0;
    let damaged = 0;
    const points: number[] = [];
    const failures: unknown[] = [];
    for (let k = 0; k < kills; k++) {
      const db = join(dir, `crash-${k}.db`);
      const env = { ARGUS_DB: db, ARGUS_CONFIG: config };
      // Anywhere from the run's first record to past its final write (a fifth of kills land before it starts).
      const early = random() < 0.2;
      const ms = Math.round(random() * runMs * 1.2);
      const end = await killAfter(replay, env, ms, early ? undefined : () => runRecorded(db));
      if (end === 'killed') killed++;
      const run = (() => {
        try {
          return read(db, (d) =>
            d
              .prepare(
                "SELECT r.id, f.steps_done FROM runs r JOIN farm_runs f ON f.run_id = r.id WHERE r.kind = 'replay'",
              )
              .get(),
          ) as { id: string; steps_done: number } | undefined;
        } catch {
          return undefined;
        }
      })();
      if (!run) beforeRun++;
      else points.push(run.steps_done);
      const again = run
        ? runCli(['farm', 'run', '--resume', run.id.slice(0, 8), '--json'], env)
        : runCli(replay, env);
      // A run the kill missed has already completed: a resume says so, and its results stand.
      const same =
        (again.status === 0 || /already completed/.test(again.stdout + again.stderr)) &&
        JSON.stringify(leaderboard(db)) === JSON.stringify(want);
      if (!same) {
        mismatches++;
        failures.push({
          kill: k,
          ms,
          stepsDoneAtKill: run?.steps_done ?? null,
          exit: again.status,
          output: (again.stdout + again.stderr).slice(0, 300),
        });
      }
      if (integrity(db) !== 'ok') damaged++;
    }
    report({
      proof: 'crash',
      what: 'kill -9 points in replays',
      value: kills,
      target: FULL ? '≥ 50' : undefined,
      held: !FULL || kills >= 50,
    });
    report({
      proof: 'crash',
      what: 'processes actually killed mid-run',
      value: killed,
      detail: { beforeRunCreated: beforeRun, stepsDoneAtKill: points },
    });
    report({
      proof: 'crash',
      what: 'resumed leaderboards differing from the uninterrupted one',
      value: mismatches,
      target: '0',
      held: mismatches === 0,
      detail: failures,
    });
    report({
      proof: 'crash',
      what: 'integrity_check failures',
      value: damaged,
      target: '0',
      held: damaged === 0,
    });
    expect(killed).toBeGreaterThan(0);
    expect(mismatches).toBe(0);
    expect(damaged).toBe(0);
  }, 1_800_000);

  it(`${scale(2, 20)} kills during \`farm exits\` and \`expire\`: the next run steps once, the turn is not stuck`, async () => {
    const random = seeded(11);
    const rounds = scale(2, 20);
    let stuck = 0;
    let damaged = 0;
    let twice = 0;
    let killed = 0;
    for (let k = 0; k < rounds; k++) {
      const db = join(dir, `live-${k}.db`);
      const seed = new AppContext({
        dataDir: dir,
        configDir: dir,
        env: { ARGUS_CONFIG: join(dir, 'none.json') },
        flags: { db },
        appVersion: 'test',
        clock: ManualClock.at('2025-03-10T15:00:00Z'),
      });
      await farmLiveStep(seed, { mode: 'full', engine: 'js', gridFile: grid, sourceKind: 'replay' });
      seed.close();
      const env = {
        ...providers.env,
        ARGUS_DB: db,
        ARGUS_CONFIG: join(dir, 'none.json'),
        ARGUS_FAKE_NOW: '2026-02-11T17:35:00Z',
      };
      const args = k % 2 ? ['expire', '--json'] : ['farm', 'exits', '--force', '--json'];
      if ((await killAfter(args, env, Math.round(400 + random() * 1000))) === 'killed') killed++;
      const again = runCli(args, env);
      if (again.status !== 0) stuck++;
      const steps = read(
        db,
        (d) => (d.prepare('SELECT count(*) AS n FROM live_steps').get() as { n: number }).n,
      );
      // The seed's step and exactly one for the killed minute (by whichever process finished it).
      if (steps !== 2) twice++;
      if (integrity(db) !== 'ok') damaged++;
    }
    report({
      proof: 'crash',
      what: 'kill -9 during farm exits / expire',
      value: rounds,
      detail: { killedMidRun: killed },
    });
    report({
      proof: 'crash',
      what: 'next run failing after a kill (stuck turn, damaged state)',
      value: stuck,
      target: '0',
      held: stuck === 0,
    });
    report({
      proof: 'crash',
      what: 'minutes stepped other than once',
      value: twice,
      target: '0',
      held: twice === 0,
    });
    report({
      proof: 'crash',
      what: 'integrity_check failures after live kills',
      value: damaged,
      target: '0',
      held: damaged === 0,
    });
    expect([stuck, twice, damaged]).toEqual([0, 0, 0]);
  }, 1_800_000);
});
