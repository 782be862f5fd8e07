import { UsageError } from '../../core/errors.js';
import { type Grid, parseGrid } from '../../core/farm/grid.js';
import type { FarmRules } from '../../core/farm/rules.js';
import type { FillParams } from '../../core/fill/fill.js';
import type { RunRecord } from '../../core/runs.js';
import type { Store } from './store.js';

/** The settings key Store.liveRun keeps the live farm's run id under (read here without creating one). */
const LIVE_RUN_KEY = 'live_run_id';

/** A farm run the leaderboard can read: its record, grid, rules and a provenance label. */
export interface BoardRun {
  run: RunRecord;
  runNo: number;
  live: boolean;
  grid: Grid;
  rules: FarmRules;
  fill: FillParams;
  months: string[];
  label: string;
}

interface FarmRunRow {
  run_no: number;
  run_id: string;
  grid_json: string;
  rules_json: string;
  fill_json: string;
  months_json: string;
}

const FARM_RUN_SQL =
  'SELECT run_no, run_id, grid_json, rules_json, fill_json, months_json FROM farm_runs WHERE run_id = ?';

/**
 * `--run`: a run id (or a unique prefix of one), `live`, or nothing for the latest completed
 * backtest. A backtest still running has no trader stats yet: say so rather than show nothing.
 */
export function resolveRun(store: Store, arg?: string): BoardRun {
  const db = store.db;
  let run: RunRecord | null;
  if (arg === undefined) {
    const row = db
      .prepare(
        `SELECT r.id FROM farm_runs f JOIN runs r ON r.id = f.run_id
         WHERE r.kind != 'live' AND r.status = 'completed' ORDER BY r.created_ms DESC, r.rowid DESC LIMIT 1`,
      )
      .get() as { id: string } | undefined;
    if (!row) {
      const any = db
        .prepare(
          "SELECT count(*) AS n FROM farm_runs f JOIN runs r ON r.id = f.run_id WHERE r.kind != 'live'",
        )
        .get() as {
        n: number;
      };
      throw new UsageError(
        any.n
          ? 'no completed farm backtest in this database (the ones there are unfinished)'
          : 'no farm backtest in this database',
        any.n
          ? 'resume one with `argus farm run --resume <run-id>`, or pass --run'
          : 'run `argus farm run --source replay` first, or pass --run live',
      );
    }
    run = store.getRun(row.id);
  } else if (arg.trim().toLowerCase() === 'live') {
    const id = store.getSetting<string>(LIVE_RUN_KEY);
    run = id ? store.getRun(id) : null;
    if (!run)
      throw new UsageError('the live farm has not run yet', 'run `argus farm run` during market hours first');
  } else {
    const prefix = arg.trim().toLowerCase();
    // Only hex digits and dashes: the prefix is bound as a LIKE pattern and must carry no wildcards.
    if (!/^[0-9a-f-]{4,36}$/.test(prefix)) {
      throw new UsageError(
        `--run "${arg}" is not a run id`,
        'pass a run id (or its first characters), or live; see `argus farm run` output',
      );
    }
    const rows = db
      .prepare(
        "SELECT r.id FROM farm_runs f JOIN runs r ON r.id = f.run_id WHERE r.id LIKE ? || '%' ORDER BY r.created_ms DESC LIMIT 6",
      )
      .all(prefix) as { id: string }[];
    if (rows.length === 0)
      throw new UsageError(`no farm run ${arg}`, 'omit --run for the latest completed backtest');
    if (rows.length > 1) {
      throw new UsageError(
        `--run ${arg} matches several runs`,
        `give more characters: ${rows.map((r) => r.id).join(', ')}`,
      );
    }
    run = store.getRun(rows[0].id);
  }
  if (!run) throw new UsageError(`no run ${arg}`);
  const f = db.prepare(FARM_RUN_SQL).get(run.id) as FarmRunRow | undefined;
  const live = run.kind === 'live';
  if (!f) {
    throw new UsageError(
      live ? 'the live farm has not taken a step yet' : `run ${run.id} is not a farm run`,
      live
        ? 'run `argus farm run` during market hours first'
        : 'omit --run for the latest completed backtest',
    );
  }
  if (!live && run.status !== 'completed') {
    throw new UsageError(
      `run ${run.id} is ${run.status}: its per-trader results are written when it completes`,
      `resume it with \`argus farm run --resume ${run.id}\``,
    );
  }
  const rules = JSON.parse(f.rules_json) as FarmRules;
  const fill = JSON.parse(f.fill_json) as FillParams;
  return {
    run,
    runNo: f.run_no,
    live,
    grid: parseGrid(f.grid_json, `grid of run ${run.id}`),
    rules,
    fill,
    months: JSON.parse(f.months_json) as string[],
    label: provenanceLabel(run, rules, fill),
  };
}

interface Provenance {
  source?: string;
  window?: { from: string; to: string; steps?: number; days?: number };
  chainModel?: string;
  syntheticChains?: boolean;
  seed?: number;
  engine?: string;
  appVersion?: string;
  sim?: { model?: string; premium?: number; fair?: boolean; seed?: number };
}

function fillLabel(fill: FillParams): string {
  if (fill.f === 1) return 'fill at bid/ask';
  if (fill.f === 0) return 'fill at mid';
  return `fill f=${fill.f} of the half-spread`;
}

/** One line a reader needs to judge the numbers: where the market came from and how fills were made. */
export function provenanceLabel(run: RunRecord, rules: FarmRules, fill: FillParams): string {
  const p = run.provenance as Provenance;
  const parts: string[] = [];
  if (run.kind === 'live') parts.push('live farm (real-time quotes)');
  else if (run.kind === 'sim') {
    const s = p.sim ?? {};
    parts.push(
      `simulated market (${s.model ?? 'heston'}${s.fair ? ', fair' : ''}${s.premium !== undefined ? `, IV premium ${s.premium}` : ''})`,
    );
  } else parts.push('replayed real prices');
  if (p.window) {
    const extra = [
      p.window.days !== undefined ? `${p.window.days} NYSE days` : '',
      p.window.steps !== undefined ? `${p.window.steps} steps` : '',
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(`${p.window.from} → ${p.window.to}${extra ? ` (${extra})` : ''}`);
  }
  if (p.syntheticChains) parts.push(`synthetic chains (${p.chainModel ?? 'chain model'})`);
  parts.push(fillLabel(fill));
  parts.push(`fees $${rules.feePerContractPerLegUsd.toFixed(2)}/contract/leg`);
  if (run.seed !== null) parts.push(`seed ${run.seed}`);
  if (run.engine) parts.push(`engine ${run.engine}`);
  parts.push(`argus ${run.appVersion}`);
  parts.push(`run ${run.id}`);
  return parts.join(' · ');
}
