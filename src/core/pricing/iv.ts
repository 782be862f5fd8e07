/** Black-Scholes-Merton implied volatility: bound checks, then safeguarded Newton with bisection fallback. */

import { bsGreeks, checkInputs, type Right } from './bs.js';

export interface ImpliedVolOptions {
  /** Bracket; the answer must lie in [lo, hi]. Defaults 1e-4 and 10. */
  lo?: number;
  hi?: number;
  /** Stop when the vol moves less than tol (absolute). Default 1e-12. */
  tol?: number;
  maxIter?: number;
}

export type ImpliedVolResult = { vol: number } | { vol: null; reason: string };

/**
 * Solves on the out-of-the-money side (parity-converted), in log price: for small prices ln C(vol)
 * is far more linear than C(vol), so Newton converges for deep OTM/ITM options and tiny vegas.
 * Every iterate keeps a bracket; a Newton step leaving it is replaced by bisection.
 */
export function impliedVol(
  right: Right,
  price: number,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  opts?: ImpliedVolOptions,
): ImpliedVolResult {
  if (right !== 'call' && right !== 'put')
    throw new RangeError(`right must be 'call' or 'put', got ${right}`);
  checkInputs(S, K, T, r, q, 0.2);
  if (!Number.isFinite(price)) return { vol: null, reason: `price is not a finite number (${price})` };
  if (!(T > 0)) return { vol: null, reason: 'option has expired (T <= 0): no time value to invert' };
  const lo = opts?.lo ?? 1e-4;
  const hi = opts?.hi ?? 10;
  const tol = opts?.tol ?? 1e-12;
  const maxIter = opts?.maxIter ?? 100;
  if (!(lo > 0 && hi > lo)) throw new RangeError(`need 0 < lo < hi, got lo=${lo} hi=${hi}`);

  const sFwd = S * Math.exp(-q * T);
  const kFwd = K * Math.exp(-r * T);
  const call = right === 'call';
  const lower = Math.max(call ? sFwd - kFwd : kFwd - sFwd, 0);
  const upper = call ? sFwd : kFwd;
  // A few ulps under the bound is rounding of a price with no time value, not an arbitrage.
  const ulps = 8 * Number.EPSILON * Math.max(upper, 1);
  if (price < lower - ulps) {
    return {
      vol: null,
      reason: `price ${price} is below the no-arbitrage lower bound ${lower} (intrinsic value)`,
    };
  }
  if (price >= upper) {
    return { vol: null, reason: `price ${price} is at or above the no-arbitrage upper bound ${upper}` };
  }
  // OTM side: call when K >= forward, else put; parity moves the price across.
  const otmRight: Right = kFwd >= sFwd ? 'call' : 'put';
  const target = otmRight === right ? price : price - lower;
  if (!(target > 0))
    return { vol: null, reason: 'price equals intrinsic value: no time value, implied vol undefined' };
  const lnTarget = Math.log(target);

  const value = (v: number) => bsGreeks(otmRight, S, K, T, r, q, v);
  const pLo = value(lo).price;
  if (pLo >= target) return { vol: null, reason: `implied vol is below the search floor ${lo}` };
  const pHi = value(hi).price;
  if (pHi <= target) return { vol: null, reason: `implied vol is above the search cap ${hi}` };

  // Start at the inflection point of C(vol) (Manaster-Koehler) or the ATM (Brenner-Subrahmanyam) guess.
  const mk = Math.sqrt((2 * Math.abs(Math.log(sFwd / kFwd))) / T);
  const atm = (Math.sqrt((2 * Math.PI) / T) * target) / sFwd;
  let a = lo;
  let b = hi;
  let x = Math.min(Math.max(Math.max(mk, atm), lo), hi);
  for (let i = 0; i < maxIter; i++) {
    const g = value(x);
    if (g.price === target) return { vol: x };
    if (g.price < target) a = x;
    else b = x;
    let next = Number.NaN;
    if (g.price > 0 && g.vega > 0) next = x + ((lnTarget - Math.log(g.price)) * g.price) / g.vega;
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (Math.abs(next - x) <= tol || b - a <= tol) return { vol: next };
    x = next;
  }
  // Bracket is still valid; its midpoint is the best estimate if iterations ran out.
  return { vol: 0.5 * (a + b) };
}
