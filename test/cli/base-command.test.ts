import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import RunsList from '../../src/commands/runs/list.js';
import { runCommand } from '../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-base-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: join(dir, 'a.db') };
const exitCode = (e: unknown) => (e as { oclif?: { exit?: number } } | null)?.oclif?.exit;

describe('the error envelope', () => {
  it('an unknown flag under --json: the usage error, not a dump of the parser', async () => {
    const json = await runCommand(RunsList, ['--bogus', '--json'], env);
    expect(exitCode(json.error)).toBe(2);
    // In-process the command id is oclif's guess from the class name; test/e2e/errors.test.ts checks the hint.
    expect(JSON.parse(json.out).error).toMatchObject({
      name: 'UsageError',
      message: 'unknown flag --bogus',
      exitCode: 2,
    });
  });
});
