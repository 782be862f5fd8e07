import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-farm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 20 } }));
const args = [
  'farm',
  'run',
  '--source',
  'replay',
  '--from',
  '2025-01-02',
  '--to',
  '2025-04-30',
  '--grid',
  grid,
  '--engine',
  'js',
];

function stats(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare('SELECT * FROM trader_stats ORDER BY trader_id')
      .all()
      .map((r) => ({ ...(r as object), run_no: 0 }));
  } finally {
    d.close();
  }
}

function stepsDone(db: string): number {
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (d.prepare('SELECT max(steps_done) AS n FROM farm_runs').get() as { n: number | null }).n ?? 0;
    } finally {
      d.close();
    }
  } catch {
    return 0;
  }
}

describe('argus farm run (subprocess)', () => {
  it('a replay killed with kill -9 and resumed matches the uninterrupted run', async () => {
    const clean = join(dir, 'clean.db');
    const full = runCli([...args, '--json'], { ARGUS_DB: clean, ARGUS_CONFIG: config });
    expect(full.status, full.stderr).toBe(0);
    const fullJson = JSON.parse(full.stdout);
    expect(fullJson.status).toBe('completed');

    const crashed = join(dir, 'crashed.db');
    const child = startCli([...args, '--json'], { ARGUS_DB: crashed, ARGUS_CONFIG: config });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (_c, sig) => resolve(sig === 'SIGKILL' ? -9 : _c)),
    );
    // Kill once it is well past a checkpoint but far from the end.
    for (let i = 0; i < 3000 && stepsDone(crashed) < 130; i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const d = new Database(crashed, { readonly: true });
    const run = d.prepare("SELECT id, status FROM runs WHERE kind = 'replay'").get() as {
      id: string;
      status: string;
    };
    const done = (d.prepare('SELECT steps_done FROM farm_runs').get() as { steps_done: number }).steps_done;
    d.close();
    expect(run.status).toBe('running');
    expect(done).toBeLessThan(fullJson.steps);

    const resumed = runCli(['farm', 'run', '--resume', run.id, '--json'], {
      ARGUS_DB: crashed,
      ARGUS_CONFIG: config,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    const r = JSON.parse(resumed.stdout);
    expect(r.status).toBe('completed');
    expect(r.summary).toEqual(fullJson.summary);
    expect(stats(crashed)).toEqual(stats(clean));
  });

  it('bad input: a clear error and exit code 2, nothing written', () => {
    const db = join(dir, 'bad.db');
    const r = runCli(['farm', 'run', '--source', 'replay', '--from', '2025-13-01'], {
      ARGUS_DB: db,
      ARGUS_CONFIG: config,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--from .*2025-13-01/);
    const g = join(dir, 'bad-grid.json');
    writeFileSync(g, JSON.stringify({ symbol: ['IBIT'], dte: [7] }));
    const r2 = runCli(['farm', 'run', '--source', 'replay', '--grid', g], {
      ARGUS_DB: db,
      ARGUS_CONFIG: config,
    });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/invalid grid at "warmthFloor"/);
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    d.close();
  });
});

describe('Ctrl-C during a backtest', () => {
  it('finishes the step, marks the run interrupted, prints the resume command and exits 130; the resume completes', async () => {
    const db = join(dir, 'sigint.db');
    const p = startCli([...args, '--db', db], { ARGUS_CONFIG: config });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no progress: ${err}`)), 60_000);
      const check = () => {
        if (/^\d+% step/m.test(err)) {
          clearTimeout(t);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
    p.kill('SIGINT');
    expect(await exited).toBe(130);
    const m = /continue it with `argus farm run --resume ([0-9a-f]{8})`/.exec(err);
    expect(m, err).not.toBeNull();
    const list = JSON.parse(runCli(['runs', 'list', '--db', db, '--json'], { ARGUS_CONFIG: config }).stdout);
    expect(list.runs[0].status).toBe('interrupted');
    const resumed = runCli(['farm', 'run', '--resume', m![1], '--db', db, '--json'], {
      ARGUS_CONFIG: config,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe('completed');
  }, 120_000);
});
