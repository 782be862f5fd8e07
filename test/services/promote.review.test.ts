import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteFarmResults } from '../../src/adapters/store/farm-results.js';
import { SqlitePromotions } from '../../src/adapters/store/promotions.js';
import type { Store } from '../../src/adapters/store/store.js';
import { DEFAULT_RULES } from '../../src/core/farm/rules.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { type PromoteReviewDeps, promoteReview } from '../../src/services/promote.js';
import { openStore } from '../support/notify.js';
import {
  backtestGrid,
  evidence,
  insertFarmRun,
  insertPosition,
  liveGrid,
  PROMOTED_MS,
  REVIEW_AT,
  recordPromotions,
  workedExample,
} from '../support/promote-review.js';

let dir: string;
let store: Store;
let clock: ManualClock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-promote-review-'));
  clock = ManualClock.at(REVIEW_AT);
  store = openStore(join(dir, 'argus.db'), clock);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (): PromoteReviewDeps => ({
  clock,
  runs: store,
  farmResults: new SqliteFarmResults(store.db),
  promotions: new SqlitePromotions(store.db),
});
const RATES = { alpha: 0.05, beta: 0.2 };

describe('promote --review on a real database (the worked example in test/support/promote-review.ts)', () => {
  it('demotes A at trade 10, keeps B at trade 12, follows C on; D is not followed, E has no evidence', () => {
    const { backtestId, liveId } = workedExample(store);
    const r = promoteReview(deps(), { ...RATES, dryRun: false });
    expect(r.liveRunId).toBe(liveId);
    expect(r.demoteAt).toBeCloseTo(Math.log(16), 12);
    expect(r.keepAt).toBeCloseTo(Math.log(0.2 / 0.95), 12);
    expect(r.falseDemotionMax).toBeCloseTo(0.0625, 12);
    expect(r.missedDemotionMax).toBeCloseTo(0.2 / 0.95, 12);
    const [a, b, c, d, e] = r.reviews;
    expect(a).toMatchObject({
      runId: backtestId,
      trader: 74,
      live: { runId: liveId, trader: 114 },
      status: 'demote',
      forwardTrades: 12,
      forwardPnlUsd: -36,
      tradesRead: 10,
      shrunkMeanUsd: 0.75,
      demoted: true,
    });
    expect(a.llr).toBeCloseTo(2.8125, 12);
    // ±75²/(2·300²) = 0.03125 a trade: (0.8·ln 16 + 0.2·ln(0.2/0.95))/0.03125 = 61.0 with no edge.
    expect(a.tradesNeeded!.noEdge).toBeCloseTo(61.006, 3);
    expect(a.tradesNeeded!.edge).toBeCloseTo(42.931, 3);
    expect(a.reason).toMatch(/^after 10 forward trades the evidence for no edge reached Wald's bound/);
    expect(b).toMatchObject({
      trader: 49,
      live: { runId: liveId, trader: 73 },
      status: 'keep',
      forwardTrades: 14,
      forwardPnlUsd: 18,
      tradesRead: 12,
      demoted: false,
    });
    expect(b.llr).toBeCloseTo(-1.625, 12);
    expect(c).toMatchObject({ trader: 112, live: { trader: 168 }, status: 'continue', tradesRead: 3 });
    expect(c.llr).toBeCloseTo(0.09375, 12);
    expect(d).toMatchObject({
      trader: 4,
      live: null,
      status: 'not followed',
      shrunkMeanUsd: 0.75,
      llr: null,
    });
    expect(d.reason).toBe("the live farm's grid has no shortDelta 0.3: it does not trade this configuration");
    expect(e).toMatchObject({
      trader: 2,
      status: 'no evidence',
      isTradeSdUsd: null,
      llr: null,
      tradesNeeded: null,
    });
    expect(e.reason).toMatch(
      /^promoted before the per-trade mean, sd and t were recorded: it cannot be reviewed/,
    );
    expect(r.demoted).toBe(1);
    expect(r.message).toBe(
      '5 active promotion(s) reviewed: 1 demoted, 1 kept, 1 still followed, 1 without the evidence to test, 1 not followed by the live farm',
    );

    // Recorded in one go: A inactive with the time and reason, every row its last verdict.
    const rows = store.db
      .prepare(
        'SELECT trader_id, active, demoted_ms, demoted_reason, review_json FROM promotions ORDER BY rank',
      )
      .all() as {
      trader_id: number;
      active: number;
      demoted_ms: number | null;
      demoted_reason: string | null;
      review_json: string;
    }[];
    expect(rows.map((x) => [x.trader_id, x.active, x.demoted_ms])).toEqual([
      [74, 0, Date.parse(REVIEW_AT)],
      [49, 1, null],
      [112, 1, null],
      [4, 1, null],
      [2, 1, null],
    ]);
    expect(rows[0].demoted_reason).toBe(a.reason);
    expect(JSON.parse(rows[1].review_json)).toMatchObject({
      atMs: Date.parse(REVIEW_AT),
      status: 'keep',
      tradesRead: 12,
      live: { trader: 73 },
    });
    // The recommendation no longer uses A (it reads active = 1).
    const configs = new SqlitePromotions(store.db).promotedConfigs();
    expect(configs.map((x) => x.label.match(/trader (\d+)/)![1])).toEqual(['49', '112', '4', '2']);

    // The next review sees only the four still active; A's trades are not read again.
    const again = promoteReview(deps(), { ...RATES, dryRun: false });
    expect(again.reviews.map((x) => [x.trader, x.status])).toEqual([
      [49, 'keep'],
      [112, 'continue'],
      [4, 'not followed'],
      [2, 'no evidence'],
    ]);
  });

  it('a dry run tests and records nothing', () => {
    workedExample(store);
    const r = promoteReview(deps(), { ...RATES, dryRun: true });
    expect(r.reviews[0]).toMatchObject({ status: 'demote', demoted: false });
    expect(r.demoted).toBe(0);
    expect(r.message).toMatch(/^5 active promotion\(s\) reviewed: 1 would be demoted, /);
    const rows = store.db.prepare('SELECT active, demoted_ms, review_json FROM promotions').all();
    expect(rows.every((x) => (x as { active: number }).active === 1)).toBe(true);
    expect(rows.every((x) => (x as { review_json: unknown }).review_json === null)).toBe(true);
  });

  it('stricter rates move the bounds: at α 1 % A needs ln(0.8/0.01)/0.28125 → 16 trades and has 12: keep following', () => {
    workedExample(store);
    const r = promoteReview(deps(), { alpha: 0.01, beta: 0.2, dryRun: true });
    expect(r.reviews[0]).toMatchObject({ status: 'continue', tradesRead: 12 });
    expect(r.reviews[0].llr).toBeCloseTo(12 * 0.28125, 12);
  });

  it('no edge left after shrinking (t 0.9) demotes without a forward trade, even where the live farm does not follow it', () => {
    const bt = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 'test', provenance: {} });
    insertFarmRun(store, bt.id);
    recordPromotions(store, bt.id, [
      evidence(backtestGrid.config(4), { isTradeMeanUsd: 1, isTradeSdUsd: 3, isTradeT: 0.9 }),
    ]);
    const r = promoteReview(deps(), { ...RATES, dryRun: false });
    expect(r.liveRunId).toBeNull();
    expect(r.reviews[0]).toMatchObject({
      status: 'demote',
      tradesRead: 0,
      shrunkMeanUsd: 0,
      llr: null,
      demoted: true,
    });
    expect(r.reviews[0].reason).toMatch(/^no edge left to defend/);
  });

  it('not followed: no live farm yet, or a live farm trading with other rules or fills', () => {
    const bt = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 'test', provenance: {} });
    insertFarmRun(store, bt.id);
    recordPromotions(store, bt.id, [evidence(backtestGrid.config(74))]);
    const none = promoteReview(deps(), { ...RATES, dryRun: true });
    expect(none.reviews[0]).toMatchObject({ status: 'not followed', live: null });
    expect(none.reviews[0].reason).toMatch(/^no live farm to follow it: run `argus farm run --source live`/);
    const liveId = store.liveRun('test').id;
    insertFarmRun(store, liveId, liveGrid, { ...DEFAULT_RULES, capitalUsd: 50_000 }, { f: 0.5 });
    for (let k = 1; k <= 12; k++) insertPosition(store, liveId, 114, k, -300);
    const other = promoteReview(deps(), { ...RATES, dryRun: true });
    expect(other.reviews[0]).toMatchObject({
      status: 'not followed',
      live: { trader: 114 },
      forwardTrades: 0,
    });
    expect(other.reviews[0].reason).toMatch(/other settings than run .*\(rules\.capitalUsd, fill\.f\)/);
  });

  it('no active promotion: says so; bad rates are refused naming the rate', () => {
    expect(promoteReview(deps(), { ...RATES, dryRun: false }).message).toMatch(
      /^no active promotion to review/,
    );
    expect(() => promoteReview(deps(), { alpha: 0, beta: 0.2, dryRun: true })).toThrow(
      /false-demotion rate α must be in \(0, 1\), got 0/,
    );
    expect(() => promoteReview(deps(), { alpha: 0.05, beta: 1, dryRun: true })).toThrow(
      /β must be in \(0, 1\)/,
    );
    expect(() => promoteReview(deps(), { alpha: 0.6, beta: 0.5, dryRun: true })).toThrow(
      /α \+ β must be below 1/,
    );
  });

  it('trades closed before the promotion are not forward trades', () => {
    const { liveId } = workedExample(store);
    // Move A's twelve losers to before the promotion: only the open position remains forward.
    store.db
      .prepare("UPDATE positions SET exit_ms = ? WHERE run_id = ? AND trader_id = 114 AND status = 'closed'")
      .run(PROMOTED_MS, liveId);
    const r = promoteReview(deps(), { ...RATES, dryRun: true });
    expect(r.reviews[0]).toMatchObject({ status: 'continue', forwardTrades: 0, tradesRead: 0, llr: 0 });
  });
});
