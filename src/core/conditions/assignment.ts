/**
 * Early exercise of a short American put (IBIT and BITO options are American): the one valuation
 * `argus signal` and the farm share.
 *
 * The holder exercises at the close when the put is at or below its American exercise boundary:
 * on a lattice with the rate, the fund's discrete distributions before expiry and the chain's IV
 * at the strike, exercising now is worth at least holding. The time value is that lattice's value
 * less intrinsic, so it is never negative (a European synthetic price is, deep in the money).
 *
 * `assignmentRisk` is signal's conservative flag on that valuation: exercise is optimal, or the
 * time value left is under `minTimeValue`, or the put is deep in the money (|delta| ≥ `deepDelta`)
 * within `nearExpiryDays` of expiry.
 */

import { bsGreeks, bsPrice } from '../pricing/bs.js';
import {
  americanPutWithDistributions,
  type CashDistribution,
  netOfDistributions,
} from '../pricing/lattice.js';

export interface ExerciseInput {
  S: number;
  K: number;
  /** Years to expiry. */
  T: number;
  r: number;
  /** The chain's implied vol at the strike. */
  vol: number;
  /** The fund's cash distributions going ex before expiry ([] for IBIT). */
  distributions: readonly CashDistribution[];
}

export interface PutExercise {
  intrinsic: number;
  /** American value, USD per share. */
  value: number;
  /** value − intrinsic, ≥ 0. */
  timeValue: number;
  /** The holder exercises at this close. */
  exercise: boolean;
}

export function putExercise(x: ExerciseInput): PutExercise {
  const v = americanPutWithDistributions(x.S, x.K, x.T, x.r, x.vol, x.distributions);
  const intrinsic = Math.max(x.K - x.S, 0);
  return { intrinsic, value: v.value, timeValue: v.value - intrinsic, exercise: v.exerciseNow };
}

/**
 * The holder's decision alone, as `putExercise` decides it: holding is worth at least the
 * European put on the price net of the distributions ahead, so while that is above intrinsic the
 * lattice is not needed (most in-the-money puts, most closes).
 */
export function exercisesNow(x: ExerciseInput): boolean {
  const intrinsic = Math.max(x.K - x.S, 0);
  if (intrinsic <= 0) return false;
  if (x.T > 0 && x.vol > 0) {
    const ahead = x.distributions.filter((d) => d.tYears <= x.T);
    const euro = bsPrice('put', netOfDistributions(x.S, ahead, x.r), x.K, x.T, x.r, 0, x.vol);
    if (euro > intrinsic) return false;
  }
  return putExercise(x).exercise;
}

export interface AssignmentOptions {
  /** USD per share. Below two pennies a holder gives up nothing by exercising. */
  minTimeValue: number;
  /** |put delta| at which a put counts as deep in the money. */
  deepDelta: number;
  /** Calendar days to expiry that count as "near". */
  nearExpiryDays: number;
}

export const DEFAULT_ASSIGNMENT: AssignmentOptions = {
  minTimeValue: 0.02,
  deepDelta: 0.9,
  nearExpiryDays: 7,
};

export interface AssignmentRisk {
  atRisk: boolean;
  reason: string;
  intrinsic: number;
  /** USD per share, from the American valuation (never negative). */
  timeValue: number;
  exerciseOptimal: boolean;
}

export function assignmentRisk(
  x: ExerciseInput,
  opts: AssignmentOptions = DEFAULT_ASSIGNMENT,
): AssignmentRisk {
  const e = putExercise(x);
  if (e.intrinsic <= 0) {
    return {
      atRisk: false,
      reason: 'out of the money: never exercised early',
      intrinsic: 0,
      timeValue: e.timeValue,
      exerciseOptimal: false,
    };
  }
  if (x.T <= 0) {
    return {
      atRisk: true,
      reason: 'expiring in the money: exercised automatically',
      intrinsic: e.intrinsic,
      timeValue: 0,
      exerciseOptimal: true,
    };
  }
  const delta = bsGreeks('put', x.S, x.K, x.T, x.r, 0, x.vol).delta;
  const why: string[] = [];
  if (e.exercise) why.push('early exercise is optimal (spot at or below the exercise boundary)');
  if (e.timeValue < opts.minTimeValue)
    why.push(`time value ${e.timeValue.toFixed(3)} < ${opts.minTimeValue.toFixed(2)}`);
  const days = x.T * 365;
  if (-delta >= opts.deepDelta && days <= opts.nearExpiryDays)
    why.push(`deep in the money (delta ${delta.toFixed(2)}) with ${days.toFixed(1)} days left`);
  return {
    atRisk: why.length > 0,
    reason:
      why.length > 0 ? why.join('; ') : `in the money, time value ${e.timeValue.toFixed(3)} still protects`,
    intrinsic: e.intrinsic,
    timeValue: e.timeValue,
    exerciseOptimal: e.exercise,
  };
}
