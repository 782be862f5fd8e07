import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import DbPrune from '../../../src/commands/db/prune.js';
import { type HousekeepingDb, housekeepingDb } from '../../support/housekeeping-db.js';
import { runCommand } from '../../support/run-command.js';

let h: HousekeepingDb;
beforeEach(() => {
  h = housekeepingDb();
});
afterEach(() => h.remove());

describe('db prune', () => {
  it('db prune --dry-run lists, then db prune deletes and reports the space freed', async () => {
    const dry = await h.ok(DbPrune, ['--before', '2026-02-01', '--dry-run']);
    expect(dry.out).toContain('1 completed/failed backtest runs');
    expect(dry.out).toContain(h.runId.slice(0, 8));
    expect(dry.out).toContain('1 checkpoint files (4.0 KB)');
    expect(dry.out).toContain('Dry run: nothing deleted.');

    const { out } = await h.ok(DbPrune, ['--before', '2026-02-01']);
    expect(out).toContain('Deleted 1 runs, 0 gap snapshots, 0 notifications, 1 checkpoint files.');
    expect(out).toMatch(/Database .* → .* \(with WAL\); freed .* in all/);
    const json = JSON.parse((await h.ok(DbPrune, ['--before', '2026-02-01', '--json'])).out);
    expect(json).toMatchObject({ dryRun: false, deleted: { runs: 0 }, vacuum: { ok: true } });
  });

  it('db prune refuses a bad or future date', async () => {
    const bad = await runCommand(DbPrune, ['--before', '2026-02-30', '--json'], h.env);
    expect((bad.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    const future = await runCommand(DbPrune, ['--before', '2026-03-03', '--json'], h.env);
    expect(JSON.parse(future.out).error.message).toMatch(/in the future/);
  });
});
