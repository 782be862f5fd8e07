import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ThreadShards } from '../adapters/shards/shard-pool.js';
import { AppContext } from '../cli/context.js';
import { probeGl } from '../core/engine/gl.js';
import { resolveEngine } from '../core/engine/resolve.js';
import { DIMENSIONS } from '../core/farm/grid.js';
import { FarmHost, type FarmKernels } from '../core/farm/host.js';
import { farmKernels } from '../core/farm/kernels-gpujs.js';
import { MarketStepBuilder } from '../core/farm/market-step.js';
import { ReferenceTrader } from '../core/farm/reference.js';
import { monthsBetween } from '../core/farm/runner.js';
import { farmSettings } from '../core/farm/settings.js';
import { FarmState } from '../core/farm/state.js';
import type { StepInput } from '../core/farm/step-input.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';
import { startupBench } from './startup.bench.js';

const STEPS = 40;

/** Real market steps from the replay (a busy March 2025 stretch), built once and replayed on every engine. */
async function replaySteps(ctx: AppContext): Promise<StepInput[]> {
  const grid = ctx.grid();
  const cal = ctx.calendar;
  const { rules, fill } = farmSettings(ctx.farmConfig);
  const times = cal.replaySteps('2025-03-03', '2025-03-31').slice(0, STEPS);
  const builder = new MarketStepBuilder({
    source: await ctx.source('replay'),
    calendar: cal,
    economic: ctx.economic,
    grid,
    rules,
    fill,
    riskFreeRate: ctx.config.config.pricing.riskFreeRate,
    months: monthsBetween('2025-03-03', '2025-03-31'),
  });
  // Mark every spread ever seen so any engine's open positions are covered.
  const inputs: StepInput[] = [];
  const seen = new Set<number>();
  const host = new FarmHost(grid, rules, { months: 1, kernels: farmKernels(resolveEngine('js')) });
  for (let k = 0; k < times.length; k++) {
    const { input } = await builder.build(k, times[k], new Set(seen));
    for (const c of input.candidates) if (c) seen.add(c.spreadId);
    input.monthIndex = 0;
    host.step(input);
    inputs.push(input);
  }
  return inputs;
}

function timeEngine(kernels: FarmKernels, inputs: StepInput[], ctx: AppContext) {
  const grid = ctx.grid();
  const { rules } = farmSettings(ctx.farmConfig);
  const host = new FarmHost(grid, rules, { months: 1, kernels });
  const ms: number[] = [];
  for (const inp of inputs) {
    const t0 = performance.now();
    host.step(inp);
    ms.push(performance.now() - t0);
  }
  const sorted = ms.slice(2).sort((a, b) => a - b);
  return {
    host,
    medianMs: round(sorted[Math.floor(sorted.length / 2)]),
    minMs: round(sorted[0]),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** The js engine's step on worker threads over shared memory (what a backtest uses), per step. */
async function timeThreads(threads: number, inputs: StepInput[], ctx: AppContext) {
  const grid = ctx.grid();
  const { rules } = farmSettings(ctx.farmConfig);
  const opts = { months: 1 };
  const state = new FarmState(grid.count, rules.maxOpenPositions, 1, Math.round(rules.capitalUsd * 100), 0, {
    shared: true,
  });
  const shards = new ThreadShards(threads);
  try {
    await shards.start({ gridSpec: grid.spec, rules, host: opts, state, dailySample: null });
    const ms: number[] = [];
    for (const inp of inputs) {
      const t0 = performance.now();
      await shards.step(inp);
      ms.push(performance.now() - t0);
    }
    const sorted = ms.slice(2).sort((a, b) => a - b);
    return round(sorted[Math.floor(sorted.length / 2)]);
  } finally {
    await shards.close();
  }
}

/** Bytes a step must read or write at least: the slot columns the exit pass scans and the trader columns entry and marking touch. */
function bytesTouched(host: FarmHost): number {
  const s = host.state.s;
  const t = host.state.t;
  const slotRead = [
    s.spread,
    s.ptMidPips,
    s.stopMidPips,
    s.armMidPips,
    s.trailGapPips,
    s.lowMidPips,
    s.lastMarkPips,
  ].reduce((a, x) => a + x.byteLength, 0);
  const traderRW = [
    t.openCount,
    t.breakerUntilMs,
    t.realizedCents,
    t.openMtmCents,
    t.peakEquityCents,
    t.maxDrawdownCents,
    t.maxDrawdownFrac,
    t.breakerPeakCents,
    t.monthPeakCents,
  ].reduce((a, x) => a + x.byteLength * 2, 0);
  return slotRead + traderRW + host.grid.count * 4 * 6;
}

function memcpyGBps(): number {
  const a = Buffer.alloc(256 * 2 ** 20, 1);
  const b = Buffer.alloc(a.length);
  a.copy(b);
  const t0 = performance.now();
  for (let i = 0; i < 4; i++) a.copy(b);
  const s = (performance.now() - t0) / 1000;
  // A copy reads and writes every byte.
  return round((4 * 2 * a.length) / s / 1e9, 2);
}

/**
 * The 2025 replay in a process of its own (replay.bench.ts), so its wall time, CPU share, peak RSS
 * and bytes written are the run's alone, not the engine benches' before it.
 */
function fullReplay(dir: string, step: Record<string, unknown>): Record<string, unknown> {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./replay.bench.js', import.meta.url)), dir, String(step.memoryFloorMsPerStep)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
  );
  if (child.status !== 0) throw new Error(`the replay bench exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

/** Issue 19's goals beside what this run measured (null: not measured in this run). */
function goals(
  out: Record<string, unknown>,
): { goal: string; measured: number | null; met: boolean | null }[] {
  const replay = out.fullReplay as Record<string, number | Record<string, number> | undefined>;
  const startup = out.startup as Record<string, number | undefined>;
  const phases = replay.phasesSeconds as Record<string, number> | undefined;
  const threads = out.threads as { overFloor: number; referenceOver: number } | null;
  const g = (goal: string, measured: number | null | undefined, ok: (x: number) => boolean) => ({
    goal,
    measured: measured ?? null,
    met: measured === null || measured === undefined ? null : ok(measured),
  });
  return [
    g('2025 replay with persistence ≤ 20 s wall', replay.wallSeconds as number, (x) => x <= 20),
    g('peak RSS ≤ 1024 MiB', replay.peakRssMiB as number, (x) => x <= 1024),
    g('CPU ≥ 160 % while stepping (both cores)', replay.steppingCpuPercent as number, (x) => x >= 160),
    g('kernel step ≤ 2× the memory floor (one thread)', out.fastestOverFloor as number, (x) => x <= 2),
    g('kernel step on the threads ≤ 2× the memory floor', threads?.overFloor, (x) => x <= 2),
    g(
      'kernel step ≥ 100× the reference (threads where faster)',
      Math.max(out.referenceOverFastest as number, threads?.referenceOver ?? 0),
      (x) => x >= 100,
    ),
    g('bytes written ≤ 3× the final DB', replay.writtenOverDb as number, (x) => x <= 3),
    g('final write takes seconds (≤ 5 s)', phases?.finalWrite, (x) => x <= 5),
    g('argus --help ≤ 0.3 s', startup.helpSeconds, (x) => x <= 0.3),
    g('argus leaderboard --limit 20 (432k run) ≤ 0.3 s', startup.leaderboardSeconds, (x) => x <= 0.3),
  ];
}

export const farmBench: Bench = {
  name: 'farm',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'argus-bench-farm-'));
    const ctx = new AppContext({
      dataDir: dir,
      configDir: dir,
      env: {},
      flags: { db: join(dir, 'bench.db') },
      appVersion: 'bench',
    });
    try {
      const inputs = await replaySteps(ctx);
      const grid = ctx.grid();
      const engines: Record<string, unknown> = {};
      let fastest = Number.POSITIVE_INFINITY;
      let touched = 0;
      // The threads first: the GL engine's software rasteriser keeps threads of its own on these cores.
      const threads = availableParallelism();
      const threaded = threads > 1 ? await timeThreads(threads, inputs, ctx) : null;
      const names: ('js' | 'cpu' | 'gpu')[] = ['js', 'cpu', ...(probeGl().ok ? (['gpu'] as const) : [])];
      for (const name of names) {
        const k = farmKernels(resolveEngine(name));
        try {
          const r = timeEngine(k, inputs, ctx);
          engines[name] = { medianMsPerStep: r.medianMs, minMs: r.minMs, maxMs: r.maxMs };
          fastest = Math.min(fastest, r.medianMs);
          touched = bytesTouched(r.host);
        } finally {
          k.destroy();
        }
      }
      if (!probeGl().ok)
        engines.gpu = { skipped: 'no GL backend (run `xvfb-run -a npm run bench` to include it)' };

      // The reference: a plain object per trader. Time a slice and scale to the grid.
      const { rules } = farmSettings(ctx.farmConfig);
      const slice = 4320;
      const refs = Array.from({ length: slice }, (_, j) => {
        const id = Math.floor((j * grid.count) / slice);
        const lv = (d: string) => grid.level(id, DIMENSIONS.indexOf(d as 'dte'));
        const { dte, shortDelta, width } = grid.spec;
        const combo =
          ((lv('symbol') * dte.length + lv('dte')) * shortDelta.length + lv('shortDelta')) * width.length +
          lv('width');
        return new ReferenceTrader(grid.config(id), rules, combo, lv('symbol'));
      });
      const t0 = performance.now();
      for (const inp of inputs) for (const r of refs) r.step(inp);
      const refMsPerStep = ((performance.now() - t0) / inputs.length) * (grid.count / slice);
      const rate = memcpyGBps();
      const floorMs = (touched / (rate * 1e9)) * 1000;

      const out: Record<string, unknown> = {
        traders: grid.count,
        stepsTimed: inputs.length,
        engines,
        referenceMsPerStep: round(refMsPerStep, 1),
        referenceOverFastest: round(refMsPerStep / fastest, 1),
        bytesTouchedPerStepMiB: round(touched / 2 ** 20, 1),
        memcpyGBps: rate,
        memoryFloorMsPerStep: round(floorMs, 2),
        fastestOverFloor: round(fastest / floorMs, 1),
        // The same steps split over the worker threads a backtest uses (one per core), against the same floor.
        threads:
          threaded === null
            ? null
            : {
                threads,
                medianMsPerStep: threaded,
                overFloor: round(threaded / floorMs, 1),
                referenceOver: round(refMsPerStep / threaded, 1),
              },
        stateMiB: round(
          new FarmHost(grid, rules, {
            months: 11,
            kernels: farmKernels(resolveEngine('js')),
          }).state.byteSize() /
            2 ** 20,
          1,
        ),
      };
      if (process.env.BENCH_QUICK !== '1') out.fullReplay = fullReplay(dir, out);
      else out.fullReplay = { skipped: 'BENCH_QUICK=1' };
      out.startup = startupBench(process.env.BENCH_QUICK !== '1' ? join(dir, 'replay.db') : null);
      out.goals = goals(out);
      return out;
    } finally {
      ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
