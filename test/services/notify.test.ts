import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/adapters/store/outbox.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { Conditions } from '../../src/core/conditions/compute.js';
import type { Candidate, SignalResult } from '../../src/core/conditions/signal.js';
import { ManualClock } from '../../src/core/time/clock.js';
import {
  describeNotify,
  enqueueRecommendations,
  enqueueReview,
  requireTelegram,
} from '../../src/services/notify.js';
import { promotionText, recommendationText } from '../../src/services/notify-text.js';
import { configFrom, openStore } from '../support/notify.js';

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
  return { atMs: clock.nowMs(), source: 'replay', conditions, candidates: cands, engine: 'js' };
}

const enqueue = (cands: Candidate[], extra: Record<string, string> = {}) =>
  enqueueRecommendations(store, signal(cands), { clock, config: configFrom({ ...env, ...extra }), fmtTime });

describe('recommendation notifications', () => {
  it('queue one message per trade candidate; no-trade candidates are not notified', () => {
    const r = enqueue([candidate(36), candidate(34, 'no trade')]);
    expect(r).toEqual([{ status: 'queued', id: 1 }]);
    const row = new Outbox(store, clock).get(1)!;
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
    expect(new Outbox(store, clock).get(2)?.status).toBe('suppressed');
    clock.advance(181 * 60_000);
    expect(enqueue([candidate(36)])[0].status).toBe('queued');
  });

  it('the dedup window is a setting', () => {
    expect(enqueue([candidate(36)])[0].status).toBe('queued');
    clock.advance(11 * 60_000);
    const cfg = configFrom(env);
    cfg.notifications.recommendations.dedupMinutes = 10;
    const r = enqueueRecommendations(store, signal([candidate(36)]), { clock, config: cfg, fmtTime });
    expect(r[0].status).toBe('queued');
  });

  it('rate limit: at most maxPerHour recommendations in a rolling hour; suppressed ones do not count', () => {
    const cfg = configFrom(env);
    cfg.notifications.recommendations.maxPerHour = 2;
    const one = (k: number) =>
      enqueueRecommendations(store, signal([candidate(k)]), { clock, config: cfg, fmtTime })[0];
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
    const r = enqueueRecommendations(store, signal([candidate(36)]), {
      clock,
      config: configFrom({}),
      fmtTime,
    });
    expect(r).toEqual([{ status: 'disabled', reason: expect.stringMatching(/ARGUS_TELEGRAM_TOKEN/) }]);
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(() => requireTelegram(configFrom({ ARGUS_TELEGRAM_TOKEN: 'abc' }))).toThrow(
      /--notify needs Telegram settings/,
    );
  });
});

describe('review and promotion messages', () => {
  it('an identical review is sent once a day; a changed one goes', () => {
    const o = { clock, config: configFrom(env) };
    expect(enqueueReview(store, '2026-02-10', 'review A', o).status).toBe('queued');
    expect(enqueueReview(store, '2026-02-10', 'review A', o).status).toBe('suppressed');
    expect(enqueueReview(store, '2026-02-10', 'review B', o).status).toBe('queued');
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

  it('describeNotify summarises queueing and delivery', () => {
    expect(
      describeNotify({
        enqueued: [
          { status: 'queued', id: 3 },
          { status: 'suppressed', id: 4, reason: 'duplicate of message #1 from 5 min ago' },
        ],
        delivery: { sent: [3], failed: [], retrying: [], resent: [], stoppedBy: null, remaining: 0 },
      }),
    ).toBe('Notifications: queued #3; #4 suppressed (duplicate of message #1 from 5 min ago); 1 sent');
  });
});
