import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../src/adapters/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-config-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a secret in the config file', () => {
  it('is read from a file only its owner can read (0600), refused from one others can read', () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ notifications: { telegram: { token: '123:SECRET', chatId: '9' } } }),
    );
    chmodSync(file, 0o600);
    expect(resolveConfig({ file, env: {} }).config.notifications.telegram.token).toBe('123:SECRET');
    chmodSync(file, 0o644);
    let err: unknown;
    try {
      resolveConfig({ file, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `${file}:1: holds the secret "notifications.telegram.token" but others can read the file (mode 0644)`,
    );
    expect((err as ConfigError).hint).toBe(
      `chmod 600 ${file}, or set ARGUS_TELEGRAM_TOKEN in the environment instead`,
    );
    expect(String(err)).not.toContain('SECRET');
  });

  it('a file without secrets may be readable by others', () => {
    const file = join(dir, 'plain.json');
    writeFileSync(file, JSON.stringify({ farm: { checkpointEvery: 10 } }));
    chmodSync(file, 0o644);
    expect(resolveConfig({ file, env: {} }).config.farm.checkpointEvery).toBe(10);
  });
});
