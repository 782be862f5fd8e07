#!/usr/bin/env node
// Golden results: what a replay and a sim run store (the leaderboard's rows, the statistics, the
// promotion inputs), as digests recorded from main at 8c1ab10 (the four-year history merged, before the speed-ups). A speed-up must leave them bit for bit.
//   node scripts/golden.mjs check [case...]   run each case through dist/ and compare (exit 1 on a difference)
//   node scripts/golden.mjs record [case...]  rewrite the recorded digests (only on purpose)
// Cases: replay-small, sim-small (seconds; test/e2e/golden.test.ts) and replay-2w, sim-1w (the
// shipped 432,000-trader grid, a minute or more each).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FILE = join(ROOT, 'test/fixtures/golden/results.json');
const SMALL = join(ROOT, 'test/fixtures/grids/small.json');

const common = ['--engine', 'js', '--json'];
export const CASES = {
  'replay-small': ['--source', 'replay', '--from', '2025-03-03', '--to', '2025-04-30', '--grid', SMALL],
  'sim-small': [
    '--source',
    'sim',
    '--from',
    '2025-03-03',
    '--to',
    '2025-04-30',
    '--grid',
    SMALL,
    '--seed',
    '7',
  ],
  'replay-2w': ['--source', 'replay', '--from', '2025-01-02', '--to', '2025-01-15'],
  'sim-1w': ['--source', 'sim', '--from', '2025-01-02', '--to', '2025-01-08', '--seed', '3'],
};

/** The columns of trader_stats at e3b182b (later columns are not part of the comparison). */
const STAT_COLUMNS = [
  'trader_id',
  'realized_cents',
  'open_mtm_cents',
  'open_positions',
  'trades',
  'wins',
  'gross_profit_cents',
  'gross_loss_cents',
  'fees_cents',
  'days_in_trade',
  'first_trade_ms',
  'last_trade_ms',
  'max_drawdown_cents',
  'max_drawdown_frac',
  'daily_n',
  'daily_sum',
  'daily_sum_sq',
  'daily_down_sq',
  'sharpe',
  'sortino',
  'win_rate',
  'profit_factor',
  'no_stop_share',
];
const STEP_COLUMNS = [
  'step',
  't_ms',
  'opened',
  'closed',
  'realized_cents',
  'open_positions',
  'exits_json',
  'open_mtm_cents',
];
const BLOBS = ['monthly_cents', 'daily_sample', 'daily_sample_ids'];

const sha = (x) => createHash('sha256').update(x).digest('hex');

/** Digests of one run's stored results (the only backtest in `db`). */
export function digest(db) {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const run = d
      .prepare(
        'SELECT f.run_id, f.run_no, f.summary_json, f.months_json, f.grid_hash, f.traders, f.steps_total FROM farm_runs f JOIN runs r ON r.id = f.run_id WHERE r.status = ?',
      )
      .all('completed');
    if (run.length !== 1) throw new Error(`${db}: expected one completed run, found ${run.length}`);
    const r = run[0];
    const h = createHash('sha256');
    let rows = 0;
    for (const row of d
      .prepare(`SELECT ${STAT_COLUMNS.join(', ')} FROM trader_stats WHERE run_no = ? ORDER BY trader_id`)
      .raw()
      .iterate(r.run_no)) {
      h.update(`${JSON.stringify(row)}\n`);
      rows++;
    }
    const steps = d
      .prepare(`SELECT ${STEP_COLUMNS.join(', ')} FROM farm_steps WHERE run_id = ? ORDER BY step`)
      .raw()
      .all(r.run_id);
    const blobs = {};
    for (const name of BLOBS) {
      const b = d
        .prepare('SELECT meta_json, data FROM farm_blobs WHERE run_id = ? AND name = ?')
        .get(r.run_id, name);
      blobs[name] = b ? `${b.meta_json} ${sha(b.data)}` : null;
    }
    const series = d
      .prepare('SELECT name, meta_json, data FROM farm_series WHERE run_id = ? ORDER BY name')
      .all(r.run_id)
      .map((x) => `${x.name} ${x.meta_json} ${sha(x.data)}`);
    return {
      traders: r.traders,
      steps: r.steps_total,
      gridHash: r.grid_hash,
      months: r.months_json,
      traderStats: `${rows} ${h.digest('hex')}`,
      farmSteps: `${steps.length} ${sha(JSON.stringify(steps))}`,
      blobs,
      summary: sha(r.summary_json),
      // Recorded after 8c1ab10 (the group gate's series came later): compared only where recorded.
      series,
    };
  } finally {
    d.close();
  }
}

/** Runs one case through the built binary into a fresh database and returns its digests. */
export function runCase(name, extra = [], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), `argus-golden-${name}-`));
  try {
    const db = join(dir, 'golden.db');
    const config = join(dir, 'config.json');
    writeFileSync(config, '{}');
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/run.js'), 'farm', 'run', ...CASES[name], ...common, ...extra],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', ARGUS_DB: db, ARGUS_CONFIG: config, ...env },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
    if (r.status !== 0) throw new Error(`${name}: farm run exited ${r.status}\n${r.stderr}`);
    return digest(db);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Equal on every key the recorded digests have (a newer key is not part of an older record). */
export function sameAsRecorded(got, want) {
  if (!want) return false;
  return Object.keys(want).every((k) => JSON.stringify(got[k]) === JSON.stringify(want[k]));
}

export function recorded() {
  return JSON.parse(readFileSync(FILE, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, ...names] = process.argv.slice(2);
  if (mode !== 'check' && mode !== 'record') {
    console.error('usage: node scripts/golden.mjs check|record [case...]');
    process.exit(2);
  }
  const chosen = names.length ? names : Object.keys(CASES);
  const want =
    mode === 'check'
      ? recorded()
      : (() => {
          try {
            return recorded();
          } catch {
            return {};
          }
        })();
  let bad = 0;
  for (const name of chosen) {
    const t0 = performance.now();
    const got = runCase(name);
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    if (mode === 'record') {
      want[name] = got;
      console.log(`${name}: recorded (${s} s)`);
    } else {
      const same = sameAsRecorded(got, want[name]);
      if (!same) bad++;
      console.log(
        `${name}: ${same ? 'identical' : `DIFFERS\n  want ${JSON.stringify(want[name])}\n  got  ${JSON.stringify(got)}`} (${s} s)`,
      );
    }
  }
  if (mode === 'record') writeFileSync(FILE, `${JSON.stringify(want, null, 2)}\n`);
  process.exit(bad ? 1 : 0);
}
