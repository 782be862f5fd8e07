import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { liveContext, liveStep, SMALL_GRID } from '../support/live-farm.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = SMALL_GRID;
const ctx = (db: string, iso: string) => liveContext(dir, db, iso);
const step = liveStep;

function positions(c: AppContext) {
  return c
    .store()
    .db.prepare('SELECT * FROM positions ORDER BY trader_id, expiry, short_strike')
    .all() as Record<string, unknown>[];
}

describe('live farm steps (replayed market through the live path)', () => {
  it('opens positions as rows with full ids and idempotency keys; outside hours it says market closed', async () => {
    const db = join(dir, 'a.db');
    const a = ctx(db, '2025-03-10T15:00:00Z');
    const r = await step(a, 'full', grid);
    expect(r.status).toBe('done');
    expect(r.opened.length).toBeGreaterThan(10);
    const rows = positions(a);
    expect(rows).toHaveLength(r.opened.length);
    for (const p of rows) {
      expect(String(p.id)).toMatch(/^[0-9a-f-]{36}$/);
      expect(String(p.idempotency_key)).toMatch(/:0:\d+$/);
      expect(p.status).toBe('open');
    }
    a.close();
    const night = ctx(db, '2025-03-10T23:00:00Z');
    const closed = await step(night, 'exits');
    expect(closed.status).toBe('market-closed');
    expect(closed.message).toMatch(/market closed \(next open 2025-03-11 09:30 ET\)/);
    night.close();
  });

  it('two `farm exits` at once close each position exactly once', async () => {
    const one = join(dir, 'one.db');
    const two = join(dir, 'two.db');
    for (const db of [one, two]) {
      const c = ctx(db, '2025-03-10T15:00:00Z');
      await step(c, 'full', grid);
      c.close();
    }
    // A week later many positions hit their targets or stops.
    const later = '2025-03-17T15:00:00Z';
    const solo = ctx(one, later);
    const soloRun = await step(solo, 'exits');
    expect(soloRun.closed.length).toBeGreaterThan(0);
    const expected = positions(solo).filter((p) => p.status === 'closed');
    solo.close();

    const x = ctx(two, later);
    const y = ctx(two, later);
    const [rx, ry] = await Promise.all([step(x, 'exits'), step(y, 'exits')]);
    // The second saw the first's commit and started again from the new state: nothing left to close.
    expect(rx.closed.length + ry.closed.length).toBe(expected.length);
    const got = positions(x).filter((p) => p.status === 'closed');
    expect(got.map((p) => [p.trader_id, p.expiry, p.short_strike, p.pnl_cents])).toEqual(
      expected.map((p) => [p.trader_id, p.expiry, p.short_strike, p.pnl_cents]),
    );
    x.close();
    y.close();
  });

  it('expire settles expired positions at intrinsic value once, and is idempotent', async () => {
    const db = join(dir, 'exp.db');
    const a = ctx(db, '2025-03-10T15:00:00Z');
    await step(a, 'full', grid);
    a.close();
    // After the 2025-03-14 expiry (a Friday) every position expiring then settles.
    const b = ctx(db, '2025-03-14T22:00:00Z');
    const r = await step(b, 'expire');
    const settled = positions(b).filter((p) => p.exit_reason === 'expiry');
    expect(r.closed.filter((c) => c.reason === 'expiry')).toHaveLength(settled.length);
    expect(settled.length).toBeGreaterThan(0);
    for (const p of settled) expect(String(p.expiry) <= '2025-03-14').toBe(true);
    const again = await step(b, 'expire');
    expect(again.closed).toHaveLength(0);
    b.close();
  });
});
