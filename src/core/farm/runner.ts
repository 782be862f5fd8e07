import { CheckpointFiles } from '../../adapters/store/checkpoints.js';
import type { Store } from '../../adapters/store/store.js';
import { CoverageError, UsageError } from '../errors.js';
import type { FillParams } from '../fill/fill.js';
import type { FieldCoverage, MarketDataSource } from '../market/port.js';
import { CounterRng, streamId } from '../pricing/rng.js';
import type { Clock } from '../time/clock.js';
import { isoUtc } from '../time/clock.js';
import type { EconomicCalendar } from '../time/economic-calendar.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import type { Grid } from './grid.js';
import { FarmHost, type FarmKernels } from './host.js';
import { MarketStepBuilder, SpreadRegistry } from './market-step.js';
import { EXIT_REASON_NAMES, type FarmRules, SKIP_NAMES } from './rules.js';
import { FarmState } from './state.js';
import { traderStatRows } from './stats.js';

export const CHAIN_MODEL_VERSION = 'chain-model-1';

export interface FarmProgress {
  step: number;
  steps: number;
  tMs: number;
  traders: number;
  openPositions: number;
  opened: number;
  closed: number;
  elapsedMs: number;
  tradesPerSec: number;
  etaMs: number;
}

export interface FarmTotals {
  opened: number;
  closed: number;
  exitsByReason: number[];
  skipsByReason: number[];
  exitsBlocked: number;
  realizedCents: number;
  monthIndex: number;
}

export interface FarmRunOptions {
  grid: Grid;
  rules: FarmRules;
  fill: FillParams;
  source: MarketDataSource;
  calendar: MarketCalendar;
  economic: EconomicCalendar;
  store: Store;
  clock: Clock;
  kernels: FarmKernels;
  fromDate: string;
  toDate: string;
  seed: number;
  riskFreeRate: number;
  appVersion: string;
  command: string;
  /** Extra provenance (source parameters, grid file…). */
  provenance: Record<string, unknown>;
  checkpointEvery?: number;
  sampleSize?: number;
  /** Resume this run from its last checkpoint. */
  resumeRunId?: string;
  /** Stop after this many steps (tests of crash/resume); the run stays 'running'. */
  stopAfterSteps?: number;
  onProgress?: (p: FarmProgress) => void;
}

export interface FarmRunResult {
  runId: string;
  status: 'completed' | 'stopped';
  steps: number;
  traders: number;
  totals: FarmTotals;
  engine: FarmHost;
  registry: SpreadRegistry;
}

/** Fields a farm replay needs over its whole window. */
const REQUIRED_FIELDS = ['btcSpot', 'dvol', 'funding8h', 'ibit', 'ibitOptions'];

export function checkCoverage(cov: FieldCoverage[], fromMs: number, toMs: number, kind: string): void {
  const bad = REQUIRED_FIELDS.map((f) => cov.find((c) => c.field === f)).filter(
    (c): c is FieldCoverage =>
      !!c && ((c.fromMs !== null && c.fromMs > fromMs) || (c.toMs !== null && c.toMs < toMs)),
  );
  if (!bad.length) return;
  const fmt = (ms: number | null) => (ms === null ? 'open' : isoUtc(ms).slice(0, 16).replace('T', ' '));
  const lines = cov
    .filter((c) => REQUIRED_FIELDS.includes(c.field))
    .map((c) => `  ${c.field}: ${fmt(c.fromMs)} → ${fmt(c.toMs)} UTC${c.note ? ` (${c.note})` : ''}`)
    .join('\n');
  throw new CoverageError(
    `the ${kind} data does not cover ${isoUtc(fromMs).slice(0, 10)} → ${isoUtc(toMs).slice(0, 10)}: ${bad.map((b) => b.field).join(', ')} missing. Coverage:\n${lines}`,
    "choose --from/--to inside every field's coverage (the shipped replay window is 2025-01-02 → 2025-11-11)",
  );
}

export function monthsBetween(fromDate: string, toDate: string): string[] {
  const out: string[] = [];
  let y = Number(fromDate.slice(0, 4));
  let m = Number(fromDate.slice(5, 7));
  const end = toDate.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** A seeded, sorted sample of trader ids (daily P&L kept in full for these). */
export function sampleTraders(count: number, size: number, seed: number): Int32Array {
  if (size >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const rng = new CounterRng(seed, streamId('farm.sample'));
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(Math.floor(rng.nextUniform() * count));
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

function emptyTotals(): FarmTotals {
  return {
    opened: 0,
    closed: 0,
    exitsByReason: new Array(8).fill(0),
    skipsByReason: new Array(20).fill(0),
    exitsBlocked: 0,
    realizedCents: 0,
    monthIndex: -1,
  };
}

/**
 * A backtest over replayed or simulated data: every step committed in one transaction, the
 * engine state checkpointed every N steps inside that transaction, so a resumed run ends with
 * exactly what an uninterrupted one gives.
 */
export async function runFarm(o: FarmRunOptions): Promise<FarmRunResult> {
  const { grid, rules, calendar: cal, store } = o;
  const steps = cal.replaySteps(o.fromDate, o.toDate);
  if (!steps.length) throw new UsageError(`no NYSE trading day between ${o.fromDate} and ${o.toDate}`);
  checkCoverage(o.source.coverage(), steps[0], steps[steps.length - 1], o.source.kind);
  const months = monthsBetween(o.fromDate, o.toDate);
  const days = steps.filter((t) => cal.tradingDay(cal.etDate(t))?.closeMs === t).length;
  const sample = sampleTraders(grid.count, o.sampleSize ?? 4096, o.seed);
  const capitalCents = Math.round(rules.capitalUsd * 100);
  const db = store.db;
  const files = new CheckpointFiles(db);

  let runId: string;
  let startStep = 0;
  let state: FarmState | undefined;
  let registry = new SpreadRegistry();
  let totals = emptyTotals();
  if (o.resumeRunId) {
    runId = o.resumeRunId;
    const cp = db
      .prepare(
        'SELECT step, file, bytes, sha256, registry_json, totals_json FROM farm_checkpoints WHERE run_id = ?',
      )
      .get(runId) as
      | {
          step: number;
          file: string;
          bytes: number;
          sha256: string;
          registry_json: string;
          totals_json: string;
        }
      | undefined;
    if (cp) {
      state = FarmState.deserialize(files.read(cp.file, cp.bytes, cp.sha256), capitalCents);
      registry = SpreadRegistry.fromJSON(JSON.parse(cp.registry_json));
      totals = JSON.parse(cp.totals_json);
      startStep = cp.step + 1;
    }
    db.prepare('DELETE FROM farm_steps WHERE run_id = ? AND step >= ?').run(runId, startStep);
  } else {
    const run = store.createRun({
      kind: o.source.kind === 'sim' ? 'sim' : 'replay',
      command: o.command,
      windowFromMs: steps[0],
      windowToMs: steps[steps.length - 1],
      seed: o.seed,
      engine: o.kernels.name,
      appVersion: o.appVersion,
      provenance: {
        gridHash: grid.hash,
        traders: grid.count,
        source: o.source.kind,
        window: { from: o.fromDate, to: o.toDate, steps: steps.length, days },
        chainModel: CHAIN_MODEL_VERSION,
        syntheticChains: true,
        fill: o.fill,
        feesPerContractPerLegUsd: rules.feePerContractPerLegUsd,
        rules,
        seed: o.seed,
        engine: o.kernels.name,
        appVersion: o.appVersion,
        ...o.provenance,
      },
    });
    runId = run.id;
    db.prepare(
      `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      JSON.stringify(grid.spec),
      grid.hash,
      JSON.stringify(rules),
      JSON.stringify(o.fill),
      grid.count,
      steps.length,
      JSON.stringify(months),
    );
  }

  const engine = new FarmHost(
    grid,
    rules,
    { months: months.length, kernels: o.kernels, sample, days },
    state,
  );
  const builder = new MarketStepBuilder({
    source: o.source,
    calendar: cal,
    economic: o.economic,
    grid,
    rules,
    fill: o.fill,
    riskFreeRate: o.riskFreeRate,
    months,
    registry,
  });
  const insertStep = db.prepare(
    'INSERT OR REPLACE INTO farm_steps (run_id, step, t_ms, opened, closed, realized_cents, open_positions) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const updateDone = db.prepare('UPDATE farm_runs SET steps_done = ? WHERE run_id = ?');
  const saveCheckpoint = db.prepare(
    `INSERT INTO farm_checkpoints (run_id, step, file, bytes, sha256, registry_json, totals_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, file = excluded.file, bytes = excluded.bytes, sha256 = excluded.sha256,
       registry_json = excluded.registry_json, totals_json = excluded.totals_json, created_ms = excluded.created_ms`,
  );
  const every = o.checkpointEvery ?? 300;
  const t0 = o.clock.monotonicMs();
  let done = 0;
  for (let k = startStep; k < steps.length; k++) {
    const tMs = steps[k];
    const { input } = await builder.build(k, tMs, engine.openSpreads());
    if (input.monthIndex !== totals.monthIndex) {
      if (totals.monthIndex >= 0) engine.startMonth();
      totals.monthIndex = input.monthIndex;
    }
    const sum = engine.step(input);
    totals.opened += sum.opened;
    totals.closed += sum.closed;
    totals.exitsBlocked += sum.exitsBlocked;
    totals.realizedCents += sum.realizedCents;
    sum.exitsByReason.forEach((v, i) => {
      totals.exitsByReason[i] += v;
    });
    sum.skipsByReason.forEach((v, i) => {
      totals.skipsByReason[i] += v;
    });
    // The last step needs no checkpoint: the results are written in the final transaction.
    const cpFile =
      (k + 1) % every === 0 && k < steps.length - 1
        ? files.write(runId, k, engine.state.serializeParts())
        : null;
    db.transaction(() => {
      insertStep.run(runId, k, tMs, sum.opened, sum.closed, Math.round(sum.realizedCents), sum.openPositions);
      updateDone.run(k + 1, runId);
      if (cpFile) {
        saveCheckpoint.run(
          runId,
          k,
          cpFile.file,
          cpFile.bytes,
          cpFile.sha256,
          JSON.stringify(builder.registry),
          JSON.stringify(totals),
          o.clock.nowMs(),
        );
      }
    })();
    if (cpFile) files.prune(runId, k);
    done++;
    if (o.onProgress) {
      const elapsed = o.clock.monotonicMs() - t0;
      const perStep = elapsed / done;
      o.onProgress({
        step: k + 1,
        steps: steps.length,
        tMs,
        traders: grid.count,
        openPositions: sum.openPositions,
        opened: totals.opened,
        closed: totals.closed,
        elapsedMs: elapsed,
        tradesPerSec: elapsed > 0 ? ((totals.opened + totals.closed) * 1000) / elapsed : 0,
        etaMs: perStep * (steps.length - k - 1),
      });
    }
    if (o.stopAfterSteps !== undefined && done >= o.stopAfterSteps && k < steps.length - 1) {
      return {
        runId,
        status: 'stopped',
        steps: k + 1,
        traders: grid.count,
        totals,
        engine,
        registry: builder.registry,
      };
    }
  }

  // Results: one row per trader, the monthly P&L and the daily sample, in one transaction.
  const rows = traderStatRows(engine);
  const runNo = (db.prepare('SELECT run_no FROM farm_runs WHERE run_id = ?').get(runId) as { run_no: number })
    .run_no;
  const insert = db.prepare(
    `INSERT OR REPLACE INTO trader_stats (run_no, trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins,
       gross_profit_cents, gross_loss_cents, fees_cents, days_in_trade, first_trade_ms, last_trade_ms, max_drawdown_cents,
       max_drawdown_frac, daily_n, daily_sum, daily_sum_sq, daily_down_sq, sharpe, sortino, win_rate, profit_factor)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const blob = db.prepare(
    'INSERT OR REPLACE INTO farm_blobs (run_id, name, meta_json, data) VALUES (?, ?, ?, ?)',
  );
  const summary = buildSummary(engine, totals);
  db.transaction(() => {
    for (const r of rows) insert.run(runNo, ...r);
    const m = engine.state.monthlyCents;
    blob.run(
      runId,
      'monthly_cents',
      JSON.stringify({ months, traders: grid.count }),
      Buffer.from(m.buffer, m.byteOffset, m.byteLength),
    );
    if (engine.dailySample) {
      const d = engine.dailySample;
      blob.run(
        runId,
        'daily_sample',
        JSON.stringify({ days, traders: sample.length }),
        Buffer.from(d.buffer, d.byteOffset, d.byteLength),
      );
      blob.run(
        runId,
        'daily_sample_ids',
        JSON.stringify({ traders: sample.length }),
        Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength),
      );
    }
    db.prepare('UPDATE farm_runs SET summary_json = ? WHERE run_id = ?').run(JSON.stringify(summary), runId);
    db.prepare('DELETE FROM farm_checkpoints WHERE run_id = ?').run(runId);
    store.setRunStatus(runId, 'completed');
  })();
  files.prune(runId, null);
  return {
    runId,
    status: 'completed',
    steps: steps.length,
    traders: grid.count,
    totals,
    engine,
    registry: builder.registry,
  };
}

export interface FarmSummary {
  opened: number;
  closed: number;
  exitsByReason: Record<string, number>;
  skipsByReason: Record<string, number>;
  exitsBlocked: number;
  realizedCents: number;
  tradersWithTrades: number;
  realizedPnlUsd: { min: number; p10: number; p50: number; p90: number; max: number; mean: number };
  openPositionsAtEnd: number;
}

export function buildSummary(engine: FarmHost, totals: FarmTotals): FarmSummary {
  const t = engine.state.t;
  const n = engine.state.traders;
  const pnl = Float64Array.from(t.realizedCents).map((c) => c / 100);
  const sorted = pnl.slice().sort();
  const q = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))];
  let withTrades = 0;
  let open = 0;
  for (let i = 0; i < n; i++) {
    if (t.trades[i] > 0) withTrades++;
    open += t.openCount[i];
  }
  const named = (arr: number[], names: Record<number, string> | readonly string[]) =>
    Object.fromEntries(
      arr.map((v, i) => [(names as Record<number, string>)[i], v]).filter(([k, v]) => k && (v as number) > 0),
    );
  return {
    opened: totals.opened,
    closed: totals.closed,
    exitsByReason: named(totals.exitsByReason, EXIT_REASON_NAMES),
    skipsByReason: named(totals.skipsByReason, SKIP_NAMES),
    exitsBlocked: totals.exitsBlocked,
    realizedCents: totals.realizedCents,
    tradersWithTrades: withTrades,
    realizedPnlUsd: {
      min: sorted[0],
      p10: q(0.1),
      p50: q(0.5),
      p90: q(0.9),
      max: sorted[n - 1],
      mean: pnl.reduce((a, b) => a + b, 0) / n,
    },
    openPositionsAtEnd: open,
  };
}
