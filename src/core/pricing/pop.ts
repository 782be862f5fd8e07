// Outcome statistics of a put credit spread held to expiry (sell put shortK, buy put longK < shortK),
// by simulation under any ModelSpec, plus GBM closed forms to check them against.
import { normCdf } from './bs.js';
import { pathCount, UnitStats } from './mc.js';
import type { ModelSpec } from './models.js';
import { type HestonScheme, simulatePaths } from './paths.js';

/** Broadie-Glasserman-Kou (1997) discrete-monitoring constant, -zeta(1/2)/sqrt(2 pi). */
export const BGK_BETA = 0.5826;

export interface SpreadOptions {
  S0: number;
  /** Strike of the put sold. */
  shortK: number;
  /** Strike of the put bought; must be below shortK. */
  longK: number;
  /** Net credit received per share. */
  credit: number;
  T: number;
  r: number;
  q: number;
  steps: number;
  /** Rounded up to an even count when antithetic. */
  paths: number;
  seed: number;
  /** Default true. */
  antithetic?: boolean;
  /** Heston family only; paths.ts default ('qe') when omitted. */
  scheme?: HestonScheme;
}

export interface SpreadOutcomes {
  /** P(P&L at expiry > 0) = P(S_T > breakeven). */
  pop: number;
  popSE: number;
  /** P(S <= shortK at S0 or any step of the grid): discrete monitoring, so below the continuous value. */
  pTouch: number;
  pTouchSE: number;
  /** P(S_T <= longK): the full width is lost. */
  pMaxLoss: number;
  pMaxLossSE: number;
  /** Mean P&L per share at expiry, undiscounted. */
  expectedPnl: number;
  expectedPnlSE: number;
  /** shortK - credit. */
  breakeven: number;
  /** Loss per share when S_T <= longK, as a positive number: (shortK - longK) - credit. */
  maxLoss: number;
  /** Paths actually simulated. */
  paths: number;
}

/** P&L per share at expiry: credit - (shortK - S_T)^+ + (longK - S_T)^+. */
export function spreadPnl(sT: number, shortK: number, longK: number, credit: number): number {
  const shortLeg = sT < shortK ? shortK - sT : 0;
  const longLeg = sT < longK ? longK - sT : 0;
  return credit - shortLeg + longLeg;
}

function checkSpread(o: SpreadOptions): void {
  if (!(Number.isFinite(o.shortK) && o.shortK > 0))
    throw new RangeError(`shortK must be finite and > 0, got ${o.shortK}`);
  if (!(Number.isFinite(o.longK) && o.longK > 0 && o.longK < o.shortK)) {
    throw new RangeError(`longK must be finite, > 0 and below shortK (${o.shortK}), got ${o.longK}`);
  }
  if (!Number.isFinite(o.credit)) throw new RangeError(`credit must be finite, got ${o.credit}`);
}

/**
 * Simulated outcome probabilities and expected P&L of a put credit spread held to expiry.
 * Every SE treats an antithetic pair's average as one sample (pair members are correlated).
 */
export function spreadOutcomes(spec: ModelSpec, opts: SpreadOptions): SpreadOutcomes {
  checkSpread(opts);
  const { shortK, longK, credit } = opts;
  const antithetic = opts.antithetic ?? true;
  const n = pathCount(opts.paths, antithetic);
  const sim = simulatePaths(spec, {
    S0: opts.S0,
    r: opts.r,
    q: opts.q,
    T: opts.T,
    steps: opts.steps,
    paths: n,
    seed: opts.seed,
    antithetic,
    scheme: opts.scheme,
    trackMin: true,
  });
  const terminal = sim.terminal;
  const min = sim.min!;
  const win = new UnitStats();
  const touch = new UnitStats();
  const maxLossHit = new UnitStats();
  const pnl = new UnitStats();
  const lanes = antithetic ? 2 : 1;
  for (let i = 0; i < n; i += lanes) {
    let w = 0;
    let t = 0;
    let m = 0;
    let p = 0;
    for (let k = i; k < i + lanes; k++) {
      const s = terminal[k];
      const v = spreadPnl(s, shortK, longK, credit);
      if (v > 0) w++;
      if (min[k] <= shortK) t++;
      if (s <= longK) m++;
      p += v;
    }
    win.push(w / lanes);
    touch.push(t / lanes);
    maxLossHit.push(m / lanes);
    pnl.push(p / lanes);
  }
  return {
    pop: win.mean,
    popSE: win.se(),
    pTouch: touch.mean,
    pTouchSE: touch.se(),
    pMaxLoss: maxLossHit.mean,
    pMaxLossSE: maxLossHit.se(),
    expectedPnl: pnl.mean,
    expectedPnlSE: pnl.se(),
    breakeven: shortK - credit,
    maxLoss: shortK - longK - credit,
    paths: n,
  };
}

/** GBM with drift mu: P(S_T > B) = N[(ln(S/B) + (mu - vol^2/2) T) / (vol sqrt(T))]. */
export function gbmProbAbove(S: number, B: number, mu: number, vol: number, T: number): number {
  const sd = vol * Math.sqrt(T);
  const m = Math.log(S / B) + (mu - 0.5 * vol * vol) * T;
  // no diffusion: the outcome is the deterministic forward
  if (!(sd > 0)) return m > 0 ? 1 : 0;
  return normCdf(m / sd);
}

/**
 * GBM with drift mu: P(min_{t<=T} S_t <= H) for H < S by the reflection principle,
 * N[(h - nu T)/(vol sqrt T)] + (H/S)^{2 nu / vol^2} N[(h + nu T)/(vol sqrt T)], h = ln(H/S), nu = mu - vol^2/2.
 * monitorDt > 0 approximates monitoring only every monitorDt years by moving the barrier
 * away from spot by exp(-BGK_BETA vol sqrt(monitorDt)) (Broadie, Glasserman & Kou 1997).
 */
export function gbmProbTouchBelow(
  S: number,
  H: number,
  mu: number,
  vol: number,
  T: number,
  monitorDt = 0,
): number {
  if (H >= S) return 1;
  const Heff = monitorDt > 0 ? H * Math.exp(-BGK_BETA * vol * Math.sqrt(monitorDt)) : H;
  const nu = mu - 0.5 * vol * vol;
  const h = Math.log(Heff / S);
  const sd = vol * Math.sqrt(T);
  if (!(sd > 0)) return h >= nu * T ? 1 : 0;
  return normCdf((h - nu * T) / sd) + Math.exp((2 * nu * h) / (vol * vol)) * normCdf((h + nu * T) / sd);
}
