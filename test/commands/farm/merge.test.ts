import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import FarmMerge from '../../../src/commands/farm/merge.js';
import FarmRun from '../../../src/commands/farm/run.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-farm-merge-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../../fixtures/grids/small.json', import.meta.url).pathname;
const env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: join(dir, 'default.db') };
const exitCode = (e: unknown) => (e as { oclif?: { exit?: number } } | null)?.oclif?.exit;
const args = [
  '--source',
  'sim',
  '--from',
  '2025-03-03',
  '--to',
  '2025-03-07',
  '--grid',
  grid,
  '--engine',
  'js',
];
const shard = (i: number) => join(dir, `shard-${i}.db`);

beforeAll(async () => {
  for (const i of [1, 2]) {
    const r = await runCommand(FarmRun, [...args, '--shard', `${i}/2`, '--db', shard(i), '--json'], env);
    expect(r.error).toBeNull();
  }
}, 60_000);

const rows = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT count(*) AS n FROM trader_stats').get();
  } finally {
    d.close();
  }
};

describe('argus farm merge', () => {
  it('writes the shards into OUT (the first argument, or --into) as one run of every trader', async () => {
    const out = join(dir, 'out.db');
    const r = await runCommand(FarmMerge, [out, shard(2), shard(1)], env);
    expect(r.error).toBeNull();
    expect(r.out).toMatch(
      /^Merged 2 shards into run [0-9a-f-]{36} in .*out\.db — sim 2025-03-03 → 2025-03-07, \d+ steps, 128 traders/,
    );
    expect(r.out).toContain('shard 1/2: traders 0–63');
    expect(rows(out)).toEqual({ n: 128 });
    const into = join(dir, 'into.db');
    const j = await runCommand(FarmMerge, ['--into', into, shard(1), shard(2), '--json'], env);
    expect(JSON.parse(j.out)).toMatchObject({ into, traders: 128, shards: [{ index: 1 }, { index: 2 }] });
    expect(existsSync(env.ARGUS_DB)).toBe(false);
  });

  it('refuses --db, a shard as OUT, and no shard at all, writing nothing', async () => {
    const viaDb = await runCommand(FarmMerge, ['--db', join(dir, 'x.db'), shard(1), shard(2), '--json'], env);
    expect(exitCode(viaDb.error)).toBe(2);
    expect(JSON.parse(viaDb.out).error.message).toBe(
      'farm merge writes into the database named first (or by --into), not --db',
    );
    const self = await runCommand(FarmMerge, ['--into', shard(1), shard(1), shard(2), '--json'], env);
    expect(JSON.parse(self.out).error.message).toBe(
      `${shard(1)} is both a shard and the database to merge into`,
    );
    const none = await runCommand(FarmMerge, [join(dir, 'lonely.db'), '--json'], env);
    expect(exitCode(none.error)).toBe(2);
    expect(JSON.parse(none.out).error.message).toBe(
      'farm merge needs the database to write and at least one shard database',
    );
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
    expect(existsSync(join(dir, 'lonely.db'))).toBe(false);
  });
});
