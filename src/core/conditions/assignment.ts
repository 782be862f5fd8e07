/**
 * Early-assignment risk on a short American put (IBIT and BITO options are American, and
 * the seed modelled no early assignment).
 *
 * A holder exercises a put early only when it is in the money and the time value left is worth less
 * than what exercise gains (interest on the strike): an OTM put is never at risk. An ITM short
 * put is flagged when any of these holds:
 *  - its time value (quote mid − intrinsic, or the American lattice value − intrinsic without a
 *    usable quote) is below `minTimeValue` — nothing left for the holder to give up;
 *  - exercise is optimal on the lattice (spot at or below the early-exercise boundary);
 *  - it is deep in the money (|delta| ≥ `deepDelta`) within `nearExpiryDays` of expiry, where
 *    the time value is mostly noise in the quote.
 * Dividends make early put exercise less likely, so BITO's distributions do not add put risk.
 */

import { bsGreeks, checkInputs } from '../pricing/bs.js';
import { americanPrice, earlyExerciseOptimal } from '../pricing/lattice.js';

export interface AssignmentInput {
  right: 'put';
  S: number;
  K: number;
  /** Years to expiry. */
  T: number;
  r: number;
  q: number;
  vol: number;
  /** Quote of the short put, when there is one (null = not quoted). */
  bid?: number | null;
  ask?: number | null;
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
  /** USD per share; negative when the quote trades below intrinsic. */
  timeValue: number;
  timeValueSource: 'quote' | 'model';
  exerciseOptimal: boolean;
}

/** A usable two-sided quote gives the market's time value; otherwise the model's. */
function quoteMid(bid: number | null | undefined, ask: number | null | undefined): number | null {
  if (bid === null || bid === undefined || ask === null || ask === undefined) return null;
  if (!(Number.isFinite(bid) && Number.isFinite(ask) && bid >= 0 && ask > 0 && bid <= ask)) return null;
  return (bid + ask) / 2;
}

export function assignmentRisk(
  x: AssignmentInput,
  opts: AssignmentOptions = DEFAULT_ASSIGNMENT,
): AssignmentRisk {
  if (x.right !== 'put') throw new RangeError(`assignmentRisk: only puts are modelled, got ${x.right}`);
  checkInputs(x.S, x.K, x.T, x.r, x.q, x.vol);
  const intrinsic = Math.max(x.K - x.S, 0);
  const mid = quoteMid(x.bid, x.ask);
  const value = (): number => americanPrice('put', x.S, x.K, x.T, x.r, x.q, x.vol);
  const timeValueOf = () =>
    mid !== null
      ? { timeValue: mid - intrinsic, timeValueSource: 'quote' as const }
      : { timeValue: value() - intrinsic, timeValueSource: 'model' as const };

  if (intrinsic <= 0) {
    return {
      atRisk: false,
      reason: 'out of the money: never exercised early',
      intrinsic: 0,
      exerciseOptimal: false,
      ...timeValueOf(),
    };
  }
  if (x.T <= 0) {
    return {
      atRisk: true,
      reason: 'expiring in the money: exercised automatically',
      intrinsic,
      timeValue: 0,
      timeValueSource: 'model',
      exerciseOptimal: true,
    };
  }
  const tv = timeValueOf();
  const exerciseOptimal = earlyExerciseOptimal('put', x.S, x.K, x.T, x.r, x.q, x.vol);
  const delta = bsGreeks('put', x.S, x.K, x.T, x.r, x.q, x.vol).delta;
  const why: string[] = [];
  if (tv.timeValue < opts.minTimeValue)
    why.push(
      `time value ${tv.timeValue.toFixed(3)} < ${opts.minTimeValue.toFixed(2)} (${tv.timeValueSource})`,
    );
  if (exerciseOptimal) why.push('early exercise is optimal (spot at or below the exercise boundary)');
  const days = x.T * 365;
  if (-delta >= opts.deepDelta && days <= opts.nearExpiryDays)
    why.push(`deep in the money (delta ${delta.toFixed(2)}) with ${days.toFixed(1)} days left`);
  return {
    atRisk: why.length > 0,
    reason:
      why.length > 0 ? why.join('; ') : `in the money, time value ${tv.timeValue.toFixed(3)} still protects`,
    intrinsic,
    exerciseOptimal,
    ...tv,
  };
}
