import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import { SqliteHousekeeping } from '../../src/adapters/store/housekeeping.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { RunKind, RunStatus } from '../../src/core/runs.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { configFrom, openStore } from './notify.js';

const market = loadMarketCalendar();

/** A fresh store for the housekeeping services (runs, db prune), its clock and checkpoint files. */
export interface HousekeepingStore {
  dir: string;
  dbPath: string;
  clock: ManualClock;
  store: Store;
  files: CheckpointFiles;
}

export function openHousekeepingStore(): HousekeepingStore {
  const dir = mkdtempSync(join(tmpdir(), 'argus-hk-'));
  const dbPath = join(dir, 'argus.db');
  const clock = ManualClock.at('2026-01-05T15:00:00Z');
  const store = openStore(dbPath, clock);
  return { dir, dbPath, clock, store, files: new CheckpointFiles(store.db) };
}

export function closeHousekeepingStore(h: HousekeepingStore): void {
  h.store.close();
  rmSync(h.dir, { recursive: true, force: true });
}

/** A backtest run with its farm rows, trader stats, steps, an event and a checkpoint file. */
export function addBacktest(
  { store, clock, files }: HousekeepingStore,
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
    .prepare(
      'INSERT INTO farm_steps (run_id, step, t_ms, opened, closed, realized_cents, open_positions) VALUES (?, 0, 0, 1, 1, 0, 0), (?, 1, 1, 1, 1, 0, 0)',
    )
    .run(run.id, run.id);
  store.logEvent({ runId: run.id, kind: 'farm.progress', message: 'step' });
  if (o.checkpointBytes) checkpointFile(files, run.id, 3, o.checkpointBytes);
  clock.advance(60_000);
  return run.id;
}

/** The housekeeping services' view of the test's store, clock and calendar. */
export function housekeepingDeps({ store, clock }: HousekeepingStore) {
  return {
    housekeeping: new SqliteHousekeeping(store),
    runs: store,
    clock,
    calendar: market,
    notifyConfig: configFrom({}).notifications,
  };
}

export function countRows({ store }: HousekeepingStore, sql: string, ...args: unknown[]): number {
  return (store.db.prepare(sql).get(...args) as { n: number }).n;
}

/**
 * A checkpoint file of exactly `bytes` bytes for `runId`, named as the writer names them. Written
 * raw: CheckpointFiles.write compresses, and the housekeeping tests count bytes on disk.
 */
export function checkpointFile(files: CheckpointFiles, runId: string, step: number, bytes: number): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(files.dir, `${runId}.${step}.${randomUUID()}.bin`), Buffer.alloc(bytes, 1));
}
