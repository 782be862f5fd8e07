import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmLiveStep } from '../../src/services/farm-live.js';
import { startCli } from '../support/cli.js';
import { type FakeProviders, startFakeProviders } from '../support/fake-providers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-exits-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
let providers: FakeProviders;
beforeAll(async () => {
  providers = await startFakeProviders();
});
afterAll(async () => {
  await providers.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** All started at once, as cron would on an overloaded minute. */
function together(commands: string[][], env: Record<string, string>): Promise<Exit[]> {
  return Promise.all(
    commands.map((args) => {
      const child = startCli(args, env);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      return new Promise<Exit>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
    }),
  );
}

function query<T>(db: string, sql: string): T {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).get() as T;
  } finally {
    d.close();
  }
}

describe('overlapping cron steps (subprocess, live source against local fake providers)', () => {
  it('a new user: two `farm exits` in the same second both exit 0 and create nothing', async () => {
    const db = join(dir, 'new.db');
    const env = {
      ...providers.env,
      ARGUS_DB: db,
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_FAKE_NOW: '2026-02-11T17:35:00Z',
    };
    const rs = await together(
      [
        ['farm', 'exits'],
        ['farm', 'exits'],
      ],
      env,
    );
    for (const r of rs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        '2026-02-11 12:35 ET live farm nothing is open: the live farm has not started (`argus farm run` starts it)\n',
      );
    }
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM runs').n).toBe(0);
  });

  it('20 `farm exits` and `expire` at once beside a live farm: all exit 0, one step each, nothing twice', async () => {
    const db = join(dir, 'live.db');
    // The live farm, started through the same path from replayed history (the small grid).
    const seed = new AppContext({
      dataDir: dir,
      configDir: dir,
      env: { ARGUS_CONFIG: join(dir, 'none.json') },
      flags: { db },
      appVersion: 'test',
      clock: ManualClock.at('2025-03-10T15:00:00Z'),
    });
    const first = await farmLiveStep(seed, {
      mode: 'full',
      engine: 'js',
      gridFile: grid,
      sourceKind: 'replay',
    });
    seed.close();
    expect(first.opened.length).toBeGreaterThan(10);

    const env = {
      ...providers.env,
      ARGUS_DB: db,
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_FAKE_NOW: '2026-02-11T17:35:00Z',
    };
    const commands = Array.from({ length: 20 }, (_, i) =>
      i % 4 === 3 ? ['expire', '--json'] : ['farm', 'exits', '--force', '--json'],
    );
    const rs = await together(commands, env);
    expect(rs.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    expect(rs.map((r) => r.stderr).join('')).not.toMatch(/SQLITE_BUSY|ENOENT/);
    const out = rs.map(
      (r) => JSON.parse(r.stdout) as { mode: string; status: string; runId: string; step: number },
    );
    const count = (mode: string, status: string) =>
      out.filter((o) => o.mode === mode && o.status === status).length;
    expect([count('exits', 'done'), count('exits', 'already-done')]).toEqual([1, 14]);
    expect([count('expire', 'done'), count('expire', 'already-done')]).toEqual([1, 4]);
    for (const o of out) expect(o.runId).toBe(first.runId);
    // The seed's step, one exits step and one expire step.
    expect(query<{ n: number }>(db, 'SELECT steps_done AS n FROM farm_runs').n).toBe(3);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM live_steps').n).toBe(3);
    // Every position closed at most once, its P&L counted once: closed rows = opened − still open.
    const rows = query<{ closed: number; open: number; total: number }>(
      db,
      "SELECT sum(status = 'closed') AS closed, sum(status = 'open') AS open, count(*) AS total FROM positions",
    );
    expect(rows.total).toBe(first.opened.length);
    expect(rows.closed + rows.open).toBe(rows.total);
    expect(query<{ integrity_check: string }>(db, 'PRAGMA integrity_check').integrity_check).toBe('ok');
  });
});
