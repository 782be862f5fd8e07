import type { AppContext } from '../cli/context.js';
import { resolveEngine } from '../core/engine/resolve.js';
import { UsageError } from '../core/errors.js';
import type { TraderConfig } from '../core/farm/grid.js';
import { farmKernels } from '../core/farm/kernels-gpujs.js';
import { defaultOptionLifeHours } from '../core/farm/market-step.js';
import { buildSummary, type FarmProgress, type FarmSummary, runFarm } from '../core/farm/runner.js';
import { farmSettings } from '../core/farm/settings.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { SimRequest } from '../core/market/sim.js';

export const REPLAY_WINDOW = { from: '2025-01-02', to: '2025-11-11' } as const;
export const SIM_WINDOW = { from: '2025-01-02', to: '2026-12-31' } as const;

export interface BacktestRequest {
  source: 'replay' | 'sim';
  from?: string;
  to?: string;
  gridFile?: string;
  engine: 'auto' | 'gpu' | 'cpu' | 'js';
  seed: number;
  resumeRunId?: string;
  sim?: SimRequest;
  /** Stop after this many steps (crash/resume tests). */
  stopAfterSteps?: number;
  onProgress?: (p: FarmProgress) => void;
}

export interface TopTrader {
  trader: number;
  config: TraderConfig;
  realizedUsd: number;
  openMtmUsd: number;
  trades: number;
  winRate: number | null;
}

export interface BacktestResult {
  runId: string;
  status: 'completed' | 'stopped';
  source: 'replay' | 'sim';
  window: { from: string; to: string };
  steps: number;
  traders: number;
  engine: string;
  elapsedMs: number;
  label: string;
  summary: FarmSummary;
  top: TopTrader[];
}

export function backtestSource(
  ctx: AppContext,
  kind: 'replay' | 'sim',
  window: { from: string; to: string },
  sim: SimRequest | null,
): MarketDataSource {
  return ctx.source(kind, { window, sim });
}

export async function farmBacktest(ctx: AppContext, req: BacktestRequest): Promise<BacktestResult> {
  const cal = ctx.calendar;
  const store = ctx.store();
  let from = req.from;
  let to = req.to;
  let engineName = req.engine;
  let seed = req.seed;
  let gridFile = req.gridFile;
  let sim = req.sim;
  if (req.resumeRunId) {
    const run = store.getRun(req.resumeRunId);
    if (!run) throw new UsageError(`no run ${req.resumeRunId}`, 'see `argus runs list`');
    if (run.status === 'completed') throw new UsageError(`run ${run.id} already completed`);
    const p = run.provenance as Record<string, unknown> & { window: { from: string; to: string } };
    from = p.window.from;
    to = p.window.to;
    // The engine recorded with the run is the one a resume uses.
    engineName = (run.engine as typeof engineName) ?? engineName;
    seed = run.seed ?? seed;
    gridFile = (p.gridFile as string | undefined) ?? undefined;
    sim = (p.sim as SimRequest | undefined) ?? undefined;
  }
  const win = req.source === 'replay' ? REPLAY_WINDOW : SIM_WINDOW;
  from ??= win.from;
  to ??= win.to;
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const grid = ctx.grid(gridFile);
  const fair = req.source === 'sim' && (sim?.fair ?? false);
  const { rules, fill } = farmSettings(ctx.farmConfig, fair);
  if (req.resumeRunId) {
    const row = store.db
      .prepare('SELECT rules_json, fill_json FROM farm_runs WHERE run_id = ?')
      .get(req.resumeRunId) as { rules_json: string; fill_json: string } | undefined;
    if (row) {
      Object.assign(rules, JSON.parse(row.rules_json));
      Object.assign(fill, JSON.parse(row.fill_json));
    }
  }
  if (req.source === 'sim') sim ??= { model: 'heston', fair: false, seed };
  const source = backtestSource(ctx, req.source, { from, to }, sim ?? null);
  const kernels = farmKernels(resolveEngine(engineName, { kernel: 'farmStep' }));
  const t0 = ctx.clock.monotonicMs();
  try {
    const res = await runFarm({
      grid,
      rules,
      fill,
      source,
      calendar: cal,
      economic: ctx.economic,
      store,
      clock: ctx.clock,
      kernels,
      fromDate: from,
      toDate: to,
      seed,
      riskFreeRate: fair ? 0 : ctx.config.config.pricing.riskFreeRate,
      appVersion: ctx.appVersion,
      command: 'farm run',
      provenance: {
        gridFile: gridFile ?? 'data/grids/default.json',
        sim: req.source === 'sim' ? sim : undefined,
        // What a re-simulation (drill-down) needs to rebuild the same market.
        market: {
          riskFreeRate: fair ? 0 : ctx.config.config.pricing.riskFreeRate,
          replay: ctx.config.config.replay,
          optionLifeHours: defaultOptionLifeHours(grid),
        },
      },
      checkpointEvery: ctx.config.config.farm.checkpointEvery,
      resumeRunId: req.resumeRunId,
      stopAfterSteps: req.stopAfterSteps,
      onProgress: req.onProgress,
    });
    const t = res.engine.state.t;
    const ids = Array.from({ length: grid.count }, (_, i) => i)
      .filter((i) => t.trades[i] > 0)
      .sort((a, b) => t.realizedCents[b] - t.realizedCents[a] || a - b)
      .slice(0, 10);
    return {
      runId: res.runId,
      status: res.status,
      source: req.source,
      window: { from, to },
      steps: res.steps,
      traders: res.traders,
      engine: kernels.name,
      elapsedMs: ctx.clock.monotonicMs() - t0,
      label:
        req.source === 'sim'
          ? `simulated market (${sim?.model}${sim?.fair ? ', fair' : ''}), synthetic chains`
          : 'replayed real prices; option chains synthesised by the fitted chain model',
      summary: buildSummary(res.engine, res.totals),
      top: ids.map((i) => ({
        trader: i,
        config: grid.config(i),
        realizedUsd: t.realizedCents[i] / 100,
        openMtmUsd: t.openMtmCents[i] / 100,
        trades: t.trades[i],
        winRate: t.trades[i] ? t.wins[i] / t.trades[i] : null,
      })),
    };
  } finally {
    kernels.destroy();
    await source.close?.();
  }
}
