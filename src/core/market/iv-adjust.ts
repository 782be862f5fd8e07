/**
 * The intraday IV level: DVOL is known only at the end of its UTC day, so on a crash day the
 * chain would be priced all session at yesterday's close. The level is moved by what is visible
 * at the step — BTC's log move since the DVOL stamp (the day's 00:00Z) — through a relation fitted
 * on the daily history before the day priced:
 *
 *   ln(DVOL_d / DVOL_{d−1}) ≈ βdown · min(r_d, 0) + βup · max(r_d, 0),   r_d = ln(BTC_d / BTC_{d−1})
 *
 * (daily closes at 24:00 UTC). No intercept, so a quiet day leaves the level where it was; the two
 * slopes are separate because a fall lifts vol more than a rise (least squares, each slope on its
 * own days). A fit uses only days that ended before the day priced.
 */
import { MS_PER_DAY } from '../units.js';

export interface IvMoveFit {
  downBeta: number;
  upBeta: number;
  /** Days the fit rests on (down, up). */
  nDown: number;
  nUp: number;
  /** The last day (UTC date) in the fit. */
  throughDate: string;
}

/** Fewer days than this on either side and the level is left unadjusted. */
export const MIN_FIT_DAYS = 60;

/** Prefix sums of the daily pairs, so the fit before any day costs one binary search. */
export class IvMoveRelation {
  private readonly dayMs: Float64Array;
  private readonly dates: string[];
  // cumulative Σx², Σxy and counts, down and up, through index i (inclusive)
  private readonly sxxD: Float64Array;
  private readonly sxyD: Float64Array;
  private readonly nD: Int32Array;
  private readonly sxxU: Float64Array;
  private readonly sxyU: Float64Array;
  private readonly nU: Int32Array;

  /** `days`: ascending UTC day starts with that day's BTC log return and DVOL log change. */
  constructor(days: readonly { dayMs: number; date: string; btcLogReturn: number; dvolLogChange: number }[]) {
    const n = days.length;
    this.dayMs = new Float64Array(n);
    this.dates = [];
    this.sxxD = new Float64Array(n);
    this.sxyD = new Float64Array(n);
    this.nD = new Int32Array(n);
    this.sxxU = new Float64Array(n);
    this.sxyU = new Float64Array(n);
    this.nU = new Int32Array(n);
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let e = 0;
    let f = 0;
    days.forEach((day, i) => {
      if (i > 0 && day.dayMs <= days[i - 1].dayMs) throw new Error('IV move days must ascend');
      const x = day.btcLogReturn;
      const y = day.dvolLogChange;
      if (x < 0) {
        a += x * x;
        b += x * y;
        c++;
      } else if (x > 0) {
        d += x * x;
        e += x * y;
        f++;
      }
      this.dayMs[i] = day.dayMs;
      this.dates.push(day.date);
      this.sxxD[i] = a;
      this.sxyD[i] = b;
      this.nD[i] = c;
      this.sxxU[i] = d;
      this.sxyU[i] = e;
      this.nU[i] = f;
    });
  }

  /** The fit on the days that ended at or before `endMs` (a day ends at its start + 24 h); null if too few. */
  fitThrough(endMs: number): IvMoveFit | null {
    const lastStart = endMs - MS_PER_DAY;
    let lo = 0;
    let hi = this.dayMs.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.dayMs[mid] <= lastStart) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (i < 0 || this.nD[i] < MIN_FIT_DAYS || this.nU[i] < MIN_FIT_DAYS) return null;
    return {
      downBeta: this.sxyD[i] / this.sxxD[i],
      upBeta: this.sxyU[i] / this.sxxU[i],
      nDown: this.nD[i],
      nUp: this.nU[i],
      throughDate: this.dates[i],
    };
  }
}

/** The level moved by BTC's log move since the DVOL stamp: raw × exp(β · move). */
export function adjustIv(raw: number, btcMove: number, fit: IvMoveFit): number {
  return raw * Math.exp((btcMove < 0 ? fit.downBeta : fit.upBeta) * btcMove);
}
