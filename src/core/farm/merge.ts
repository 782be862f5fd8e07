import { UsageError } from '../errors.js';
import type { ProvenanceSpan } from '../market/provenance.js';
import type { NewRun, RunRecord } from '../runs.js';
import { Grid, type GridSpec } from './grid.js';
import { addCounts } from './host.js';
import type { BacktestResults, FarmRunSetup, FarmSummary, FarmTotals, StepRecord } from './ports.js';
import { EXIT_REASON_NAMES, type FarmRules } from './rules.js';
import { buildSummary, countsByName, type TraderFigures, type TraderRange } from './runner.js';

// `farm merge`: shards of one run (`farm run --shard I/N`, each in its own database) combined into
// the run an unsharded `farm run` stores. Every P&L figure is whole cents, so sums across shards
// are exact in any order, and the per-trader rows are each trader's own.

/** Shard I of N: where it sits in the split, as recorded in its run's provenance. */
export interface ShardPlace {
  index: number;
  of: number;
  from: number;
  to: number;
}

/** The grid traders of shard I of N: a contiguous range, [⌊(I−1)·count/N⌋, ⌊I·count/N⌋). */
export function shardRange(index: number, of: number, count: number): TraderRange {
  return { from: Math.floor(((index - 1) * count) / of), to: Math.floor((index * count) / of) };
}

/** A shard's run as read from its database, before its results. */
export interface ShardRun {
  path: string;
  run: RunRecord;
  place: ShardPlace;
  gridJson: string;
  gridHash: string;
  rules: FarmRules;
  fill: FarmRunSetup['fill'];
  months: string[];
  /** The run's provenance spans (null: none recorded). */
  spans: ProvenanceSpan[] | null;
  stepsTotal: number;
  summary: FarmSummary | null;
}

/** An array stored with a run (farm_blobs, farm_series), as its bytes. */
export interface StoredArray {
  name: string;
  meta: Record<string, unknown>;
  data: Uint8Array;
}

/** What the summary reads of a shard's trader_stats rows, as columns by trader id. */
export interface ShardFigures {
  traderIds: Int32Array;
  realizedCents: Float64Array;
  openMtmCents: Float64Array;
  openCount: Int32Array;
  trades: Int32Array;
  /** Trader-major by SPAN_KINDS; a span not booked reads 0. */
  spanCents: Float64Array;
}

/** A completed shard's stored results: everything the merge reads. */
export interface ShardData {
  figures: ShardFigures;
  /** Its trader_stats rows in STAT_FIELDS order, by trader id, read as they are written (once). */
  statRows: Iterable<(number | null)[]>;
  steps: StepRecord[];
  blobs: StoredArray[];
  series: StoredArray[];
  totals: FarmTotals;
  entries: Int32Array;
  noStopEntries: Int32Array;
}

/** The merged run, ready to be written as one completed run. */
export interface MergedRun {
  run: NewRun;
  setup: FarmRunSetup;
  steps: StepRecord[];
  results: BacktestResults;
}

/** Shards' databases, read-only, and the database the merge writes into. */
export interface FarmShardFiles {
  /** The one shard run in the database at `path` (a UsageError when it holds none, or several). */
  read(path: string): ShardRun;
  /** A completed shard's stored results. */
  results(shard: ShardRun): ShardData;
  /** The merged run written into the database at `path` (created if missing) in one transaction; its id. */
  write(path: string, merged: MergedRun): string;
}

/** What every shard of one run has in common, by the name an error gives it. */
const SAME: readonly [string, (s: ShardRun) => unknown][] = [
  ['grid (hash)', (s) => s.gridHash],
  ['shard count (N of --shard I/N)', (s) => s.place.of],
  ['source', (s) => s.run.kind],
  ['window', (s) => s.run.provenance.window],
  ['seed', (s) => s.run.seed],
  ['rules', (s) => s.rules],
  ['fill', (s) => s.fill],
  ['chain model', (s) => s.run.provenance.chainModel],
  ['app version', (s) => s.run.appVersion],
  ['simulated market', (s) => s.run.provenance.sim ?? null],
  ['market settings', (s) => s.run.provenance.market ?? null],
];

const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'none';
  return s.length > 70 ? `${s.slice(0, 67)}…` : s;
};

/** How two values of one setting differ: the keys that differ when both are objects. */
function difference(a: unknown, b: unknown): string {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter(
      (k) => JSON.stringify(ra[k]) !== JSON.stringify(rb[k]),
    );
    return keys.map((k) => `${k} ${shown(ra[k])} against ${shown(rb[k])}`).join(', ');
  }
  return `${shown(a)} against ${shown(b)}`;
}

const label = (s: ShardRun) => `shard ${s.place.index}/${s.place.of} (${s.path})`;

/**
 * The shards of one run, 1..N each exactly once and all completed, sorted by index; else a
 * UsageError naming what differs, what is missing or twice, or what is not finished.
 */
export function checkShards(shards: readonly ShardRun[]): ShardRun[] {
  if (!shards.length) throw new UsageError('no shard databases given', 'argus farm merge OUT.db SHARD.db...');
  const first = shards[0];
  for (const s of shards.slice(1)) {
    for (const [what, get] of SAME) {
      if (JSON.stringify(get(s)) !== JSON.stringify(get(first)))
        throw new UsageError(
          `${label(first)} and ${label(s)} are not shards of the same run: their ${what} differ (${difference(get(first), get(s))})`,
          'merge the shards of one run: the same grid, window, seed, settings and app version, split by one N',
        );
    }
  }
  const n = first.place.of;
  const byIndex = new Map<number, ShardRun>();
  for (const s of shards) {
    const twice = byIndex.get(s.place.index);
    if (twice)
      throw new UsageError(
        `shard ${s.place.index}/${n} is given twice: ${twice.path} and ${s.path}`,
        'give each shard database once',
      );
    byIndex.set(s.place.index, s);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new UsageError(
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${n}`).join(', ')} missing: the merge needs all ${n} (given ${[
        ...byIndex.keys(),
      ]
        .sort((a, b) => a - b)
        .map((i) => `${i}/${n}`)
        .join(', ')})`,
      `run the missing shard${missing.length === 1 ? '' : 's'} with \`argus farm run ... --shard I/${n} --db <its file>\`, then merge all ${n}`,
    );
  const sorted = [...byIndex.values()].sort((a, b) => a.place.index - b.place.index);
  for (const s of sorted) {
    if (s.run.status !== 'completed')
      throw new UsageError(
        `${label(s)} is ${s.run.status}, not completed: its run ${s.run.id} has not finished`,
        s.run.status === 'running'
          ? 'wait for it to finish, then merge'
          : `resume it with \`argus farm run --resume ${s.run.id} --db ${s.path}\`, then merge`,
      );
  }
  return sorted;
}

/** Arrays kept trader-major (one block per trader): the merge concatenates them in shard order. */
const TRADER_MAJOR = new Set([
  'monthly_cents',
  'daily_sample',
  'daily_sample_ids',
  'monthly_sumsq',
  'yearly_risk_cents',
]);
/** Arrays summed over traders (float64 cents): the merge adds them up. */
const SUMMED = new Set(['group_daily']);

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** One kind of stored array across the shards (each list from one shard, in shard order). */
function mergeArrays(kind: string, lists: readonly StoredArray[][]): StoredArray[] {
  const names = [...new Set(lists.flatMap((l) => l.map((a) => a.name)))];
  return names.map((name) => {
    const parts = lists.flatMap((l) => l.filter((a) => a.name === name));
    const { traders: _, ...rest } = parts[0].meta;
    for (const p of parts) {
      const { traders: __, ...other } = p.meta;
      if (JSON.stringify(other) !== JSON.stringify(rest))
        throw new UsageError(`the shards' ${kind} ${name} differ in shape (${difference(rest, other)})`);
    }
    if (TRADER_MAJOR.has(name)) {
      // A shard without sampled traders keeps no daily sample; every other array is in every shard.
      if (name !== 'daily_sample' && name !== 'daily_sample_ids' && parts.length !== lists.length)
        throw new UsageError(`${kind} ${name} is stored by ${parts.length} of the ${lists.length} shards`);
      const traders = parts.reduce((a, p) => a + Number(p.meta.traders), 0);
      return { name, meta: { ...parts[0].meta, traders }, data: concatBytes(parts.map((p) => p.data)) };
    }
    if (SUMMED.has(name)) {
      if (parts.length !== lists.length)
        throw new UsageError(`${kind} ${name} is stored by ${parts.length} of the ${lists.length} shards`);
      const sum = new Float64Array(parts[0].data.byteLength / 8);
      for (const p of parts) {
        const v = new Float64Array(p.data.slice().buffer);
        if (v.length !== sum.length) throw new UsageError(`the shards' ${kind} ${name} differ in length`);
        for (let i = 0; i < v.length; i++) sum[i] += v[i];
      }
      return { name, meta: parts[0].meta, data: new Uint8Array(sum.buffer) };
    }
    throw new UsageError(`${kind} ${name} of the shards cannot be merged: this version does not know it`);
  });
}

/** Step k of the whole run: counts and cents summed over the shards, exits by reason summed. */
function mergeSteps(shards: readonly ShardRun[], data: readonly ShardData[]): StepRecord[] {
  const steps = data[0].steps;
  data.forEach((d, j) => {
    if (d.steps.length !== steps.length)
      throw new UsageError(
        `${label(shards[j])} has ${d.steps.length} steps, ${label(shards[0])} ${steps.length}`,
      );
  });
  return steps.map((s0, k) => {
    const exits = new Array<number>(EXIT_REASON_NAMES.length).fill(0);
    const out: StepRecord = { ...s0, opened: 0, closed: 0, realizedCents: 0, openPositions: 0, exits: {} };
    data.forEach((d, j) => {
      const s = d.steps[k];
      if (s.step !== s0.step || s.tMs !== s0.tMs || (s.openMtmCents === null) !== (s0.openMtmCents === null))
        throw new UsageError(`${label(shards[j])} stepped a different market: its step ${s.step} differs`);
      out.opened += s.opened;
      out.closed += s.closed;
      out.realizedCents += s.realizedCents;
      out.openPositions += s.openPositions;
      if (j > 0 && out.openMtmCents !== null) out.openMtmCents += s.openMtmCents ?? 0;
      for (const [name, v] of Object.entries(s.exits)) {
        const i = (EXIT_REASON_NAMES as readonly string[]).indexOf(name);
        if (i < 0)
          throw new UsageError(`${label(shards[j])} has an exit reason this version does not know: ${name}`);
        exits[i] += v;
      }
    });
    out.exits = countsByName(exits, EXIT_REASON_NAMES);
    return out;
  });
}

/** The running totals of the whole run: counts summed, the per-year market counts the same in every shard. */
function mergeTotals(shards: readonly ShardRun[], data: readonly ShardData[]): FarmTotals {
  const t0 = data[0].totals;
  const out: FarmTotals = {
    ...t0,
    exitsByReason: t0.exitsByReason.slice(),
    skipsByReason: t0.skipsByReason.slice(),
  };
  data.slice(1).forEach((d, j) => {
    const t = d.totals;
    if (JSON.stringify(t.noCandidate) !== JSON.stringify(t0.noCandidate))
      throw new UsageError(`${label(shards[j + 1])} saw a different market (its candidates per year differ)`);
    addCounts(out, t);
  });
  return out;
}

/** The summary's per-trader input: the shards' columns end to end. */
function figures(data: readonly ShardData[]): TraderFigures {
  const cat = <T extends Float64Array | Int32Array>(make: (n: number) => T, get: (d: ShardData) => T): T => {
    const out = make(data.reduce((a, d) => a + get(d).length, 0));
    let at = 0;
    for (const d of data) {
      out.set(get(d), at);
      at += get(d).length;
    }
    return out;
  };
  const f64 = (n: number) => new Float64Array(n);
  const i32 = (n: number) => new Int32Array(n);
  return {
    first: 0,
    count: data.reduce((a, d) => a + d.figures.traderIds.length, 0),
    realizedCents: cat(f64, (d) => d.figures.realizedCents),
    openMtmCents: cat(f64, (d) => d.figures.openMtmCents),
    trades: cat(i32, (d) => d.figures.trades),
    openCount: cat(i32, (d) => d.figures.openCount),
    entries: cat(i32, (d) => d.entries),
    noStopEntries: cat(i32, (d) => d.noStopEntries),
    spanCents: cat(f64, (d) => d.figures.spanCents),
  };
}

/** Every shard's rows in turn, each read only while it is written. */
function* rowsOf(data: readonly ShardData[]): Generator<(number | null)[]> {
  for (const d of data) yield* d.statRows;
}

/**
 * The run the shards (checked, in index order, with their results) make together: the rows of
 * an unsharded run, its steps, arrays and summary, computed by the same code as the runner's.
 */
export function mergeShards(shards: readonly ShardRun[], data: readonly ShardData[]): MergedRun {
  const first = shards[0];
  const spec = JSON.parse(first.gridJson) as GridSpec;
  const grid = new Grid(spec);
  if (grid.hash !== first.gridHash)
    throw new UsageError(`${label(first)}: its grid does not match its recorded hash`);
  shards.forEach((s, j) => {
    const want = shardRange(s.place.index, s.place.of, grid.count);
    const ids = data[j].figures.traderIds;
    const contiguous = ids.every((id, i) => id === want.from + i);
    if (
      s.place.from !== want.from ||
      s.place.to !== want.to ||
      ids.length !== want.to - want.from ||
      !contiguous ||
      data[j].entries.length !== ids.length ||
      data[j].noStopEntries.length !== ids.length
    )
      throw new UsageError(
        `${label(s)} does not hold traders ${want.from}–${want.to - 1} of the grid's ${grid.count} (it has ${ids.length} rows from ${ids[0] ?? 'none'})`,
      );
  });
  const totals = mergeTotals(shards, data);
  const spans = first.summary?.spans ? (first.spans ?? []) : null;
  const { shard: _, ...provenance } = first.run.provenance;
  return {
    run: {
      kind: first.run.kind,
      command: 'farm merge',
      windowFromMs: first.run.windowFromMs,
      windowToMs: first.run.windowToMs,
      seed: first.run.seed,
      engine: first.run.engine,
      appVersion: first.run.appVersion,
      provenance: { ...provenance, merged: { shards: shards.length, runs: shards.map((s) => s.run.id) } },
    },
    setup: {
      gridSpec: spec,
      gridHash: first.gridHash,
      rules: first.rules,
      fill: first.fill,
      traders: grid.count,
      stepsTotal: first.stepsTotal,
      months: first.months,
      spans: first.spans ?? undefined,
    },
    steps: mergeSteps(shards, data),
    results: {
      statRows: rowsOf(data),
      blobs: mergeArrays(
        'blob',
        data.map((d) => d.blobs),
      ),
      series: mergeArrays(
        'series',
        data.map((d) => d.series),
      ) as BacktestResults['series'],
      summary: buildSummary(grid, figures(data), totals, spans),
    },
  };
}
