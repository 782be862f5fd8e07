import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupIndex } from '../../src/core/farm/groups.js';
import { liveContext, liveStepAt, SMALL_GRID } from '../support/live-farm.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-live-days-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = (db: string, iso: string) => liveContext(dir, db, iso);
const at = (db: string, iso: string, mode: 'full' | 'exits' | 'expire') => liveStepAt(dir, db, iso, mode);

interface Row {
  trader_id: number;
  status: string;
  contracts: number;
  credit_pips: number;
  last_mark_pips: number;
  pnl_cents: number | null;
}

/** Each trader's equity over its capital from its position rows: realised, plus open marked less the fees to close. */
function equityGain(db: string): Map<number, number> {
  const c = ctx(db, '2025-03-10T22:00:00Z');
  try {
    const rows = c.store().db.prepare('SELECT * FROM positions').all() as Row[];
    const rules = JSON.parse(
      (c.store().db.prepare('SELECT rules_json FROM farm_runs').get() as { rules_json: string }).rules_json,
    ) as { feePerContractPerLegUsd: number };
    const fee = Math.round(rules.feePerContractPerLegUsd * 100);
    const out = new Map<number, number>();
    for (const r of rows) {
      const v =
        r.status === 'closed'
          ? (r.pnl_cents ?? 0)
          : (r.credit_pips - r.last_mark_pips) * r.contracts - 2 * fee * r.contracts;
      out.set(r.trader_id, (out.get(r.trader_id) ?? 0) + v);
    }
    return out;
  } finally {
    c.close();
  }
}

describe('the live farm books each session at `argus expire`', () => {
  it('books the closed session once, per group and per trader, and sums each month', async () => {
    const db = join(dir, 'days.db');
    expect((await at(db, '2025-03-10T15:00:00Z', 'full')).opened.length).toBeGreaterThan(10);
    // Expire during the session books nothing: the day is not over.
    expect((await at(db, '2025-03-10T18:00:00Z', 'expire')).booked).toBeNull();

    const first = await at(db, '2025-03-10T22:00:00Z', 'expire');
    expect(first.booked).toBe('2025-03-10');
    expect(first.message).toMatch(/booked the 2025-03-10 session/);
    // A later expire the same night books nothing more.
    expect((await at(db, '2025-03-10T23:30:00Z', 'expire')).booked).toBeNull();
    const gain = equityGain(db);

    await at(db, '2025-03-11T15:00:00Z', 'full');
    await at(db, '2025-03-11T19:00:00Z', 'exits');
    // Early next morning, before the open: the 11th is the last closed session.
    expect((await at(db, '2025-03-12T11:00:00Z', 'expire')).booked).toBe('2025-03-11');
    const gain2 = equityGain(db);

    const c = ctx(db, '2025-03-12T11:00:00Z');
    const runId = c.farmRuns.liveRunId()!;
    const days = c.farmRuns.liveDays(runId);
    const months = c.farmRuns.liveMonths(runId);
    const grid = c.grid(SMALL_GRID);
    c.close();
    expect(days.dates).toEqual(['2025-03-10', '2025-03-11']);
    expect(months.months).toEqual(['2025-03']);
    expect(months.traders).toBe(grid.count);
    expect(days.groups).toBe(8);

    // Day one: each trader's P&L is its whole gain since it started, from its position rows.
    // Day two: the gain since then. The month holds their sum, Σpnl² their squares.
    const of = groupIndex(grid);
    const group = [new Float64Array(8), new Float64Array(8)];
    let moved = 0;
    for (let i = 0; i < grid.count; i++) {
      const d1 = gain.get(i) ?? 0;
      const d2 = (gain2.get(i) ?? 0) - d1;
      if (d2 !== 0) moved++;
      expect(months.monthlyCents[i]).toBeCloseTo(d1 + d2, 0);
      expect(months.monthlySumSq[i]).toBeCloseTo(d1 * d1 + d2 * d2, -1);
      group[0][of[i]] += d1;
      group[1][of[i]] += d2;
    }
    expect(moved).toBeGreaterThan(10);
    for (let g = 0; g < 8; g++) {
      expect(days.groupDaily[g * 2]).toBeCloseTo(group[0][g], 0);
      expect(days.groupDaily[g * 2 + 1]).toBeCloseTo(group[1][g], 0);
    }
  }, 60_000);
});
