import type { EngineRequest } from '../core/engine/resolve.js';
import type { GroupBookKind } from '../core/judge/group-book.js';
import type { LoadedRun } from '../core/judge/loaded-run.js';
import { binomialUpper } from '../core/judge/stats.js';
import { DEFAULT_PARAMS, type PromoteParams, type RunData, walkForward } from '../core/judge/walk-forward.js';
import { walkForwardWindows } from '../core/judge/windows.js';
import { CHAIN_MODEL_VERSION } from '../core/market/chain-fit.js';
import type { Deps } from './deps.js';
import { farmBacktest, SIM_WINDOW } from './farm-run.js';
import { loadBacktest } from './promote.js';
import { resimulate } from './promote-resim.js';

export type HonestyDeps = Pick<Deps, 'workDatabases' | 'farmConfig' | 'clock' | 'grid'>;

/**
 * The honesty test of `argus promote`.
 * null: a fair simulated market (GBM, implied = realised vol, mid fills, no fees), where every
 * configuration's expected P&L is zero: promotion at 1 % must promote nothing in ≥ 19 of 20 seeds.
 * power: implied vol 20 % over the model's, ORATS fills (f = 0.32) and fees: how often do the
 * walk-forward selections make money out of sample?
 */
export type Scenario = 'null' | 'null-heston' | 'power';

export const SCENARIOS: Record<
  Scenario,
  {
    sim: { model: 'gbm' | 'heston'; premium: number; fair: boolean };
    flags: { 'fill-f': number; fee: number };
  }
> = {
  null: { sim: { model: 'gbm', premium: 0, fair: true }, flags: { 'fill-f': 0, fee: 0 } },
  // The fair null with stochastic volatility: is the gate's level kept when volatility clusters?
  'null-heston': { sim: { model: 'heston', premium: 0, fair: true }, flags: { 'fill-f': 0, fee: 0 } },
  power: { sim: { model: 'heston', premium: 0.2, fair: false }, flags: { 'fill-f': 0.32, fee: 0.65 } },
};

export interface SeedResult {
  scenario: Scenario;
  seed: number;
  traders: number;
  /** Configurations promoted (selected in the last window's sample, profitable out of sample). */
  promoted: number[];
  windows: number;
  windowsWithSelection: number;
  selected: number;
  /** Out-of-sample P&L of every window's selected set, summed; positive only if something was selected. */
  oosPnlUsd: number;
  oosPositive: boolean;
  /** Without any test: the in-sample P&L leader of each window, out of sample (a diagnostic of edge). */
  naive: { windows: number; positive: number };
  /** What selected: the group gate, or the deflated Sharpe ratio. */
  gate: 'group' | 'dsr';
  /** The books the group gate tested (absent in results cached before it was recorded). */
  book?: GroupBookKind | null;
  /** Windows in which some group passed the gate (a selection needs one, and an eligible pick). */
  groupWindows: number;
  /** Per window: the smallest step-down adjusted group p (group gate; empty otherwise). */
  minGroupP: number[];
  /** The last window's group Sharpe per year certified with 80 % power (group gate). */
  minSharpeAnnual: number | null;
  /** Smallest p-value among each window's candidates not ruled out by eligibility. */
  minP: number[];
  nEff: number[];
  farmMs: number;
  promoteMs: number;
}

export interface HonestySummary {
  scenario: Scenario;
  seeds: number;
  /** The chain model the simulated chains were built with. */
  chainModel: string;
  elapsedMs: number;
  /** Seeds read from the per-seed cache (an interrupted study resumed). */
  cachedSeeds: number;
  /** Share of windows that selected anything, and its Clopper–Pearson 95 % upper bound. */
  selectionRate: number;
  selectionRateUpper95: number;
  settings: (typeof SCENARIOS)[Scenario] & {
    window: { from: string; to: string };
    params: Omit<PromoteParams, 'seed'>;
  };
  /** null: seeds that promoted nothing; power: seeds whose selections made money out of sample. */
  nothingPromoted: number;
  oosPositive: number;
  windowsWithSelection: number;
  windows: number;
  results: SeedResult[];
}

export interface HonestyOptions {
  scenario: Scenario;
  seeds: number[];
  /** Default: the shipped grid. */
  gridFile?: string;
  engine: EngineRequest;
  /** Databases go here, one per seed, deleted after use unless `keep`. */
  workDir: string;
  keep?: boolean;
  params?: Partial<PromoteParams>;
  window?: { from: string; to: string };
  /** Power only: another implied-vol premium (how much edge the test needs to see). */
  premium?: number;
  /** Keep each seed's result in the work directory and reuse it when the settings match. */
  cache?: boolean;
  onSeed?: (r: SeedResult) => void;
  log?: (msg: string) => void;
}

/**
 * The seed's finished farm in a kept database, when it is this study's market: the same simulated
 * market and seed, window, grid (by content), chain model, fills and fees; otherwise null.
 */
function keptRun(
  deps: Pick<Deps, 'runs' | 'farmResults' | 'calendar'>,
  want: {
    sim: (typeof SCENARIOS)[Scenario]['sim'] & { seed: number };
    window: { from: string; to: string };
    gridHash: string;
    flags: (typeof SCENARIOS)[Scenario]['flags'];
  },
): LoadedRun | null {
  const ref = deps.runs.resolveRunRef('latest');
  if (ref.kind !== 'found' || ref.run.status !== 'completed' || ref.run.kind !== 'sim') return null;
  const p = ref.run.provenance as {
    gridHash?: string;
    window?: { from: string; to: string };
    chainModel?: string;
    fill?: { f?: number };
    feesPerContractPerLegUsd?: number;
    sim?: Record<string, unknown>;
  };
  const same =
    p.gridHash === want.gridHash &&
    p.window?.from === want.window.from &&
    p.window?.to === want.window.to &&
    p.chainModel === CHAIN_MODEL_VERSION &&
    p.fill?.f === want.flags['fill-f'] &&
    p.feesPerContractPerLegUsd === want.flags.fee &&
    p.sim !== undefined &&
    Object.keys(want.sim).length === Object.keys(p.sim).length &&
    Object.entries(want.sim).every(([k, v]) => p.sim![k] === v);
  return same ? loadBacktest(deps, ref.run.id) : null;
}

/** The in-sample P&L leader of each window and whether it made money out of sample. */
export function naiveLeaders(d: RunData, p: PromoteParams): { windows: number; positive: number } {
  const M = d.months.length;
  let positive = 0;
  const pairs = walkForwardWindows(d.months, p.isMonths, p.oosMonths, p.anchored);
  for (const w of pairs) {
    let best = -1;
    let bestPnl = 0;
    for (let i = 0; i < d.traders; i++) {
      let s = 0;
      for (let m = w.isStart; m < w.isEnd; m++) s += d.monthly[i * M + m];
      if (s > bestPnl) {
        bestPnl = s;
        best = i;
      }
    }
    if (best < 0) continue;
    let o = 0;
    for (let m = w.isEnd; m < w.oosEnd; m++) o += d.monthly[best * M + m];
    if (o > 0) positive++;
  }
  return { windows: pairs.length, positive };
}

export async function runHonesty(deps: HonestyDeps, o: HonestyOptions): Promise<HonestySummary> {
  const work = deps.workDatabases(o.workDir);
  const base0 = SCENARIOS[o.scenario];
  const sc =
    o.premium !== undefined && o.scenario === 'power'
      ? { ...base0, sim: { ...base0.sim, premium: o.premium } }
      : base0;
  const window = o.window ?? {
    from: deps.farmConfig.backtestFrom ?? SIM_WINDOW.from,
    to: deps.farmConfig.backtestTo ?? SIM_WINDOW.to,
  };
  const results: SeedResult[] = [];
  const { seed: _seed, ...base } = { ...DEFAULT_PARAMS, ...o.params };
  const t0 = deps.clock.monotonicMs();
  let cachedSeeds = 0;
  // The grid by its content: the same grid under another path reuses the cache, an edited one recomputes.
  const gridHash = deps.grid(o.gridFile).hash;
  for (const seed of o.seeds) {
    const stem = `honesty-${o.scenario}-${sc.sim.premium}-${window.from}-${window.to}-${seed}`;
    const name = `${stem}.db`;
    // The cache key is every setting the result depends on; a change recomputes.
    const key = JSON.stringify({
      sc,
      window,
      base,
      grid: gridHash,
      chainModel: CHAIN_MODEL_VERSION,
      seed,
    });
    const cacheName = `${stem}.json`;
    const hit = o.cache ? work.readResult(cacheName) : null;
    if (hit && (hit as { key?: string }).key === key) {
      const res = (hit as { result: SeedResult }).result;
      results.push(res);
      cachedSeeds++;
      o.onSeed?.(res);
      continue;
    }
    // Each seed's farm on a database of its own, with the scenario's fill and fee settings.
    const seedDeps = work.open(name, sc.flags);
    try {
      const t0 = seedDeps.clock.monotonicMs();
      // A kept database that already holds this seed's finished farm is promoted again, not farmed again.
      const kept = keptRun(seedDeps, { sim: { ...sc.sim, seed }, window, gridHash, flags: sc.flags });
      const loaded =
        kept ??
        loadBacktest(
          seedDeps,
          (
            await farmBacktest(seedDeps, {
              source: 'sim',
              from: window.from,
              to: window.to,
              gridFile: o.gridFile,
              engine: o.engine,
              seed,
              sim: { ...sc.sim, seed },
            })
          ).runId,
        );
      if (kept) o.log?.(`seed ${seed}: the farm kept in ${name} (run ${kept.run.id}) is promoted again`);
      const t1 = seedDeps.clock.monotonicMs();
      // A reused farm counts the time it took when it ran.
      const farmMs = kept ? kept.run.updatedMs - kept.run.createdMs : t1 - t0;
      // Each seed's own sub-sample draws, as `argus promote` would use for that run.
      const params: PromoteParams = { ...base, seed };
      const r = await walkForward(
        loaded.data,
        params,
        (ids, untilDay) => resimulate(seedDeps, { run: loaded, ids, untilDay }),
        o.log,
      );
      const res: SeedResult = {
        scenario: o.scenario,
        seed,
        traders: loaded.data.traders,
        promoted: r.promoted.map((x) => x.trader),
        windows: r.walkForward.windows,
        windowsWithSelection: r.walkForward.windowsWithSelection,
        selected: r.walkForward.selected,
        oosPnlUsd: r.walkForward.oosPnlUsd,
        oosPositive: r.walkForward.selected > 0 && r.walkForward.oosPnlUsd > 0,
        naive: naiveLeaders(loaded.data, params),
        gate: r.gate,
        book: r.windows.at(-1)?.gate?.book?.kind ?? null,
        groupWindows: r.windows.filter((w) => (w.gate?.passed.length ?? 0) > 0).length,
        minGroupP: r.windows.flatMap((w) =>
          w.gate ? [w.gate.groups.reduce((a, g) => Math.min(a, g.pAdjusted), 1)] : [],
        ),
        minSharpeAnnual: r.minSharpeAnnual,
        minP: r.windows.map((w) =>
          w.candidates.reduce(
            (a, c) => (c.eligible !== false && c.pValue !== null ? Math.min(a, c.pValue) : a),
            1,
          ),
        ),
        nEff: r.windows.map((w) => w.trials.nEff),
        farmMs,
        promoteMs: seedDeps.clock.monotonicMs() - t1,
      };
      results.push(res);
      if (o.cache) work.writeResult(cacheName, { key, result: res });
      o.onSeed?.(res);
    } finally {
      seedDeps.close();
      if (!o.keep) work.remove(name);
    }
  }
  const windows = results.reduce((a, r) => a + r.windows, 0);
  const selecting = results.reduce((a, r) => a + r.windowsWithSelection, 0);
  return {
    scenario: o.scenario,
    seeds: results.length,
    chainModel: CHAIN_MODEL_VERSION,
    elapsedMs: deps.clock.monotonicMs() - t0,
    cachedSeeds,
    selectionRate: windows ? selecting / windows : 0,
    selectionRateUpper95: binomialUpper(selecting, windows, 0.95),
    settings: { ...sc, window, params: base },
    nothingPromoted: results.filter((r) => r.promoted.length === 0).length,
    oosPositive: results.filter((r) => r.oosPositive).length,
    windowsWithSelection: results.reduce((a, r) => a + r.windowsWithSelection, 0),
    windows: results.reduce((a, r) => a + r.windows, 0),
    results,
  };
}
