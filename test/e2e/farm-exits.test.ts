import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { type FakeProviders, startFakeProviders } from '../support/fake-providers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-exits-'));
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
    // Nor do the other read-mostly cron commands: expire and review.
    const [expire, review] = await together(
      [
        ['expire', '--json'],
        ['review', '--json'],
      ],
      env,
    );
    expect(expire.code, expire.stderr).toBe(0);
    expect(JSON.parse(expire.stdout).status).toBe('nothing-open');
    expect(review.code, review.stderr).toBe(0);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM runs').n).toBe(0);
  });

  it('two first `farm run` steps at once on a new database: one live run, one step, both exit 0', async () => {
    const db = join(dir, 'first.db');
    const env = {
      ...providers.env,
      ARGUS_DB: db,
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_FAKE_NOW: '2026-02-11T17:35:00Z',
    };
    const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
    const args = ['farm', 'run', '--grid', grid, '--engine', 'js', '--json'];
    const rs = await together([args, args], env);
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    expect(rs.map((r) => JSON.parse(r.stdout).status).sort()).toEqual(['already-done', 'done']);
    expect(query<{ n: number }>(db, "SELECT count(*) AS n FROM runs WHERE kind = 'live'").n).toBe(1);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM live_steps').n).toBe(1);
  });
});
