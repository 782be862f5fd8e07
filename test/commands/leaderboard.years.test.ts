/**
 * `leaderboard --by year` on a simulated backtest across a new year (2024-12-02 → 2025-01-31): each
 * configuration's years are the sums of its stored months, they add up to its whole P&L, the return
 * on max loss divides by the max loss it entered that year, and the run counted, per year, the
 * configurations that found no candidate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import FarmRun from '../../src/commands/farm/run.js';
import Leaderboard from '../../src/commands/leaderboard.js';
import type { YearResult } from '../../src/core/judge/years.js';
import { runCommand } from '../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-lb-years-'));
const db = join(dir, 'argus.db');
const env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: db };
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
let runId = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const r = await runCommand(
    FarmRun,
    [
      '--source',
      'sim',
      '--grid',
      grid,
      '--from',
      '2024-12-02',
      '--to',
      '2025-01-31',
      '--seed',
      '7',
      '--json',
    ],
    env,
  );
  expect(r.error).toBeNull();
  runId = JSON.parse(r.out).runId;
}, 120_000);

/** The stored monthly P&L (cents, trader-major), months, yearly risk and per-trader totals, read here with SQL. */
function stored() {
  const d = new Database(db, { readonly: true });
  try {
    const m = d
      .prepare("SELECT data FROM farm_blobs WHERE run_id = ? AND name = 'monthly_cents'")
      .get(runId) as {
      data: Buffer;
    };
    const r = d
      .prepare("SELECT meta_json, data FROM farm_series WHERE run_id = ? AND name = 'yearly_risk_cents'")
      .get(runId) as { meta_json: string; data: Buffer };
    const f = d
      .prepare('SELECT months_json, spans_json, summary_json FROM farm_runs WHERE run_id = ?')
      .get(runId) as {
      months_json: string;
      spans_json: string;
      summary_json: string;
    };
    const totals = d
      .prepare(
        'SELECT trader_id, realized_cents + open_mtm_cents AS total FROM trader_stats ORDER BY trader_id',
      )
      .all() as { trader_id: number; total: number }[];
    const copy = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    return {
      monthly: new Int32Array(copy(m.data)),
      months: JSON.parse(f.months_json) as string[],
      risk: new Float64Array(copy(r.data)),
      riskYears: (JSON.parse(r.meta_json) as { years: string[] }).years,
      spans: JSON.parse(f.spans_json),
      summary: JSON.parse(f.summary_json),
      totals: totals.map((t) => t.total),
    };
  } finally {
    d.close();
  }
}

describe('argus leaderboard --by year', () => {
  it('--json: each row’s years are its months summed, add up to its total, and divide by the max loss entered', async () => {
    const r = await runCommand(Leaderboard, ['--by', 'year', '--limit', '5', '--json'], env);
    expect(r.error).toBeNull();
    const j = JSON.parse(r.out) as YearResult;
    const s = stored();
    expect(s.months).toEqual(['2024-12', '2025-01']);
    expect(s.riskYears).toEqual(['2024', '2025']);
    // A simulated market has no provenance span: recorded as none, not missing.
    expect(s.spans).toEqual([]);
    expect(j.view).toBe('year');
    expect(j.years).toEqual(['2024', '2025']);
    expect(j.rows).toHaveLength(5);
    for (const row of j.rows) {
      const t = row.trader;
      // One month per year here: the year is that month.
      expect(row.years[0].pnlUsd).toBe(s.monthly[t * 2] / 100);
      expect(row.years[1].pnlUsd).toBe(s.monthly[t * 2 + 1] / 100);
      expect(Math.round((row.years[0].pnlUsd + row.years[1].pnlUsd) * 100)).toBe(s.totals[t]);
      for (const y of [0, 1]) {
        const risk = s.risk[t * 2 + y];
        expect(row.years[y].riskUsd).toBe(risk / 100);
        expect(row.years[y].returnOnRisk).toBe(risk > 0 ? s.monthly[t * 2 + y] / risk : null);
      }
    }
    // The whole grid, summed.
    expect(j.all.traders).toBe(128);
    let dec = 0;
    let jan = 0;
    for (let t = 0; t < 128; t++) {
      dec += s.monthly[t * 2];
      jan += s.monthly[t * 2 + 1];
    }
    expect(j.all.years.map((y) => Math.round(y.pnlUsd * 100))).toEqual([dec, jan]);
    // Per year, the steps with the market open and the configurations that never had a candidate.
    expect(j.noCandidate).toEqual(s.summary.noCandidate);
    expect(j.noCandidate?.map((n) => n.year)).toEqual(['2024', '2025']);
    for (const n of j.noCandidate ?? []) {
      expect(n.configurations).toBe(128);
      expect(n.steps).toBeGreaterThan(0);
      expect(n.never % 8).toBe(0); // 16 combos: 8 traders trade each
    }
  });

  it('human output: one column per year with P&L and return on max loss, the grid summed, the notes', async () => {
    const r = await runCommand(Leaderboard, ['--by', 'year', '--limit', '3'], env);
    expect(r.error).toBeNull();
    expect(r.out).toMatch(/^By year — top 3 of [\d,]+ traders with ≥1 closed trade, by realised P&L/);
    expect(r.out).toMatch(/# +Trader .* 2024 +2025 +Total/);
    expect(r.out).toMatch(/All 128 traders, summed: 2024 −?\$[\d,]+( [+−]?\d+\.\d%)? · 2025 /);
    expect(r.out).toContain('Configurations without a candidate');
    expect(r.out).toContain("A year's P&L is the sum of its months' marked-to-market P&L");
  });
});
