import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Signal from '../../src/commands/signal.js';
import { FakeHttpServer } from '../support/fake-servers.js';
import { sendMessageOk } from '../support/notify.js';
import { runCommand } from '../support/run-command.js';

const TOKEN = '5:signal-t0ken';
let dir: string;
let server: FakeHttpServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argus-signal-notify-'));
  server = await FakeHttpServer.start();
  server.route({ path: `/bot${TOKEN}/sendMessage`, respond: { body: sendMessageOk() } });
  env = {
    ARGUS_CONFIG: join(dir, 'none.json'),
    ARGUS_DB: join(dir, 'argus.db'),
    ARGUS_FAKE_NOW: '2025-03-31T15:00:00Z',
  };
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const argv = [
  '--source',
  'replay',
  '--at',
  '2025-03-31T15:00:00Z',
  '--paths',
  '1000',
  '--engine',
  'js',
  '--notify',
  '--json',
];

describe('argus signal --notify', () => {
  it('without Telegram settings: usage error before computing anything', async () => {
    const r = await runCommand(Signal, argv, env);
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(r.out).error.message).toBe('--notify needs Telegram settings');
  });

  it('queues one message per trade candidate, sends it, and a second run is deduplicated', async () => {
    const tg = {
      ...env,
      ARGUS_TELEGRAM_TOKEN: TOKEN,
      ARGUS_TELEGRAM_CHAT_ID: '9',
      ARGUS_TELEGRAM_URL: server.url,
    };
    const first = await runCommand(Signal, argv, tg);
    if (first.error) throw first.error;
    const r1 = JSON.parse(first.out);
    const trades = r1.candidates.filter((c: { verdict: string }) => c.verdict === 'trade').length;
    // The replay at this instant recommends a trade (default config), so something is sent.
    expect(trades).toBeGreaterThan(0);
    expect(r1.notify.enqueued).toHaveLength(trades);
    expect(r1.notify.delivery).toMatchObject({ failed: [], remaining: 0 });
    expect(r1.notify.delivery.sent).toHaveLength(trades);
    expect(first.out).not.toContain(TOKEN);
    const second = await runCommand(Signal, argv, tg);
    if (second.error) throw second.error;
    const r2 = JSON.parse(second.out);
    for (const e of r2.notify.enqueued) expect(e.status).toBe('suppressed');
    expect(server.requestsTo(`/bot${TOKEN}/sendMessage`)).toHaveLength(trades);
  });
});

describe('argus signal when inputs are missing', () => {
  it('past the data: IV rank ≥ 0 does not pass, warmth is unavailable below 75 % coverage, exit 3', async () => {
    const r = await runCommand(
      Signal,
      ['--source', 'replay', '--at', '2026-04-15T15:00:00Z', '--paths', '1000', '--engine', 'js', '--json'],
      env,
    );
    const code = process.exitCode;
    process.exitCode = undefined;
    expect(code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.missing).toEqual([
      'BTC: outside coverage, data ends 2026-03-05T01:00:00.000Z',
      'DVOL: outside coverage, data ends 2026-04-07',
      'IBIT chain: outside coverage of the BTC hourly data',
    ]);
    const f = Object.fromEntries(
      j.candidates[0].filters.map((x: { filter: string; pass: boolean; detail: string }) => [x.filter, x]),
    );
    expect(f['IV rank ≥ 0']).toMatchObject({ pass: false });
    // Only the event (1) and market-hours (0.5) components are known: 1.5 of 10 weight points.
    expect(f['warmth ≥ 5']).toMatchObject({
      pass: false,
      detail: 'unavailable: 15% of the weight known (needs 75%)',
    });
    // no candidate: nothing to judge, so the assignment filter does not pass either
    expect(f['no early-assignment risk']).toMatchObject({ pass: false, detail: 'no candidate' });
    expect(j.candidates[0].verdict).toBe('no trade');
  });
});
