import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewForward } from '../../src/core/judge/review.js';
import { farmLiveStep } from '../../src/services/farm-live.js';
import { farmBacktest } from '../../src/services/farm-run.js';
import { type PromoteReviewResult, promoteReview, promoteRun } from '../../src/services/promote.js';
import { liveContext, SMALL_GRID } from '../support/live-farm.js';

const GRID = SMALL_GRID;
const dir = mkdtempSync(join(tmpdir(), 'argus-promote-forward-'));
const db = join(dir, 'a.db');
const at = (iso: string) => liveContext(dir, db, iso);

let promotedMs = 0;
let review: PromoteReviewResult;
let liveId = '';

beforeAll(async () => {
  // A replay backtest, promoted from on 2025-06-02 (loose settings: plumbing, not evidence) …
  const c = at('2025-06-02T12:00:00Z');
  const bt = await farmBacktest(c, {
    source: 'replay',
    from: '2025-03-03',
    to: '2025-05-30',
    gridFile: GRID,
    engine: 'js',
    seed: 5,
  });
  c.store().db.prepare('DELETE FROM farm_series WHERE run_id = ?').run(bt.runId);
  const p = await promoteRun(c, {
    run: bt.runId,
    isMonths: 1,
    oosMonths: 1,
    minDays: 0,
    minTrades: 3,
    minPnlUsd: 0,
    alpha: 0.9,
    top: 2,
    dryRun: false,
  });
  expect(p.promoted.length).toBeGreaterThan(0);
  promotedMs = c.clock.nowMs();
  c.close();
  // … then the live farm (the same grid and settings) stepped through June on the replayed market.
  let first = true;
  for (let d = 2; d <= 30; d++) {
    const day = `2025-06-${String(d).padStart(2, '0')}`;
    for (const [time, mode] of [
      ['14:00', 'full'],
      ['19:30', 'exits'],
      ['22:00', 'expire'],
    ] as const) {
      const s = at(`${day}T${time}:00Z`);
      await farmLiveStep(s, { mode, engine: 'js', sourceKind: 'replay', gridFile: first ? GRID : undefined });
      first = false;
      s.close();
    }
  }
  const r = at('2025-07-01T12:00:00Z');
  liveId = r.runs.resolveRunRef('live').kind === 'found' ? r.farmRuns.liveRunId()! : '';
  review = promoteReview(r, { alpha: 0.05, beta: 0.2, dryRun: true });
  r.close();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('promote --review after a real promotion and a month of live farm steps', () => {
  it('follows each promoted configuration on the live farm (same settings, so not refused) and tests its trades since the promotion', () => {
    expect(review.liveRunId).toBe(liveId);
    expect(review.reviews.length).toBeGreaterThan(0);
    const c = at('2025-07-01T12:00:00Z');
    try {
      for (const x of review.reviews) {
        expect(x.status, x.reason).toMatch(/^(demote|keep|continue)$/);
        // The same grid: the same id.
        expect(x.live).toEqual({ runId: liveId, trader: x.trader });
        const trades = c.farmResults
          .livePositions(liveId, x.trader)
          .filter((p) => p.status === 'closed' && p.exit_ms! > promotedMs)
          .sort((a, b) => a.exit_ms! - b.exit_ms!)
          .map((p) => p.pnl_cents!);
        expect(x.forwardTrades).toBe(trades.length);
        const v = reviewForward({
          trades,
          isMean: x.isTradeMeanUsd! * 100,
          isSd: x.isTradeSdUsd! * 100,
          isT: x.isTradeT!,
          alpha: 0.05,
          beta: 0.2,
        });
        expect([x.status, x.tradesRead]).toEqual([v.status, v.trades]);
      }
      expect(review.reviews.reduce((a, x) => a + x.forwardTrades, 0)).toBeGreaterThan(0);
    } finally {
      c.close();
    }
  });
});
