import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { Grid, type GridSpec } from '../../../src/core/farm/grid.js';
import {
  checkShards,
  mergeShards,
  type ShardData,
  type ShardRun,
  shardRange,
} from '../../../src/core/farm/merge.js';
import type { FarmTotals } from '../../../src/core/farm/ports.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { STAT_FIELDS } from '../../../src/core/farm/stats.js';

/** Four traders: width (1, 3) × stop multiple X (1, 2); trader id = 2·width level + X level. */
const SPEC: GridSpec = {
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [7],
  shortDelta: [0.3],
  width: [1, 3],
  profitTargetPct: [50],
  stopLossX: [1, 2],
  trailingStopPct: [0],
  sizePct: [5],
};
const GRID = new Grid(SPEC);

function shard(index: number, of: number, over: Partial<ShardRun> = {}, provenance = {}): ShardRun {
  const place = { index, of, ...shardRange(index, of, GRID.count) };
  return {
    path: `/tmp/shard-${index}.db`,
    run: {
      id: `0000000${index}-0000-4000-8000-000000000000`,
      kind: 'replay',
      command: 'farm run',
      status: 'completed',
      createdMs: 1,
      updatedMs: 2,
      windowFromMs: 1000,
      windowToMs: 2000,
      seed: 1,
      engine: 'js',
      appVersion: '0.1.0',
      provenance: {
        window: { from: '2025-01-02', to: '2025-01-03' },
        chainModel: 'v1',
        shard: place,
        ...provenance,
      },
    },
    place,
    gridJson: JSON.stringify(SPEC),
    gridHash: GRID.hash,
    rules: DEFAULT_RULES,
    fill: { f: 1 } as ShardRun['fill'],
    months: ['2025-01'],
    spans: [],
    stepsTotal: 2,
    summary: null,
    ...over,
  };
}

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('shardRange', () => {
  it('splits the grid into N contiguous ranges, ⌊(I−1)·count/N⌋ to ⌊I·count/N⌋', () => {
    expect([1, 2, 3].map((i) => shardRange(i, 3, 10))).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 6 },
      { from: 6, to: 10 },
    ]);
    expect(shardRange(2, 2, 432_000)).toEqual({ from: 216_000, to: 432_000 });
    expect(shardRange(1, 1, 128)).toEqual({ from: 0, to: 128 });
  });
});

describe('checkShards', () => {
  it('takes 1..N once each, in any order, and returns them by index', () => {
    expect(checkShards([shard(3, 3), shard(1, 3), shard(2, 3)]).map((s) => s.place.index)).toEqual([1, 2, 3]);
  });

  it('refuses shards of another grid, naming both files and the hashes', () => {
    const other = new Grid({ ...SPEC, sizePct: [10] });
    const e = refusal(() => checkShards([shard(1, 2), shard(2, 2, { gridHash: other.hash })]));
    expect(e.message).toMatch(
      /^shard 1\/2 \(\/tmp\/shard-1\.db\) and shard 2\/2 \(\/tmp\/shard-2\.db\) are not shards of the same run: their grid \(hash\) differ/,
    );
    expect(e.message).toContain(GRID.hash.slice(0, 20));
    expect(e.message).toContain(other.hash.slice(0, 20));
    expect(e.exitCode).toBe(2);
  });

  it('names the setting that differs: a rule, the seed, the window, the app version, the split', () => {
    const rules = { ...DEFAULT_RULES, maxOpenPositions: DEFAULT_RULES.maxOpenPositions + 1 };
    expect(refusal(() => checkShards([shard(1, 2), shard(2, 2, { rules })])).message).toContain(
      `their rules differ (maxOpenPositions ${DEFAULT_RULES.maxOpenPositions} against ${rules.maxOpenPositions})`,
    );
    const s2 = shard(2, 2);
    s2.run = { ...s2.run, seed: 2 };
    expect(refusal(() => checkShards([shard(1, 2), s2])).message).toContain(
      'their seed differ (1 against 2)',
    );
    const late = shard(2, 2, {}, { window: { from: '2025-01-02', to: '2025-01-06' } });
    expect(refusal(() => checkShards([shard(1, 2), late])).message).toContain(
      'their window differ (to "2025-01-03" against "2025-01-06")',
    );
    const v = shard(2, 2);
    v.run = { ...v.run, appVersion: '0.2.0' };
    expect(refusal(() => checkShards([shard(1, 2), v])).message).toContain(
      'their app version differ ("0.1.0" against "0.2.0")',
    );
    expect(refusal(() => checkShards([shard(1, 2), shard(2, 3)])).message).toContain(
      'their shard count (N of --shard I/N) differ (2 against 3)',
    );
  });

  it('refuses a missing shard, naming it and what was given', () => {
    const e = refusal(() => checkShards([shard(1, 3), shard(3, 3)]));
    expect(e.message).toBe('shard 2/3 missing: the merge needs all 3 (given 1/3, 3/3)');
    expect(e.hint).toMatch(/--shard I\/3/);
    expect(refusal(() => checkShards([shard(2, 4)])).message).toBe(
      'shards 1/4, 3/4, 4/4 missing: the merge needs all 4 (given 2/4)',
    );
  });

  it('refuses a shard given twice', () => {
    const again = shard(1, 2, { path: '/tmp/copy.db' });
    expect(refusal(() => checkShards([shard(1, 2), shard(2, 2), again])).message).toBe(
      'shard 1/2 is given twice: /tmp/shard-1.db and /tmp/copy.db',
    );
  });

  it('refuses a shard still running, or interrupted, saying how to finish it', () => {
    const running = shard(2, 2);
    running.run = { ...running.run, status: 'running' };
    const e = refusal(() => checkShards([shard(1, 2), running]));
    expect(e.message).toBe(
      `shard 2/2 (/tmp/shard-2.db) is running, not completed: its run ${running.run.id} has not finished`,
    );
    const stopped = shard(1, 2);
    stopped.run = { ...stopped.run, status: 'interrupted' };
    expect(refusal(() => checkShards([stopped, shard(2, 2)])).hint).toBe(
      `resume it with \`argus farm run --resume ${stopped.run.id} --db /tmp/shard-1.db\`, then merge`,
    );
  });
});

/** A trader_stats row in STAT_FIELDS order: the figures the summary reads, the rest zero. */
function row(id: number, realized: number, openMtm: number, open: number, trades: number) {
  const r: (number | null)[] = STAT_FIELDS.map(() => 0);
  r[0] = id;
  r[1] = realized;
  r[2] = openMtm;
  r[3] = open;
  r[4] = trades;
  r[STAT_FIELDS.length - 2] = null;
  r[STAT_FIELDS.length - 1] = null;
  return r;
}

/** The rows and the columns the summary reads of them, as the store gives them. */
function withRows(rows: (number | null)[][]): Pick<ShardData, 'statRows' | 'figures'> {
  const col = (c: number) => rows.map((r) => r[c] ?? 0);
  return {
    statRows: rows,
    figures: {
      traderIds: Int32Array.from(col(0)),
      realizedCents: Float64Array.from(col(1)),
      openMtmCents: Float64Array.from(col(2)),
      openCount: Int32Array.from(col(3)),
      trades: Int32Array.from(col(4)),
      spanCents: new Float64Array(rows.length * 2),
    },
  };
}

const bytes = (a: Int32Array | Float32Array | Float64Array) => new Uint8Array(a.buffer);

function totals(o: Partial<FarmTotals>): FarmTotals {
  return {
    opened: 0,
    closed: 0,
    exitsByReason: new Array(8).fill(0),
    skipsByReason: new Array(20).fill(0),
    exitsBlocked: 0,
    realizedCents: 0,
    monthIndex: 0,
    noCandidate: { years: ['2025'], steps: [10], byCombo: [[2, 0]] },
    ...o,
  };
}

describe('mergeShards', () => {
  const data: ShardData[] = [
    {
      ...withRows([row(0, 1000, 0, 0, 2), row(1, -500, -200, 1, 1)]),
      steps: [
        {
          step: 0,
          tMs: 1000,
          opened: 4,
          closed: 0,
          realizedCents: 0,
          openPositions: 4,
          exits: {},
          openMtmCents: null,
        },
        {
          step: 1,
          tMs: 2000,
          opened: 0,
          closed: 3,
          realizedCents: 500,
          openPositions: 1,
          exits: { profit_target: 2, stop: 1 },
          openMtmCents: -200,
        },
      ],
      blobs: [
        {
          name: 'monthly_cents',
          meta: { months: ['2025-01'], traders: 2 },
          data: bytes(Int32Array.of(1000, -700)),
        },
      ],
      series: [
        { name: 'group_daily', meta: { days: 2, groups: 2 }, data: bytes(Float64Array.of(100, 200, -50, 0)) },
      ],
      totals: totals({
        opened: 4,
        closed: 3,
        exitsByReason: [0, 0, 1, 2, 0, 0, 0, 0],
        exitsBlocked: 1,
        realizedCents: 500,
      }),
      entries: Int32Array.of(2, 2),
      noStopEntries: Int32Array.of(0, 1),
    },
    {
      ...withRows([row(2, 0, 0, 0, 0), row(3, 2500, 0, 0, 3)]),
      steps: [
        {
          step: 0,
          tMs: 1000,
          opened: 3,
          closed: 0,
          realizedCents: 0,
          openPositions: 3,
          exits: {},
          openMtmCents: null,
        },
        {
          step: 1,
          tMs: 2000,
          opened: 0,
          closed: 3,
          realizedCents: 2500,
          openPositions: 0,
          exits: { expiry: 3 },
          openMtmCents: 0,
        },
      ],
      blobs: [
        { name: 'daily_sample', meta: { days: 2, traders: 1 }, data: bytes(Float32Array.of(5, 6)) },
        { name: 'daily_sample_ids', meta: { traders: 1 }, data: bytes(Int32Array.of(3)) },
        {
          name: 'monthly_cents',
          meta: { months: ['2025-01'], traders: 2 },
          data: bytes(Int32Array.of(0, 2500)),
        },
      ],
      series: [
        { name: 'group_daily', meta: { days: 2, groups: 2 }, data: bytes(Float64Array.of(1, 2, 3, 4)) },
      ],
      totals: totals({ opened: 3, closed: 3, exitsByReason: [0, 0, 0, 0, 0, 0, 0, 3], realizedCents: 2500 }),
      entries: Int32Array.of(0, 3),
      noStopEntries: Int32Array.of(0, 3),
    },
  ];
  const merged = mergeShards(checkShards([shard(2, 2), shard(1, 2)]), data);

  it('sums each step over the shards, exits by reason in the reasons’ order', () => {
    expect(merged.steps).toEqual([
      {
        step: 0,
        tMs: 1000,
        opened: 7,
        closed: 0,
        realizedCents: 0,
        openPositions: 7,
        exits: {},
        openMtmCents: null,
      },
      {
        step: 1,
        tMs: 2000,
        opened: 0,
        closed: 6,
        realizedCents: 3000,
        openPositions: 1,
        exits: { stop: 1, profit_target: 2, expiry: 3 },
        openMtmCents: -200,
      },
    ]);
    expect(Object.keys(merged.steps[1].exits)).toEqual(['stop', 'profit_target', 'expiry']);
  });

  it('concatenates the trader-major arrays and adds up the group series', () => {
    const blob = (name: string) => merged.results.blobs.find((b) => b.name === name)!;
    expect(blob('monthly_cents').meta).toEqual({ months: ['2025-01'], traders: 4 });
    expect([...new Int32Array((blob('monthly_cents').data as Uint8Array).slice().buffer)]).toEqual([
      1000, -700, 0, 2500,
    ]);
    expect(blob('daily_sample').meta).toEqual({ days: 2, traders: 1 });
    const g = merged.results.series[0];
    expect(g.meta).toEqual({ days: 2, groups: 2 });
    expect([...new Float64Array((g.data as Uint8Array).slice().buffer)]).toEqual([101, 202, -47, 4]);
    expect([...merged.results.statRows].map((r) => r[0])).toEqual([0, 1, 2, 3]);
    expect(merged.setup.traders).toBe(4);
    expect(merged.run.command).toBe('farm merge');
    expect(merged.run.provenance.shard).toBeUndefined();
    expect(merged.run.provenance.merged).toEqual({
      shards: 2,
      runs: [shard(1, 2).run.id, shard(2, 2).run.id],
    });
  });

  it('summarises the four traders as one run: quantiles, stops that cannot fire by X, totals, years', () => {
    const s = merged.results.summary;
    expect(s.opened).toBe(7);
    expect(s.closed).toBe(6);
    expect(s.exitsByReason).toEqual({ stop: 1, profit_target: 2, expiry: 3 });
    expect(s.exitsBlocked).toBe(1);
    expect(s.realizedCents).toBe(3000);
    expect(s.tradersWithTrades).toBe(3);
    expect(s.openPositionsAtEnd).toBe(1);
    // Sorted −5, 0, 10, 25 (USD): p10 = [⌊0.4⌋], p50 = [2], p90 = [⌊3.6⌋]; mean 30 / 4.
    expect(s.realizedPnlUsd).toEqual({ min: -5, p10: -5, p50: 10, p90: 25, max: 25, mean: 7.5 });
    // Traders 1 and 3 (X = 2) hold the four no-stop entries of their five; X = 1 none of two.
    expect(s.stopCannotFire).toEqual({
      entries: 4,
      share: 4 / 7,
      configurations: 2,
      shareByStopX: { 1: 0, 2: 0.8 },
    });
    // Two combos of two traders each; 2 of 20 combo-steps without a candidate.
    expect(s.noCandidate).toEqual([{ year: '2025', steps: 10, configurations: 4, never: 0, stepShare: 0.1 }]);
    expect(s.spans).toBeUndefined();
  });

  it('refuses shards that stepped different markets', () => {
    const off = data.map((d) => ({ ...d, steps: d.steps.map((s) => ({ ...s })) }));
    off[1].steps[1].tMs = 2500;
    expect(refusal(() => mergeShards(checkShards([shard(1, 2), shard(2, 2)]), off)).message).toBe(
      'shard 2/2 (/tmp/shard-2.db) stepped a different market: its step 1 differs',
    );
  });
});
