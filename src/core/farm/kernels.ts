/**
 * The farm's per-step decision kernels, written once in the subset of JavaScript that gpu.js
 * compiles (no closures, no objects, numbers only). Every input a decision compares is an integer
 * below 2^24 (pips, tenths, basis points, level indices), so float32 engines decide exactly as
 * float64 ones do. Money is never computed here: the host applies decisions in float64.
 */

/** Constants of the exit kernel (gpu.js `this.constants`). */
export interface ExitConstants {
  [key: string]: number;
  slots: number;
}

/**
 * Exit decision for one position slot: 0 none, 1 early assignment, 2 stop, 3 profit target,
 * 4 trailing stop. Marks are the spread's mid in pips; −1 = not marked this step.
 */
export function exitKernel(
  this: { thread: { x: number } },
  spread: number[],
  ptMid: number[],
  stopMid: number[],
  armMid: number[],
  trailGap: number[],
  lowMid: number[],
  markMid: number[],
  assign: number[],
): number {
  const i = this.thread.x;
  const sp = spread[i];
  if (sp < 0) return 0;
  const mid = markMid[sp];
  if (mid < 0) return 0;
  if (assign[sp] > 0) return 1;
  if (mid >= stopMid[i]) return 2;
  if (mid <= ptMid[i]) return 3;
  if (trailGap[i] >= 0 && lowMid[i] <= armMid[i] && mid >= lowMid[i] + trailGap[i]) return 4;
  return 0;
}

/**
 * exitKernel's decision for a slot whose spread is marked (mid ≥ 0), as a plain function: the js
 * engine's host applies it inside its own pass over the slots (kernels-js.ts uses it too).
 */
export function exitCode(
  mid: number,
  assigned: number,
  ptMid: number,
  stopMid: number,
  armMid: number,
  trailGap: number,
  lowMid: number,
): number {
  if (assigned > 0) return 1;
  if (mid >= stopMid) return 2;
  if (mid <= ptMid) return 3;
  if (trailGap >= 0 && lowMid <= armMid && mid >= lowMid + trailGap) return 4;
  return 0;
}

/**
 * The mid at or above which exitCode fires by stop or trailing stop for a slot not assigned: the
 * stop, or the trailing stop once armed where lower. exitCode is 0 whenever ptMid < mid < exitHi
 * and the spread is not assigned, so a host may ask it only at those edges (a test holds this).
 */
export function exitHi(stopMid: number, armMid: number, trailGap: number, lowMid: number): number {
  if (trailGap >= 0 && lowMid <= armMid) {
    const trail = lowMid + trailGap;
    return Math.min(trail, stopMid);
  }
  return stopMid;
}

/**
 * Entry filter for one trader: 0 = may enter, else a skip reason (see SKIP in rules.ts).
 * Step scalars: [marketOpen, blackout, warmthTenths (−1 unknown), ivRankBp (−1 unknown),
 * sessionBucket (0 none, 1 morning, 2 midday, 3 afternoon), regimeSizeZero (1 = no entries)].
 * Trader levels: warmth floor in tenths, IV-rank floor in bp, session filter (0 any, 1..3),
 * candidate combo index, blocked (breaker), open count; slot spreads give duplicates.
 */
export function entryKernel(
  this: { thread: { x: number }; constants: { slots: number; maxOpen: number } },
  step: number[],
  warmthFloorTenths: number[],
  ivRankFloorBp: number[],
  sessionFilter: number[],
  combo: number[],
  symbolLevel: number[],
  symbolAvail: number[],
  blocked: number[],
  openCount: number[],
  slotSpread: number[],
  candidateSpread: number[],
): number {
  const i = this.thread.x;
  if (step[0] < 1) return 1;
  if (step[1] > 0) return 2;
  // Inner indices go through locals: gpu.js's GLSL hoisting breaks on two nested lookups.
  const sl = symbolLevel[i];
  if (symbolAvail[sl] < 1) return 11;
  if (step[2] < warmthFloorTenths[i]) return 3;
  if (ivRankFloorBp[i] > 0 && step[3] < ivRankFloorBp[i]) return 4;
  if (sessionFilter[i] > 0 && step[4] !== sessionFilter[i]) return 5;
  if (step[5] > 0) return 6;
  if (blocked[i] > 0) return 7;
  const ci = combo[i];
  const sp = candidateSpread[ci];
  if (sp < 0) return 8;
  if (openCount[i] >= this.constants.maxOpen) return 9;
  const base = i * this.constants.slots;
  for (let k = 0; k < this.constants.slots; k++) {
    if (slotSpread[base + k] === sp) return 10;
  }
  return 0;
}
