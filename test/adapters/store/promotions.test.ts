import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlitePromotions } from '../../../src/adapters/store/promotions.js';
import type { Store } from '../../../src/adapters/store/store.js';
import { ManualClock } from '../../../src/core/time/clock.js';
import { openStore } from '../../support/notify.js';
import {
  backtestGrid,
  evidence,
  insertFarmRun,
  REVIEW_AT,
  recordPromotions,
} from '../../support/promote-review.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-promotions-'));
  store = openStore(join(dir, 'argus.db'), ManualClock.at(REVIEW_AT));
  const bt = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 'test', provenance: {} });
  insertFarmRun(store, bt.id);
  recordPromotions(store, bt.id, [evidence(backtestGrid.config(1)), evidence(backtestGrid.config(2))]);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const state = () =>
  store.db.prepare('SELECT trader_id, active, demoted_ms, review_json FROM promotions ORDER BY rank').all();

describe('SqlitePromotions.demote', () => {
  it('one transaction: a review that fails half-way demotes nothing and records no verdict', () => {
    const p = new SqlitePromotions(store.db);
    const [a, b] = p.active();
    const before = state();
    expect(() =>
      p.demote(
        [
          { id: a.id, demote: true, reason: 'no edge', verdict: { status: 'demote' } },
          // A verdict JSON cannot hold (a BigInt): the statement after the first demotion throws.
          { id: b.id, demote: false, reason: 'kept', verdict: { n: 1n } },
        ],
        7,
      ),
    ).toThrow(/BigInt/);
    expect(state()).toEqual(before);
    expect(p.active().map((x) => x.trader)).toEqual([1, 2]);
  });

  it('demotes only an active row: a promotion a newer evaluation replaced keeps no demotion time', () => {
    const p = new SqlitePromotions(store.db);
    const [a] = p.active();
    store.db.prepare('UPDATE promotions SET active = 0 WHERE id = ?').run(a.id);
    p.demote([{ id: a.id, demote: true, reason: 'late', verdict: { status: 'demote' } }], 7);
    expect(
      store.db.prepare('SELECT active, demoted_ms, review_json FROM promotions WHERE id = ?').get(a.id),
    ).toEqual({
      active: 0,
      demoted_ms: null,
      review_json: '{"status":"demote"}',
    });
  });
});
