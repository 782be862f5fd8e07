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
  it('an unknown flag: one line and a hint, exit 2 (no usage screen, no parser dump under --json)', async () => {
    const json = await runCommand(RunsList, ['--bogus', '--json'], env);
    expect(exitCode(json.error)).toBe(2);
    expect(JSON.parse(json.out)).toEqual({
      error: {
        name: 'UsageError',
        message: 'unknown flag --bogus',
        hint: 'see `argus runs list --help` for its flags',
        exitCode: 2,
      },
    });
    const err: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((c: string) => {
      err.push(String(c));
      return true;
    }) as typeof process.stderr.write;
    let text: Awaited<ReturnType<typeof runCommand>>;
    try {
      text = await runCommand(RunsList, ['--bogus'], env);
    } finally {
      process.stderr.write = write;
    }
    expect(exitCode(text.error)).toBe(2);
    expect(text.out).toBe('');
    expect(err.join('')).toBe(
      'Error: unknown flag --bogus\nHint: see `argus runs list --help` for its flags\n',
    );
  });
});
