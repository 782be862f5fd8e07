import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, resolveConfig } from '../../../src/adapters/config/load.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-config-'));
  file = join(dir, 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveConfig', () => {
  it('uses defaults when there is no file', () => {
    const r = resolveConfig({ file, env: {} });
    expect(r.fileExists).toBe(false);
    expect(r.config.source).toBe('live');
    expect(r.origins.source).toBe('default');
    expect(r.config.calendar.events).toEqual([]);
  });

  it('applies precedence flag > environment > file > default', () => {
    writeFileSync(file, JSON.stringify({ source: 'sim', logLevel: 'warn', data: { maxQuoteAgeSec: 600 } }));
    const fileOnly = resolveConfig({ file, env: {} });
    expect(fileOnly.config.source).toBe('sim');
    expect(fileOnly.origins.source).toBe(`file:${file}`);
    const env = resolveConfig({ file, env: { ARGUS_SOURCE: 'replay', ARGUS_MAX_QUOTE_AGE_SEC: '300' } });
    expect(env.config.source).toBe('replay');
    expect(env.config.data.maxQuoteAgeSec).toBe(300);
    expect(env.origins.source).toBe('env:ARGUS_SOURCE');
    const flag = resolveConfig({ file, env: { ARGUS_SOURCE: 'replay' }, flags: { source: 'live' } });
    expect(flag.config.source).toBe('live');
    expect(flag.origins.source).toBe('flag:--source');
    expect(flag.config.logLevel).toBe('warn');
  });

  it('names the file and line of a JSON syntax error', () => {
    writeFileSync(file, '{\n  "source": "sim",\n  "logLevel": \n}\n');
    expect(() => resolveConfig({ file, env: {} })).toThrow(ConfigError);
    expect(() => resolveConfig({ file, env: {} })).toThrow(new RegExp(`${file}:4:1: invalid JSON`));
  });

  it('names the file and line of an invalid value and of an unknown setting', () => {
    writeFileSync(file, '{\n  "source": "sim",\n  "data": {\n    "maxQuoteAgeSec": -5\n  }\n}\n');
    expect(() => resolveConfig({ file, env: {} })).toThrow(
      new RegExp(`${file}:4: invalid value for "data.maxQuoteAgeSec"`),
    );
    writeFileSync(file, '{\n  "soruce": "sim"\n}\n');
    expect(() => resolveConfig({ file, env: {} })).toThrow(new RegExp(`${file}:2: unknown setting "soruce"`));
  });

  it('validates calendar event overrides inside arrays with their line', () => {
    writeFileSync(
      file,
      '{"calendar": {"events": [\n {"type": "cpi", "date": "2027-01-13"},\n {"type": "cpi", "date": "2027-13-01x"}\n]}}',
    );
    expect(() => resolveConfig({ file, env: {} })).toThrow(
      /:1: invalid value for "calendar.events" \(at 1.date\)/,
    );
    writeFileSync(file, '{"calendar": {"events": [{"type": "cpi", "date": "2027-01-13", "time": "08:30"}]}}');
    expect(resolveConfig({ file, env: {} }).config.calendar.events).toHaveLength(1);
  });

  it('rejects bad environment values naming the variable', () => {
    expect(() => resolveConfig({ file, env: { ARGUS_SOURCE: 'paper' } })).toThrow(
      /environment variable ARGUS_SOURCE/,
    );
    expect(() => resolveConfig({ file, env: { ARGUS_MAX_QUOTE_AGE_SEC: 'ten' } })).toThrow(/not a number/);
  });

  it('masks secrets completely', () => {
    const r = resolveConfig({ file, env: { ARGUS_TELEGRAM_TOKEN: '123456:ABCDEF-secret-token' } });
    const rows = describeConfig(r);
    const token = rows.find((x) => x.setting === 'notifications.telegram.token')!;
    expect(JSON.stringify(rows)).not.toContain('secret-token');
    expect(JSON.stringify(rows)).not.toContain('123456');
    expect(token.origin).toBe('env:ARGUS_TELEGRAM_TOKEN');
  });
});
