import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/cli/context.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the composition root', () => {
  it('ARGUS_FAKE_NOW pins wall time, but a sleep (retry back-off, rate limit) still ends', async () => {
    const ctx = new AppContext({
      dataDir: dir,
      configDir: dir,
      env: { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_FAKE_NOW: '2026-02-11T17:35:00Z' },
      flags: { db: join(dir, 'a.db') },
      appVersion: 'test',
    });
    const pinned = Date.UTC(2026, 1, 11, 17, 35);
    const slept = await Promise.race([
      ctx.clock.sleep(30).then(() => 'slept'),
      new Promise((r) => setTimeout(() => r('stuck'), 2000)),
    ]);
    expect(slept).toBe('slept');
    expect(ctx.clock.nowMs()).toBe(pinned);
    expect(ctx.clock.monotonicMs()).toBeGreaterThan(0);
    ctx.close();
  });
});
