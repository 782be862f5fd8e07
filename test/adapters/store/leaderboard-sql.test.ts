import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBy, whereTerms } from '../../../src/adapters/store/leaderboard-sql.js';
import { DIMENSIONS, Grid, type GridSpec } from '../../../src/core/farm/grid.js';
import type { BoardRun } from '../../../src/core/judge/board-run.js';
import { SORT_KEYS, SORTS } from '../../../src/core/judge/ranking.js';
import { resolveBoardRun } from '../../../src/services/leaderboard.js';
import { backtestFixture, type Fixture, TEST_GRID } from '../../support/leaderboard-fixture.js';

let fx: Fixture;
let b: BoardRun;
const grid = new Grid(TEST_GRID as GridSpec);
const dim = (d: string) => DIMENSIONS.indexOf(d as 'dte');

beforeAll(async () => {
  fx = await backtestFixture();
  b = resolveBoardRun(fx.ctx);
});
afterAll(() => fx?.cleanup());

describe('SQL is built from fixed fragments and served by indexes', () => {
  it('filter values and strides are bound parameters, never text', () => {
    const w = whereTerms(grid, [{ dim: 'dte', index: dim('dte'), levels: [0, 2], values: [7, 21] }], 3);
    expect(w.sql).toBe(' AND ((trader_id / ?) % ?) IN (?, ?) AND +trades >= ?');
    expect(w.params).toEqual([grid.strides[dim('dte')], 3, 0, 2, 3]);
  });

  it('the count of traders with ≥ N trades reads a range of the trades index, not every row', () => {
    const w = whereTerms(grid, [], 1, true);
    expect(w.sql).toBe(' AND trades >= ?');
    const plan = fx.ctx
      .store()
      .db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM trader_stats WHERE run_no = ?${w.sql}`)
      .all(b.runNo, ...w.params) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(
      /COVERING INDEX trader_stats_rank_trades \(run_no=\? AND trades>\?\)/,
    );
  });

  /** Rankings with an index of their own (migrations 014 and 017 dropped the rest: each cost ~0.4 s of every run's final write). */
  const INDEXED = ['pnl', 'trades'];
  const plan = (sql: string, ...params: unknown[]) =>
    (
      fx.ctx
        .store()
        .db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params) as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' | ');

  for (const k of SORT_KEYS.filter((k) => INDEXED.includes(k))) {
    it(`--sort ${k} walks an index (no full sort of the run's rows)`, () => {
      const text = plan(
        `SELECT * FROM trader_stats WHERE run_no = ? AND +trades >= ? ${orderBy(SORTS[k], false)} LIMIT 20`,
        b.runNo,
        1,
      );
      expect(text).toMatch(/USING INDEX/);
      expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      const reversed = plan(
        `SELECT * FROM trader_stats WHERE run_no = ? ${orderBy(SORTS[k], true)} LIMIT 20`,
        b.runNo,
      );
      expect(reversed).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    });
  }

  for (const k of SORT_KEYS.filter((k) => !INDEXED.includes(k))) {
    it(`--sort ${k} reads only the run's rows (a primary-key range), then sorts them`, () => {
      const text = plan(
        `SELECT * FROM trader_stats WHERE run_no = ? AND +trades >= ? ${orderBy(SORTS[k], false)} LIMIT 20`,
        b.runNo,
        1,
      );
      expect(text).toMatch(/^SEARCH trader_stats USING PRIMARY KEY \(run_no=\?\)/);
      expect(text).not.toMatch(/SCAN trader_stats/);
    });
  }
});
