import { describe, expect, it } from 'vitest';
import type { Conditions } from '../../../src/core/conditions/compute.js';
import type { Candidate, SignalResult } from '../../../src/core/conditions/signal.js';
import type { GapView } from '../../../src/core/market/gap.js';
import { buildMonitorState, type MonitorInputs } from '../../../src/core/monitor/state.js';
import type { DailyReview } from '../../../src/core/review.js';
import fixture from '../../fixtures/monitor/replay-2025-03-10.json' with { type: 'json' };

const AT = Date.UTC(2025, 2, 10, 19, 0);
const candidate = fixture.recommendation.candidate as unknown as Candidate;

const conditions = {
  atMs: AT,
  market: {
    phase: 'open',
    reason: 'regular session',
    lastCloseMs: 0,
    nextOpenMs: AT + 20 * 3600_000,
    nextCloseMs: AT + 3600_000,
  },
  btc: {
    status: 'ok',
    value: { priceUsd: 77_615.78, change24hFrac: -0.0612 },
    asOfMs: AT - 60_000,
    source: 'replay:cryptocompare',
  },
  dvol: {
    status: 'ok',
    value: 0.591,
    asOfMs: AT - 19 * 3600_000,
    source: 'replay:deribit-dvol',
    stale: true,
  },
  funding8h: { status: 'missing', reason: 'HTTP 503', source: 'bybit' },
  ibit: {
    status: 'ok',
    value: { symbol: 'IBIT', price: 44.11, previousClose: 49.43, phase: 'open' },
    asOfMs: AT,
    source: 'replay:yahoo-ibit',
  },
  ivRank: { status: 'ok', rank: 0.41, percentile: 0.67, n: 365, low: 0.42, high: 0.83 },
  ivZScore: { status: 'insufficient', reason: 'no DVOL' },
  regime: { status: 'ok', regime: 'normal', percentile: 0.58, n: 90 },
  momentum: { status: 'insufficient', reason: 'no bars' },
  blackout: { blackout: false },
  warmth: { status: 'insufficient', reason: 'coverage 40 % < 60 %', missing: [] },
} as unknown as Conditions;

const signal = (candidates: Candidate[]): SignalResult => ({
  atMs: AT,
  source: 'replay',
  conditions,
  candidates,
  engine: 'js',
  missing: [],
});

const review = {
  liveRunId: 'c05063aa-96d7-4073-8b73-03e6b55057f0',
  note: null,
  opened: { trades: 3, contracts: 7, creditUsd: 0, traders: 3 },
  closed: { trades: 2, realizedUsd: 41.5 },
  open: { positions: 112, contracts: 1304, unrealizedUsd: -11_446.2, markedAtMs: AT - 600_000 },
  promotions: {
    status: 'ok',
    promotedOnDate: null,
    active: [{ trader: 17, runId: 'r1', rank: 1, active: true, promotedMs: 5, config: null }],
    note: null,
  },
} as unknown as DailyReview;

function inputs(over: Partial<MonitorInputs> = {}): MonitorInputs {
  return {
    atMs: AT,
    source: 'replay',
    speed: 600,
    refresh: 3,
    signal: signal([candidate]),
    bito: { status: 'missing', reason: 'no BITO bar', source: 'replay:yahoo-bito' },
    dvolRecent: {
      status: 'ok',
      value: Array.from({ length: 40 }, (_, i) => ({ date: `d${i}`, vol: 0.5 + i / 1000 })),
      asOfMs: AT,
      source: 'replay',
    },
    upcoming: [],
    gap: { status: 'missing', atMs: AT, sessionDate: '2025-03-07', reason: 'no close' } as GapView,
    review,
    exitsToDate: [
      { reason: 'profit_target', n: 5, pnlCents: 12_345, feesCents: 1_040, wins: 5 },
      { reason: 'stop', n: 2, pnlCents: -20_010, feesCents: 416, wins: 0 },
    ],
    topTraders: [{ trader: 9, trades: 4, wins: 3, pnlCents: 8_850 }],
    lastStep: {
      atMs: AT - 600_000,
      exits: [{ reason: 'stop', n: 2, pnlCents: -20_010, feesCents: 416, wins: 0 }],
    },
    driver: { enabled: false, last: null },
    stream: { status: 'reconnecting', lastTickMs: AT - 90_000, attempt: 2 },
    problems: [],
    ...over,
  };
}

describe('the monitor state', () => {
  it('farm: realised total is every exit to date (123.45 − 200.10 = −76.65), last step counts its exits, cents become dollars', () => {
    const s = buildMonitorState(inputs());
    expect(s.farm.realizedTotalUsd).toBe(-76.65);
    expect(s.farm.lastStep).toEqual({
      atMs: AT - 600_000,
      closed: 2,
      pnlUsd: -200.1,
      byReason: [{ reason: 'stop', trades: 2 }],
    });
    expect(s.farm.top).toEqual([{ trader: 9, trades: 4, wins: 3, pnlUsd: 88.5 }]);
    expect(s.farm.promoted).toEqual([{ trader: 17, runId: 'r1', promotedMs: 5 }]);
    expect(s.farm.openUnrealizedUsd).toBe(-11_446.2);
    expect(s.farm.realizedTodayUsd).toBe(41.5);
  });

  it('market: the next bell is the close while open, the open otherwise', () => {
    expect(buildMonitorState(inputs()).market.next).toEqual({ kind: 'close', atMs: AT + 3600_000 });
    const closed = { ...conditions, market: { ...conditions.market, phase: 'closed' } } as Conditions;
    const s = buildMonitorState(inputs({ signal: { ...signal([candidate]), conditions: closed } }));
    expect(s.market.next).toEqual({ kind: 'open', atMs: AT + 20 * 3600_000 });
  });

  it('recommendation: the first trade, else the failed filters of the first configuration', () => {
    const s = buildMonitorState(inputs());
    expect(s.recommendation.status).toBe('no trade');
    if (s.recommendation.status === 'no trade')
      expect(s.recommendation.failed.map((f) => f.filter)).toEqual(['expected value > 0 after fees']);
    const trade = { ...candidate, verdict: 'trade' as const, shortStrike: 41 };
    const t = buildMonitorState(inputs({ signal: signal([candidate, trade]) }));
    expect(t.recommendation.status).toBe('trade');
    expect(t.recommendation.candidate?.shortStrike).toBe(41);
    const none = buildMonitorState(inputs({ signal: signal([]) }));
    expect(none.recommendation).toEqual({ status: 'no trade', candidate: null, failed: [] });
  });

  it('health: age from the refresh time, stale and missing kept apart, the stream reconnecting', () => {
    const h = Object.fromEntries(buildMonitorState(inputs()).health.map((r) => [r.field, r]));
    expect(h.BTC).toMatchObject({ status: 'ok', ageMs: 60_000 });
    expect(h.DVOL).toMatchObject({ status: 'stale', ageMs: 19 * 3600_000 });
    expect(h.funding).toMatchObject({ status: 'missing', ageMs: null, reason: 'HTTP 503', source: 'bybit' });
    expect(h.BITO.status).toBe('missing');
    expect(h['BTC ticks']).toMatchObject({
      status: 'stale',
      ageMs: 90_000,
      reason: 'reconnecting (attempt 2)',
      source: 'bybit ws',
    });
  });

  it('volatility keeps the last 30 DVOL closes; an unavailable calendar is a note, not an empty list', () => {
    const s = buildMonitorState(inputs({ upcoming: 'the bundled FOMC calendar ends 2028-01-26' }));
    expect(s.volatility.recent).toHaveLength(30);
    expect(s.volatility.recent[0].date).toBe('d10');
    expect(s.calendar).toMatchObject({ upcoming: [], note: 'the bundled FOMC calendar ends 2028-01-26' });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
