import { type EngineRequest, resolveEngine } from '../core/engine/resolve.js';
import { UsageError } from '../core/errors.js';
import type { TraderConfig } from '../core/farm/grid.js';
import { farmKernels } from '../core/farm/kernels-gpujs.js';
import { defaultOptionLifeHours } from '../core/farm/market-step.js';
import { type ShardPlace, shardRange } from '../core/farm/merge.js';
import type { FarmSummary } from '../core/farm/ports.js';
import { type RecordedMarket, recordedReplay } from '../core/farm/resim.js';
import { type FarmPhases, type FarmProgress, hostSummary, runFarm } from '../core/farm/runner.js';
import { farmSettings } from '../core/farm/settings.js';
import type { SourceKind } from '../core/market/port.js';
import type { SimModel, SimRequest } from '../core/market/sim.js';
import type { Deps } from './deps.js';
import { type FarmLiveDeps, farmLiveStep, type LiveStepResult } from './farm-live.js';

export const REPLAY_WINDOW = { from: '2022-01-03', to: '2026-02-12' } as const;
export const SIM_WINDOW = { from: '2025-01-02', to: '2026-12-31' } as const;

/** A live step's deps, and the replay settings a backtest records. */
export type FarmRunDeps = FarmLiveDeps & Pick<Deps, 'defaultSource' | 'replayConfig' | 'runs' | 'farmShards'>;

export interface FarmRunOptions {
  /** Market data (default: the configured source); a resume uses the run's own. */
  source?: SourceKind;
  from?: string;
  to?: string;
  gridFile?: string;
  /** Default: the farm config's engine. */
  engine?: EngineRequest;
  seed: number;
  /** A run reference (id, id prefix, `latest`); even an empty one means a resume, never a live step. */
  resumeRunId?: string;
  /** The simulated market (--source sim); a resume uses the one recorded with the run. */
  model?: SimModel;
  premium?: number;
  fair: boolean;
  /** Stop after this many steps (crash/resume tests). */
  stopAfterSteps?: number;
  /** Only the traders of shard I of N (`--shard I/N`): one process's part of a run split over several. */
  shard?: { index: number; of: number };
  onProgress?: (p: FarmProgress) => void;
  /** Stops the backtest after the step in flight (SIGINT/SIGTERM); the run is then interrupted. */
  signal?: AbortSignal;
}

/**
 * `farm run`: one live step (--source live), or a backtest over replayed or simulated data, or
 * the resume of an interrupted backtest.
 */
export async function farmRun(
  deps: FarmRunDeps,
  o: FarmRunOptions,
): Promise<BacktestResult | LiveStepResult> {
  const kind = o.resumeRunId !== undefined ? 'replay' : (o.source ?? deps.defaultSource);
  refuseMeaningless(kind, o);
  if (kind === 'live') return farmLiveStep(deps, { mode: 'full', engine: o.engine, gridFile: o.gridFile });
  return farmBacktest(deps, {
    source: kind === 'sim' ? 'sim' : 'replay',
    from: o.from,
    to: o.to,
    gridFile: o.gridFile,
    engine: o.engine ?? deps.farmConfig.engine,
    seed: o.seed,
    resumeRunId: o.resumeRunId,
    sim:
      kind === 'sim'
        ? { model: o.model ?? 'heston', premium: o.premium, fair: o.fair, seed: o.seed }
        : undefined,
    stopAfterSteps: o.stopAfterSteps,
    shard: o.shard,
    onProgress: o.onProgress,
    signal: o.signal,
  });
}

/** Flags that would be silently ignored for this kind of run are errors instead. */
function refuseMeaningless(kind: string, o: FarmRunOptions): void {
  if (o.resumeRunId !== undefined && o.shard)
    throw new UsageError(
      '--shard and --resume together: a resumed shard keeps the shard it was started as',
      'drop --shard (the run remembers it)',
    );
  if (o.resumeRunId !== undefined) return;
  if (kind === 'live' && o.shard)
    throw new UsageError(
      '--shard splits a backtest over processes, but this is a live farm step (the source is live)',
      'add --source replay (or --source sim)',
    );
  if (kind === 'live' && (o.from !== undefined || o.to !== undefined))
    throw new UsageError(
      '--from/--to name a backtest window, but this is a live farm step (the source is live)',
      'add --source replay (or --source sim) to run a backtest over that window',
    );
  const simOnly = [
    o.fair ? '--fair' : null,
    o.model !== undefined ? '--model' : null,
    o.premium !== undefined ? '--premium' : null,
  ].filter((x) => x !== null);
  if (kind !== 'sim' && simOnly.length)
    throw new UsageError(
      `${simOnly.join(', ')} shape${simOnly.length === 1 ? 's' : ''} the simulated market and mean nothing with --source ${kind}`,
      'use --source sim, or drop them',
    );
}

export interface BacktestRequest {
  /** A resume takes the kind recorded with its run instead. */
  source: 'replay' | 'sim';
  from?: string;
  to?: string;
  gridFile?: string;
  engine: EngineRequest;
  seed: number;
  resumeRunId?: string;
  sim?: SimRequest;
  /** Stop after this many steps (crash/resume tests). */
  stopAfterSteps?: number;
  /** Shard I of N: only its traders (a resume takes the one recorded with its run). */
  shard?: { index: number; of: number };
  onProgress?: (p: FarmProgress) => void;
  /** Stops the backtest after the step in flight (SIGINT/SIGTERM); the run is then interrupted. */
  signal?: AbortSignal;
}

export interface TopTrader {
  trader: number;
  config: TraderConfig;
  realizedUsd: number;
  openMtmUsd: number;
  trades: number;
  winRate: number | null;
  /** Share of its entries whose stop could not fire (credit × (1 + X) ≥ width); null without entries. */
  noStopShare: number | null;
  /** Marked-to-market P&L booked on each provenance span's days, by SPAN_KINDS (null: no such span). */
  spanPnlUsd: (number | null)[];
}

export interface BacktestResult {
  runId: string;
  status: 'completed' | 'stopped' | 'interrupted';
  source: 'replay' | 'sim';
  window: { from: string; to: string };
  steps: number;
  traders: number;
  engine: string;
  elapsedMs: number;
  /** Where the run's time went (market, kernel, persistence, checkpoint, final write). */
  phasesMs: FarmPhases;
  label: string;
  /** A shard's run: which of the split, and its traders (grid ids from, to − 1); `farm merge` combines them. */
  shard?: ShardPlace;
  summary: FarmSummary;
  top: TopTrader[];
}

function ivShiftNote(shift: number): string {
  return shift ? ` at its IV level ${shift > 0 ? '+' : ''}${shift} vp` : '';
}

/** A backtest over replayed or simulated data, or the resume of an interrupted one. */
export async function farmBacktest(deps: FarmRunDeps, req: BacktestRequest): Promise<BacktestResult> {
  const cal = deps.calendar;
  const runs = deps.farmRuns;
  let kind = req.source;
  let from = req.from;
  let to = req.to;
  let engineName = req.engine;
  let seed = req.seed;
  let gridFile = req.gridFile ?? deps.farmConfig.grid ?? undefined;
  let sim = req.sim;
  let shardAt = req.shard;
  // A resumed replay rebuilds the market recorded with its run (IV shift, rate), not today's config.
  let recorded: ReturnType<typeof recordedReplay> = null;
  const resumeRunId = req.resumeRunId === undefined ? undefined : resumeRef(deps, req.resumeRunId);
  if (resumeRunId) {
    const run = runs.run(resumeRunId);
    if (!run) throw new UsageError(`no run ${resumeRunId}`, 'see `argus runs list`');
    if (run.status === 'completed') throw new UsageError(`run ${run.id} already completed`);
    kind = run.kind === 'sim' ? 'sim' : 'replay';
    const p = run.provenance as Record<string, unknown> & { window: { from: string; to: string } };
    from = p.window.from;
    to = p.window.to;
    // The engine recorded with the run is the one a resume uses.
    engineName = (run.engine as typeof engineName) ?? engineName;
    seed = run.seed ?? seed;
    gridFile = (p.gridFile as string | undefined) ?? undefined;
    sim = (p.sim as SimRequest | undefined) ?? undefined;
    shardAt = (p.shard as ShardPlace | undefined) ?? undefined;
    if (kind === 'replay') recorded = recordedReplay(p as RecordedMarket);
  }
  const win = kind === 'replay' ? REPLAY_WINDOW : SIM_WINDOW;
  from ??= deps.farmConfig.backtestFrom ?? win.from;
  to ??= deps.farmConfig.backtestTo ?? win.to;
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const grid = deps.grid(gridFile);
  if (shardAt && shardAt.of > grid.count)
    throw new UsageError(
      `--shard ${shardAt.index}/${shardAt.of} splits ${grid.count.toLocaleString('en-US')} traders into more shards than traders`,
      `use at most ${grid.count} shards`,
    );
  const shard: ShardPlace | undefined = shardAt && {
    index: shardAt.index,
    of: shardAt.of,
    ...shardRange(shardAt.index, shardAt.of, grid.count),
  };
  const fair = kind === 'sim' && (sim?.fair ?? false);
  const { rules, fill } = farmSettings(deps.farmConfig, fair);
  if (resumeRunId) {
    // A resume uses the rules and fill recorded with the run, not today's config.
    const recorded = runs.farmRun(resumeRunId);
    if (recorded) {
      Object.assign(rules, recorded.rules);
      Object.assign(fill, recorded.fill);
    }
  }
  if (kind === 'sim') sim ??= { model: 'heston', fair: false, seed };
  const source = await deps.source(kind, { window: { from, to }, sim: sim ?? null, recorded });
  const kernels = farmKernels(resolveEngine(engineName, { kernel: 'farmStep' }));
  const riskFreeRate = fair ? 0 : (recorded?.riskFreeRate ?? deps.pricingConfig.riskFreeRate);
  const t0 = deps.clock.monotonicMs();
  try {
    const res = await runFarm({
      grid,
      rules,
      fill,
      source,
      calendar: cal,
      economic: deps.economic,
      store: runs,
      clock: deps.clock,
      kernels,
      shards: deps.farmShards(),
      range: shard && { from: shard.from, to: shard.to },
      fromDate: from,
      toDate: to,
      seed,
      riskFreeRate,
      appVersion: deps.appVersion,
      command: 'farm run',
      provenance: {
        gridFile: gridFile ?? 'data/grids/default.json',
        sim: kind === 'sim' ? sim : undefined,
        shard,
        // What a re-simulation (drill-down) needs to rebuild the same market.
        market: {
          riskFreeRate,
          replay: recorded?.replay ?? deps.replayConfig,
          optionLifeHours: defaultOptionLifeHours(grid),
        },
      },
      checkpointEvery: deps.farmConfig.checkpointEvery,
      checkpointSeconds: deps.farmConfig.checkpointSeconds,
      resumeRunId,
      stopAfterSteps: req.stopAfterSteps,
      onProgress: req.onProgress,
      signal: req.signal,
    });
    const t = res.host.state.t;
    const first = res.host.firstTrader;
    const ids = Array.from({ length: res.host.state.traders }, (_, i) => i)
      .filter((i) => t.trades[i] > 0)
      .sort((a, b) => t.realizedCents[b] - t.realizedCents[a] || a - b)
      .slice(0, 10);
    return {
      runId: res.runId,
      status: res.status,
      source: kind,
      window: { from, to },
      steps: res.steps,
      traders: res.host.state.traders,
      engine: kernels.name,
      elapsedMs: deps.clock.monotonicMs() - t0,
      phasesMs: res.phasesMs,
      label:
        kind === 'sim'
          ? `simulated market (${sim?.model}${sim?.fair ? ', fair' : ''}), synthetic chains`
          : `replayed real prices; option chains synthesised by the fitted chain model${ivShiftNote(recorded?.replay.ivShift ?? deps.replayConfig.ivShift)}`,
      shard,
      summary: res.summary ?? hostSummary(res.host, res.totals, res.spans),
      top: ids.map((i) => ({
        trader: first + i,
        config: grid.config(first + i),
        realizedUsd: t.realizedCents[i] / 100,
        openMtmUsd: t.openMtmCents[i] / 100,
        trades: t.trades[i],
        winRate: t.trades[i] ? t.wins[i] / t.trades[i] : null,
        noStopShare: t.entries[i] ? t.noStopEntries[i] / t.entries[i] : null,
        spanPnlUsd: res.host.spanPnlCents(i).map((c) => (c === null ? null : Math.round(c) / 100)),
      })),
    };
  } finally {
    kernels.destroy();
    await source.close?.();
  }
}

/** The backtest a `--resume` names, by the one run-reference grammar (id, prefix, `latest`). */
function resumeRef(deps: Pick<Deps, 'runs'>, ref: string): string {
  const hint = 'see `argus runs list`';
  if (!ref.trim())
    throw new UsageError('--resume needs a run: an id or its first characters (at least 4)', hint);
  const r = deps.runs.resolveRunRef(ref, { farm: true });
  switch (r.kind) {
    case 'found':
      if (r.run.kind === 'live') {
        throw new UsageError("the live farm's run is not a backtest: it has nothing to resume", hint);
      }
      return r.run.id;
    case 'not-a-ref':
      throw new UsageError(`--resume ${ref} is not a run id (hex digits and dashes, at least 4)`, hint);
    case 'none':
      throw new UsageError(`no run ${ref}`, hint);
    case 'ambiguous':
      throw new UsageError(
        `--resume ${ref} matches ${r.ids.length} runs (${r.ids.map((id) => id.slice(0, 8)).join(', ')})`,
        'give more characters of the id',
      );
  }
}
