import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/adapters/store/store.js';
import RunsList from '../../../src/commands/runs/list.js';
import { ManualClock } from '../../../src/core/time/clock.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-runs-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('argus runs list on a database that is not an Argus store', () => {
  it('exit code 4, the file named, what to do', async () => {
    const path = join(dir, 'notes.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    const r = await runCommand(RunsList, ['--json'], {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: path,
    });
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(4);
    expect(JSON.parse(r.out).error).toEqual({
      name: 'StoreError',
      message: `${path} is a SQLite database but not an Argus store (it has the table notes)`,
      hint: 'pass --db with an Argus database, or a new file name (Argus creates it)',
      exitCode: 4,
    });
  });

  it('a truncated store: the raw driver error becomes a store error naming the file', async () => {
    const path = join(dir, 'truncated.db');
    const store = Store.open(path, ManualClock.at('2025-03-10T15:00:00Z'));
    for (let i = 0; i < 400; i++)
      store.createRun({
        kind: 'replay',
        command: 'farm run',
        appVersion: 't',
        provenance: { pad: 'x'.repeat(200) },
      });
    store.close();
    const size = statSync(path).size;
    truncateSync(path, Math.floor(size / 2));
    const r = await runCommand(RunsList, ['--json'], {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: path,
    });
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(4);
    expect(JSON.parse(r.out).error).toEqual({
      name: 'StoreError',
      message: `${path} is damaged (database disk image is malformed)`,
      hint: 'restore it from a backup, or move it away and let Argus start a new one',
      exitCode: 4,
    });
  });
});
