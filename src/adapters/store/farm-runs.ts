import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArgusError, UsageError } from '../../core/errors.js';
import type {
  BacktestResults,
  FarmCheckpoint,
  FarmRunSetup,
  FarmRuns,
  LiveDayBooking,
  LiveDays,
  LiveMode,
  LiveMonths,
  LiveStepCommit,
  NewCheckpoint,
  RecordedLiveStep,
  StepRecord,
  StoredFarmRun,
} from '../../core/farm/ports.js';
import { StepConflictError } from '../../core/farm/ports.js';
import { STAT_FIELDS } from '../../core/farm/stats.js';
import type { NewRun, RunRecord } from '../../core/runs.js';
import { isoUtc } from '../../core/time/clock.js';
import { bytes, f64 } from './blobs.js';
import { CheckpointFiles, processAlive } from './checkpoints.js';
import type { Db } from './db.js';
import type { Store } from './store.js';

/** Page cache for the end-of-run write, in KiB as SQLite's negative cache_size (256 MiB). */
const FINAL_WRITE_CACHE_KIB = -262_144;

/** How often a live step waiting for its turn looks again. */
const TURN_POLL_MS = 50;

/**
 * The farm's tables (farm_runs, farm_steps, farm_checkpoints, trader_stats, farm_blobs, positions)
 * and the checkpoint files beside the database. A checkpoint file is written and fsynced before
 * the transaction that references it, and older files are pruned only after it commits.
 */
export class SqliteFarmRuns implements FarmRuns {
  private readonly db: Db;
  private readonly store: Store;
  private readonly files: CheckpointFiles;
  private readonly stmts;

  constructor(store: Store) {
    const db = store.db;
    this.db = db;
    this.store = store;
    this.files = new CheckpointFiles(db);
    this.stmts = {
      farmRun: db.prepare(
        'SELECT grid_json, grid_hash, rules_json, fill_json, steps_done FROM farm_runs WHERE run_id = ?',
      ),
      insertFarmRun: db.prepare(
        `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json, spans_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      stepsDone: db.prepare('SELECT steps_done FROM farm_runs WHERE run_id = ?'),
      setStepsDone: db.prepare('UPDATE farm_runs SET steps_done = ? WHERE run_id = ?'),
      runNo: db.prepare('SELECT run_no FROM farm_runs WHERE run_id = ?'),
      setSummary: db.prepare('UPDATE farm_runs SET summary_json = ? WHERE run_id = ?'),
      checkpoint: db.prepare(
        'SELECT step, file, bytes, sha256, registry_json, totals_json FROM farm_checkpoints WHERE run_id = ?',
      ),
      saveCheckpoint: db.prepare(
        `INSERT INTO farm_checkpoints (run_id, step, file, bytes, sha256, registry_json, totals_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, file = excluded.file, bytes = excluded.bytes, sha256 = excluded.sha256,
           registry_json = excluded.registry_json, totals_json = excluded.totals_json, created_ms = excluded.created_ms`,
      ),
      // The live farm keeps no running totals: its checkpoint's totals stay '{}'.
      saveLiveCheckpoint: db.prepare(
        `INSERT INTO farm_checkpoints (run_id, step, file, bytes, sha256, registry_json, totals_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)
         ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, file = excluded.file, bytes = excluded.bytes, sha256 = excluded.sha256,
           registry_json = excluded.registry_json, created_ms = excluded.created_ms`,
      ),
      deleteCheckpoint: db.prepare('DELETE FROM farm_checkpoints WHERE run_id = ?'),
      insertStep: db.prepare(
        'INSERT OR REPLACE INTO farm_steps (run_id, step, t_ms, opened, closed, realized_cents, open_positions, exits_json, open_mtm_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      dropSteps: db.prepare('DELETE FROM farm_steps WHERE run_id = ? AND step >= ?'),
      // A run's rows are always new: a plain INSERT needs no statement journal (OR REPLACE kept one
      // per row across the eight indexes, most of the final write's time).
      insertStats: db.prepare(
        `INSERT INTO trader_stats (run_no, ${STAT_FIELDS.join(', ')}) VALUES (?${', ?'.repeat(STAT_FIELDS.length)})`,
      ),
      insertShard: db.prepare(
        `INSERT INTO farm_shards (run_id, trader_from, trader_to, totals_json, entries, no_stop_entries)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      insertBlob: db.prepare(
        'INSERT OR REPLACE INTO farm_blobs (run_id, name, meta_json, data) VALUES (?, ?, ?, ?)',
      ),
      insertSeries: db.prepare(
        'INSERT OR REPLACE INTO farm_series (run_id, name, meta_json, data) VALUES (?, ?, ?, ?)',
      ),
      openPosition: db.prepare(
        `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts,
           credit_pips, entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips,
           max_loss_cents, delta_usd, vega_usd, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
      ),
      closePosition: db.prepare(
        `UPDATE positions SET status = 'closed', exit_ms = ?, exit_reason = ?, exit_pips = ?, pnl_cents = ?, fees_cents = ?
         WHERE run_id = ? AND trader_id = ? AND symbol = ? AND expiry = ? AND short_strike = ? AND long_strike = ? AND status = 'open'`,
      ),
      recordLiveStep: db.prepare(
        'INSERT INTO live_steps (run_id, minute_ms, mode, step, opened, closed) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      liveStepCovering: db.prepare(
        `SELECT run_id, minute_ms, mode, step, opened, closed FROM live_steps
         WHERE run_id = ? AND minute_ms >= ? AND (mode = ? OR mode = 'full')
         ORDER BY minute_ms DESC, step DESC LIMIT 1`,
      ),
      turn: db.prepare('SELECT token, pid, host, since_ms FROM live_step_lock WHERE id = 1'),
      takeTurn: db.prepare(
        `INSERT INTO live_step_lock (id, token, pid, host, since_ms) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host, since_ms = excluded.since_ms`,
      ),
      releaseTurn: db.prepare('DELETE FROM live_step_lock WHERE id = 1 AND token = ?'),
      markPosition: db.prepare(
        `UPDATE positions SET low_mid_pips = ?, last_mark_pips = ? WHERE run_id = ? AND trader_id = ? AND symbol = ? AND expiry = ?
           AND short_strike = ? AND long_strike = ? AND status = 'open'`,
      ),
      liveDayBooked: db.prepare('SELECT step FROM live_days WHERE run_id = ? AND date = ?'),
      insertLiveDay: db.prepare(
        'INSERT INTO live_days (run_id, date, close_ms, step, groups, group_pnl) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      liveDays: db.prepare(
        'SELECT date, close_ms, groups, group_pnl FROM live_days WHERE run_id = ? ORDER BY date',
      ),
      liveMonth: db.prepare(
        'SELECT traders, pnl_cents, sum_sq FROM live_months WHERE run_id = ? AND month = ?',
      ),
      liveMonths: db.prepare(
        'SELECT month, traders, pnl_cents, sum_sq FROM live_months WHERE run_id = ? ORDER BY month',
      ),
      saveLiveMonth: db.prepare(
        `INSERT INTO live_months (run_id, month, traders, pnl_cents, sum_sq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, month) DO UPDATE SET traders = excluded.traders, pnl_cents = excluded.pnl_cents, sum_sq = excluded.sum_sq`,
      ),
    };
  }

  liveDayBooked(runId: string, date: string): { step: number } | null {
    const r = this.stmts.liveDayBooked.get(runId, date) as { step: number } | undefined;
    return r ?? null;
  }

  liveDays(runId: string): LiveDays {
    const days = this.stmts.liveDays.all(runId) as {
      date: string;
      close_ms: number;
      groups: number;
      group_pnl: Buffer;
    }[];
    const rows = days.map((d) => ({ key: d.date, width: d.groups, blob: d.group_pnl }));
    return {
      dates: days.map((d) => d.date),
      closeMs: days.map((d) => d.close_ms),
      groups: rows[0]?.width ?? 0,
      groupDaily: itemMajor(rows, 'session', 'groups'),
    };
  }

  liveMonths(runId: string): LiveMonths {
    const months = this.stmts.liveMonths.all(runId) as {
      month: string;
      traders: number;
      pnl_cents: Buffer;
      sum_sq: Buffer;
    }[];
    const rows = (blob: (m: (typeof months)[number]) => Buffer) =>
      months.map((m) => ({ key: m.month, width: m.traders, blob: blob(m) }));
    return {
      months: months.map((m) => m.month),
      traders: months[0]?.traders ?? 0,
      monthlyCents: itemMajor(
        rows((m) => m.pnl_cents),
        'month',
        'traders',
      ),
      monthlySumSq: itemMajor(
        rows((m) => m.sum_sq),
        'month',
        'traders',
      ),
    };
  }

  /** Books one session inside the step's transaction: a session is booked once, its month summed. */
  private bookLiveDay(runId: string, step: number, d: LiveDayBooking): void {
    const s = this.stmts;
    if (this.liveDayBooked(runId, d.date))
      throw new StepConflictError(`live session ${d.date} was booked by another process`);
    s.insertLiveDay.run(runId, d.date, d.closeMs, step, d.groupPnl.length, bytes(d.groupPnl));
    const month = d.date.slice(0, 7);
    const n = d.traderPnl.length;
    const row = s.liveMonth.get(runId, month) as
      | { traders: number; pnl_cents: Buffer; sum_sq: Buffer }
      | undefined;
    if (row && row.traders !== n)
      throw new ArgusError(`live month ${month} holds ${row.traders} traders, this session ${n}`);
    const pnl = row ? f64(row.pnl_cents) : new Float64Array(n);
    const sq = row ? f64(row.sum_sq) : new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = d.traderPnl[i];
      pnl[i] += x;
      sq[i] += x * x;
    }
    s.saveLiveMonth.run(runId, month, n, bytes(pnl), bytes(sq));
  }

  run(id: string): RunRecord | null {
    return this.store.getRun(id);
  }

  liveRun(appVersion: string): RunRecord {
    return this.store.liveRun(appVersion);
  }

  liveRunId(): string | null {
    return this.store.liveRunId();
  }

  liveStepCovering(runId: string, minuteMs: number, mode: LiveMode): RecordedLiveStep | null {
    const r = this.stmts.liveStepCovering.get(runId, minuteMs, mode) as
      | { run_id: string; minute_ms: number; mode: LiveMode; step: number; opened: number; closed: number }
      | undefined;
    return r
      ? {
          runId: r.run_id,
          minuteMs: r.minute_ms,
          mode: r.mode,
          step: r.step,
          opened: r.opened,
          closed: r.closed,
        }
      : null;
  }

  async takeLiveTurn(waitMs: number): Promise<() => void> {
    const token = randomUUID();
    const host = hostname();
    // Real time on purpose: a pinned test clock must not stop a wait for another process.
    const deadline = performance.now() + waitMs;
    for (;;) {
      const holder = this.db
        .transaction(() => {
          const h = this.stmts.turn.get() as { pid: number; host: string; since_ms: number } | undefined;
          // A turn held by a process that is gone (killed mid-step) is taken over.
          if (h && !(h.host === host && !processAlive(h.pid))) return h;
          this.stmts.takeTurn.run(token, process.pid, host, this.store.clock.nowMs());
          return null;
        })
        .immediate();
      if (!holder) return () => void this.stmts.releaseTurn.run(token);
      if (performance.now() >= deadline) {
        throw new ArgusError(
          `another live step (process ${holder.pid} on ${holder.host}, since ${isoUtc(holder.since_ms)}) still had its turn after ${(waitMs / 1000).toFixed(waitMs < 10_000 ? 1 : 0)} s`,
          { hint: `it may be slow or stuck: try again later, or stop process ${holder.pid} if it hangs` },
        );
      }
      await sleep(TURN_POLL_MS);
    }
  }

  startRun(run: NewRun, setup: FarmRunSetup): string {
    this.files.reserve();
    return this.db.transaction(() => {
      const id = this.store.createRun(run).id;
      this.insertFarmRun(id, setup);
      this.db
        .prepare('UPDATE runs SET holder_pid = ?, holder_host = ? WHERE id = ?')
        .run(process.pid, hostname(), id);
      return id;
    })();
  }

  holdRun(runId: string): void {
    this.db.transaction(() => {
      const h = this.db
        .prepare('SELECT holder_pid AS pid, holder_host AS host FROM runs WHERE id = ?')
        .get(runId) as { pid: number | null; host: string | null } | undefined;
      if (h?.pid && h.pid !== process.pid && h.host === hostname() && processAlive(h.pid))
        throw new UsageError(
          `run ${runId} is being run by process ${h.pid} on this machine`,
          'let it finish, or stop it (Ctrl-C marks it interrupted) and resume then',
        );
      this.db
        .prepare('UPDATE runs SET holder_pid = ?, holder_host = ? WHERE id = ?')
        .run(process.pid, hostname(), runId);
    })();
  }

  farmRun(runId: string): StoredFarmRun | null {
    const row = this.stmts.farmRun.get(runId) as
      | { grid_json: string; grid_hash: string; rules_json: string; fill_json: string; steps_done: number }
      | undefined;
    if (!row) return null;
    return {
      gridJson: row.grid_json,
      gridHash: row.grid_hash,
      rules: JSON.parse(row.rules_json),
      fill: JSON.parse(row.fill_json),
      stepsDone: row.steps_done,
    };
  }

  checkpoint(runId: string): FarmCheckpoint | null {
    const cp = this.stmts.checkpoint.get(runId) as
      | {
          step: number;
          file: string;
          bytes: number;
          sha256: string;
          registry_json: string;
          totals_json: string;
        }
      | undefined;
    if (!cp) return null;
    const totals = JSON.parse(cp.totals_json);
    return {
      step: cp.step,
      state: this.files.read(cp.file, cp.bytes, cp.sha256),
      registry: JSON.parse(cp.registry_json),
      totals: Object.keys(totals).length ? totals : null,
    };
  }

  setRunStatus(runId: string, status: 'running' | 'interrupted'): void {
    if (status === 'running') this.files.reserve();
    else this.files.release();
    this.store.setRunStatus(runId, status);
    if (status === 'interrupted')
      this.db.prepare('UPDATE runs SET holder_pid = NULL WHERE id = ?').run(runId);
  }

  dropStepsFrom(runId: string, step: number): void {
    this.stmts.dropSteps.run(runId, step);
  }

  commitStep(runId: string, step: StepRecord, checkpoint: NewCheckpoint | null): void {
    const file = checkpoint ? this.files.write(runId, step.step, checkpoint.state) : null;
    try {
      this.commitStepRows(runId, step, checkpoint, file);
    } catch (err) {
      // Unreferenced, the file is only in the way: on a full disk its space is what lets the run
      // still be marked interrupted.
      if (file) this.files.discard(file.file);
      throw err;
    }
    if (file) this.files.prune(runId, step.step);
  }

  private commitStepRows(
    runId: string,
    step: StepRecord,
    checkpoint: NewCheckpoint | null,
    file: { file: string; bytes: number; sha256: string } | null,
  ): void {
    this.db.transaction(() => {
      this.insertStepRow(runId, step);
      this.stmts.setStepsDone.run(step.step + 1, runId);
      if (checkpoint && file) {
        this.stmts.saveCheckpoint.run(
          runId,
          step.step,
          file.file,
          file.bytes,
          file.sha256,
          JSON.stringify(checkpoint.registry),
          JSON.stringify(checkpoint.totals),
          checkpoint.createdMs,
        );
      }
    })();
  }

  completeRun(runId: string, results: BacktestResults): void {
    const { run_no: runNo } = this.stmts.runNo.get(runId) as { run_no: number };
    this.withFinalWriteCache(() => this.writeResults(runId, runNo, results));
    this.files.release();
    this.files.prune(runId, null);
  }

  /**
   * A completed run made elsewhere (`farm merge` of shards) written whole in one transaction: the
   * run, its setup, its steps and its results; nothing of it on failure. Returns its id.
   */
  importRun(
    run: NewRun,
    setup: FarmRunSetup,
    steps: readonly StepRecord[],
    results: BacktestResults,
  ): string {
    return this.withFinalWriteCache(() =>
      this.db.transaction(() => {
        const id = this.store.createRun(run).id;
        this.insertFarmRun(id, setup);
        for (const step of steps) this.insertStepRow(id, step);
        this.stmts.setStepsDone.run(steps.length, id);
        const { run_no: runNo } = this.stmts.runNo.get(id) as { run_no: number };
        this.writeResults(id, runNo, results);
        return id;
      })(),
    );
  }

  /** The eight trader_stats indexes take rows in random order: with the default 2 MB page cache their pages spill to the WAL again and again inside the one transaction. */
  private withFinalWriteCache<T>(write: () => T): T {
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = ${FINAL_WRITE_CACHE_KIB}`);
    try {
      return write();
    } finally {
      this.db.pragma(`cache_size = ${Math.trunc(cache)}`);
    }
  }

  private writeResults(runId: string, runNo: number, results: BacktestResults): void {
    this.db.transaction(() => {
      for (const r of results.statRows) this.stmts.insertStats.run(runNo, ...r);
      const sh = results.shard;
      if (sh)
        this.stmts.insertShard.run(
          runId,
          sh.from,
          sh.to,
          JSON.stringify(sh.totals),
          bytes(sh.entries),
          bytes(sh.noStopEntries),
        );
      for (const [stmt, list] of [
        [this.stmts.insertBlob, results.blobs],
        [this.stmts.insertSeries, results.series],
      ] as const) {
        for (const b of list) stmt.run(runId, b.name, JSON.stringify(b.meta), bytes(b.data));
      }
      this.stmts.setSummary.run(JSON.stringify(results.summary), runId);
      this.stmts.deleteCheckpoint.run(runId);
      this.store.setRunStatus(runId, 'completed');
      this.db.prepare('UPDATE runs SET holder_pid = NULL WHERE id = ?').run(runId);
    })();
  }

  commitLiveStep(runId: string, c: LiveStepCommit): void {
    const s = this.stmts;
    const file = this.files.write(runId, c.version, c.state);
    this.db
      .transaction(() => {
        const cur = s.stepsDone.get(runId) as { steps_done: number } | undefined;
        if ((cur?.steps_done ?? 0) !== c.version) throw new StepConflictError('another farm step ran first');
        if (c.setup) this.insertFarmRun(runId, c.setup);
        if (this.liveStepCovering(runId, c.minuteMs, c.mode))
          throw new StepConflictError(`the ${c.mode} step for this minute was recorded by another process`);
        s.recordLiveStep.run(runId, c.minuteMs, c.mode, c.version, c.opened.length, c.closed.length);
        for (const t of c.closed) {
          const r = s.closePosition.run(
            t.exitMs,
            t.reason,
            t.exitPips,
            t.pnlCents,
            t.feesCents,
            runId,
            t.trader,
            t.symbol,
            t.expiry,
            t.shortStrike,
            t.longStrike,
          );
          if (r.changes !== 1)
            throw new StepConflictError(
              `position of trader ${t.trader} in ${t.expiry} ${t.shortStrike}/${t.longStrike} already closed`,
            );
        }
        for (const p of c.opened) {
          s.openPosition.run(
            randomUUID(),
            runId,
            p.trader,
            p.idempotencyKey,
            p.symbol,
            p.expiry,
            p.shortStrike,
            p.longStrike,
            p.contracts,
            p.creditPips,
            p.entryMs,
            p.ptMidPips,
            p.stopMidPips,
            p.armMidPips,
            p.trailGapPips,
            p.lowMidPips,
            p.lastMarkPips,
            p.maxLossCents,
            p.deltaUsd,
            p.vegaUsd,
          );
        }
        for (const m of c.marks) {
          s.markPosition.run(
            m.lowMidPips,
            m.lastMarkPips,
            runId,
            m.trader,
            m.symbol,
            m.expiry,
            m.shortStrike,
            m.longStrike,
          );
        }
        s.saveLiveCheckpoint.run(
          runId,
          c.version,
          file.file,
          file.bytes,
          file.sha256,
          JSON.stringify(c.registry),
          c.atMs,
        );
        if (c.day) this.bookLiveDay(runId, c.version, c.day);
        s.setStepsDone.run(c.version + 1, runId);
      })
      .immediate();
    this.files.prune(runId, c.version);
  }

  private insertStepRow(runId: string, step: StepRecord): void {
    this.stmts.insertStep.run(
      runId,
      step.step,
      step.tMs,
      step.opened,
      step.closed,
      step.realizedCents,
      step.openPositions,
      JSON.stringify(step.exits),
      step.openMtmCents,
    );
  }

  private insertFarmRun(runId: string, f: FarmRunSetup): void {
    this.stmts.insertFarmRun.run(
      runId,
      JSON.stringify(f.gridSpec),
      f.gridHash,
      JSON.stringify(f.rules),
      JSON.stringify(f.fill),
      f.traders,
      f.stepsTotal,
      JSON.stringify(f.months),
      f.spans ? JSON.stringify(f.spans) : null,
    );
  }
}

/** Per-row blobs of one width laid out as [item * rows + row]; a row of another width is refused. */
function itemMajor(
  rows: { key: string; width: number; blob: Buffer }[],
  row: string,
  item: string,
): Float64Array {
  const width = rows[0]?.width ?? 0;
  const out = new Float64Array(width * rows.length);
  rows.forEach((r, j) => {
    if (r.width !== width)
      throw new ArgusError(`live ${row} ${r.key} holds ${r.width} ${item}, the first ${width}`);
    const v = f64(r.blob);
    for (let k = 0; k < width; k++) out[k * rows.length + j] = v[k];
  });
  return out;
}
