import { CoverageError, UsageError } from '../errors.js';
import type { FillParams } from '../fill/fill.js';
import { runYears } from '../judge/years.js';
import { CHAIN_MODEL_VERSION } from '../market/chain-fit.js';
import type { EtfSymbol, FieldCoverage, MarketDataSource } from '../market/port.js';
import { type ProvenanceSpan, provenanceSpans, SPAN_KINDS } from '../market/provenance.js';
import { CounterRng, streamId } from '../pricing/rng.js';
import type { Clock } from '../time/clock.js';
import { isoUtc } from '../time/clock.js';
import type { EconomicCalendar } from '../time/economic-calendar.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { DIMENSIONS, type Grid } from './grid.js';
import { addCounts, FarmHost, type FarmKernels, type HostSpan, type StepSummary } from './host.js';
import { MarketStepBuilder, SpreadRegistry } from './market-step.js';
import type {
  BacktestResults,
  FarmRunStore,
  FarmSummary,
  FarmTotals,
  HostShards,
  NoCandidateYear,
  SpanSummary,
} from './ports.js';
import { EXIT_REASON_NAMES, type FarmRules, SKIP_NAMES } from './rules.js';
import { FarmState } from './state.js';
import { traderStatRows } from './stats.js';

export interface FarmProgress {
  /** 'steps' while stepping; 'final-write' once before the results are written (tens of seconds on a full grid). */
  phase: 'steps' | 'final-write';
  step: number;
  steps: number;
  tMs: number;
  traders: number;
  openPositions: number;
  opened: number;
  closed: number;
  elapsedMs: number;
  tradesPerSec: number;
  etaMs: number;
  /** The farm's money so far, computed on demand (a pass over every trader): call it only to draw. */
  money: () => FarmMoney;
}

export interface FarmMoney {
  realizedUsd: number;
  openMtmUsd: number;
  /** The trader with the most realised P&L so far. */
  leader: { trader: number; realizedUsd: number } | null;
}

function farmMoney(host: FarmHost): FarmMoney {
  const t = host.state.t;
  let realized = 0;
  let open = 0;
  let best = -1;
  for (let i = 0; i < host.state.traders; i++) {
    realized += t.realizedCents[i];
    open += t.openMtmCents[i];
    if (best < 0 || t.realizedCents[i] > t.realizedCents[best]) best = i;
  }
  return {
    realizedUsd: realized / 100,
    openMtmUsd: open / 100,
    leader: best < 0 ? null : { trader: host.firstTrader + best, realizedUsd: t.realizedCents[best] / 100 },
  };
}

export interface RunnerOptions {
  grid: Grid;
  rules: FarmRules;
  fill: FillParams;
  source: MarketDataSource;
  calendar: MarketCalendar;
  economic: EconomicCalendar;
  store: FarmRunStore;
  clock: Clock;
  kernels: FarmKernels;
  /** Threads to split the js engine's host step over (closed by the run); none: this thread. */
  shards?: HostShards | null;
  /** A shard of a run split over processes: only grid traders [from, to) (same market, same seed). */
  range?: TraderRange;
  fromDate: string;
  toDate: string;
  seed: number;
  riskFreeRate: number;
  appVersion: string;
  command: string;
  /** Extra provenance (source parameters, grid file…). */
  provenance: Record<string, unknown>;
  /** Steps between checkpoints; unset or null: by time (`checkpointSeconds`). */
  checkpointEvery?: number | null;
  /** Seconds of the run's own time between checkpoints when `checkpointEvery` is unset. */
  checkpointSeconds?: number;
  sampleSize?: number;
  /** Resume this run from its last checkpoint. */
  resumeRunId?: string;
  /** Stop after this many steps (tests of crash/resume); the run stays 'running'. */
  stopAfterSteps?: number;
  /** Ctrl-C or SIGTERM: the step in flight is finished and committed, the run marked interrupted. */
  signal?: AbortSignal;
  onProgress?: (p: FarmProgress) => void;
}

/** Grid traders [from, to): a shard of the grid (`farm run --shard`). */
export interface TraderRange {
  from: number;
  to: number;
}

/** The sample's ids inside the range (all of them without one): each shard keeps its own rows of it. */
function sampleInRange(sample: Int32Array, range: TraderRange | undefined): Int32Array {
  return range ? sample.filter((id) => id >= range.from && id < range.to) : sample;
}

export interface FarmRunResult {
  runId: string;
  status: 'completed' | 'stopped' | 'interrupted';
  steps: number;
  traders: number;
  totals: FarmTotals;
  host: FarmHost;
  registry: SpreadRegistry;
  /** The provenance spans booked per trader (null: not booked, e.g. resumed from an older checkpoint). */
  spans: ProvenanceSpan[] | null;
  phasesMs: FarmPhases;
  /** The summary stored with a completed run (hostSummary). */
  summary?: ReturnType<typeof hostSummary>;
}

/** Where a backtest's time went (ms of the run's own time), for `npm run bench` and the next profile. */
export interface FarmPhases {
  /** Building each step's market: chains, spread picks, marks, conditions. */
  market: number;
  /** The host's step: exits, entries, marking to market. */
  kernel: number;
  /** Committing each step's row. */
  persistence: number;
  /** Serialising the state and writing, hashing and syncing checkpoint files. */
  checkpoint: number;
  /** The results: per-trader rows, blobs and summary in the last transaction. */
  finalWrite: number;
}

/** Checkpoints by time unless a step count is configured: a quick run redoes little when killed. */
const DEFAULT_CHECKPOINT_SECONDS = 120;

/** How often a run that can be interrupted gives the event loop a turn (ms of its own time). */
const YIELD_EVERY_MS = 50;

/** Fields a farm replay needs over its whole window: the market's, then each fund's price and options. */
function requiredFields(symbols: readonly EtfSymbol[]): string[] {
  return [
    'btcSpot',
    'dvol',
    'funding8h',
    ...symbols.flatMap((s) => (s === 'IBIT' ? ['ibit', 'ibitOptions'] : ['bito', 'bitoOptions'])),
  ];
}

export function checkCoverage(
  cov: FieldCoverage[],
  fromMs: number,
  toMs: number,
  kind: string,
  symbols: readonly EtfSymbol[] = ['IBIT'],
): void {
  const required = requiredFields(symbols);
  const bad = required
    .map((f) => cov.find((c) => c.field === f))
    .filter(
      (c): c is FieldCoverage =>
        !!c && ((c.fromMs !== null && c.fromMs > fromMs) || (c.toMs !== null && c.toMs < toMs)),
    );
  if (!bad.length) return;
  const fmt = (ms: number | null) => (ms === null ? 'open' : isoUtc(ms).slice(0, 16).replace('T', ' '));
  const lines = cov
    .filter((c) => required.includes(c.field))
    .map((c) => `  ${c.field}: ${fmt(c.fromMs)} → ${fmt(c.toMs)} UTC${c.note ? ` (${c.note})` : ''}`)
    .join('\n');
  throw new CoverageError(
    `the ${kind} data does not cover ${isoUtc(fromMs).slice(0, 10)} → ${isoUtc(toMs).slice(0, 10)}: ${bad.map((b) => b.field).join(', ')} missing. Coverage:\n${lines}`,
    "choose --from/--to inside every field's coverage (the shipped replay window is 2022-01-03 → 2026-02-12)",
  );
}

export function monthsBetween(fromDate: string, toDate: string): string[] {
  const out: string[] = [];
  let y = Number(fromDate.slice(0, 4));
  let m = Number(fromDate.slice(5, 7));
  const end = toDate.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** A seeded, sorted sample of trader ids (daily P&L kept in full for these). */
export function sampleTraders(count: number, size: number, seed: number): Int32Array {
  if (size >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const rng = new CounterRng(seed, streamId('farm.sample'));
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(Math.floor(rng.nextUniform() * count));
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

function emptyTotals(years: string[], combos: number): FarmTotals {
  return {
    opened: 0,
    closed: 0,
    exitsByReason: new Array(8).fill(0),
    skipsByReason: new Array(20).fill(0),
    exitsBlocked: 0,
    realizedCents: 0,
    monthIndex: -1,
    noCandidate: { years, steps: years.map(() => 0), byCombo: years.map(() => new Array(combos).fill(0)) },
  };
}

/**
 * The run's provenance spans as the host books them: each span's first and last step. A
 * simulated market has none (all of it is synthetic by design).
 */
export function hostSpans(
  spans: readonly ProvenanceSpan[],
  grid: Grid,
  steps: readonly number[],
  cal: MarketCalendar,
): HostSpan[] {
  const firstAt = (date: string) => {
    const k = steps.findIndex((t) => cal.etDate(t) >= date);
    return k < 0 ? Number.POSITIVE_INFINITY : steps[k];
  };
  return spans.map((p) => ({
    kind: SPAN_KINDS.indexOf(p.kind),
    symbolLevel: grid.spec.symbol.indexOf(p.symbol),
    fromMs: firstAt(p.from),
    untilMs: firstAt(p.until),
  }));
}

/**
 * A backtest over replayed or simulated data: every step committed in one transaction, the
 * farm state checkpointed every N steps inside that transaction, so a resumed run ends with
 * exactly what an uninterrupted one gives.
 */
export async function runFarm(o: RunnerOptions): Promise<FarmRunResult> {
  const { grid, rules, calendar: cal, store } = o;
  const steps = cal.replaySteps(o.fromDate, o.toDate);
  if (!steps.length) throw new UsageError(`no NYSE trading day between ${o.fromDate} and ${o.toDate}`);
  checkCoverage(o.source.coverage(), steps[0], steps[steps.length - 1], o.source.kind, grid.spec.symbol);
  const months = monthsBetween(o.fromDate, o.toDate);
  const { years, monthYear } = runYears(months);
  const spans =
    o.source.kind === 'sim'
      ? []
      : provenanceSpans(grid.spec.symbol, cal.etDate(steps[0]), cal.etDate(steps[steps.length - 1]));
  const days = steps.filter((t) => cal.tradingDay(cal.etDate(t))?.closeMs === t).length;
  const sample = sampleInRange(sampleTraders(grid.count, o.sampleSize ?? 4096, o.seed), o.range);
  const traders = o.range ? o.range.to - o.range.from : grid.count;
  const capitalCents = Math.round(rules.capitalUsd * 100);
  const shards = o.shards && o.kernels.name === 'js' ? o.shards : null;

  let runId: string;
  let startStep = 0;
  let state: FarmState | undefined;
  let registry = new SpreadRegistry();
  let totals = emptyTotals(years, FarmHost.comboCount(grid));
  if (o.resumeRunId) {
    runId = o.resumeRunId;
    const cp = store.checkpoint(runId);
    if (cp) {
      state = FarmState.deserialize(cp.state, capitalCents, { shared: shards !== null });
      registry = SpreadRegistry.fromJSON(cp.registry);
      // A checkpoint from before the per-year counts keeps none: they start from here.
      totals = cp.totals ? { ...totals, ...cp.totals, noCandidate: cp.totals.noCandidate ?? null } : totals;
      startStep = cp.step + 1;
    }
    store.holdRun(runId);
    store.dropStepsFrom(runId, startStep);
    store.setRunStatus(runId, 'running');
  } else {
    runId = store.startRun(
      {
        kind: o.source.kind === 'sim' ? 'sim' : 'replay',
        command: o.command,
        windowFromMs: steps[0],
        windowToMs: steps[steps.length - 1],
        seed: o.seed,
        engine: o.kernels.name,
        appVersion: o.appVersion,
        provenance: {
          gridHash: grid.hash,
          traders: grid.count,
          source: o.source.kind,
          window: { from: o.fromDate, to: o.toDate, steps: steps.length, days },
          chainModel: CHAIN_MODEL_VERSION,
          syntheticChains: true,
          fill: o.fill,
          feesPerContractPerLegUsd: rules.feePerContractPerLegUsd,
          rules,
          seed: o.seed,
          engine: o.kernels.name,
          appVersion: o.appVersion,
          ...o.provenance,
        },
      },
      {
        gridSpec: grid.spec,
        gridHash: grid.hash,
        rules,
        fill: o.fill,
        traders,
        stepsTotal: steps.length,
        months,
        spans,
      },
    );
  }

  // A run stopped by an error (a full disk, a damaged file) is marked interrupted: --resume continues it.
  try {
    // A checkpoint from before the span and yearly-risk arrays (years 0) keeps neither: book none.
    const keeps = !state || state.years > 0;
    const hostOpts = {
      months: months.length,
      sample,
      days,
      spans: keeps ? hostSpans(spans, grid, steps, cal) : undefined,
      monthYear: keeps ? monthYear : undefined,
      range: o.range,
    };
    if (shards && !state) {
      const yearCount = monthYear.length ? Math.max(...monthYear) + 1 : 0;
      state = new FarmState(traders, rules.maxOpenPositions, months.length, capitalCents, yearCount, {
        shared: true,
      });
    }
    const host = new FarmHost(
      grid,
      rules,
      {
        ...hostOpts,
        kernels: o.kernels,
        dailySample:
          shards && sample.length && days
            ? new Float32Array(new SharedArrayBuffer(sample.length * days * 4))
            : undefined,
      },
      state,
    );
    // The threads start (load, build their hosts) while the first step's market is built.
    const starting = shards
      ? shards.start({
          gridSpec: grid.spec,
          rules,
          host: hostOpts,
          state: host.state,
          dailySample: host.dailySample,
        })
      : null;
    // Settled now, so a failure is the start's and not an unhandled rejection later.
    starting?.catch(() => undefined);
    /** The host's state complete: the group series the shards booked added in. */
    // Before the state is read: the group series the threads booked, the positions' greeks at their marks.
    const gather = async () => {
      if (shards) {
        await shards.settleGreeks();
        shards.collectGroupDaily(host.state.groupDaily);
      } else host.settleGreeks();
    };
    const builder = new MarketStepBuilder({
      source: o.source,
      calendar: cal,
      economic: o.economic,
      grid,
      rules,
      fill: o.fill,
      riskFreeRate: o.riskFreeRate,
      months,
      registry,
    });
    const every = o.checkpointEvery ?? null;
    const intervalMs = (o.checkpointSeconds ?? DEFAULT_CHECKPOINT_SECONDS) * 1000;
    const mono = () => o.clock.monotonicMs();
    const t0 = mono();
    const phasesMs: FarmPhases = { market: 0, kernel: 0, persistence: 0, checkpoint: 0, finalWrite: 0 };
    let done = 0;
    let lastYield = t0;
    let lastCheckpoint = t0;
    // With worker threads, step k + 1's conditions and candidates are built while they step k.
    let started = startStep < steps.length && shards ? builder.startStep(startStep, steps[startStep]) : null;
    started?.catch(() => undefined);
    await starting;
    // A step's row waiting to be committed (see flush).
    let pending: (() => void) | null = null;
    const flush = () => {
      const commit = pending;
      pending = null;
      commit?.();
    };
    for (let k = startStep; k < steps.length; k++) {
      const tMs = steps[k];
      const tMarket = mono();
      const open = shards ? shards.openSpreads() : host.openSpreads();
      const { input } = shards
        ? await builder.finishStep(await (started ?? builder.startStep(k, tMs)), open)
        : await builder.build(k, tMs, open);
      if (input.monthIndex !== totals.monthIndex) {
        if (totals.monthIndex >= 0) await (shards ? shards.startMonth() : host.startMonth());
        totals.monthIndex = input.monthIndex;
      }
      const tKernel = mono();
      phasesMs.market += tKernel - tMarket;
      let sum: StepSummary;
      if (shards) {
        const stepping = shards.step(input);
        // If that commit fails, the threads are stopped mid-step: their rejection is not the error.
        stepping.catch(() => undefined);
        // The last step's row is committed while the threads step this one.
        flush();
        // What may be held at step k + 1: held now, or entered now (one of this step's candidates).
        const likely = new Set(open);
        for (const c of input.candidates) if (c) likely.add(c.spreadId);
        started = k + 1 < steps.length ? builder.startStep(k + 1, steps[k + 1], likely) : null;
        // Settled now, so a failure is this step's and not an unhandled rejection later.
        await started?.catch(() => undefined);
        sum = await stepping;
      } else sum = host.step(input);
      if (input.marketOpen && totals.noCandidate)
        countNoCandidate(totals.noCandidate, monthYear[input.monthIndex], input.candidates);
      const tPersist = mono();
      phasesMs.kernel += tPersist - tKernel;
      addCounts(totals, sum);
      // The last step needs no checkpoint: the results are written in the final transaction.
      const due = every !== null ? (k + 1) % every === 0 : tPersist - lastCheckpoint >= intervalMs;
      if (due) await gather();
      const checkpoint =
        due && k < steps.length - 1
          ? {
              state: host.state.serializeParts(),
              registry: builder.registry.toJSON(),
              totals,
              createdMs: o.clock.nowMs(),
            }
          : null;
      const row = {
        step: k,
        tMs,
        opened: sum.opened,
        closed: sum.closed,
        realizedCents: Math.round(sum.realizedCents),
        openPositions: sum.openPositions,
        exits: Object.fromEntries(
          sum.exitsByReason.flatMap((v, i) => (v > 0 ? [[EXIT_REASON_NAMES[i], v]] : [])),
        ),
        // The book marked at each session's close, for `review --run`: one pass a day, not a step.
        openMtmCents:
          cal.tradingDay(cal.etDate(tMs))?.closeMs === tMs
            ? Math.round(farmMoney(host).openMtmUsd * 100)
            : null,
      };
      if (checkpoint || !shards) {
        // A checkpoint holds the state as of this step: committed before any thread moves it on.
        store.commitStep(runId, row, checkpoint);
        const tDone = mono();
        if (checkpoint) {
          phasesMs.checkpoint += tDone - tPersist;
          lastCheckpoint = tDone;
        } else phasesMs.persistence += tDone - tPersist;
      } else
        pending = () => {
          const t = mono();
          store.commitStep(runId, row, null);
          phasesMs.persistence += mono() - t;
        };
      done++;
      if (o.onProgress) {
        const elapsed = o.clock.monotonicMs() - t0;
        const perStep = elapsed / done;
        o.onProgress({
          phase: 'steps',
          step: k + 1,
          steps: steps.length,
          tMs,
          traders: grid.count,
          openPositions: sum.openPositions,
          opened: totals.opened,
          closed: totals.closed,
          elapsedMs: elapsed,
          tradesPerSec: elapsed > 0 ? ((totals.opened + totals.closed) * 1000) / elapsed : 0,
          etaMs: perStep * (steps.length - k - 1),
          money: () => farmMoney(host),
        });
      }
      // A signal arrives as an event: let the loop see it every so often (steps alone never yield).
      if (o.signal && o.clock.monotonicMs() - lastYield > YIELD_EVERY_MS) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = o.clock.monotonicMs();
      }
      if (o.signal?.aborted && k < steps.length - 1) {
        flush();
        await gather();
        store.setRunStatus(runId, 'interrupted');
        return {
          runId,
          status: 'interrupted',
          steps: k + 1,
          traders: grid.count,
          totals,
          host,
          registry: builder.registry,
          spans: host.spans ? spans : null,
          phasesMs,
        };
      }
      if (o.stopAfterSteps !== undefined && done >= o.stopAfterSteps && k < steps.length - 1) {
        flush();
        await gather();
        return {
          runId,
          status: 'stopped',
          steps: k + 1,
          traders: grid.count,
          totals,
          host,
          registry: builder.registry,
          spans: host.spans ? spans : null,
          phasesMs,
        };
      }
    }
    flush();

    if (o.onProgress) {
      const elapsed = o.clock.monotonicMs() - t0;
      o.onProgress({
        phase: 'final-write',
        step: steps.length,
        steps: steps.length,
        tMs: steps[steps.length - 1] ?? 0,
        traders: grid.count,
        openPositions: 0,
        opened: totals.opened,
        closed: totals.closed,
        elapsedMs: elapsed,
        tradesPerSec: 0,
        etaMs: 0,
        money: () => farmMoney(host),
      });
    }
    // Results: one row per trader, the monthly P&L and the daily sample, in one transaction.
    const tFinal = mono();
    await gather();
    const blobs: BacktestResults['blobs'] = [
      { name: 'monthly_cents', meta: { months, traders }, data: host.state.monthlyCents },
    ];
    if (host.dailySample) {
      blobs.push(
        { name: 'daily_sample', meta: { days, traders: sample.length }, data: host.dailySample },
        { name: 'daily_sample_ids', meta: { traders: sample.length }, data: sample },
      );
    }
    const st = host.state;
    const series: BacktestResults['series'] = [
      { name: 'monthly_sumsq', meta: { months, traders }, data: st.monthlySumSq },
      { name: 'group_daily', meta: { days, groups: FarmHost.comboCount(grid) }, data: st.groupDaily },
    ];
    if (st.years === years.length)
      series.push({
        name: 'yearly_risk_cents',
        meta: { years, traders },
        data: st.yearRiskCents,
      });
    const summary = hostSummary(host, totals, host.spans ? spans : null);
    store.completeRun(runId, {
      statRows: traderStatRows(host),
      blobs,
      series,
      summary,
      // What a merge needs beside the results to compute the whole run's summary.
      shard: o.range
        ? { ...o.range, totals, entries: st.t.entries, noStopEntries: st.t.noStopEntries }
        : undefined,
    });
    phasesMs.finalWrite = mono() - tFinal;
    return {
      runId,
      status: 'completed',
      summary,
      steps: steps.length,
      traders: grid.count,
      totals,
      host,
      registry: builder.registry,
      spans: host.spans ? spans : null,
      phasesMs,
    };
  } catch (err) {
    try {
      store.setRunStatus(runId, 'interrupted');
    } catch {
      // The store itself may be what failed; the run then stays 'running', which resumes the same way.
    }
    throw err;
  } finally {
    await o.shards?.close();
  }
}

const HISTOGRAM_BINS = 12;

/** Equal bins between the 1st and 99th percentiles; the outer bins take the tails. */
export function histogram(values: Float64Array, bins: number): { edges: number[]; counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  const sorted = values.slice().sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  let lo = at(0.01);
  let hi = at(0.99);
  if (hi <= lo) {
    lo = sorted[0];
    hi = sorted[sorted.length - 1];
  }
  if (hi <= lo) return { edges: [lo, lo], counts: [values.length] };
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  const counts = Array<number>(bins).fill(0);
  for (const v of values) counts[Math.max(0, Math.min(bins - 1, Math.floor((v - lo) / w)))]++;
  return { edges, counts };
}

/** One market-open step's combos without a candidate, counted in the step's year. */
function countNoCandidate(
  nc: NonNullable<FarmTotals['noCandidate']>,
  year: number,
  candidates: readonly (unknown | null)[],
): void {
  nc.steps[year]++;
  const row = nc.byCombo[year];
  for (let c = 0; c < candidates.length; c++) if (candidates[c] === null) row[c]++;
}

/** Per year, configurations without a candidate: a combo's count stands for every trader that trades it. */
export function noCandidateYears(
  nc: NonNullable<FarmTotals['noCandidate']>,
  traders: number,
): NoCandidateYear[] {
  return nc.years.map((year, y) => {
    const combos = nc.byCombo[y];
    const perCombo = traders / combos.length;
    const steps = nc.steps[y];
    const never = combos.filter((m) => steps > 0 && m === steps).length;
    const missed = combos.reduce((a, m) => a + m, 0);
    return {
      year,
      steps,
      configurations: traders,
      never: never * perCombo,
      stepShare: steps > 0 ? missed / (steps * combos.length) : 0,
    };
  });
}

/**
 * What the summary reads per trader: a host's state columns, or a merge's columns read back from
 * its shards. Row i is grid trader `first + i`; span P&L is trader-major by SPAN_KINDS.
 */
export interface TraderFigures {
  first: number;
  count: number;
  realizedCents: ArrayLike<number>;
  openMtmCents: ArrayLike<number>;
  trades: ArrayLike<number>;
  openCount: ArrayLike<number>;
  entries: ArrayLike<number>;
  noStopEntries: ArrayLike<number>;
  spanCents: ArrayLike<number>;
}

/** A host's traders as the summary reads them. */
function hostFigures(host: FarmHost): TraderFigures {
  const t = host.state.t;
  return {
    first: host.firstTrader,
    count: host.state.traders,
    realizedCents: t.realizedCents,
    openMtmCents: t.openMtmCents,
    trades: t.trades,
    openCount: t.openCount,
    entries: t.entries,
    noStopEntries: t.noStopEntries,
    spanCents: host.state.spanCents,
  };
}

/** Per span, the P&L every trader of its fund booked on its days, and the leader's share. */
function spanSummaries(grid: Grid, f: TraderFigures, spans: readonly ProvenanceSpan[]): SpanSummary[] {
  const level = grid.levels(DIMENSIONS.indexOf('symbol'), f.first, f.first + f.count);
  const K = SPAN_KINDS.length;
  let leader = -1;
  for (let i = 0; i < f.count; i++) {
    if (leader < 0 || f.realizedCents[i] > f.realizedCents[leader]) leader = i;
  }
  return spans.map((p) => {
    const kind = SPAN_KINDS.indexOf(p.kind);
    const sl = grid.spec.symbol.indexOf(p.symbol);
    let pnl = 0;
    let total = 0;
    for (let i = 0; i < f.count; i++) {
      if (level[i] !== sl) continue;
      pnl += f.spanCents[i * K + kind];
      total += f.realizedCents[i] + f.openMtmCents[i];
    }
    const lead =
      leader >= 0 && level[leader] === sl
        ? {
            trader: f.first + leader,
            pnlUsd: Math.round(f.spanCents[leader * K + kind]) / 100,
            totalPnlUsd: Math.round(f.realizedCents[leader] + f.openMtmCents[leader]) / 100,
          }
        : null;
    return { ...p, pnlUsd: Math.round(pnl) / 100, totalPnlUsd: Math.round(total) / 100, leader: lead };
  });
}

/** Counts by index as an object of the non-zero ones by name, in index order (exits, skips). */
export function countsByName(arr: readonly number[], names: Record<number, string> | readonly string[]) {
  return Object.fromEntries(
    arr.map((v, i) => [(names as Record<number, string>)[i], v]).filter(([k, v]) => k && (v as number) > 0),
  ) as Record<string, number>;
}

/** The summary of a host's run (its traders alone when it steps a range of the grid). */
export function hostSummary(
  host: FarmHost,
  totals: FarmTotals,
  spans: readonly ProvenanceSpan[] | null = null,
): FarmSummary {
  return buildSummary(host.grid, hostFigures(host), totals, spans);
}

export function buildSummary(
  grid: Grid,
  f: TraderFigures,
  totals: FarmTotals,
  spans: readonly ProvenanceSpan[] | null = null,
): FarmSummary {
  const n = f.count;
  const pnl = Float64Array.from(f.realizedCents).map((c) => c / 100);
  const sorted = pnl.slice().sort();
  const q = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))];
  let withTrades = 0;
  let open = 0;
  let entries = 0;
  let noStop = 0;
  let configurations = 0;
  const xs = grid.spec.stopLossX;
  const byX = xs.map(() => ({ entries: 0, noStop: 0 }));
  const xLevel = grid.levels(DIMENSIONS.indexOf('stopLossX'), f.first, f.first + n);
  for (let i = 0; i < n; i++) {
    if (f.trades[i] > 0) withTrades++;
    open += f.openCount[i];
    entries += f.entries[i];
    noStop += f.noStopEntries[i];
    if (f.noStopEntries[i] > 0) configurations++;
    byX[xLevel[i]].entries += f.entries[i];
    byX[xLevel[i]].noStop += f.noStopEntries[i];
  }
  return {
    opened: totals.opened,
    closed: totals.closed,
    exitsByReason: countsByName(totals.exitsByReason, EXIT_REASON_NAMES),
    skipsByReason: countsByName(totals.skipsByReason, SKIP_NAMES),
    exitsBlocked: totals.exitsBlocked,
    realizedCents: totals.realizedCents,
    tradersWithTrades: withTrades,
    realizedPnlUsd: {
      min: sorted[0],
      p10: q(0.1),
      p50: q(0.5),
      p90: q(0.9),
      max: sorted[n - 1],
      mean: pnl.reduce((a, b) => a + b, 0) / n,
    },
    openPositionsAtEnd: open,
    realizedHistogram: histogram(
      pnl.filter((_, i) => f.trades[i] > 0),
      HISTOGRAM_BINS,
    ),
    stopCannotFire: {
      entries: noStop,
      share: entries ? noStop / entries : 0,
      configurations,
      shareByStopX: Object.fromEntries(
        xs.map((x, k) => [String(x), byX[k].entries ? byX[k].noStop / byX[k].entries : 0]),
      ),
    },
    ...(spans ? { spans: spanSummaries(grid, f, spans) } : {}),
    ...(totals.noCandidate ? { noCandidate: noCandidateYears(totals.noCandidate, n) } : {}),
  };
}
