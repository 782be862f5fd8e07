import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import type { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { ManualClock } from '../../src/core/time/clock.js';
import { applyPrune, planPrune } from '../../src/services/prune.js';
import {
  addBacktest,
  closeHousekeepingStore,
  countRows,
  type HousekeepingStore,
  housekeepingDeps,
  openHousekeepingStore,
} from '../support/housekeeping-store.js';

const DAY = 86_400_000;

const market = loadMarketCalendar();

let h: HousekeepingStore;
let clock: ManualClock;
let store: Store;
let files: CheckpointFiles;

beforeEach(() => {
  h = openHousekeepingStore();
  ({ clock, store, files } = h);
});
afterEach(() => closeHousekeepingStore(h));

const backtest = (o?: Parameters<typeof addBacktest>[1]) => addBacktest(h, o);
const deps = () => housekeepingDeps(h);
const count = (sql: string, ...args: unknown[]) => countRows(h, sql, ...args);

describe('db prune', () => {
  function snapshot(date: string) {
    store.db
      .prepare(
        `INSERT INTO gap_snapshots (session_date, close_ms, ibit_close, bito_close, btc_at_close, btc_source, etf_source, recorded_ms)
         VALUES (?, 0, 50, NULL, 90000, 't', 't', 0)`,
      )
      .run(date);
  }
  function outbox(status: string, createdMs: number) {
    store.db
      .prepare(
        `INSERT INTO outbox (channel, kind, chat_id, text, status, created_ms, next_attempt_ms) VALUES ('telegram', 'review', '1', 'x', ?, ?, ?)`,
      )
      .run(status, createdMs, createdMs);
  }

  it('plans completed/failed backtests before DATE, old snapshots and sent notifications; keeps what is still needed', () => {
    const oldDone = backtest({ status: 'completed', checkpointBytes: 100 });
    const oldFailed = backtest({ kind: 'sim', status: 'failed' });
    const oldRunning = backtest();
    const oldPromoted = backtest({ status: 'completed' });
    store.db.exec('DROP TABLE IF EXISTS promotions');
    store.db.exec('CREATE TABLE promotions (trader_id INTEGER, run_id TEXT, active INTEGER)');
    store.db.prepare('INSERT INTO promotions VALUES (1, ?, 1)').run(oldPromoted);
    store.liveRun('t');
    clock.set(Date.parse('2026-03-02T15:00:00Z'));
    const recent = backtest({ status: 'completed' });
    for (const d of ['2025-12-30', '2025-12-31', '2026-01-02', '2026-02-27']) snapshot(d);
    outbox('sent', Date.parse('2025-12-01T00:00:00Z'));
    outbox('suppressed', Date.parse('2025-12-01T00:00:00Z'));
    outbox('failed', Date.parse('2025-12-01T00:00:00Z'));
    outbox('pending', Date.parse('2025-12-01T00:00:00Z'));
    outbox('sent', Date.parse('2026-02-10T00:00:00Z'));
    // Files of a run that is gone from the database.
    const ghost = randomUUID();
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(join(files.dir, `${ghost}.4.${randomUUID()}.bin`), Buffer.alloc(64));

    const plan = planPrune(deps(), { before: '2026-02-01' });
    expect(plan.beforeMs).toBe(market.etToUtcMs('2026-02-01', '00:00'));
    expect(plan.runs.map((r) => r.id).sort()).toEqual([oldDone, oldFailed].sort());
    expect(plan.skippedRuns).toEqual([{ id: oldPromoted, reason: '1 active promotion(s) come from it' }]);
    expect(plan.runs.map((r) => r.id)).not.toContain(oldRunning);
    expect(plan.runs.map((r) => r.id)).not.toContain(recent);
    expect(plan.gapSnapshots).toMatchObject({
      count: 3,
      first: '2025-12-30',
      last: '2026-01-02',
      cutoff: '2026-02-01',
    });
    expect(plan.outbox.count).toBe(2);
    expect(plan.checkpointFiles).toEqual({ count: 2, bytes: 164, orphanRuns: [ghost] });

    const r = applyPrune(deps(), plan);
    expect(r.deleted).toEqual({ runs: 2, gapSnapshots: 3, outbox: 2, checkpointFiles: 2 });
    expect(store.getRun(oldDone)).toBeNull();
    expect(store.getRun(oldRunning)).not.toBeNull();
    expect(store.getRun(oldPromoted)).not.toBeNull();
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(3);
    expect(
      (
        store.db.prepare('SELECT session_date FROM gap_snapshots ORDER BY 1').all() as {
          session_date: string;
        }[]
      ).map((x) => x.session_date),
    ).toEqual(['2026-02-27']);
    expect(readdirSync(files.dir)).toEqual([]);
    expect(r.vacuum).toEqual({ ok: true, error: null });
  });

  it('keeps the latest close and the closes open live positions will settle at', () => {
    for (const d of ['2025-11-28', '2025-12-12', '2025-12-19']) snapshot(d);
    const live = store.liveRun('t').id;
    store.db
      .prepare(
        `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts, credit_pips,
           entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips, max_loss_cents, delta_usd,
           vega_usd, status) VALUES (?, ?, 1, 'k', 'IBIT', '2025-12-12', 50, 48, 1, 4000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'open')`,
      )
      .run(randomUUID(), live);
    const plan = planPrune(deps(), { before: '2026-01-05' });
    expect(plan.gapSnapshots).toMatchObject({ count: 1, cutoff: '2025-12-12' });
    expect(plan.gapSnapshots.keptReason).toMatch(/open live positions expire then/);
    store.db.prepare("UPDATE positions SET status = 'closed'").run();
    const p2 = planPrune(deps(), { before: '2026-01-05' });
    expect(p2.gapSnapshots).toMatchObject({ count: 2, cutoff: '2025-12-19' });
    expect(p2.gapSnapshots.keptReason).toMatch(/latest close \(2025-12-19\) is kept/);
  });

  it('sent notifications younger than the keep window stay (dedup and rate limits read them)', () => {
    outbox('sent', clock.nowMs() - 2 * DAY);
    const plan = planPrune(deps(), { before: '2026-01-05' });
    expect(plan.outbox.count).toBe(0);
    expect(planPrune(deps(), { before: '2026-01-05', keepOutboxMs: DAY }).outbox.count).toBe(1);
  });

  it('VACUUM gives the space back and the result says how much', () => {
    const big = backtest({ status: 'completed', traders: 40_000 });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    clock.advance(2 * DAY);
    const plan = planPrune(deps(), { before: '2026-01-07' });
    expect(plan.runs.map((r) => r.id)).toEqual([big]);
    const r = applyPrune(deps(), plan);
    expect(r.vacuum.ok).toBe(true);
    expect(r.checkpoint).toMatchObject({ busy: 0 });
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(r.freedBytes).toBe(r.bytesBefore - r.bytesAfter);
    expect(r.freedBytes).toBeGreaterThan(500_000);
    expect(count('SELECT count(*) AS n FROM trader_stats')).toBe(0);
  });

  it('refuses a date in the future', () => {
    expect(() => planPrune(deps(), { before: '2026-01-06' })).toThrow(/in the future/);
  });
});
