import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEconomicCalendar, loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import { loadGrid } from '../../src/adapters/bundled/grids.js';
import { SqliteOutbox } from '../../src/adapters/store/outbox.js';
import { SqliteReviews } from '../../src/adapters/store/review.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { ArgusConfig } from '../../src/core/config/schema.js';
import { UsageError } from '../../src/core/errors.js';
import type { GapView } from '../../src/core/market/gap.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { reviewText } from '../../src/services/notify-text.js';
import {
  type DailyReviewDeps,
  type DailyReviewOptions,
  dailyReview,
  readPromotions,
} from '../../src/services/review.js';
import { openStore } from '../support/notify.js';

const market = loadMarketCalendar();
const economic = loadEconomicCalendar([]);
const et = (date: string, hhmm: string) => market.etToUtcMs(date, hhmm);

let dir: string;
let clock: ManualClock;
let store: Store;
let liveId: string;

interface Pos {
  trader: number;
  entry: [string, string];
  exit?: [string, string];
  reason?: string;
  pnlCents?: number;
  creditPips?: number;
  markPips?: number;
  contracts?: number;
  shortStrike?: number;
  expiry?: string;
}

function insert(p: Pos, runId = liveId): void {
  const contracts = p.contracts ?? 1;
  const short = p.shortStrike ?? 48;
  store.db
    .prepare(
      `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts,
         credit_pips, entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips,
         max_loss_cents, delta_usd, vega_usd, status, exit_ms, exit_reason, exit_pips, pnl_cents, fees_cents)
       VALUES (?, ?, ?, ?, 'IBIT', ?, ?, ?, ?, ?, ?, 0, 0, -1, -1, 0, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      randomUUID(),
      runId,
      p.trader,
      randomUUID(),
      p.expiry ?? '2026-02-06',
      short,
      short - 2,
      contracts,
      p.creditPips ?? 4000,
      et(...p.entry),
      p.markPips ?? p.creditPips ?? 4000,
      (20_000 - (p.creditPips ?? 4000)) * contracts,
      p.exit ? 'closed' : 'open',
      p.exit ? et(...p.exit) : null,
      p.reason ?? null,
      p.exit ? 0 : null,
      p.pnlCents ?? null,
      p.exit ? 260 : null,
    );
}

const gapOk = (atMs: number): GapView => ({
  status: 'ok',
  atMs,
  sessionDate: '2026-01-26',
  closeMs: et('2026-01-26', '16:00'),
  btcAtClose: 100_000,
  btcNow: 97_000,
  btcMoveFrac: -0.03,
  ibitClose: 56.5,
  impliedIbitOpen: 54.805,
  marketPhase: 'closed',
  nextOpenMs: et('2026-01-27', '09:30'),
  from: 'snapshot',
});

function deps(): DailyReviewDeps {
  return {
    clock,
    calendar: market,
    economic,
    // Fee used for open marks when the live farm recorded none.
    farmConfig: { feePerContractPerLegUsd: 0.65 } as ArgusConfig['farm'],
    reviews: new SqliteReviews(store),
    outbox: new SqliteOutbox(store, clock),
  };
}

/** The reviewed day, with the gap from a stub. */
const day = (o: DailyReviewOptions = {}): DailyReviewOptions => ({ gap: async (atMs) => gapOk(atMs), ...o });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-review-'));
  // Tuesday evening; the review is of Monday 2026-01-26.
  clock = ManualClock.at('2026-01-27T23:00:00Z');
  store = openStore(join(dir, 'argus.db'), clock);
  liveId = store.liveRun('test').id;
  const grid = loadGrid();
  store.db
    .prepare(
      `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json, steps_done)
       VALUES (?, ?, ?, ?, '{}', ?, 0, '[]', 12)`,
    )
    .run(
      liveId,
      JSON.stringify(grid.spec),
      grid.hash,
      JSON.stringify({ feePerContractPerLegUsd: 0.65 }),
      grid.count,
    );
  store.db
    .prepare(
      `INSERT INTO farm_checkpoints (run_id, step, file, bytes, sha256, registry_json, totals_json, created_ms)
       VALUES (?, 11, 'x.bin', 0, '', '{}', '{}', ?)`,
    )
    .run(liveId, et('2026-01-27', '15:55'));
  insert({
    trader: 5,
    entry: ['2026-01-20', '10:00'],
    exit: ['2026-01-26', '15:00'],
    reason: 'profit_target',
    pnlCents: 2500,
  });
  insert({
    trader: 9,
    entry: ['2026-01-21', '10:00'],
    exit: ['2026-01-26', '11:30'],
    reason: 'stop',
    pnlCents: -8000,
  });
  insert({
    trader: 12,
    entry: ['2026-01-12', '10:00'],
    exit: ['2026-01-26', '16:00'],
    reason: 'expiry',
    pnlCents: 3000,
    expiry: '2026-01-26',
  });
  // Opened on the day, still open: marked to market, not counted at their credit.
  insert({ trader: 5, entry: ['2026-01-26', '10:00'], creditPips: 4000, markPips: 2500, contracts: 2 });
  insert({ trader: 9, entry: ['2026-01-26', '11:00'], creditPips: 3000, markPips: 3500, shortStrike: 46 });
  // Open at the end of the day, closed the next day; and one opened the next day.
  insert({
    trader: 7,
    entry: ['2026-01-22', '10:00'],
    exit: ['2026-01-27', '10:00'],
    reason: 'trailing_stop',
    pnlCents: 100,
  });
  insert({ trader: 3, entry: ['2026-01-27', '10:00'] });
  // Another run's rows never mix in.
  const other = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 'test', provenance: {} });
  insert(
    {
      trader: 1,
      entry: ['2026-01-26', '10:00'],
      exit: ['2026-01-26', '12:00'],
      reason: 'stop',
      pnlCents: -99_999,
    },
    other.id,
  );
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dailyReview', () => {
  it("counts the day's opened and closed trades of the live run only, split into exits and expiries", async () => {
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    expect(r.liveRunId).toBe(liveId);
    expect(r.asOfMs).toBe(et('2026-01-27', '00:00') - 1);
    expect(r.opened).toEqual({ trades: 2, contracts: 3, creditUsd: 110, traders: 2 });
    expect(r.closed).toEqual({
      trades: 3,
      wins: 2,
      losses: 1,
      realizedUsd: -25,
      closedUsd: -55,
      expiredUsd: 30,
      feesUsd: 7.8,
      winRate: 2 / 3,
    });
    expect(r.exitsByReason).toEqual([
      { reason: 'expiry', trades: 1, pnlUsd: 30 },
      { reason: 'profit_target', trades: 1, pnlUsd: 25 },
      { reason: 'stop', trades: 1, pnlUsd: -80 },
    ]);
  });

  it('marks open positions to market at the last mark (entry fees in), not at their credit', async () => {
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    const o = r.open;
    expect(o.positions).toBe(2);
    expect(o.contracts).toBe(3);
    expect(o.creditUsd).toBe(110);
    // (0.40 − 0.25) × 100 × 2 − 2 legs × $0.65 × 2 = 27.40; (0.30 − 0.35) × 100 − 1.30 = −6.30.
    expect(o.unrealizedUsd).toBeCloseTo(21.1, 10);
    expect(o.markedAtMs).toBe(et('2026-01-27', '15:55'));
    expect(o.closedSince).toBe(1);
    expect(o.bySpread.map((s) => [s.shortStrike, s.contracts, Number(s.unrealizedUsd.toFixed(2))])).toEqual([
      [48, 2, 27.4],
      [46, 1, -6.3],
    ]);
  });

  it('ranks best and worst traders of the day by realised P&L, with their grid configuration', async () => {
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    expect(r.traders.best.map((t) => [t.trader, t.realizedUsd])).toEqual([
      [12, 30],
      [5, 25],
      [9, -80],
    ]);
    expect(r.traders.worst[0]).toMatchObject({ trader: 9, trades: 1, wins: 0, realizedUsd: -80 });
    expect(r.traders.best[0].config).toEqual({ ...loadGrid().config(12) });
  });

  it('lists upcoming events after the day (FOMC on the 28th) and the gap as of the end of the day', async () => {
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    const fomc = r.events.entries.find((e) => e.type === 'fomc');
    expect(fomc).toMatchObject({ date: '2026-01-28', timeMs: et('2026-01-28', '14:00') });
    expect(r.events.entries.every((e) => e.timeMs === null || e.timeMs > r.asOfMs)).toBe(true);
    expect(r.gap).toMatchObject({ status: 'ok', atMs: r.asOfMs, btcMoveFrac: -0.03 });
  });

  it('a failing market-data source costs the gap line only', async () => {
    const r = await dailyReview(deps(), {
      date: '2026-01-26',
      gap: async () => {
        throw new Error('yahoo v8/finance/chart/IBIT: HTTP 502');
      },
    });
    expect(r.gap).toEqual({
      status: 'missing',
      atMs: r.asOfMs,
      reason: 'yahoo v8/finance/chart/IBIT: HTTP 502',
    });
    expect(r.closed.trades).toBe(3);
  });

  it('defaults to today (ET) as of now; refuses a future date', async () => {
    const r = await dailyReview(deps(), day());
    expect(r.date).toBe('2026-01-27');
    expect(r.asOfMs).toBe(clock.nowMs());
    expect(r.opened.trades).toBe(1);
    expect(r.exitsByReason).toEqual([{ reason: 'trailing_stop', trades: 1, pnlUsd: 1 }]);
    await expect(dailyReview(deps(), day({ date: '2026-01-28' }))).rejects.toThrow(UsageError);
  });

  it('a database without a live farm gives an empty review with a note', async () => {
    store.db.prepare("DELETE FROM runs WHERE kind = 'live'").run();
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    expect(r.liveRunId).toBeNull();
    expect(r.note).toMatch(/live farm has not run yet/);
    expect(r.closed.trades).toBe(0);
  });

  it('renders a compact text for Telegram', async () => {
    const r = await dailyReview(deps(), day({ date: '2026-01-26' }));
    const t = reviewText(r, (ms) => market.formatEt(ms));
    expect(t).toContain('Argus — daily review 2026-01-26');
    expect(t).toContain('Opened 2 (3 contracts, $110.00 credit, 2 traders)');
    expect(t).toContain(
      'Closed 3: realised −$25.00 (exits −$55.00, expiries $30.00); wins 2, losses 1 (67%)',
    );
    expect(t).toContain('Exits: expiry 1 ($30.00), profit_target 1 ($25.00), stop 1 (−$80.00)');
    expect(t).toMatch(/Open 2 \(3 contracts\): unrealised \$21\.10 marked .*; 1 more closed since/);
    expect(t).toContain('Best: #12 $30.00 (1), #5 $25.00 (1), #9 −$80.00 (1)');
    expect(t).toMatch(/Upcoming: .*FOMC statement/);
    expect(t).toContain(
      'Gap: BTC -3.00% since the 2026-01-26 close; implied IBIT open $54.81 vs close $56.50',
    );
  });
});

describe('promotions', () => {
  const reviewed = [et('2026-01-26', '00:00'), et('2026-01-27', '00:00')] as const;

  it('none yet', () => {
    expect(readPromotions(deps(), ...reviewed)).toMatchObject({ status: 'none' });
  });

  it('active ones by rank and those promoted on the day', () => {
    const evalId = randomUUID();
    store.db
      .prepare(
        "INSERT INTO promotion_evals (id, run_id, created_ms, params_json, summary_json) VALUES (?, ?, 0, '{}', '{}')",
      )
      .run(evalId, liveId);
    const put = store.db.prepare(
      "INSERT INTO promotions (eval_id, run_id, trader_id, config_json, rank, active, promoted_ms, evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')",
    );
    put.run(evalId, liveId, 5, '{"dte":14}', 2, 1, et('2026-01-26', '17:00'));
    put.run(evalId, liveId, 6, '{"dte":7}', 1, 1, et('2026-01-20', '17:00'));
    put.run(evalId, liveId, 7, '{"dte":30}', 3, 0, et('2026-01-26', '18:00'));
    const p = readPromotions(deps(), ...reviewed);
    if (p.status !== 'ok') throw new Error(JSON.stringify(p));
    expect(p.active.map((x) => [x.trader, x.rank])).toEqual([
      [6, 1],
      [5, 2],
    ]);
    expect(p.promotedOnDate?.map((x) => [x.trader, x.active])).toEqual([
      [5, true],
      [7, false],
    ]);
    expect(p.promotedOnDate?.[0].config).toEqual({ dte: 14 });
  });
});
