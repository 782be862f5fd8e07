/**
 * BTC momentum from hourly bars (oldest first or not: bars are looked up by start time, so a
 * missing hour never shifts "24 h ago" onto the wrong bar).
 *
 *   ret24h, ret7d   simple returns close-to-close over 24 h and 168 h
 *   hourlyVol       sample sd of 1 h log returns over the last 168 h (consecutive bars only)
 *   z24h = ln(1 + ret24h) / (hourlyVol·√24),  z7d = ln(1 + ret7d) / (hourlyVol·√168)
 *   score = (z24h + z7d) / 2
 *
 * Scaling by the week's own volatility makes a score of −2 mean "a two-sigma sell-off" whether BTC
 * is calm or wild; the 24 h term catches the sharp moves that hurt put sellers, the 7 d term the trend.
 */

import type { Bar } from '../market/port.js';
import { MS_PER_HOUR } from '../units.js';
import type { Insufficient } from './iv.js';

export interface Momentum {
  status: 'ok';
  /** End of the latest bar (epoch ms). */
  asOfMs: number;
  ret24h: number;
  ret7d: number;
  hourlyVol: number;
  z24h: number;
  z7d: number;
  score: number;
}

export interface MomentumOptions {
  /** Fewest 1 h returns in the week needed for a volatility estimate (of 168). */
  minVolSamples: number;
}

export const DEFAULT_MOMENTUM: MomentumOptions = { minVolSamples: 150 };

export function momentum(
  bars: readonly Bar[],
  opts: MomentumOptions = DEFAULT_MOMENTUM,
): Momentum | Insufficient {
  if (bars.length === 0) return { status: 'insufficient', reason: 'no bars' };
  const byStart = new Map<number, number>();
  let last = bars[0];
  for (const b of bars) {
    if (b.durationMs !== MS_PER_HOUR)
      return { status: 'insufficient', reason: `bars are not hourly (${b.durationMs} ms)` };
    if (!(Number.isFinite(b.close) && b.close > 0)) continue;
    byStart.set(b.startMs, b.close);
    if (b.startMs > last.startMs) last = b;
  }
  const now = byStart.get(last.startMs);
  if (now === undefined) return { status: 'insufficient', reason: 'latest bar has no close' };
  const c24 = byStart.get(last.startMs - 24 * MS_PER_HOUR);
  if (c24 === undefined) return { status: 'insufficient', reason: 'no bar 24 h before the latest' };
  const c7d = byStart.get(last.startMs - 168 * MS_PER_HOUR);
  if (c7d === undefined) return { status: 'insufficient', reason: 'no bar 7 days before the latest' };

  const rets: number[] = [];
  for (let h = 167; h >= 0; h--) {
    const a = byStart.get(last.startMs - (h + 1) * MS_PER_HOUR);
    const b = byStart.get(last.startMs - h * MS_PER_HOUR);
    if (a !== undefined && b !== undefined) rets.push(Math.log(b / a));
  }
  if (rets.length < opts.minVolSamples)
    return { status: 'insufficient', reason: `only ${rets.length} hourly returns in the last 7 days` };
  const mean = rets.reduce((s, x) => s + x, 0) / rets.length;
  const hourlyVol = Math.sqrt(rets.reduce((s, x) => s + (x - mean) ** 2, 0) / (rets.length - 1));
  if (!(hourlyVol > 0)) return { status: 'insufficient', reason: 'no price movement in the last 7 days' };

  const z24h = Math.log(now / c24) / (hourlyVol * Math.sqrt(24));
  const z7d = Math.log(now / c7d) / (hourlyVol * Math.sqrt(168));
  return {
    status: 'ok',
    asOfMs: last.startMs + MS_PER_HOUR,
    ret24h: now / c24 - 1,
    ret7d: now / c7d - 1,
    hourlyVol,
    z24h,
    z7d,
    score: (z24h + z7d) / 2,
  };
}
