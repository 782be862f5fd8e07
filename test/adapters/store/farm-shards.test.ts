import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteFarmShardFiles } from '../../../src/adapters/store/farm-shards.js';
import { Store } from '../../../src/adapters/store/store.js';
import { Grid } from '../../../src/core/farm/grid.js';
import type { MergedRun } from '../../../src/core/farm/merge.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { STAT_FIELDS } from '../../../src/core/farm/stats.js';
import { DEFAULT_FILL } from '../../../src/core/fill/fill.js';
import { ManualClock } from '../../../src/core/time/clock.js';
import { SMALL_GRID } from '../../support/farm-scenario.js';

let dir: string;
const clock = ManualClock.at('2025-03-10T15:00:00Z');
const files = new SqliteFarmShardFiles(clock);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-farm-shards-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const grid = new Grid(SMALL_GRID);

/** A merged run of `traders` rows and two steps; `blob` names its one blob. */
function merged(blob = 'monthly_cents'): MergedRun {
  const traders = 3;
  return {
    run: {
      kind: 'sim',
      command: 'farm merge',
      seed: 7,
      engine: 'js',
      appVersion: '0.1.0',
      provenance: { merged: {} },
    },
    setup: {
      gridSpec: grid.spec,
      gridHash: grid.hash,
      rules: DEFAULT_RULES,
      fill: DEFAULT_FILL,
      traders,
      stepsTotal: 2,
      months: ['2025-03'],
    },
    steps: [0, 1].map((k) => ({
      step: k,
      tMs: 1000 * (k + 1),
      opened: 1,
      closed: k,
      realizedCents: 100 * k,
      openPositions: 1 - k,
      exits: (k ? { stop: 1 } : {}) as Record<string, number>,
      openMtmCents: k ? 0 : null,
    })),
    results: {
      statRows: Array.from({ length: traders }, (_, i) =>
        STAT_FIELDS.map((f) => (f === 'trader_id' ? i : f.startsWith('span_') || f === 'sharpe' ? null : 0)),
      ),
      blobs: [{ name: blob, meta: { months: ['2025-03'], traders }, data: new Int32Array(traders) }],
      series: [],
      summary: { opened: 2 } as MergedRun['results']['summary'],
    },
  };
}

const count = (path: string, table: string) => {
  const d = new Database(path, { readonly: true });
  try {
    return (d.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    d.close();
  }
};

describe('SqliteFarmShardFiles', () => {
  it('writes a merged run whole: completed, its rows, steps and blob', () => {
    const out = join(dir, 'out.db');
    const id = files.write(out, merged());
    const d = new Database(out, { readonly: true });
    try {
      expect(d.prepare('SELECT status, command FROM runs WHERE id = ?').get(id)).toEqual({
        status: 'completed',
        command: 'farm merge',
      });
      expect(d.prepare('SELECT traders, steps_done, summary_json FROM farm_runs').get()).toEqual({
        traders: 3,
        steps_done: 2,
        summary_json: '{"opened":2}',
      });
      expect(d.prepare('SELECT count(*) AS n FROM trader_stats').get()).toEqual({ n: 3 });
      expect(d.prepare('SELECT exits_json FROM farm_steps ORDER BY step').all()).toEqual([
        { exits_json: '{}' },
        { exits_json: '{"stop":1}' },
      ]);
    } finally {
      d.close();
    }
  });

  it('leaves a database it cannot finish writing as it was: nothing of the run', () => {
    const out = join(dir, 'out.db');
    const s = Store.open(out, clock);
    s.createRun({ kind: 'replay', command: 'farm run', appVersion: '0.1.0', provenance: {} });
    s.close();
    // farm_blobs' CHECK refuses the name after the run, its steps and its rows were inserted.
    expect(() => files.write(out, merged('bogus'))).toThrow(/CHECK constraint failed/);
    expect(count(out, 'runs')).toBe(1);
    expect(count(out, 'farm_runs')).toBe(0);
    expect(count(out, 'farm_steps')).toBe(0);
    expect(count(out, 'trader_stats')).toBe(0);
  });

  it('removes a database it created for a write that failed', () => {
    const out = join(dir, 'new.db');
    expect(() => files.write(out, merged('bogus'))).toThrow(/CHECK constraint failed/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}-wal`)).toBe(false);
  });

  it('refuses a database without a shard run, and a missing file, creating nothing', () => {
    const plain = join(dir, 'plain.db');
    Store.open(plain, clock).close();
    expect(() => files.read(plain)).toThrow(`${plain} holds no shard run`);
    const missing = join(dir, 'missing.db');
    expect(() => files.read(missing)).toThrow(/no Argus database at/);
    expect(existsSync(missing)).toBe(false);
  });
});
