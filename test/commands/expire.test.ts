import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Expire from '../../src/commands/expire.js';
import { runCommand } from '../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-expire-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('argus expire (command)', () => {
  it("--date of a session that has not closed yet: exit 2 with the session's close", async () => {
    const r = await runCommand(Expire, ['--date', '2026-11-27', '--json'], {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: join(dir, 'argus.db'),
      // 10:00 ET on the day after Thanksgiving, an early close at 13:00.
      ARGUS_FAKE_NOW: '2026-11-27T15:00:00Z',
    });
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    const { error } = JSON.parse(r.out);
    expect(error.message).toMatch(/^2026-11-27's session has not closed yet \(2026-11-27 13:00 ET\)$/);
    expect(error.hint).toBe('run expire after the close');
  });
});
