import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunsList from '../../../src/commands/runs/list.js';
import RunsRm from '../../../src/commands/runs/rm.js';
import { type HousekeepingDb, housekeepingDb } from '../../support/housekeeping-db.js';
import { runCommand } from '../../support/run-command.js';

let h: HousekeepingDb;
beforeEach(() => {
  h = housekeepingDb();
});
afterEach(() => h.remove());

describe('runs rm', () => {
  it('runs rm --dry-run prints what would go and changes nothing; then removes', async () => {
    const dry = await h.ok(RunsRm, [h.runId.slice(0, 8), '--dry-run']);
    expect(dry.out).toContain(`Run ${h.runId}: replay, completed`);
    expect(dry.out).toMatch(/Deletes: 0 positions, 0 trader stats rows, .* 1 checkpoint files \(4\.0 KB\)/);
    expect(dry.out).toContain('Dry run: nothing deleted.');
    const list = JSON.parse((await h.ok(RunsList, ['--json'])).out);
    expect(list.runs).toHaveLength(2);

    // Off a terminal it cannot ask: it refuses and names --yes, and nothing goes.
    const unasked = await runCommand(RunsRm, [h.runId.slice(0, 8), '--json'], h.env);
    expect((unasked.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(unasked.out).error).toMatchObject({
      message: 'runs rm asks before it deletes, and there is no terminal to ask on',
      hint: 'pass --yes to remove without asking (or --dry-run to see what would go)',
    });
    expect(JSON.parse((await h.ok(RunsList, ['--json'])).out).runs).toHaveLength(2);
    const done = await h.ok(RunsRm, [h.runId.slice(0, 8), '--yes', '--json']);
    expect(JSON.parse(done.out)).toMatchObject({ removed: true, dryRun: false, freedCheckpointBytes: 4096 });
    expect(JSON.parse((await h.ok(RunsList, ['--json'])).out).runs).toHaveLength(1);
  });

  it('runs rm refuses the live run without --force (usage error)', async () => {
    const r = await runCommand(RunsRm, [h.liveId, '--json'], h.env);
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(r.out).error.message).toMatch(/not removing run .*live farm run/);
    const dry = await h.ok(RunsRm, [h.liveId, '--dry-run']);
    expect(dry.out).toMatch(/Without --force this would be refused: it is the live farm run/);
  });
});
