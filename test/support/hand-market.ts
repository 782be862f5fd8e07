/**
 * A small hand-made market for the farm host's tests: one IBIT trader (or a grid built on it),
 * rules with the caps out of the way, and builders for a candidate, a mark and a step whose
 * figures the tests work out by hand.
 */
import type { GridSpec } from '../../src/core/farm/grid.js';
import { DEFAULT_RULES, type FarmRules } from '../../src/core/farm/rules.js';
import {
  type EntryCandidate,
  NO_FILL,
  type SpreadMark,
  type StepInput,
} from '../../src/core/farm/step-input.js';
import { MS_PER_HOUR } from '../../src/core/units.js';

/** One trader: IBIT, warmth floor 4, no IV-rank floor, any session, 30 DTE, Δ 0.2, $5 wide, PT 50 %, stop 1×, no trail, size 5 %. */
export const ONE_TRADER: GridSpec = {
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [30],
  shortDelta: [0.2],
  width: [5],
  profitTargetPct: [50],
  stopLossX: [1],
  trailingStopPct: [0],
  sizePct: [5],
};

/** Caps out of the way unless a test sets them: each test meets one rule at a time. */
export const HAND_RULES: FarmRules = {
  ...DEFAULT_RULES,
  capitalUsd: 100_000,
  feePerContractPerLegUsd: 0.65,
  btcExposureFrac: 1,
  deltaCapFrac: 10,
  vegaCapFrac: 10,
};

/**
 * Builders on a market that starts at t0. A candidate is spread 0: credit $0.50 (5,000 pips) on a
 * $5 width, max loss $4.50 a share = 45,000 cents a contract, +$1,000 of delta and −$20 of vega a
 * contract. Marks expire `expiryHours` after t0; a step at t0 + h hours has entries open, warmth
 * 10, a normal regime and no candidate for each of `combos` market combinations unless given.
 */
export function handMarket(t0: number, opts: { expiryHours: number; combos?: number }) {
  const candidate = (over: Partial<EntryCandidate> = {}): EntryCandidate => ({
    spreadId: 0,
    creditPips: 5_000,
    midPips: 5_000,
    maxLossCents: 45_000,
    deltaUsd: 1_000,
    vegaUsd: -20,
    ...over,
  });
  const mark = (midPips: number, over: Partial<SpreadMark> = {}): SpreadMark => ({
    midPips,
    closeDebitPips: midPips,
    noFillReason: null,
    assign: false,
    assignDebitPips: NO_FILL,
    expiresNow: false,
    settlePips: 0,
    greeks: null,
    dteDays: 20,
    expiryMs: t0 + opts.expiryHours * MS_PER_HOUR,
    ...over,
  });
  const step = (h: number, over: Partial<StepInput> = {}): StepInput => ({
    step: h,
    tMs: t0 + h * MS_PER_HOUR,
    monthIndex: 0,
    isClose: false,
    marketOpen: true,
    blackout: false,
    warmth: 10,
    ivRankPct: 50,
    sessionBucket: 1,
    regime: 'normal',
    symbolAvail: [1],
    candidates: Array.from({ length: opts.combos ?? 1 }, () => null),
    marks: new Map(),
    ...over,
  });
  return { candidate, mark, step };
}
