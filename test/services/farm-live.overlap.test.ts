import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { liveContext, liveStep, SMALL_GRID } from '../support/live-farm.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-live-overlap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = SMALL_GRID;
const ctx = (db: string, iso: string) => liveContext(dir, db, iso);
const step = liveStep;

function count(c: AppContext, sql: string): number {
  return (c.store().db.prepare(sql).get() as { n: number }).n;
}

describe('overlapping live steps: a step is its market minute', () => {
  it('eight `farm exits` for the same minute: one steps, seven say which run did it, none fails', async () => {
    const db = join(dir, 'eight.db');
    const seed = ctx(db, '2025-03-10T15:00:00Z');
    const first = await step(seed, 'full', grid);
    seed.close();
    const later = '2025-03-17T15:00:30Z';
    const cs = Array.from({ length: 8 }, () => ctx(db, later));
    const rs = await Promise.all(cs.map((c) => step(c, 'exits')));
    const done = rs.filter((r) => r.status === 'done');
    const already = rs.filter((r) => r.status === 'already-done');
    expect(done).toHaveLength(1);
    expect(already).toHaveLength(7);
    for (const r of already) {
      expect(r.runId).toBe(first.runId);
      expect(r.step).toBe(1);
      expect(r.message).toBe(
        `exits for 2025-03-17 11:00 ET already done by live run ${String(first.runId).slice(0, 8)} (step 1)`,
      );
    }
    // Exactly one step after the first: steps_done went 1 → 2, each position closed once.
    expect(count(cs[0], 'SELECT steps_done AS n FROM farm_runs')).toBe(2);
    expect(count(cs[0], "SELECT count(*) AS n FROM positions WHERE status = 'closed'")).toBe(
      done[0].closed.length,
    );
    for (const c of cs) c.close();
  });

  it('a later minute waits its turn and steps from the state the earlier one left', async () => {
    const db = join(dir, 'later.db');
    const seed = ctx(db, '2025-03-10T15:00:00Z');
    await step(seed, 'full', grid);
    seed.close();
    const a = ctx(db, '2025-03-17T15:00:00Z');
    const b = ctx(db, '2025-03-17T15:01:00Z');
    const [ra, rb] = await Promise.all([step(a, 'exits'), step(b, 'exits')]);
    expect([ra.status, rb.status]).toEqual(['done', 'done']);
    expect(ra.closed.length + rb.closed.length).toBe(
      count(a, "SELECT count(*) AS n FROM positions WHERE status = 'closed'"),
    );
    expect(count(a, 'SELECT steps_done AS n FROM farm_runs')).toBe(3);
    a.close();
    b.close();
  });

  it('`farm exits` and `expire` on a database with no live farm create nothing and say nothing is open', async () => {
    const db = join(dir, 'empty.db');
    const c = ctx(db, '2025-03-17T15:00:00Z');
    const r = await step(c, 'exits');
    expect(r.status).toBe('nothing-open');
    expect(r.message).toBe('nothing is open: the live farm has not started (`argus farm run` starts it)');
    const e = await step(c, 'expire');
    expect(e.status).toBe('nothing-open');
    expect(count(c, 'SELECT count(*) AS n FROM runs')).toBe(0);
    expect(existsSync(`${db}.checkpoints`)).toBe(false);
    c.close();
  });

  it('outside market hours `farm exits` creates no live run', async () => {
    const db = join(dir, 'closed.db');
    const c = ctx(db, '2025-03-15T15:00:00Z');
    const r = await step(c, 'exits');
    expect(r.status).toBe('market-closed');
    expect(count(c, 'SELECT count(*) AS n FROM runs')).toBe(0);
    c.close();
  });
});
