import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import DbPrune from '../../src/commands/db/prune.js';
import RunsList from '../../src/commands/runs/list.js';
import RunsRm from '../../src/commands/runs/rm.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { openStore } from '../support/notify.js';
import { runCommand } from '../support/run-command.js';

let dir: string;
let env: Record<string, string>;
let runId: string;
let liveId: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-hk-cmd-'));
  const db = join(dir, 'argus.db');
  env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: db, ARGUS_FAKE_NOW: '2026-03-02T15:00:00Z' };
  const store = openStore(db, ManualClock.at('2026-01-05T15:00:00Z'));
  const run = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} });
  store.setRunStatus(run.id, 'completed');
  new CheckpointFiles(store.db).write(run.id, 1, [Buffer.alloc(4096)]);
  runId = run.id;
  liveId = store.liveRun('t').id;
  store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function ok(cmd: Parameters<typeof runCommand>[0], argv: string[]) {
  const r = await runCommand(cmd, argv, env);
  if (r.error) throw r.error;
  return r;
}

describe('housekeeping commands', () => {
  it('runs list --json', async () => {
    const { out } = await ok(RunsList, ['--json']);
    const parsed = JSON.parse(out);
    expect(parsed.runs.map((r: { id: string }) => r.id)).toEqual([liveId, runId]);
    expect(parsed.runs[1]).toMatchObject({
      kind: 'replay',
      status: 'completed',
      checkpointBytes: 4096,
      live: false,
    });
  });

  it('runs list prints a table', async () => {
    const { out } = await ok(RunsList, []);
    expect(out).toContain(runId.slice(0, 8));
    expect(out).toContain('4.0 KB');
  });

  it('runs rm --dry-run prints what would go and changes nothing; then removes', async () => {
    const dry = await ok(RunsRm, [runId.slice(0, 8), '--dry-run']);
    expect(dry.out).toContain(`Run ${runId}: replay, completed`);
    expect(dry.out).toMatch(/Deletes: 0 positions, 0 trader stats rows, .* 1 checkpoint files \(4\.0 KB\)/);
    expect(dry.out).toContain('Dry run: nothing deleted.');
    const list = JSON.parse((await ok(RunsList, ['--json'])).out);
    expect(list.runs).toHaveLength(2);

    const done = await ok(RunsRm, [runId.slice(0, 8), '--json']);
    expect(JSON.parse(done.out)).toMatchObject({ removed: true, dryRun: false, freedCheckpointBytes: 4096 });
    expect(JSON.parse((await ok(RunsList, ['--json'])).out).runs).toHaveLength(1);
  });

  it('runs rm refuses the live run without --force (usage error)', async () => {
    const r = await runCommand(RunsRm, [liveId, '--json'], env);
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(r.out).error.message).toMatch(/not removing run .*live farm run/);
    const dry = await ok(RunsRm, [liveId, '--dry-run']);
    expect(dry.out).toMatch(/Without --force this would be refused: it is the live farm run/);
  });

  it('db prune --dry-run lists, then db prune deletes and reports the space freed', async () => {
    const dry = await ok(DbPrune, ['--before', '2026-02-01', '--dry-run']);
    expect(dry.out).toContain('1 completed/failed backtest runs');
    expect(dry.out).toContain(runId.slice(0, 8));
    expect(dry.out).toContain('1 checkpoint files (4.0 KB)');
    expect(dry.out).toContain('Dry run: nothing deleted.');

    const { out } = await ok(DbPrune, ['--before', '2026-02-01']);
    expect(out).toContain('Deleted 1 runs, 0 gap snapshots, 0 notifications, 1 checkpoint files.');
    expect(out).toMatch(/Database .* → .* \(with WAL\); freed .* in all/);
    const json = JSON.parse((await ok(DbPrune, ['--before', '2026-02-01', '--json'])).out);
    expect(json).toMatchObject({ dryRun: false, deleted: { runs: 0 }, vacuum: { ok: true } });
  });

  it('db prune refuses a bad or future date', async () => {
    const bad = await runCommand(DbPrune, ['--before', '2026-02-30', '--json'], env);
    expect((bad.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    const future = await runCommand(DbPrune, ['--before', '2026-03-03', '--json'], env);
    expect(JSON.parse(future.out).error.message).toMatch(/in the future/);
  });
});
