import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Review from '../../src/commands/review.js';
import { FakeHttpServer } from '../support/fake-servers.js';
import { sendMessageOk } from '../support/notify.js';
import { runCommand } from '../support/run-command.js';

const TOKEN = '99:review-t0ken';
let dir: string;
let server: FakeHttpServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argus-review-cmd-'));
  server = await FakeHttpServer.start();
  server.route({ path: `/bot${TOKEN}/sendMessage`, respond: { body: sendMessageOk() } });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string>) {
  const r = await runCommand(Review, argv, {
    ARGUS_CONFIG: join(dir, 'none.json'),
    ARGUS_DB: join(dir, 'argus.db'),
    ARGUS_SOURCE: 'replay',
    ARGUS_FAKE_NOW: '2025-03-11T01:00:00Z',
    ...env,
  });
  if (r.error) throw r.error;
  return r;
}

describe('argus review (command)', () => {
  it('--json: the review of an ET date with the gap from replay data', async () => {
    const { result, out } = await run(['--date', '2025-03-10', '--json'], {});
    const parsed = JSON.parse(out);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(result)));
    expect(parsed).toMatchObject({
      date: '2025-03-10',
      liveRunId: null,
      note: expect.stringMatching(/live farm has not run yet/),
      gap: { status: 'ok', sessionDate: '2025-03-10' },
      promotions: { status: expect.any(String) },
      notifications: { pending: 0, failed: 0, lastFailed: [] },
    });
    expect(parsed.events.entries.map((e: { type: string; date: string }) => `${e.type} ${e.date}`)).toContain(
      'cpi 2025-03-12',
    );
  });

  it('human output names every section', async () => {
    const { out } = await run(['--date', '2025-03-10'], {});
    for (const s of [
      'Daily review 2025-03-10',
      'Opened:',
      'Closed:',
      'Open at the end of the day',
      'Promotions:',
      'CPI release',
      'Gap risk: BTC',
    ]) {
      expect(out).toContain(s);
    }
  });

  it('--notify sends the review through the outbox; the token is not in the JSON', async () => {
    const env = { ARGUS_TELEGRAM_TOKEN: TOKEN, ARGUS_TELEGRAM_CHAT_ID: '5', ARGUS_TELEGRAM_URL: server.url };
    const { out } = await run(['--date', '2025-03-10', '--notify', '--json'], env);
    const parsed = JSON.parse(out);
    expect(parsed.notify.enqueued).toEqual([{ status: 'queued', id: 1 }]);
    expect(parsed.notify.delivery).toMatchObject({ sent: [1], failed: [], remaining: 0 });
    expect(out).not.toContain(TOKEN);
    const [req] = server.requestsTo(`/bot${TOKEN}/sendMessage`);
    expect(req.query.get('text')).toMatch(/^Argus — daily review 2025-03-10/);
  });
});

describe('argus review --notify without Telegram settings', () => {
  it('is a usage error (exit 2) before any work, not a silent no-op', async () => {
    const r = await runCommand(Review, ['--date', '2025-03-10', '--notify', '--json'], {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: join(dir, 'argus.db'),
      ARGUS_SOURCE: 'replay',
      ARGUS_FAKE_NOW: '2025-03-11T01:00:00Z',
    });
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(r.out).error.message).toBe('--notify needs Telegram settings');
  });
});
