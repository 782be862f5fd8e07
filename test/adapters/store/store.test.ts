import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/adapters/store/store.js';
import type { RunStatus } from '../../../src/core/runs.js';
import { ManualClock } from '../../../src/core/time/clock.js';

let dir: string;
let clock: ManualClock;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-store-'));
  clock = ManualClock.at('2026-01-05T15:00:00Z');
  store = Store.open(join(dir, 'argus.db'), clock);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A backtest run, with a farm_runs row unless `farm` is false. */
function run(status: RunStatus, farm = true): string {
  const r = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} });
  store.setRunStatus(r.id, status);
  if (farm) {
    store.db
      .prepare(
        `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json)
         VALUES (?, '{}', 'h', '{}', '{}', 1, 1, '[]')`,
      )
      .run(r.id);
  }
  clock.advance(60_000);
  return r.id;
}

const found = (r: ReturnType<Store['resolveRunRef']>) => (r.kind === 'found' ? r.run.id : r.kind);

describe('Store.resolveRunRef: latest | live | id | unique id prefix', () => {
  it('latest: the newest backtest, optionally only completed ones or only farm runs', () => {
    expect(found(store.resolveRunRef('latest'))).toBe('none');
    const done = run('completed');
    const bare = run('completed', false);
    const running = run('running');
    expect(found(store.resolveRunRef('latest'))).toBe(running);
    expect(found(store.resolveRunRef(' LATEST ', { completed: true }))).toBe(bare);
    expect(found(store.resolveRunRef('latest', { completed: true, farm: true }))).toBe(done);
    store.liveRun('t');
    expect(found(store.resolveRunRef('latest'))).toBe(running);
  });

  it('live: the live farm run, once there is one', () => {
    expect(found(store.resolveRunRef('live'))).toBe('none');
    const id = store.liveRun('t').id;
    expect(found(store.resolveRunRef('live', { farm: true }))).toBe(id);
  });

  it('an id or a unique prefix of at least 4 characters; anything else is not a reference', () => {
    const a = run('completed');
    expect(found(store.resolveRunRef(a))).toBe(a);
    expect(found(store.resolveRunRef(a.slice(0, 8).toUpperCase()))).toBe(a);
    expect(found(store.resolveRunRef(a.slice(0, 3)))).toBe('not-a-ref');
    expect(found(store.resolveRunRef("x' OR 1=1 --"))).toBe('not-a-ref');
    expect(found(store.resolveRunRef('ffffffff-ffff'))).toBe('none');
    const b = run('completed', false);
    expect(found(store.resolveRunRef(b))).toBe(b);
    expect(found(store.resolveRunRef(b, { farm: true }))).toBe('none');
  });

  it('a prefix shared by several runs names them, newest first', () => {
    const put = store.db.prepare(
      `INSERT INTO runs (id, kind, command, status, created_ms, updated_ms, app_version, provenance_json)
       VALUES (?, 'replay', 'farm run', 'completed', ?, ?, 't', '{}')`,
    );
    const older = 'abcd0001-0000-4000-8000-000000000000';
    const newer = 'abcd0002-0000-4000-8000-000000000000';
    put.run(older, 1, 1);
    put.run(newer, 2, 2);
    expect(store.resolveRunRef('abcd')).toEqual({ kind: 'ambiguous', ids: [newer, older] });
    expect(found(store.resolveRunRef('abcd0001'))).toBe(older);
  });
});
