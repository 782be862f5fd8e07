import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import FarmExits from '../../../src/commands/farm/exits.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-exits-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('argus farm exits (command)', () => {
  it('outside NYSE hours: exit 0, "market closed" with the next open', async () => {
    const env = {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: join(dir, 'argus.db'),
      ARGUS_FAKE_NOW: '2025-03-10T23:00:00Z',
    };
    const json = await runCommand(FarmExits, ['--json'], env);
    expect(json.error).toBeNull();
    expect(JSON.parse(json.out)).toMatchObject({
      mode: 'exits',
      status: 'market-closed',
      opened: [],
      closed: [],
    });
    const text = await runCommand(FarmExits, [], env);
    expect(text.out).toBe('2025-03-10 19:00 ET live farm market closed (next open 2025-03-11 09:30 ET)\n');
  });
});
