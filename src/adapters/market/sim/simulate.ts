import type { EtfSymbol } from '../../../core/market/port.js';
import { SIM_MODELS, type SimModel } from '../../../core/market/sim.js';
import { expectedVol, type SimParams, simModelSpec } from '../../../core/market/sim-params.js';
import { jumpCompensator, type ModelSpec } from '../../../core/pricing/models.js';
import { gbmStep, hestonCoeffs, hestonStep, jumpLogSum } from '../../../core/pricing/paths.js';
import { CounterRng, checkSeed, streamId } from '../../../core/pricing/rng.js';
import { addDays, type MarketCalendar } from '../../../core/time/market-calendar.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_YEAR } from '../../../core/units.js';
import type { DailyBars, History, HourlySeries, TimedSeries } from '../replay/history.js';
import { memoCalendar } from './calendar-memo.js';

/** Simulated history before `fromMs`, so IV rank and z-scores have a year to look back on. */
export const WARMUP_MS = 52 * 7 * MS_PER_DAY;
/** A few more days ahead of the warm-up: 24 h changes and the last close before a long weekend need a past. */
export const LEAD_MS = 5 * MS_PER_DAY;
/** DVOL's tenor: 30 calendar days. */
export const DVOL_TAU = 30 / 365;
/** One hourly step in years (the 24×365 clock the vols are annualised on). */
export const DT_HOUR = MS_PER_HOUR / MS_PER_YEAR;
const FUNDING_MS = 8 * MS_PER_HOUR;

/** Synthetic volumes: median daily shares of the real files, BTC per hour; log-normal noise. */
const VOLUME_BASE = { btc: 900, IBIT: 40_000_000, BITO: 9_000_000 } as const;
const VOLUME_LOG_SD = 0.35;

/** Named Philox streams: each series draws only from its own, so adding a series never moves another. */
export const SIM_STREAMS = {
  btc: streamId('sim.btc'),
  btcVariance: streamId('sim.btc.variance'),
  btcJumps: streamId('sim.btc.jumps'),
  btcRange: streamId('sim.btc.range'),
  btcVolume: streamId('sim.btc.volume'),
  funding: streamId('sim.funding'),
  ibitVolume: streamId('sim.ibit.volume'),
  bitoVolume: streamId('sim.bito.volume'),
} as const;

export interface SimulateOptions {
  model: SimModel;
  params: SimParams;
  seed: number;
  fromMs: number;
  toMs: number;
  /** Exactly fair market: gbm or heston, premium 0, zero drift, no ETF drag (and r = 0 in the chains). */
  fair: boolean;
  /** Implied over expected vol, minus one (DVOL and chain IVs are the model vol × (1 + premium)). */
  premium: number;
  calendar: MarketCalendar;
  /** Simulated history before fromMs; WARMUP_MS unless a test asks for less. */
  warmupMs?: number;
}

export interface EtfRatio {
  /** ETF/BTC at the first simulated hour. */
  ratio0: number;
  /** Continuous decay per year (0 in fair mode). */
  dragPerYear: number;
}

/** A simulated History (the replay adapter's input) plus the model state behind it. */
export interface SimHistory extends History {
  model: SimModel;
  spec: ModelSpec;
  seed: number;
  fair: boolean;
  premium: number;
  /** BTC drift per year actually used (0 in fair mode). */
  driftPerYear: number;
  /** First simulated instant (a UTC midnight) and the end of the last hourly bar. */
  startMs: number;
  endMs: number;
  fromMs: number;
  toMs: number;
  /** BTC level at each hour boundary startMs + k h, k = 0..bars (one more than the bars). */
  btcLevel: Float64Array;
  /** Instantaneous annualised variance at each hour boundary (gbm: vol², constant). */
  variance: Float64Array;
  ratios: Record<EtfSymbol, EtfRatio>;
}

/** Throws a RangeError naming the flags when the combination cannot be simulated. */
export function validateSimConfig(o: { model: string; premium: number; fair: boolean; seed: number }): void {
  if (!SIM_MODELS.includes(o.model as SimModel)) {
    throw new RangeError(`unknown sim model '${o.model}'; valid: ${SIM_MODELS.join(', ')}`);
  }
  checkSeed(o.seed);
  if (typeof o.premium !== 'number' || !Number.isFinite(o.premium) || o.premium <= -1) {
    throw new RangeError(`premium must be a finite number > -1, got ${o.premium}`);
  }
  if (o.fair && ((o.model !== 'gbm' && o.model !== 'heston') || o.premium !== 0)) {
    throw new RangeError(
      `fair mode needs model gbm or heston and premium 0 (got model ${o.model}, premium ${o.premium}): use --model gbm --premium 0 --fair (or --model heston)`,
    );
  }
}

/** The grid: from a UTC midnight before the warm-up to a UTC midnight at least a day after `toMs`. */
export function simGrid(
  fromMs: number,
  toMs: number,
  warmupMs = WARMUP_MS,
): { startMs: number; endMs: number } {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) {
    throw new RangeError(`sim range must be finite with from <= to, got ${fromMs}..${toMs}`);
  }
  if (!(warmupMs >= 0)) throw new RangeError(`warmupMs must be >= 0, got ${warmupMs}`);
  const startMs = Math.floor((fromMs - warmupMs - LEAD_MS) / MS_PER_DAY) * MS_PER_DAY;
  const endMs = Math.ceil((toMs + MS_PER_DAY) / MS_PER_DAY) * MS_PER_DAY;
  return { startMs, endMs };
}

/**
 * Simulates hourly BTC, daily IBIT/BITO bars, daily DVOL closes and 8 h funding over the sim grid.
 * Pure: the same options give the same arrays bit for bit.
 */
export function simulateHistory(opts: SimulateOptions): SimHistory {
  validateSimConfig(opts);
  const { params, seed, fair, premium, model } = opts;
  const cal = memoCalendar(opts.calendar);
  const { startMs, endMs } = simGrid(opts.fromMs, opts.toMs, opts.warmupMs);
  // Asking about the range's own dates surfaces the calendar's coverage error early.
  cal.isTradingDay(cal.etDate(opts.fromMs));
  cal.isTradingDay(cal.etDate(opts.toMs));

  const spec = simModelSpec(model, params);
  const drift = fair ? 0 : params.driftPerYear;
  const bars = (endMs - startMs) / MS_PER_HOUR;
  const path = simulateBtc(spec, params.btcStartUsd, drift, seed, bars);

  const ratios: Record<EtfSymbol, EtfRatio> = {
    IBIT: { ratio0: params.etf.IBIT.ratio, dragPerYear: fair ? 0 : params.etf.IBIT.dragPerYear },
    BITO: { ratio0: params.etf.BITO.ratio, dragPerYear: fair ? 0 : params.etf.BITO.dragPerYear },
  };
  const btcHourly = hourlyBars(path.level, path.variance, startMs, seed);
  return {
    btcHourly,
    ibitDaily: etfDaily(
      cal,
      btcHourly,
      path.level,
      startMs,
      endMs,
      ratios.IBIT,
      seed,
      SIM_STREAMS.ibitVolume,
      VOLUME_BASE.IBIT,
    ),
    bitoDaily: etfDaily(
      cal,
      btcHourly,
      path.level,
      startMs,
      endMs,
      ratios.BITO,
      seed,
      SIM_STREAMS.bitoVolume,
      VOLUME_BASE.BITO,
    ),
    dvolDaily: dvolDaily(spec, path.variance, startMs, endMs, premium),
    funding8h: funding(params, seed, startMs, endMs),
    files: {
      btcHourly: `sim:${model}:seed=${seed}`,
      ibitDaily: 'sim:btc×ratio',
      bitoDaily: 'sim:btc×ratio',
      dvolDaily: 'sim:model-vol',
      funding8h: 'sim:ou',
    },
    model,
    spec,
    seed,
    fair,
    premium,
    driftPerYear: drift,
    startMs,
    endMs,
    fromMs: opts.fromMs,
    toMs: opts.toMs,
    btcLevel: path.level,
    variance: path.variance,
    ratios,
  };
}

/** ETF/BTC ratio at `ms`. */
export function ratioAt(h: Pick<SimHistory, 'startMs' | 'ratios'>, symbol: EtfSymbol, ms: number): number {
  return ratioFrom(h.ratios[symbol], h.startMs, ms);
}

function ratioFrom(r: EtfRatio, startMs: number, ms: number): number {
  return r.dragPerYear === 0
    ? r.ratio0
    : r.ratio0 * Math.exp((-r.dragPerYear * (ms - startMs)) / MS_PER_YEAR);
}

/** Index of the last hour boundary at or before `ms` (clipped to the grid); what is known at `ms`. */
export function gridIndexAtOrBefore(h: Pick<SimHistory, 'startMs' | 'btcLevel'>, ms: number): number {
  const k = Math.floor((ms - h.startMs) / MS_PER_HOUR);
  return Math.min(Math.max(k, 0), h.btcLevel.length - 1);
}

/** BTC levels and variances at every hour boundary. Streams: sim.btc (price), .variance, .jumps. */
export function simulateBtc(
  spec: ModelSpec,
  s0: number,
  drift: number,
  seed: number,
  bars: number,
): { level: Float64Array; variance: Float64Array } {
  const level = new Float64Array(bars + 1);
  const variance = new Float64Array(bars + 1);
  const zRng = new CounterRng(seed, SIM_STREAMS.btc);
  level[0] = s0;
  if (spec.model === 'gbm') {
    const vv = spec.vol * spec.vol;
    variance.fill(vv);
    for (let k = 0; k < bars; k++)
      level[k + 1] = gbmStep(level[k], drift, 0, spec.vol, DT_HOUR, zRng.nextNormal());
    return { level, variance };
  }
  if (spec.model !== 'heston' && spec.model !== 'heston-jump')
    throw new RangeError(`sim cannot step ${spec.model}`);
  const jumps = spec.model === 'heston-jump' ? spec.jumps : null;
  const vRng = new CounterRng(seed, SIM_STREAMS.btcVariance);
  const jRng = new CounterRng(seed, SIM_STREAMS.btcJumps);
  // The jump compensator keeps E[S] growing at the drift alone.
  const c = hestonCoeffs(spec.heston, drift, 0, DT_HOUR, jumps ? jumps.lambda * jumpCompensator(jumps) : 0);
  const lamDt = jumps ? jumps.lambda * DT_HOUR : 0;
  const out = new Float64Array(2);
  let lnS = Math.log(s0);
  let v = spec.heston.v0;
  variance[0] = v;
  for (let k = 0; k < bars; k++) {
    hestonStep(c, lnS, v, vRng.nextNormal(), zRng.nextNormal(), out);
    lnS = out[0];
    v = out[1];
    if (jumps && lamDt > 0) {
      const n = jRng.nextPoisson(lamDt);
      if (n > 0) lnS += jumpLogSum(jumps, n, jRng.nextNormal());
    }
    level[k + 1] = Math.exp(lnS);
    variance[k + 1] = v;
  }
  return { level, variance };
}

/** OHLCV bars; the high and low are the extremes of a Brownian bridge between open and close. */
function hourlyBars(
  level: Float64Array,
  variance: Float64Array,
  startMs: number,
  seed: number,
): HourlySeries {
  const n = level.length - 1;
  const out: HourlySeries = {
    startMs: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const rRng = new CounterRng(seed, SIM_STREAMS.btcRange);
  const vRng = new CounterRng(seed, SIM_STREAMS.btcVolume);
  for (let k = 0; k < n; k++) {
    const o = level[k];
    const c = level[k + 1];
    const x = Math.log(c / o);
    const s2 = Math.max(variance[k], 0) * DT_HOUR;
    // Max/min of a bridge from 0 to x with variance s2: (x ± sqrt(x² − 2 s2 ln U)) / 2.
    const up = 0.5 * (x + Math.sqrt(x * x - 2 * s2 * Math.log(rRng.nextUniform())));
    const dn = 0.5 * (x - Math.sqrt(x * x - 2 * s2 * Math.log(rRng.nextUniform())));
    out.startMs[k] = startMs + k * MS_PER_HOUR;
    out.open[k] = o;
    out.close[k] = c;
    out.high[k] = Math.max(o * Math.exp(up), o, c);
    out.low[k] = Math.min(o * Math.exp(dn), o, c);
    out.volume[k] = VOLUME_BASE.btc * Math.exp(VOLUME_LOG_SD * vRng.nextNormal());
  }
  return out;
}

/**
 * Daily bars from the session's simulated BTC × the ratio at the close: Open at the first hour at
 * or after 9:30 ET, Close at the official close (early closes included). Days outside the
 * calendar's years are left out (their sessions are unknown).
 */
function etfDaily(
  cal: MarketCalendar,
  btc: HourlySeries,
  level: Float64Array,
  startMs: number,
  endMs: number,
  ratio: EtfRatio,
  seed: number,
  stream: number,
  volumeBase: number,
): DailyBars {
  const cov = cal.coverage();
  const first = maxStr(cal.etDate(startMs), `${cov.fromYear}-01-01`);
  const last = minStr(cal.etDate(endMs), `${cov.toYear}-12-31`);
  const rows: { date: string; o: number; h: number; l: number; c: number; v: number }[] = [];
  const vRng = new CounterRng(seed, stream);
  for (let d = first; d <= last; d = addDays(d, 1)) {
    const day = cal.tradingDay(d);
    if (!day || day.openMs < startMs || day.closeMs > endMs) continue;
    const kOpen = Math.ceil((day.openMs - startMs) / MS_PER_HOUR);
    const kClose = Math.floor((day.closeMs - startMs) / MS_PER_HOUR);
    let hi = level[kOpen];
    let lo = level[kOpen];
    for (let k = kOpen; k < kClose; k++) {
      if (btc.high[k] > hi) hi = btc.high[k];
      if (btc.low[k] < lo) lo = btc.low[k];
    }
    // One ratio per session (at its close) keeps O/H/L/C consistent with each other.
    const r = ratioFrom(ratio, startMs, startMs + kClose * MS_PER_HOUR);
    const c = level[kClose];
    rows.push({
      date: d,
      o: level[kOpen] * r,
      h: Math.max(hi, c) * r,
      l: Math.min(lo, c) * r,
      c: c * r,
      v: Math.round(volumeBase * Math.exp(VOLUME_LOG_SD * vRng.nextNormal())),
    });
  }
  const n = rows.length;
  const out: DailyBars = {
    dates: rows.map((x) => x.date),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    dividends: new Float64Array(n),
  };
  rows.forEach((x, i) => {
    out.open[i] = x.o;
    out.high[i] = x.h;
    out.low[i] = x.l;
    out.close[i] = x.c;
    out.volume[i] = x.v;
  });
  return out;
}

/** DVOL close of each whole UTC day = the model's 30-day expected vol at the day's end × (1 + premium). */
function dvolDaily(
  spec: ModelSpec,
  variance: Float64Array,
  startMs: number,
  endMs: number,
  premium: number,
): TimedSeries {
  const days = Math.floor((endMs - startMs) / MS_PER_DAY);
  const out: TimedSeries = { timeMs: new Float64Array(days), value: new Float64Array(days) };
  for (let i = 0; i < days; i++) {
    const dayStart = startMs + i * MS_PER_DAY;
    const k = (dayStart + MS_PER_DAY - startMs) / MS_PER_HOUR;
    out.timeMs[i] = dayStart;
    out.value[i] = expectedVol(spec, variance[k], DVOL_TAU) * (1 + premium);
  }
  return out;
}

/** Funding per 8 h at 00/08/16 UTC: an AR(1) around the fitted mean, starting at the mean. */
function funding(p: SimParams, seed: number, startMs: number, endMs: number): TimedSeries {
  const first = Math.ceil(startMs / FUNDING_MS) * FUNDING_MS;
  const n = Math.floor((endMs - first) / FUNDING_MS) + 1;
  const out: TimedSeries = { timeMs: new Float64Array(n), value: new Float64Array(n) };
  const rng = new CounterRng(seed, SIM_STREAMS.funding);
  const { mean, phi8h, noise8h } = p.funding;
  let f = mean;
  for (let i = 0; i < n; i++) {
    if (i > 0) f = mean + phi8h * (f - mean) + noise8h * rng.nextNormal();
    out.timeMs[i] = first + i * FUNDING_MS;
    out.value[i] = f;
  }
  return out;
}

function maxStr(a: string, b: string): string {
  return a > b ? a : b;
}

function minStr(a: string, b: string): string {
  return a < b ? a : b;
}
