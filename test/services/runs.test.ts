import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import { SqliteHousekeeping } from '../../src/adapters/store/housekeeping.js';
import type { Store } from '../../src/adapters/store/store.js';
import { UsageError } from '../../src/core/errors.js';
import type { RunKind, RunStatus } from '../../src/core/runs.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { applyPrune, planPrune } from '../../src/services/prune.js';
import { applyRemoval, listRuns, planRemoveRun, resolveRun } from '../../src/services/runs.js';
import { configFrom, openStore } from '../support/notify.js';

const market = loadMarketCalendar();
const DAY = 86_400_000;

let dir: string;
let dbPath: string;
let clock: ManualClock;
let store: Store;
let files: CheckpointFiles;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-hk-'));
  dbPath = join(dir, 'argus.db');
  clock = ManualClock.at('2026-01-05T15:00:00Z');
  store = openStore(dbPath, clock);
  files = new CheckpointFiles(store.db);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A backtest run with its farm rows, trader stats, steps, an event and a checkpoint file. */
function backtest(
  o: { kind?: RunKind; status?: RunStatus; traders?: number; checkpointBytes?: number } = {},
): string {
  const run = store.createRun({
    kind: o.kind ?? 'replay',
    command: 'farm run',
    appVersion: 't',
    provenance: {},
  });
  if (o.status && o.status !== 'running') store.setRunStatus(run.id, o.status);
  const traders = o.traders ?? 100;
  const info = store.db
    .prepare(
      `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json, steps_done)
       VALUES (?, '{}', 'h', '{}', '{}', ?, 10, '[]', 10)`,
    )
    .run(run.id, traders);
  const stat = store.db.prepare(
    `INSERT INTO trader_stats (run_no, trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins, gross_profit_cents,
       gross_loss_cents, fees_cents, days_in_trade, max_drawdown_cents, max_drawdown_frac, daily_n, daily_sum, daily_sum_sq, daily_down_sq)
     VALUES (?, ?, ?, 0, 0, 3, 2, 0, 0, 0, 1.5, 0, 0, 0, 0, 0, 0)`,
  );
  store.db.transaction(() => {
    for (let t = 0; t < traders; t++) stat.run(info.lastInsertRowid, t, t * 7);
  })();
  store.db
    .prepare('INSERT INTO farm_steps VALUES (?, 0, 0, 1, 1, 0, 0), (?, 1, 1, 1, 1, 0, 0)')
    .run(run.id, run.id);
  store.logEvent({ runId: run.id, kind: 'farm.progress', message: 'step' });
  if (o.checkpointBytes) files.write(run.id, 3, [Buffer.alloc(o.checkpointBytes, 1)]);
  clock.advance(60_000);
  return run.id;
}

/** The housekeeping services' view of the test's store, clock and calendar. */
function deps() {
  return {
    housekeeping: new SqliteHousekeeping(store),
    runs: store,
    clock,
    calendar: market,
    notifyConfig: configFrom({}).notifications,
  };
}

function count(sql: string, ...args: unknown[]): number {
  return (store.db.prepare(sql).get(...args) as { n: number }).n;
}

describe('runs list / resolve', () => {
  it('lists newest first with kind, size, progress, checkpoint bytes and the live flag', () => {
    const a = backtest({ status: 'completed', checkpointBytes: 1000 });
    const b = backtest({ kind: 'sim', traders: 5 });
    const live = store.liveRun('t').id;
    const runs = listRuns(deps());
    expect(runs.map((r) => r.id)).toEqual([live, b, a]);
    expect(runs[0]).toMatchObject({ kind: 'live', live: true, traders: null });
    expect(runs[1]).toMatchObject({
      kind: 'sim',
      status: 'running',
      traders: 5,
      stepsDone: 10,
      stepsTotal: 10,
    });
    expect(runs[2]).toMatchObject({ status: 'completed', checkpointBytes: 1000, activePromotions: 0 });
    expect(listRuns(deps(), { kind: 'replay' }).map((r) => r.id)).toEqual([a]);
    expect(listRuns(deps(), { limit: 1 })).toHaveLength(1);
  });

  it('resolves a unique prefix; refuses ambiguous, unknown and malformed ids', () => {
    const a = backtest();
    expect(resolveRun(deps(), a.slice(0, 8)).id).toBe(a);
    expect(resolveRun(deps(), a.toUpperCase()).id).toBe(a);
    expect(() => resolveRun(deps(), 'ffffffff')).toThrow(/no run ffffffff/);
    expect(() => resolveRun(deps(), "a' OR 1=1 --")).toThrow(UsageError);
    expect(() => resolveRun(deps(), '%')).toThrow(/is not a run id/);
    // Two ids sharing a prefix: make one by hand.
    const twin = `${a.slice(0, 8)}-0000-4000-8000-000000000000`;
    store.db
      .prepare(
        "INSERT INTO runs (id, kind, command, status, created_ms, updated_ms, app_version, provenance_json) VALUES (?, 'sim', 'x', 'completed', 0, 0, 't', '{}')",
      )
      .run(twin);
    expect(() => resolveRun(deps(), a.slice(0, 8))).toThrow(/matches 2 runs/);
  });
});

describe('runs rm', () => {
  it('plans, then removes the run with every row that belongs to it and its checkpoint files', () => {
    const keep = backtest({ status: 'completed', checkpointBytes: 500 });
    const gone = backtest({ status: 'completed', traders: 300, checkpointBytes: 2048 });
    writeFileSync(join(files.dir, `${gone}.9.${randomUUID()}.bin.tmp`), 'partial');
    const plan = planRemoveRun(deps(), gone.slice(0, 8));
    expect(plan.rows).toEqual({
      positions: 0,
      traderStats: 300,
      steps: 2,
      events: 1,
      blobs: 0,
      checkpoints: 0,
    });
    expect(plan.checkpointFiles).toEqual({ count: 2, bytes: 2048 + 7 });
    expect(plan.blockers).toEqual([]);

    const r = applyRemoval(deps(), plan);
    expect(r.freedCheckpointBytes).toBe(2055);
    expect(store.getRun(gone)).toBeNull();
    expect(count('SELECT count(*) AS n FROM farm_runs WHERE run_id = ?', gone)).toBe(0);
    expect(count('SELECT count(*) AS n FROM trader_stats')).toBe(100);
    expect(count('SELECT count(*) AS n FROM farm_steps WHERE run_id = ?', gone)).toBe(0);
    expect(count('SELECT count(*) AS n FROM events WHERE run_id = ?', gone)).toBe(0);
    const left = readdirSync(files.dir);
    expect(left.some((f) => f.startsWith(gone))).toBe(false);
    expect(left.filter((f) => f.startsWith(keep))).toHaveLength(1);
  });

  it('refuses the live run without --force; with --force removes it, its positions and the live pointer', () => {
    const live = store.liveRun('t').id;
    store.db
      .prepare(
        `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts, credit_pips,
           entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips, max_loss_cents, delta_usd,
           vega_usd, status) VALUES (?, ?, 1, 'k', 'IBIT', '2026-01-16', 50, 48, 1, 4000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'open')`,
      )
      .run(randomUUID(), live);
    files.write(live, 7, [Buffer.from('state')]);
    const plan = planRemoveRun(deps(), live);
    expect(plan.run.live).toBe(true);
    expect(plan.blockers[0]).toMatch(/live farm run/);
    expect(plan.rows.positions).toBe(1);
    expect(() => applyRemoval(deps(), plan)).toThrow(/not removing run .*live farm run.*/);
    expect(store.getRun(live)).not.toBeNull();

    applyRemoval(deps(), plan, { force: true });
    expect(store.getRun(live)).toBeNull();
    expect(count('SELECT count(*) AS n FROM positions')).toBe(0);
    expect(store.getSetting('live_run_id')).toBeNull();
    expect(readdirSync(files.dir).filter((f) => f.startsWith(live))).toEqual([]);
    // The next live step starts a fresh live run.
    expect(store.liveRun('t').id).not.toBe(live);
  });

  it('a run marked running, or one with active promotions, needs --force', () => {
    const running = backtest();
    expect(planRemoveRun(deps(), running).blockers[0]).toMatch(/marked running/);
    const promoted = backtest({ status: 'completed' });
    store.db.exec('DROP TABLE IF EXISTS promotions');
    store.db.exec(
      'CREATE TABLE promotions (trader_id INTEGER, config_json TEXT, run_id TEXT, active INTEGER, rank INTEGER)',
    );
    store.db.prepare("INSERT INTO promotions VALUES (3, '{}', ?, 1, 1)").run(promoted);
    expect(planRemoveRun(deps(), promoted).blockers).toEqual([
      '1 active promotion(s) come from it and would go with it',
    ]);
    expect(listRuns(deps(), { status: 'completed' })[0].activePromotions).toBe(1);
  });
});

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
