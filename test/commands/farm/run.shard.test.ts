import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import FarmRun from '../../../src/commands/farm/run.js';
import Leaderboard from '../../../src/commands/leaderboard.js';
import Promote from '../../../src/commands/promote.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-farm-shard-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
// A checkpoint every 3 steps: the resume below starts from one, with the shard's own state.
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 3 } }));
const env = (db: string) => ({ ARGUS_CONFIG: config, ARGUS_DB: db });
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

function stored(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return {
      provenance: JSON.parse((d.prepare('SELECT provenance_json AS p FROM runs').get() as { p: string }).p),
      traders: (d.prepare('SELECT traders FROM farm_runs').get() as { traders: number }).traders,
      rows: d.prepare('SELECT * FROM trader_stats ORDER BY trader_id').raw().all() as unknown[][],
      shard: d.prepare('SELECT trader_from, trader_to, length(entries) AS bytes FROM farm_shards').get(),
    };
  } finally {
    d.close();
  }
}

describe('argus farm run --shard', () => {
  it('runs the traders of its shard alone, under their grid ids, and says so', async () => {
    const db = join(dir, 'whole.db');
    const r = await runCommand(FarmRun, [...args, '--shard', '2/2', '--json'], env(db));
    expect(r.error).toBeNull();
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      status: 'completed',
      traders: 64,
      shard: { index: 2, of: 2, from: 64, to: 128 },
    });
    expect(
      j.top.every(
        (t: { trader: number; config: { id: number } }) => t.trader >= 64 && t.config.id === t.trader,
      ),
    ).toBe(true);
    const s = stored(db);
    expect(s.provenance.shard).toEqual({ index: 2, of: 2, from: 64, to: 128 });
    expect(s.provenance.gridHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.traders).toBe(64);
    expect(s.rows.map((x) => x[1])).toEqual(Array.from({ length: 64 }, (_, i) => 64 + i));
    // Two int32 per trader kept for the merge.
    expect(s.shard).toEqual({ trader_from: 64, trader_to: 128, bytes: 256 });
  });

  it('resumed from a checkpoint, a shard ends with what it gives uninterrupted', async () => {
    const db = join(dir, 'resumed.db');
    const part = await runCommand(
      FarmRun,
      [...args, '--shard', '2/2', '--stop-after', '7', '--json'],
      env(db),
    );
    const id = JSON.parse(part.out).runId as string;
    const r = await runCommand(FarmRun, ['--resume', id, '--json'], env(db));
    expect(r.error).toBeNull();
    expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', shard: { index: 2, of: 2 } });
    expect(stored(db).rows).toEqual(
      stored(join(dir, 'whole.db')).rows.map((x) => [expect.any(Number), ...x.slice(1)]),
    );
  });

  it('refuses --shard on a live step, beside --resume, and past one trader per shard', async () => {
    const db = join(dir, 'refused.db');
    const live = await runCommand(FarmRun, ['--source', 'live', '--shard', '1/2', '--json'], env(db));
    expect(exitCode(live.error)).toBe(2);
    expect(JSON.parse(live.out).error.message).toBe(
      '--shard splits a backtest over processes, but this is a live farm step (the source is live)',
    );
    const both = await runCommand(FarmRun, ['--resume', 'latest', '--shard', '1/2', '--json'], env(db));
    expect(JSON.parse(both.out).error.message).toMatch(/^--shard and --resume together/);
    const many = await runCommand(FarmRun, [...args, '--shard', '1/129', '--json'], env(db));
    expect(exitCode(many.error)).toBe(2);
    expect(JSON.parse(many.out).error.message).toBe(
      '--shard 1/129 splits 128 traders into more shards than traders',
    );
  });

  it('a shard run is labelled as one by the leaderboard and refused by promote', async () => {
    const db = join(dir, 'judged.db');
    expect((await runCommand(FarmRun, [...args, '--shard', '1/2', '--json'], env(db))).error).toBeNull();
    const board = await runCommand(Leaderboard, ['--limit', '3'], env(db));
    expect(board.error).toBeNull();
    expect(board.out).toContain('shard 1/2: traders 0–63 only');
    const p = await runCommand(Promote, ['--dry-run', '--json'], env(db));
    expect(exitCode(p.error)).toBe(2);
    const e = JSON.parse(p.out).error as { message: string; hint?: string };
    expect(e.message).toMatch(/shard 1\/2 of a run split with --shard: the judge needs the whole grid/);
    expect(e.hint).toMatch(/argus farm merge OUT\.db SHARD\.db/);
  });
});
