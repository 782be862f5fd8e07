import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramClient } from '../../src/adapters/notify/telegram.js';
import { SqliteOutbox } from '../../src/adapters/store/outbox.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { Conditions } from '../../src/core/conditions/compute.js';
import type { Candidate, SignalResult } from '../../src/core/conditions/signal.js';
import type { ArgusConfig } from '../../src/core/config/schema.js';
import type { Logger } from '../../src/core/log.js';
import type { MessageSender, TelegramSettings } from '../../src/core/notify.js';
import { ManualClock } from '../../src/core/time/clock.js';
import {
  type DrainLimits,
  deliverPending,
  drainOutbox,
  enqueuePromotion,
  enqueueRecommendations,
  enqueueReview,
  requireTelegram,
} from '../../src/services/notify.js';
import { promotionText, recommendationText } from '../../src/services/notify-text.js';
import { AutoClock } from '../support/clocks.js';
import { FakeHttpServer } from '../support/fake-servers.js';
import {
  configFrom,
  dumpStore,
  memoryLogger,
  openStore,
  sendMessageOk,
  telegramErrors,
} from '../support/notify.js';

let dir: string;
let clock: ManualClock;
let store: Store;
const env = { ARGUS_TELEGRAM_TOKEN: '1:x', ARGUS_TELEGRAM_CHAT_ID: '42' };
const fmtTime = (ms: number) => new Date(ms).toISOString();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-enqueue-'));
  clock = ManualClock.at('2026-02-10T15:00:00Z');
  store = openStore(join(dir, 'argus.db'), clock);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function candidate(
  shortStrike: number,
  verdict: 'trade' | 'no trade' = 'trade',
  label = 'default',
): Candidate {
  return {
    config: { label, dte: 14, shortDelta: 0.2, width: 2, warmthFloor: 5, ivRankFloor: 0, minPop: 0.6 },
    status: 'ok',
    reason: null,
    symbol: 'IBIT',
    expiry: '2026-02-27',
    dte: 17,
    shortStrike,
    longStrike: shortStrike - 2,
    shortQuote: { bid: 0.9, ask: 0.95, iv: 0.55 },
    longQuote: { bid: 0.5, ask: 0.55, iv: 0.58 },
    creditPerShare: 0.35,
    creditPerContractAfterFees: 32.4,
    maxLossPerContract: 167.6,
    model: 'heston-jump',
    modelVariance: 'realised vol 60.0% (7 days)',
    outcomes: {
      pop: 0.72,
      popSE: 0.003,
      pTouch: 0.4,
      pTouchSE: 0.003,
      pMaxLoss: 0.1,
      pMaxLossSE: 0.002,
      expectedPnl: 0.06,
      expectedPnlSE: 0.01,
      breakeven: shortStrike - 0.35,
      maxLoss: 1.65,
    } as Candidate['outcomes'],
    expectedValuePerContract: 4.7,
    expectedValueSE: 1,
    assignment: null,
    eventsBeforeExpiry: [
      {
        id: 'cpi-2026-02-11',
        type: 'cpi',
        date: '2026-02-11',
        timeMs: 0,
        title: 'CPI release',
        detail: '',
        source: 'bundled',
      },
    ],
    filters: [],
    verdict,
  };
}

function signal(cands: Candidate[]): SignalResult {
  const conditions = {
    warmth: { status: 'ok', display: '6.4' },
    ivRank: { status: 'ok', rank: 0.45 },
    regime: { status: 'ok', regime: 'normal' },
    gap: { status: 'ok', gapFrac: -0.012 },
  } as unknown as Conditions;
  return { atMs: clock.nowMs(), source: 'replay', conditions, candidates: cands, engine: 'js', missing: [] };
}

/** The outbox of the test's store with these settings. */
const deps = (config: ArgusConfig) => ({
  outbox: new SqliteOutbox(store, clock),
  notifyConfig: config.notifications,
});

const enqueue = (cands: Candidate[], extra: Record<string, string> = {}) =>
  enqueueRecommendations(deps(configFrom({ ...env, ...extra })), signal(cands), fmtTime);

describe('recommendation notifications', () => {
  it('queue one message per trade candidate; no-trade candidates are not notified', () => {
    const r = enqueue([candidate(36), candidate(34, 'no trade')]);
    expect(r).toEqual([{ status: 'queued', id: 1 }]);
    const row = new SqliteOutbox(store, clock).get(1)!;
    expect(row).toMatchObject({
      kind: 'recommendation',
      chatId: '42',
      dedupKey: 'rec:IBIT:2026-02-27:36/34',
    });
    expect(row.text).toContain('Sell IBIT 2026-02-27 36/34 put spread (17 DTE)');
    expect(row.text).toContain('PoP 72.0% ± 0.3% (heston-jump), EV $4.70 per contract');
    expect(row.text).toContain('warmth 6.4/10, IV rank 45, regime normal, gap -1.20%');
    expect(row.text).toContain('Events before expiry: CPI release 2026-02-11');
  });

  it('an identical recommendation within the window is stored as suppressed; after the window it goes again', () => {
    expect(enqueue([candidate(36)])[0].status).toBe('queued');
    clock.advance(60 * 60_000);
    const dup = enqueue([candidate(36, 'trade', 'promoted trader 5')]);
    expect(dup[0]).toMatchObject({ status: 'suppressed', reason: 'duplicate of message #1 from 60 min ago' });
    expect(new SqliteOutbox(store, clock).get(2)?.status).toBe('suppressed');
    clock.advance(181 * 60_000);
    expect(enqueue([candidate(36)])[0].status).toBe('queued');
  });

  it('the dedup window is a setting', () => {
    expect(enqueue([candidate(36)])[0].status).toBe('queued');
    clock.advance(11 * 60_000);
    const cfg = configFrom(env);
    cfg.notifications.recommendations.dedupMinutes = 10;
    const r = enqueueRecommendations(deps(cfg), signal([candidate(36)]), fmtTime);
    expect(r[0].status).toBe('queued');
  });

  it('rate limit: at most maxPerHour recommendations in a rolling hour; suppressed ones do not count', () => {
    const cfg = configFrom(env);
    cfg.notifications.recommendations.maxPerHour = 2;
    const one = (k: number) => enqueueRecommendations(deps(cfg), signal([candidate(k)]), fmtTime)[0];
    expect(one(36).status).toBe('queued');
    clock.advance(10 * 60_000);
    expect(one(35).status).toBe('queued');
    clock.advance(10 * 60_000);
    expect(one(34)).toMatchObject({
      status: 'suppressed',
      reason: 'rate limit: 2 recommendation messages in the last hour (max 2)',
    });
    expect(one(33).status).toBe('suppressed');
    clock.advance(41 * 60_000);
    expect(one(32).status).toBe('queued');
  });

  it('without Telegram settings nothing is stored and the reason is given', () => {
    const r = enqueueRecommendations(deps(configFrom({})), signal([candidate(36)]), fmtTime);
    expect(r).toEqual([{ status: 'disabled', reason: expect.stringMatching(/ARGUS_TELEGRAM_TOKEN/) }]);
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(() => requireTelegram(configFrom({ ARGUS_TELEGRAM_TOKEN: 'abc' }).notifications)).toThrow(
      /--notify needs Telegram settings/,
    );
  });
});

describe('review and promotion messages', () => {
  it('an identical review is sent once a day; a changed one goes', () => {
    const o = deps(configFrom(env));
    expect(enqueueReview(o, '2026-02-10', 'review A').status).toBe('queued');
    expect(enqueueReview(o, '2026-02-10', 'review A').status).toBe('suppressed');
    expect(enqueueReview(o, '2026-02-10', 'review B').status).toBe('queued');
  });

  it('promotion text names trader, rank, run and configuration', () => {
    const t = promotionText({
      traderId: 123,
      runId: 'abcdef12-0000-4000-8000-000000000000',
      rank: 2,
      config: { id: 123, dte: 14, shortDelta: 0.2, session: 'any' },
      realizedUsd: -12.5,
      trades: 3,
      winRate: 0.6667,
      sharpe: 1.234,
    });
    expect(t).toBe(
      'Argus — promoted trader 123 (rank 2) from run abcdef12\nConfig: dte=14, shortDelta=0.2, session=any\nrealised −$12.50, 3 trades, win rate 67%, Sharpe 1.23',
    );
  });

  it('recommendation text works with missing conditions', () => {
    const s = signal([candidate(36)]);
    s.conditions = {
      warmth: { status: 'insufficient' },
      ivRank: { status: 'insufficient' },
      regime: { status: 'insufficient' },
      gap: { status: 'missing' },
    } as unknown as Conditions;
    expect(recommendationText(s, s.candidates[0], fmtTime)).toContain(
      'warmth n/a, IV rank n/a, regime n/a, gap n/a',
    );
  });
});

describe('delivery through the outbox', () => {
  const TOKEN = '7712345678:AAH-s3cr3t_T0ken-value';
  const CHAT = '12345678';
  const PATH = `/bot${TOKEN}/sendMessage`;

  let dir: string;
  let clock: AutoClock;
  let server: FakeHttpServer;
  let store: Store;
  let config: ArgusConfig;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-notify-'));
    clock = new AutoClock('2026-02-10T21:30:00Z');
    server = await FakeHttpServer.start({ now: () => clock.nowMs() });
    store = openStore(join(dir, 'argus.db'), clock);
    config = configFrom({
      ARGUS_TELEGRAM_TOKEN: TOKEN,
      ARGUS_TELEGRAM_CHAT_ID: CHAT,
      ARGUS_TELEGRAM_URL: server.url,
    });
  });

  afterEach(async () => {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const promo = (traderId: number) => ({
    traderId,
    runId: '3f2a9c1e-0b7d-4c1e-9a51-2f0e8d6b7c44',
    rank: 1,
    config: { dte: 14, shortDelta: 0.2, width: 2 },
    realizedUsd: 1234.5,
    trades: 40,
  });

  function enqueue(traderId = 7): number {
    const r = enqueuePromotion(notifyDeps(config), promo(traderId));
    if (r.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(r)}`);
    return r.id;
  }

  /** What the services need, over the test's store and clock; retry jitter fixed. */
  function notifyDeps(cfg: ArgusConfig, log: Logger = memoryLogger().log, s: Store = store) {
    return {
      clock,
      log,
      notifyConfig: cfg.notifications,
      outbox: new SqliteOutbox(s, clock),
      telegram: (t: TelegramSettings) =>
        new TelegramClient({ baseUrl: t.url, token: t.token, clock, random: () => 0.5 }),
    };
  }

  function deliver(extra: DrainLimits = {}) {
    const { log, lines } = memoryLogger();
    return { lines, run: () => deliverPending(notifyDeps(config, log), extra) };
  }

  describe('Telegram delivery through the outbox', () => {
    it('stores the message first, sends it to sendMessage and marks it sent with the message id', async () => {
      server.route({ path: PATH, respond: { body: sendMessageOk() } });
      const id = enqueue();
      expect(new SqliteOutbox(store, clock).get(id)?.status).toBe('pending');
      const r = await deliver().run();
      expect(r?.sent).toEqual([id]);
      const row = new SqliteOutbox(store, clock).get(id)!;
      expect(row).toMatchObject({
        status: 'sent',
        messageId: 149,
        attempts: 1,
        resent: false,
        lastError: null,
      });
      const [req] = server.requestsTo(PATH);
      expect(req.query.get('chat_id')).toBe(CHAT);
      expect(req.query.get('text')).toContain('promoted trader 7 (rank 1)');
      expect(req.query.get('text')).toContain('realised $1,234.50');
    });

    it('paces sends to about one a second per chat after a short burst (Telegram limit)', async () => {
      server.route({ path: PATH, respond: { body: sendMessageOk() } });
      const ids = [1, 2, 3, 4, 5].map((t) => enqueue(t));
      const r = await deliver().run();
      expect(r?.sent).toEqual(ids);
      const at = server.requestsTo(PATH).map((q) => q.atMs!);
      expect(at[2] - at[0]).toBe(0);
      expect(at[3] - at[2]).toBeGreaterThanOrEqual(1000);
      expect(at[4] - at[3]).toBeGreaterThanOrEqual(1000);
    });

    it('on 429 waits parameters.retry_after on the clock, then sends (the wait is not counted as an attempt)', async () => {
      const e = telegramErrors();
      server.route({
        path: PATH,
        respond: [{ status: 429, body: e.tooManyRequests }, { body: sendMessageOk() }],
      });
      const id = enqueue();
      const r = await deliver().run();
      expect(r?.sent).toEqual([id]);
      expect(clock.sleeps).toContain(5000);
      const [a, b] = server.requestsTo(PATH);
      expect(b.atMs! - a.atMs!).toBeGreaterThanOrEqual(5000);
      expect(new SqliteOutbox(store, clock).get(id)).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('a long retry_after ends the drain; the message waits in the outbox and goes once the time has passed', async () => {
      const e = telegramErrors();
      server.route({
        path: PATH,
        respond: [{ status: 429, body: e.tooManyRequestsLong }, { body: sendMessageOk() }],
      });
      const id = enqueue();
      const first = await deliver().run();
      expect(first?.sent).toEqual([]);
      expect(first?.stoppedBy).toMatch(/rate limited by Telegram for 300 s/);
      expect(first?.remaining).toBe(1);
      const row = new SqliteOutbox(store, clock).get(id)!;
      expect(row.status).toBe('pending');
      expect(row.nextAttemptMs).toBe(clock.nowMs() + 300_000);
      expect(row.lastError).toMatch(/HTTP 429: Too Many Requests: retry after 300/);

      const early = await deliver().run();
      expect(early?.sent).toEqual([]);
      expect(server.requestsTo(PATH)).toHaveLength(1);
      clock.advance(300_000);
      const later = await deliver().run();
      expect(later?.sent).toEqual([id]);
    });

    it('5xx answers are retried with backoff inside one delivery, then the message is sent', async () => {
      server.route({
        path: PATH,
        respond: [
          { status: 502, body: '<html>Bad Gateway</html>' },
          { status: 500, body: 'oops' },
          { body: sendMessageOk() },
        ],
      });
      const id = enqueue();
      const r = await deliver().run();
      expect(r?.sent).toEqual([id]);
      expect(server.requestsTo(PATH)).toHaveLength(3);
      expect(new SqliteOutbox(store, clock).get(id)?.status).toBe('sent');
    });

    it('5xx that persists keeps the message pending with the reason, then fails it after the last attempt', async () => {
      server.route({ path: PATH, respond: { status: 503, body: 'down for maintenance' } });
      const id = enqueue();
      const { lines, run } = deliver({ maxAttempts: 2 });
      const first = await run();
      expect(first?.retrying.map((x) => x.id)).toEqual([id]);
      let row = new SqliteOutbox(store, clock).get(id)!;
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.lastError).toMatch(/HTTP 503: down for maintenance/);
      expect(lines.join('')).toMatch(/kept for the next run/);

      clock.advance(row.nextAttemptMs - clock.nowMs());
      const second = await run();
      expect(second?.failed).toEqual([
        { id, reason: expect.stringMatching(/^gave up after 2 attempts: .*HTTP 503/) },
      ]);
      row = new SqliteOutbox(store, clock).get(id)!;
      expect(row.status).toBe('failed');
      clock.advance(24 * 3_600_000);
      const n = server.requestsTo(PATH).length;
      await run();
      expect(server.requestsTo(PATH)).toHaveLength(n);
    });

    it('400 is a permanent failure: kept as failed with the reason, never retried; the next message still goes', async () => {
      const e = telegramErrors();
      server.route({
        path: PATH,
        respond: [{ status: 400, body: e.chatNotFound }, { body: sendMessageOk() }],
      });
      const bad = enqueue(1);
      const good = enqueue(2);
      const r = await deliver().run();
      expect(r?.failed).toEqual([
        { id: bad, reason: 'telegram sendMessage: HTTP 400: Bad Request: chat not found' },
      ]);
      expect(r?.sent).toEqual([good]);
      expect(new SqliteOutbox(store, clock).get(bad)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(store.db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'notify.failed'").get()).toEqual(
        {
          n: 1,
        },
      );
      clock.advance(86_400_000);
      await deliver().run();
      expect(server.requestsTo(PATH)).toHaveLength(2);
    });

    it('403 fails the message and stops the queue (every later message would fail the same way)', async () => {
      const e = telegramErrors();
      server.route({ path: PATH, respond: { status: 403, body: e.botBlocked } });
      const a = enqueue(1);
      const b = enqueue(2);
      const r = await deliver().run();
      expect(r?.failed.map((f) => f.id)).toEqual([a]);
      expect(r?.failed[0].reason).toMatch(/HTTP 403: Forbidden: bot was blocked by the user/);
      expect(r?.stoppedBy).toMatch(/later messages kept pending/);
      expect(new SqliteOutbox(store, clock).get(b)?.status).toBe('pending');
      expect(server.requestsTo(PATH)).toHaveLength(1);
    });

    it('a network error keeps the message pending; it is sent by a later run', async () => {
      const down = await FakeHttpServer.start();
      const deadUrl = down.url;
      await down.close();
      const id = enqueue();
      const offline = configFrom({
        ARGUS_TELEGRAM_TOKEN: TOKEN,
        ARGUS_TELEGRAM_CHAT_ID: CHAT,
        ARGUS_TELEGRAM_URL: deadUrl,
      });
      const { log, lines } = memoryLogger();
      const r = await deliverPending(notifyDeps(offline, log));
      expect(r?.sent).toEqual([]);
      expect(r?.retrying[0].reason).toMatch(/connection failed/);
      const row = new SqliteOutbox(store, clock).get(id)!;
      expect(row.status).toBe('pending');
      expect(lines.join('')).toMatch(/not delivered, kept for the next run/);

      server.route({ path: PATH, respond: { body: sendMessageOk() } });
      clock.advance(row.nextAttemptMs - clock.nowMs());
      expect((await deliver().run())?.sent).toEqual([id]);
    });

    it('a crash between sending and marking sent: the next run resends after the lease and logs the duplicate', async () => {
      server.route({ path: PATH, respond: { body: sendMessageOk() } });
      const id = enqueue();
      const real = new TelegramClient({ baseUrl: server.url, token: TOKEN, clock, random: () => 0.5 });
      // The message reaches Telegram, then the process "dies": send never returns, nothing is marked.
      let delivered = false;
      const crashing: MessageSender = {
        send: async (chat, text) => {
          await real.send(chat, text);
          delivered = true;
          return new Promise(() => {});
        },
        close: () => real.close(),
      };
      const { log, lines } = memoryLogger();
      void drainOutbox(new SqliteOutbox(store, clock), crashing, { clock, log });
      const until = Date.now() + 3000;
      while (!delivered && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(delivered).toBe(true);
      await real.close();
      expect(new SqliteOutbox(store, clock).get(id)?.status).toBe('sending');

      // A second process right away leaves it alone: the first may still be working on it.
      const again = openStore(join(dir, 'argus.db'), clock);
      try {
        const soon = await deliverPending(notifyDeps(config, log, again));
        expect(soon?.sent).toEqual([]);
        expect(server.requestsTo(PATH)).toHaveLength(1);

        clock.advance(11 * 60_000);
        const later = await deliverPending(notifyDeps(config, log, again));
        expect(later?.sent).toEqual([id]);
        expect(later?.resent).toEqual([id]);
      } finally {
        again.close();
      }
      expect(server.requestsTo(PATH)).toHaveLength(2);
      const row = new SqliteOutbox(store, clock).get(id)!;
      expect(row).toMatchObject({ status: 'sent', resent: true, attempts: 2 });
      const text = lines.join('');
      expect(text).toMatch(/notification #\d+ \(promotion\) was being sent when a previous run stopped/);
      expect(text).toMatch(/\[warn\] possible duplicate: notification #\d+ \(promotion\) sent again/);
      const kinds = store.db.prepare("SELECT kind FROM events WHERE kind LIKE 'notify.%' ORDER BY id").all();
      expect(kinds).toEqual([{ kind: 'notify.interrupted' }, { kind: 'notify.duplicate' }]);
    });

    it('the token appears in no log line, stored row, event or report — not even in errors', async () => {
      const e = telegramErrors();
      const down = await FakeHttpServer.start();
      const deadUrl = down.url;
      await down.close();
      const { log, lines } = memoryLogger();
      const reports: unknown[] = [];
      enqueue(1);
      const offline = configFrom({
        ARGUS_TELEGRAM_TOKEN: TOKEN,
        ARGUS_TELEGRAM_CHAT_ID: CHAT,
        ARGUS_TELEGRAM_URL: deadUrl,
      });
      reports.push(await deliverPending(notifyDeps(offline, log)));
      clock.advance(3_600_000);
      // Telegram echoing the URL path in an error must not leak it either.
      server.route({
        path: PATH,
        respond: [
          { status: 500, body: `upstream error for ${PATH}` },
          { status: 500, body: `upstream error for ${encodeURIComponent(TOKEN)}` },
          { status: 500, body: 'x' },
          { status: 400, body: { ...e.chatNotFound, description: `Bad Request: no chat for bot${TOKEN}` } },
          { body: sendMessageOk() },
        ],
      });
      reports.push(await deliverPending(notifyDeps(config, log)));
      clock.advance(3_600_000);
      reports.push(await deliverPending(notifyDeps(config, log)));
      enqueue(2);
      reports.push(await deliverPending(notifyDeps(config, log)));

      const everything = [lines.join(''), dumpStore(store), JSON.stringify(reports)].join('\n');
      expect(everything).toMatch(/<token>/);
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(encodeURIComponent(TOKEN));
      expect(everything).not.toContain('s3cr3t');
    });
  });

  describe('settings', () => {
    it('notifications are off without token and chat id: nothing is stored and nothing is sent', async () => {
      const off = configFrom({ ARGUS_TELEGRAM_CHAT_ID: CHAT });
      expect(enqueuePromotion(notifyDeps(off), promo(1))).toMatchObject({ status: 'disabled' });
      expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
      const { log } = memoryLogger();
      expect(await deliverPending(notifyDeps(off, log))).toBeNull();
    });

    it('ARGUS_TELEGRAM_URL defaults to the public Bot API and must be http(s)', () => {
      expect(configFrom({}).notifications.telegram.url).toBe('https://api.telegram.org');
      expect(() => configFrom({ ARGUS_TELEGRAM_URL: 'ftp://example.com' })).toThrow(
        /notifications\.telegram\.url/,
      );
    });
  });
});
