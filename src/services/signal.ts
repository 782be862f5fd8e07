import { assignmentRisk } from '../core/conditions/assignment.js';
import { type Conditions, computeConditions } from '../core/conditions/compute.js';
import type { Candidate, FilterVerdict, SignalConfig, SignalResult } from '../core/conditions/signal.js';
import { indexChain, type PickedSpread, pickSpread } from '../core/conditions/spread-pick.js';
import type { EngineRequest } from '../core/engine/resolve.js';
import { farmSettings } from '../core/farm/settings.js';
import { type FillParams, fees } from '../core/fill/fill.js';
import { formatPct } from '../core/format.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { SimParams } from '../core/market/sim-params.js';
import type { ModelName, ModelSpec } from '../core/pricing/models.js';
import { spreadMonteCarlo } from '../core/pricing/spread-mc.js';
import type { EconomicCalendar } from '../core/time/economic-calendar.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';
import type { Deps } from './deps.js';
import { type NotifyDeps, type NotifyReport, notifySignal, requireTelegram } from './notify.js';

export type SignalDeps = Pick<
  Deps,
  | 'clock'
  | 'calendar'
  | 'economic'
  | 'defaultSource'
  | 'source'
  | 'signalConfig'
  | 'farmConfig'
  | 'pricingConfig'
  | 'promotions'
  | 'simParams'
> &
  NotifyDeps;

export interface SignalOptions {
  /** As of this instant (default now). */
  atMs?: number;
  /** PoP model (default signal.model). */
  model?: ModelName;
  paths: number;
  seed: number;
  /** Monte Carlo engine (default farm.engine). */
  engine?: EngineRequest;
  /** Also queue and send new recommendations to Telegram. */
  notify: boolean;
}

/**
 * `argus signal`: the promoted configurations (or the default from signal.*) evaluated on the
 * default source, and with `notify` the new recommendations sent.
 */
export async function signal(
  deps: SignalDeps,
  o: SignalOptions,
): Promise<SignalResult & { notify?: NotifyReport }> {
  if (o.notify) requireTelegram(deps.notifyConfig);
  const atMs = o.atMs ?? deps.clock.nowMs();
  const source = await deps.source(deps.defaultSource, { atMs });
  try {
    const r = await signalWith(deps, source, { ...o, atMs });
    if (!o.notify) return r;
    const notify = await notifySignal(deps, r, (ms) => deps.calendar.formatEt(ms));
    return { ...r, notify };
  } finally {
    await source.close?.();
  }
}

/** The signal at `atMs` on a source the caller keeps open (the monitor refreshes on one). */
export async function signalWith(
  deps: Omit<SignalDeps, keyof NotifyDeps | 'source' | 'defaultSource'>,
  source: MarketDataSource,
  o: Omit<SignalOptions, 'notify'> & { atMs: number },
): Promise<SignalResult> {
  const c = deps.signalConfig;
  const promoted = deps.promotions.promotedConfigs();
  const configs: SignalConfig[] = promoted.length
    ? promoted
    : [
        {
          label: 'default (config signal.*)',
          dte: c.dte,
          shortDelta: c.shortDelta,
          width: c.width,
          warmthFloor: c.warmthFloor,
          ivRankFloor: c.ivRankFloor,
          minPop: c.minPop,
        },
      ];
  const { fill } = farmSettings(deps.farmConfig);
  return computeSignal(source, deps.calendar, deps.economic, {
    atMs: o.atMs,
    configs,
    fill,
    feePerContractPerLegUsd: deps.farmConfig.feePerContractPerLegUsd,
    riskFreeRate: deps.pricingConfig.riskFreeRate,
    model: o.model ?? c.model,
    paths: o.paths,
    seed: o.seed,
    engine: o.engine ?? deps.farmConfig.engine,
    simParams: deps.simParams(),
  });
}

/**
 * PoP model parameters under the real-world (physical) measure, because the question is whether
 * the trade makes money, not what it is worth: the fitted BTC dynamics (data/models/sim-params.json)
 * started from BTC's realised volatility of the last week. Pricing the spread at its own implied
 * vol would make every fill at the bid/ask look like a sure loss and hide the variance premium a
 * put seller harvests. Without a realised estimate the implied vol stands in, and says so.
 */
export function popModel(
  p: SimParams,
  model: ModelName,
  iv: number,
  realizedVol: number | null,
): { spec: ModelSpec; varianceFrom: string } {
  const vol = realizedVol ?? iv;
  const varianceFrom =
    realizedVol === null
      ? `implied vol ${(iv * 100).toFixed(1)}% (no realised estimate)`
      : `realised vol ${(realizedVol * 100).toFixed(1)}% (7 days)`;
  const v = vol * vol;
  switch (model) {
    case 'gbm':
      return { spec: { model: 'gbm', vol }, varianceFrom };
    case 'heston':
      return { spec: { model: 'heston', heston: { ...p.heston, v0: v } }, varianceFrom };
    case 'merton': {
      const j = p.hestonJump.jumps;
      const jv = j.lambda * (j.jumpMean ** 2 + j.jumpVol ** 2);
      return {
        spec: { model: 'merton', vol: Math.sqrt(Math.max(v - jv, v * 0.25)), jumps: j },
        varianceFrom,
      };
    }
    case 'heston-jump': {
      const j = p.hestonJump.jumps;
      const jv = j.lambda * (j.jumpMean ** 2 + j.jumpVol ** 2);
      const dv = Math.max(v - jv, v * 0.25);
      return {
        spec: { model: 'heston-jump', heston: { ...p.hestonJump.heston, v0: dv }, jumps: j },
        varianceFrom,
      };
    }
  }
}

interface ComputeOptions {
  atMs: number;
  configs: SignalConfig[];
  fill: FillParams;
  feePerContractPerLegUsd: number;
  riskFreeRate: number;
  model: ModelName;
  paths: number;
  seed: number;
  engine: EngineRequest;
  simParams: SimParams;
}

/** Conditions now and, per configuration, the put spread to sell with every filter's verdict. */
async function computeSignal(
  source: MarketDataSource,
  cal: MarketCalendar,
  econ: EconomicCalendar,
  o: ComputeOptions,
): Promise<SignalResult> {
  const lifeHours = (o.configs[0]?.dte ?? 14) * 24;
  const conditions = await computeConditions(source, cal, econ, o.atMs, { optionLifeHours: lifeHours });
  const chain = await source.optionChain('IBIT', o.atMs);
  const candidates: Candidate[] = [];
  let engine: string | null = null;
  for (const cfg of o.configs) {
    const base: Candidate = {
      config: cfg,
      status: 'none',
      reason: null,
      symbol: 'IBIT',
      expiry: null,
      dte: null,
      shortStrike: null,
      longStrike: null,
      shortQuote: null,
      longQuote: null,
      creditPerShare: null,
      creditPerContractAfterFees: null,
      maxLossPerContract: null,
      model: o.model,
      modelVariance: null,
      outcomes: null,
      expectedValuePerContract: null,
      expectedValueSE: null,
      assignment: null,
      eventsBeforeExpiry: [],
      filters: [],
      verdict: 'no trade',
    };
    let picked: PickedSpread | string;
    if (chain.status === 'missing') picked = `IBIT chain missing: ${chain.reason}`;
    else
      picked = pickSpread(
        indexChain(chain.value, chain.asOfMs, chain.stale ?? false, cal, o.riskFreeRate),
        cfg,
        o.fill,
      );
    const c = base;
    if (typeof picked === 'string') c.reason = picked;
    else {
      const S = chain.status === 'ok' ? chain.value.underlyingPrice : 0;
      const roundTripFees = fees(1, 2, o.feePerContractPerLegUsd);
      c.status = 'ok';
      c.expiry = picked.expiry;
      c.dte = picked.dte;
      c.shortStrike = picked.short.strike;
      c.longStrike = picked.long.strike;
      c.shortQuote = { bid: picked.short.bid, ask: picked.short.ask, iv: picked.short.iv };
      c.longQuote = { bid: picked.long.bid, ask: picked.long.ask, iv: picked.long.iv };
      c.creditPerShare = picked.credit;
      c.creditPerContractAfterFees = picked.credit * 100 - roundTripFees;
      c.maxLossPerContract = (picked.width - picked.credit) * 100 + roundTripFees;
      const rv =
        conditions.momentum.status === 'ok' ? conditions.momentum.hourlyVol * Math.sqrt(24 * 365) : null;
      const { spec, varianceFrom } = popModel(o.simParams, o.model, picked.short.iv!, rv);
      c.modelVariance = varianceFrom;
      const mc = spreadMonteCarlo(o.engine, spec, {
        S0: S,
        shortK: picked.short.strike,
        longK: picked.long.strike,
        credit: picked.credit,
        T: picked.T,
        r: o.riskFreeRate,
        q: 0,
        steps: Math.max(1, picked.dte),
        paths: o.paths,
        seed: o.seed,
      });
      engine = mc.engine;
      c.outcomes = mc.outcomes;
      c.expectedValuePerContract = mc.outcomes.expectedPnl * 100 - roundTripFees;
      c.expectedValueSE = mc.outcomes.expectedPnlSE * 100;
      // The farm's exercise valuation; IBIT pays no distributions.
      c.assignment = assignmentRisk({
        S,
        K: picked.short.strike,
        T: picked.T,
        r: o.riskFreeRate,
        vol: picked.short.iv!,
        distributions: [],
      });
      const expiryMs = cal.expiryCloseMs(picked.expiry);
      c.eventsBeforeExpiry = econ.events(o.atMs, expiryMs).events;
    }
    c.filters = verdicts(cfg, conditions, c);
    c.verdict = c.filters.every((f) => f.pass) ? 'trade' : 'no trade';
    candidates.push(c);
  }
  const missing: string[] = [];
  if (conditions.btc.status === 'missing') missing.push(`BTC: ${conditions.btc.reason}`);
  if (conditions.dvol.status === 'missing') missing.push(`DVOL: ${conditions.dvol.reason}`);
  if (chain.status === 'missing') missing.push(`IBIT chain: ${chain.reason}`);
  return { atMs: o.atMs, source: source.kind, conditions, candidates, engine, missing };
}

/** Below this share of the warmth weights present, the score is unavailable, not a low number. */
export const MIN_WARMTH_COVERAGE = 0.75;

function verdicts(cfg: SignalConfig, k: Conditions, c: Candidate): FilterVerdict[] {
  const out: FilterVerdict[] = [];
  out.push({
    filter: 'market hours (ET)',
    pass: k.market.phase === 'open',
    detail:
      k.market.phase === 'open'
        ? `open, ${k.sessionBucket} session`
        : `${k.market.phase}: ${k.market.reason}`,
  });
  const w = k.warmth;
  const covered = w.status === 'ok' && w.coverage >= MIN_WARMTH_COVERAGE;
  out.push({
    filter: `warmth ≥ ${cfg.warmthFloor}`,
    pass: covered && Number(w.display) >= cfg.warmthFloor,
    detail:
      w.status !== 'ok'
        ? w.reason
        : covered
          ? `${w.display} / 10`
          : `unavailable: ${formatPct(w.coverage, 0)} of the weight known (needs ${formatPct(MIN_WARMTH_COVERAGE, 0)})`,
  });
  const r = k.ivRank;
  out.push({
    filter: `IV rank ≥ ${cfg.ivRankFloor}`,
    // A floor of 0 still needs the rank: a missing input never passes a filter.
    pass: r.status === 'ok' && r.rank * 100 >= cfg.ivRankFloor,
    detail:
      r.status === 'ok'
        ? `${(r.rank * 100).toFixed(0)} (percentile ${(r.percentile * 100).toFixed(0)})`
        : r.reason,
  });
  const g = k.regime;
  out.push({
    filter: 'regime not crisis',
    pass: g.status === 'ok' && g.regime !== 'crisis',
    detail: g.status === 'ok' ? g.regime : g.reason,
  });
  out.push({
    filter: 'no event blackout',
    pass: !k.blackout.blackout,
    detail: k.blackout.blackout ? k.blackout.reason : 'none now',
  });
  out.push({
    filter: 'a spread with a real fill',
    pass: c.status === 'ok',
    detail: c.status === 'ok' ? `credit ${c.creditPerShare!.toFixed(2)} at the fill model` : (c.reason ?? ''),
  });
  const pop = c.outcomes?.pop;
  out.push({
    filter: `PoP ≥ ${(cfg.minPop * 100).toFixed(0)}%`,
    pass: pop !== undefined && pop >= cfg.minPop,
    detail:
      pop === undefined
        ? 'no candidate'
        : `${(pop * 100).toFixed(1)}% ± ${((c.outcomes?.popSE ?? 0) * 100).toFixed(1)} under ${c.model}`,
  });
  const ev = c.expectedValuePerContract;
  out.push({
    filter: 'expected value > 0 after fees',
    pass: ev !== null && ev > 0,
    detail:
      ev === null
        ? 'no candidate'
        : `${ev >= 0 ? '+' : '−'}$${Math.abs(ev).toFixed(2)} ± ${(c.expectedValueSE ?? 0).toFixed(2)} per contract`,
  });
  out.push({
    filter: 'no early-assignment risk',
    pass: c.assignment !== null && !c.assignment.atRisk,
    detail: c.assignment ? c.assignment.reason : 'no candidate',
  });
  return out;
}
