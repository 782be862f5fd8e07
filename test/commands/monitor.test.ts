import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Monitor from '../../src/commands/monitor.js';
import { runCommand } from '../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-monitor-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ARGUS_CONFIG: join(dir, 'none.json') };
const replay = ['--source', 'replay', '--at', '2025-03-10T19:00:00Z', '--paths', '1000', '--engine', 'js'];

describe('argus monitor (in-process)', () => {
  it('--once prints one readable block with every panel and exits', async () => {
    const r = await runCommand(Monitor, [...replay, '--once', '--db', join(dir, 'a.db')], env);
    expect(r.error).toBeNull();
    expect(r.out.split('\n')[0]).toMatch(/^Argus monitor · replay 1× · 2025-03-10 15:00 ET/);
    expect(r.out).toContain('BTC   $77,615.78  -6.12% 24h');
    expect(r.out.match(/^## /gm)).toHaveLength(9);
  });

  it('--once --json prints one JSON line of the state', async () => {
    const r = await runCommand(Monitor, [...replay, '--once', '--json', '--db', join(dir, 'a.db')], env);
    expect(r.error).toBeNull();
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]);
    expect(s.market.btc.value.priceUsd).toBe(77_615.78);
    expect(s.recommendation.status).toBe('no trade');
  });

  it('--farm on a replayed market without --db is refused before anything is written', async () => {
    const r = await runCommand(Monitor, [...replay, '--farm', '--json'], env);
    expect(JSON.parse(r.out).error).toMatchObject({
      message: '--farm with --source replay would write a replayed market into the live farm',
      hint: 'give it a database of its own with --db, e.g. --db /tmp/monitor-demo.db',
      exitCode: 2,
    });
    expect((r.error as { oclif?: { exit: number } }).oclif?.exit).toBe(2);
  });

  it('--source replay without --at names the flag and exits 2', async () => {
    const r = await runCommand(
      Monitor,
      ['--source', 'replay', '--once', '--json', '--db', join(dir, 'b.db')],
      env,
    );
    expect(JSON.parse(r.out).error).toMatchObject({ message: '--source replay needs --at', exitCode: 2 });
    expect((r.error as { oclif?: { exit: number } }).oclif?.exit).toBe(2);
  });
});
