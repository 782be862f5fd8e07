import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import FarmRun from '../../../src/commands/farm/run.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-farm-resume-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../../fixtures/grids/small.json', import.meta.url).pathname;
const env = (db: string) => ({ ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: db });
const exitCode = (e: unknown) => (e as { oclif?: { exit?: number } } | null)?.oclif?.exit;

function runRows(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT id, kind, status FROM runs').all() as {
      id: string;
      kind: string;
      status: string;
    }[];
  } finally {
    d.close();
  }
}

describe('argus farm run --resume', () => {
  it("'' is an error, not a live step (which would open positions in market hours)", async () => {
    const db = join(dir, 'empty.db');
    const r = await runCommand(FarmRun, ['--resume', '', '--json'], {
      ...env(db),
      ARGUS_FAKE_NOW: '2025-03-10T15:00:00Z',
    });
    expect(exitCode(r.error)).toBe(2);
    expect(JSON.parse(r.out).error).toMatchObject({
      message: '--resume needs a run: an id or its first characters (at least 4)',
      hint: 'see `argus runs list`',
    });
  });

  it('takes an id prefix, like the other commands', async () => {
    const db = join(dir, 'prefix.db');
    const args = [
      '--source',
      'replay',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-07',
      '--grid',
      grid,
      '--engine',
      'js',
    ];
    const part = await runCommand(FarmRun, [...args, '--stop-after', '5', '--json'], env(db));
    const id = JSON.parse(part.out).runId as string;
    const r = await runCommand(FarmRun, ['--resume', id.slice(0, 8), '--json'], env(db));
    expect(r.error).toBeNull();
    expect(JSON.parse(r.out)).toMatchObject({ runId: id, status: 'completed' });
    const miss = await runCommand(FarmRun, ['--resume', 'ffff0000', '--json'], env(db));
    expect(exitCode(miss.error)).toBe(2);
    expect(JSON.parse(miss.out).error.message).toBe('no run ffff0000');
    expect(runRows(db)).toHaveLength(1);
  });
});
