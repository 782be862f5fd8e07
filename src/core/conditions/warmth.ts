/**
 * Warmth: how good conditions are for selling put premium, a real number from 1.0 to 10.0
 * (the seed's score only spanned 2–8 in coarse steps).
 *
 *   score = 1 + 9 · Σ wᵢ·cᵢ / Σ wᵢ     over the components that are present,
 *
 * each cᵢ normalised to [0, 1] (1 = good for a put seller). A missing component is left out and
 * listed with its reason — the weights of the rest are renormalised, never a default filled in —
 * and `coverage` says what share of the total weight was available.
 */

import type { MarketPhase } from '../time/market-calendar.js';
import type { Insufficient, VolRegime } from './iv.js';

export type WarmthComponentName =
  | 'ivLevel'
  | 'ivRank'
  | 'funding'
  | 'momentum'
  | 'regime'
  | 'event'
  | 'gap'
  | 'market';

export const WARMTH_COMPONENTS: readonly WarmthComponentName[] = [
  'ivLevel',
  'ivRank',
  'funding',
  'momentum',
  'regime',
  'event',
  'gap',
  'market',
];

/** A value that could not be had, and why. */
export interface Missing {
  missing: string;
}

type In<T> = T | Missing | null | undefined;

export interface WarmthInputs {
  /** DVOL now, annualised fraction (0.55 = 55). */
  ivLevel?: In<number>;
  /** IV rank in [0, 1] from ivRank(). */
  ivRank?: In<number>;
  /** Perpetual funding per 8 h, fraction (0.0001 = 0.01 %). */
  funding8h?: In<number>;
  /** momentum().score: a volatility-scaled return, ≈ sigmas. */
  momentumScore?: In<number>;
  regime?: In<VolRegime>;
  /** Next FOMC/CPI release; hoursToNext = Infinity when the calendar covers the life and has none. */
  event?: In<{ hoursToNext: number; optionLifeHours: number }>;
  /** BTC move since the last ETF close, fraction (−0.03 = −3 %). */
  gapFrac?: In<number>;
  marketPhase?: In<MarketPhase>;
}

export type WarmthWeights = Record<WarmthComponentName, number>;

/**
 * Sum 10, so a weight reads as "points of 10". IV rank leads: it is what the strategy harvests
 * (premium rich against its own year). IV level, momentum and regime are the next tier: how much
 * premium there is and whether the tape is moving against a put seller. Funding, event, gap are
 * modifiers; market status weighs least because a closed market is also shown on its own.
 */
export const DEFAULT_WARMTH_WEIGHTS: WarmthWeights = {
  ivLevel: 1.5,
  ivRank: 2,
  funding: 1,
  momentum: 1.5,
  regime: 1.5,
  event: 1,
  gap: 1,
  market: 0.5,
};

export interface Normalised {
  value: number;
  note: string;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)} %`;

function finite(name: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${name}: not a finite number (${x})`);
}

/** 0 at DVOL ≤ 35, 1 at ≥ 70: the 5th–95th percentile of DVOL 2022-11 → 2025-11. More IV, more premium; crises are the regime's job. */
export function normIvLevel(vol: number): Normalised {
  finite('ivLevel', vol);
  const value = clamp01((vol - 0.35) / 0.35);
  return { value, note: `DVOL ${(vol * 100).toFixed(1)}: 0 at ≤ 35, 1 at ≥ 70` };
}

/** The rank itself: premium rich against the year is what a seller wants. */
export function normIvRank(rank: number): Normalised {
  finite('ivRank', rank);
  return { value: clamp01(rank), note: `IV rank ${pct(rank, 0)} of the 52-week range` };
}

/**
 * Funding per 8 h. 1 from 0 to 0.01 % (Binance's baseline; its 75th percentile 2022–25). Above,
 * longs pay to stay long: a crowded long book is the fuel for a liquidation cascade down, the
 * put seller's worst day — falls to 0 at 0.05 % (≈ 55 % a year, the 99th percentile). Negative
 * funding is half-bad: bearish positioning under stress, but also short-squeeze fuel — 0.5 at ≤ −0.03 %.
 */
export function normFunding(f8h: number): Normalised {
  finite('funding8h', f8h);
  let value: number;
  if (f8h < 0) value = 1 - 0.5 * Math.min(1, -f8h / 0.0003);
  else if (f8h <= 0.0001) value = 1;
  else value = clamp01(1 - (f8h - 0.0001) / 0.0004);
  return { value, note: `funding ${pct(f8h, 4)}/8h: 1 in [0, 0.01 %], 0 at ≥ 0.05 %, 0.5 at ≤ −0.03 %` };
}

/** 0 at a −2σ move (a sharp sell-off), 1 at +1σ or stronger; flat markets score 0.67. */
export function normMomentum(score: number): Normalised {
  finite('momentumScore', score);
  return { value: clamp01((score + 2) / 3), note: `momentum ${score.toFixed(2)}σ: 0 at ≤ −2σ, 1 at ≥ +1σ` };
}

/**
 * Normal is best. Elevated: rich premium but vol still expanding, which marks short vega against
 * you. Low: thin premium for the same tail. Crisis: never.
 */
export const REGIME_VALUE: Record<VolRegime, number> = { low: 0.6, normal: 1, elevated: 0.6, crisis: 0 };

export function normRegime(r: VolRegime): Normalised {
  const value = REGIME_VALUE[r];
  if (value === undefined) throw new RangeError(`regime: unknown ${r}`);
  return { value, note: `regime ${r}` };
}

/** Event in the next 24 h: 0 (gap risk before you can react). Within the option's life: 0.5. Beyond: 1. */
export function normEvent(hoursToNext: number, optionLifeHours: number): Normalised {
  if (Number.isNaN(hoursToNext) || hoursToNext < 0)
    throw new RangeError(`event: hoursToNext must be ≥ 0, got ${hoursToNext}`);
  if (!(optionLifeHours >= 0))
    throw new RangeError(`event: optionLifeHours must be ≥ 0, got ${optionLifeHours}`);
  if (hoursToNext <= 24) return { value: 0, note: `FOMC/CPI in ${hoursToNext.toFixed(1)} h` };
  if (hoursToNext <= optionLifeHours)
    return { value: 0.5, note: `FOMC/CPI in ${(hoursToNext / 24).toFixed(1)} d, within the option's life` };
  return { value: 1, note: 'no FOMC/CPI within the option’s life' };
}

/**
 * BTC move since the last ETF close, which IBIT has yet to price in (or prices at the open). Down
 * moves hit put sellers: 0 at −5 % (≈ 1.7 daily sigmas of BTC). Up moves are only half-bad: they
 * help open puts, but the open gaps, quotes widen and vol often follows — 0.5 at +5 %.
 */
export function normGap(g: number): Normalised {
  finite('gapFrac', g);
  const value = g < 0 ? 1 - Math.min(1, -g / 0.05) : 1 - 0.5 * Math.min(1, g / 0.05);
  return { value, note: `BTC ${g >= 0 ? '+' : ''}${pct(g, 2)} since the last ETF close` };
}

/** You can only sell a spread while options trade (09:30–16:00 ET; IBIT options have no extended hours). */
export const MARKET_VALUE: Record<MarketPhase, number> = { open: 1, pre: 0.5, post: 0.25, closed: 0 };

export function normMarket(phase: MarketPhase): Normalised {
  const value = MARKET_VALUE[phase];
  if (value === undefined) throw new RangeError(`marketPhase: unknown ${phase}`);
  return { value, note: `market ${phase}` };
}

export interface WarmthComponent {
  name: WarmthComponentName;
  raw: number | string;
  normalised: number;
  weight: number;
  /** Points this component adds above 1.0; the contributions sum to score − 1. */
  contribution: number;
  note: string;
}

export interface WarmthMissing {
  name: WarmthComponentName;
  weight: number;
  reason: string;
}

export interface Warmth {
  status: 'ok';
  score: number;
  /** One decimal, as shown. */
  display: string;
  components: WarmthComponent[];
  missing: WarmthMissing[];
  /** Share of the total weight that was present, in (0, 1]. */
  coverage: number;
}

export interface ScorePart {
  name: WarmthComponentName;
  raw: number | string;
  normalised: number;
  weight: number;
  note: string;
}

/** The aggregation alone: linear with positive weights, so raising any cᵢ never lowers the score. */
export function scoreParts(parts: readonly ScorePart[]): { score: number; components: WarmthComponent[] } {
  let wSum = 0;
  for (const p of parts) {
    if (!(Number.isFinite(p.weight) && p.weight > 0))
      throw new RangeError(`${p.name}: weight must be > 0, got ${p.weight}`);
    if (!(p.normalised >= 0 && p.normalised <= 1))
      throw new RangeError(`${p.name}: normalised value must be in [0, 1], got ${p.normalised}`);
    wSum += p.weight;
  }
  if (parts.length === 0) throw new RangeError('scoreParts: no components');
  const components = parts.map((p) => ({ ...p, contribution: (9 * p.weight * p.normalised) / wSum }));
  // Σwc / Σw in one division, so all-best is exactly 10 (summing rounded contributions could give 9.999…).
  let wc = 0;
  for (const p of parts) wc += p.weight * p.normalised;
  return { score: Math.min(10, Math.max(1, 1 + (9 * wc) / wSum)), components };
}

/** One decimal; rounds the number first so 9.95 shows 10.0 and 1.05 shows 1.1 consistently. */
export function formatWarmth(score: number): string {
  if (!Number.isFinite(score)) throw new RangeError(`formatWarmth: not a finite score (${score})`);
  return (Math.round(score * 10) / 10).toFixed(1);
}

function isMissing<T>(x: In<T>): x is Missing | null | undefined {
  return x === null || x === undefined || (typeof x === 'object' && 'missing' in (x as object));
}

function reasonOf(x: Missing | null | undefined): string {
  return x ? x.missing : 'not provided';
}

export function warmth(
  inputs: WarmthInputs,
  weights: WarmthWeights = DEFAULT_WARMTH_WEIGHTS,
): Warmth | (Insufficient & { missing: WarmthMissing[] }) {
  for (const name of WARMTH_COMPONENTS)
    if (!(Number.isFinite(weights[name]) && weights[name] >= 0))
      throw new RangeError(`warmth weight ${name} must be ≥ 0, got ${weights[name]}`);
  const parts: ScorePart[] = [];
  const missing: WarmthMissing[] = [];
  const add = <T>(
    name: WarmthComponentName,
    x: In<T>,
    norm: (v: T) => Normalised,
    raw: (v: T) => number | string,
  ) => {
    const weight = weights[name];
    if (weight === 0) return; // switched off by the user: neither scored nor "missing"
    if (isMissing(x)) {
      missing.push({ name, weight, reason: reasonOf(x) });
      return;
    }
    const n = norm(x);
    parts.push({ name, raw: raw(x), normalised: n.value, weight, note: n.note });
  };
  const id = (v: number) => v;
  add('ivLevel', inputs.ivLevel, normIvLevel, id);
  add('ivRank', inputs.ivRank, normIvRank, id);
  add('funding', inputs.funding8h, normFunding, id);
  add('momentum', inputs.momentumScore, normMomentum, id);
  add('regime', inputs.regime, normRegime, (r) => r);
  add(
    'event',
    inputs.event,
    (e) => normEvent(e.hoursToNext, e.optionLifeHours),
    (e) => e.hoursToNext,
  );
  add('gap', inputs.gapFrac, normGap, id);
  add('market', inputs.marketPhase, normMarket, (p) => p);
  if (parts.length === 0) return { status: 'insufficient', reason: 'no warmth component available', missing };
  const { score, components } = scoreParts(parts);
  const present = parts.reduce((s, p) => s + p.weight, 0);
  const total = present + missing.reduce((s, m) => s + m.weight, 0);
  return {
    status: 'ok',
    score,
    display: formatWarmth(score),
    components,
    missing,
    coverage: present / total,
  };
}

/**
 * Item E: size from the score as shown (one decimal) — 8–10 full, 6–8 half, 4–6 quarter, below 4
 * no entry. Read the bands as [8, 10], [6, 8), [4, 6).
 */
export function sizeFraction(score: number): number {
  const s = Number(formatWarmth(score));
  if (s >= 8) return 1;
  if (s >= 6) return 0.5;
  if (s >= 4) return 0.25;
  return 0;
}
