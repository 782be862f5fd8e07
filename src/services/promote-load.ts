import type { Store } from '../adapters/store/store.js';
import { UsageError } from '../core/errors.js';
import { Grid, gridSchema } from '../core/farm/grid.js';
import type { RunData } from '../core/judge/walk-forward.js';
import type { SimRequest } from '../core/market/sim.js';
import type { RunRecord } from '../core/runs.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';

/** A finished backtest as promotion reads it, plus what a re-simulation needs. */
export interface LoadedRun {
  run: RunRecord;
  runNo: number;
  stepsTotal: number;
  kind: 'replay' | 'sim';
  window: { from: string; to: string };
  sim: SimRequest | null;
  grid: Grid;
  rulesJson: string;
  fillJson: string;
  market: { riskFreeRate: number; optionLifeHours: number } | null;
  data: RunData;
}

/** 'latest' = the newest replay or sim run. */
export function resolveRun(store: Store, ref: string): RunRecord {
  const run = ref === 'latest' ? store.latestRun() : store.getRun(ref);
  if (!run) {
    throw new UsageError(
      ref === 'latest' ? 'no backtest run in this database' : `no run ${ref}`,
      'run `argus farm run --source replay` (or --source sim) first',
    );
  }
  if (run.kind === 'live')
    throw new UsageError(`run ${run.id} is the live farm`, 'promote from a replay or sim backtest');
  if (run.status !== 'completed') {
    throw new UsageError(
      `run ${run.id} is ${run.status}, not completed`,
      `finish it with \`argus farm run --resume ${run.id}\``,
    );
  }
  return run;
}

function blob(store: Store, runId: string, name: string): Buffer | null {
  const row = store.db
    .prepare('SELECT data FROM farm_blobs WHERE run_id = ? AND name = ?')
    .get(runId, name) as { data: Buffer } | undefined;
  return row ? row.data : null;
}

// Copies: a Buffer's offset need not be aligned for a typed-array view.
const i32 = (b: Buffer) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function loadRun(store: Store, cal: MarketCalendar, run: RunRecord): LoadedRun {
  const fr = store.db
    .prepare(
      'SELECT run_no, grid_json, rules_json, fill_json, traders, steps_total, months_json FROM farm_runs WHERE run_id = ?',
    )
    .get(run.id) as
    | {
        run_no: number;
        grid_json: string;
        rules_json: string;
        fill_json: string;
        traders: number;
        steps_total: number;
        months_json: string;
      }
    | undefined;
  if (!fr) throw new UsageError(`run ${run.id} is not a farm backtest`);
  const grid = new Grid(gridSchema.parse(JSON.parse(fr.grid_json)));
  const months = JSON.parse(fr.months_json) as string[];
  const p = run.provenance as {
    window?: { from: string; to: string };
    sim?: SimRequest;
    market?: { riskFreeRate: number; optionLifeHours: number };
  };
  if (!p.window) throw new UsageError(`run ${run.id} has no window in its provenance`);
  const mb = blob(store, run.id, 'monthly_cents');
  if (!mb) throw new UsageError(`run ${run.id} has no monthly P&L stored`);
  const monthly = i32(mb);
  if (monthly.length !== fr.traders * months.length) {
    throw new UsageError(
      `run ${run.id}: monthly P&L holds ${monthly.length} values, expected ${fr.traders} × ${months.length}`,
    );
  }
  const firstTradeMs = new Float64Array(fr.traders).fill(Number.NaN);
  const rows = store.db
    .prepare(
      'SELECT trader_id, first_trade_ms FROM trader_stats WHERE run_no = ? AND first_trade_ms IS NOT NULL',
    )
    .raw()
    .iterate(fr.run_no) as IterableIterator<[number, number]>;
  for (const [id, ms] of rows) firstTradeMs[id] = ms;
  const days = cal.tradingDays(p.window.from, p.window.to).map((date) => ({
    closeMs: cal.tradingDay(date)!.closeMs,
    month: months.indexOf(date.slice(0, 7)),
  }));
  const sb = blob(store, run.id, 'daily_sample');
  const ib = blob(store, run.id, 'daily_sample_ids');
  const sample = sb && ib ? { ids: i32(ib), daily: f32(sb) } : null;
  if (sample && sample.daily.length !== sample.ids.length * days.length) {
    throw new UsageError(
      `run ${run.id}: the daily sample holds ${sample.daily.length} values, expected ${sample.ids.length} × ${days.length} days`,
    );
  }
  return {
    run,
    runNo: fr.run_no,
    stepsTotal: fr.steps_total,
    kind: run.kind === 'sim' ? 'sim' : 'replay',
    window: p.window,
    sim: p.sim ?? null,
    grid,
    rulesJson: fr.rules_json,
    fillJson: fr.fill_json,
    market: p.market ?? null,
    data: {
      runId: run.id,
      traders: fr.traders,
      months,
      monthly,
      firstTradeMs,
      days,
      sample,
      config: (id) => grid.config(id),
    },
  };
}
