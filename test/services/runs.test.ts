import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import type { Store } from '../../src/adapters/store/store.js';
import { UsageError } from '../../src/core/errors.js';
import { applyRemoval, listRuns, planRemoveRun, removeRun, resolveRun } from '../../src/services/runs.js';
import {
  addBacktest,
  closeHousekeepingStore,
  countRows,
  type HousekeepingStore,
  housekeepingDeps,
  openHousekeepingStore,
} from '../support/housekeeping-store.js';

let h: HousekeepingStore;
let store: Store;
let files: CheckpointFiles;

beforeEach(() => {
  h = openHousekeepingStore();
  ({ store, files } = h);
});
afterEach(() => closeHousekeepingStore(h));

const backtest = (o?: Parameters<typeof addBacktest>[1]) => addBacktest(h, o);
const deps = () => housekeepingDeps(h);
const count = (sql: string, ...args: unknown[]) => countRows(h, sql, ...args);

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

describe('runs rm asks first', () => {
  it('a no keeps the run; a yes removes it; a blocked run is refused before anyone is asked', async () => {
    const a = backtest({ status: 'completed' });
    const asked: string[] = [];
    const no = await removeRun(deps(), {
      run: a,
      dryRun: false,
      force: false,
      confirm: async (p) => {
        asked.push(p.run.id);
        return false;
      },
    });
    expect(no).toMatchObject({ removed: false, cancelled: true });
    expect(listRuns(deps()).map((r) => r.id)).toContain(a);
    const yes = await removeRun(deps(), { run: a, dryRun: false, force: false, confirm: async () => true });
    expect(yes).toMatchObject({ removed: true });
    expect(listRuns(deps()).map((r) => r.id)).not.toContain(a);
    const live = store.liveRun('t').id;
    await expect(
      removeRun(deps(), {
        run: live,
        dryRun: false,
        force: false,
        confirm: async () => asked.push(live) > 0,
      }),
    ).rejects.toThrow(/not removing run .*live farm run/);
    expect(asked).toEqual([a]);
  });
});
