/**
 * Implied-volatility context from daily DVOL closes (annualised fractions, oldest first).
 * True definitions (the seed used a rough proxy for IV rank), no proxy bounds: with too little history the answer is
 * `insufficient`, never a made-up range.
 */

export interface Insufficient {
  status: 'insufficient';
  reason: string;
}

/** Trailing window of `days` entries; non-finite or ≤ 0 entries are gaps, not values (DVOL is never ≤ 0). */
export function trailing(history: readonly number[], days: number): number[] {
  return history.slice(Math.max(0, history.length - days)).filter((v) => Number.isFinite(v) && v > 0);
}

function badCurrent(current: number): Insufficient | null {
  return Number.isFinite(current) && current > 0
    ? null
    : { status: 'insufficient', reason: `no current IV (${current})` };
}

/** Share of `values` strictly below `x`. */
export function shareBelow(values: readonly number[], x: number): number {
  let below = 0;
  for (const v of values) if (v < x) below++;
  return below / values.length;
}

export interface IvRankOptions {
  /** 52 weeks of daily closes; DVOL trades every day, so 365. */
  windowDays: number;
  minDays: number;
}

export const DEFAULT_IV_RANK: IvRankOptions = { windowDays: 365, minDays: 200 };

export interface IvRank {
  status: 'ok';
  /** (current − low) / (high − low), in [0, 1]. */
  rank: number;
  /** Share of days in the window with IV below current, in [0, 1]. */
  percentile: number;
  /** Days in the window. */
  n: number;
  low: number;
  high: number;
  /** Set when the rank rests on fewer days than the window (e.g. before 2022-03-24 in the replay: DVOL starts 2021-03-24). */
  shortHistory: string | null;
}

/**
 * IV rank and IV percentile over the trailing 52 weeks. The range includes the current value,
 * so a new high ranks 1 rather than above 1.
 */
export function ivRank(
  history: readonly number[],
  current: number,
  opts: IvRankOptions = DEFAULT_IV_RANK,
): IvRank | Insufficient {
  const bad = badCurrent(current);
  if (bad) return bad;
  const w = trailing(history, opts.windowDays);
  if (w.length < opts.minDays)
    return { status: 'insufficient', reason: `insufficient history (${w.length} days)` };
  const low = Math.min(current, ...w);
  const high = Math.max(current, ...w);
  if (high === low) return { status: 'insufficient', reason: `flat history (every value ${low})` };
  return {
    status: 'ok',
    rank: (current - low) / (high - low),
    percentile: shareBelow(w, current),
    n: w.length,
    low,
    high,
    shortHistory:
      w.length < opts.windowDays ? `rests on ${w.length} of ${opts.windowDays} days of DVOL` : null,
  };
}

export interface ZScoreOptions {
  windowDays: number;
  /** Finding #19: 7 days of data gave noisy z-scores; 90 daily values is the floor. */
  minDays: number;
}

export const DEFAULT_ZSCORE: ZScoreOptions = { windowDays: 365, minDays: 90 };

export interface IvZScore {
  status: 'ok';
  z: number;
  mean: number;
  /** Sample standard deviation of the window. */
  sd: number;
  n: number;
}

/** (current − mean) / sd over the trailing window of daily closes. */
export function ivZScore(
  history: readonly number[],
  current: number,
  opts: ZScoreOptions = DEFAULT_ZSCORE,
): IvZScore | Insufficient {
  const bad = badCurrent(current);
  if (bad) return bad;
  const w = trailing(history, opts.windowDays);
  const n = w.length;
  if (n < opts.minDays) return { status: 'insufficient', reason: `insufficient history (${n} days)` };
  let mean = 0;
  for (const v of w) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of w) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return { status: 'insufficient', reason: 'flat history (zero dispersion)' };
  return { status: 'ok', z: (current - mean) / sd, mean, sd, n };
}

export type VolRegime = 'low' | 'normal' | 'elevated' | 'crisis';

export interface RegimeOptions {
  windowDays: number;
  minDays: number;
  /** Percentile cut-offs: low below `normal`, normal below `elevated`, elevated below `crisis`. */
  normal: number;
  elevated: number;
  crisis: number;
}

/**
 * Item H: a 90-day window follows regime shifts within a quarter (a 52-week rank still calls a
 * post-crash calm "low" for months). Cut-offs: the middle half of the quarter is normal; the top
 * 5 % — IV above 95 % of the last 90 days — is crisis.
 */
export const DEFAULT_REGIME: RegimeOptions = {
  windowDays: 90,
  minDays: 90,
  normal: 0.25,
  elevated: 0.75,
  crisis: 0.95,
};

export interface RegimeResult {
  status: 'ok';
  regime: VolRegime;
  percentile: number;
  n: number;
}

export function classifyRegime(percentile: number, o: RegimeOptions = DEFAULT_REGIME): VolRegime {
  if (percentile >= o.crisis) return 'crisis';
  if (percentile >= o.elevated) return 'elevated';
  if (percentile >= o.normal) return 'normal';
  return 'low';
}

/** Volatility regime from the current value's percentile in the trailing 90 daily closes. */
export function volRegime(
  history: readonly number[],
  current: number,
  opts: RegimeOptions = DEFAULT_REGIME,
): RegimeResult | Insufficient {
  const bad = badCurrent(current);
  if (bad) return bad;
  const w = trailing(history, opts.windowDays);
  if (w.length < opts.minDays)
    return { status: 'insufficient', reason: `insufficient history (${w.length} days)` };
  const percentile = shareBelow(w, current);
  return { status: 'ok', regime: classifyRegime(percentile, opts), percentile, n: w.length };
}
