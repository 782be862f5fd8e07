import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: join(dir, 'a.db') };

describe('bad invocations (subprocess)', () => {
  it('an unknown flag: one line and a hint on stderr, exit 2', () => {
    const r = runCli(['runs', 'list', '--bogus'], env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: unknown flag --bogus\nHint: see `argus runs list --help` for its flags\n');
  });

  it('a missing flag value and a bad option: one line each, exit 2', () => {
    const a = runCli(['runs', 'list', '--limit'], env);
    expect(a.status).toBe(2);
    expect(a.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(a.stderr).toMatch(/^Error: flag --limit expects a value\n/);
    const b = runCli(['runs', 'list', '--kind', 'nope'], env);
    expect(b.status).toBe(2);
    expect(b.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(b.stderr).toMatch(/^Error: expected --kind=nope to be one of: live, replay, sim\n/);
  });

  it('help for a command that does not exist: one line, the nearest command, exit 2', () => {
    const r = runCli(['help', 'leaderbord'], env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: no help for "leaderbord": there is no such command\nHint: did you mean `argus help leaderboard`? (`argus help` lists every command)\n',
    );
    expect(runCli(['help', 'stray', 'words'], env).stderr).toBe(
      'Error: no help for "stray words": there is no such command\nHint: `argus help` lists every command\n',
    );
    expect(runCli(['help', 'farm', 'merge'], env).status).toBe(0);
  });
});
