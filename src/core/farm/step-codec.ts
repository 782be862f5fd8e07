import type { EntryCandidate, Regime, SpreadMark, StepInput } from './step-input.js';

/**
 * A step's input as flat float64 columns, for handing it to another thread: a typed array copies
 * as one block where a Map of objects is walked field by field. Every number the host reads
 * round-trips exactly; a mark's noFillReason (text for people, never read by the host) does not.
 */
export interface EncodedStep {
  head: Float64Array;
  candidates: Float64Array;
  marks: Float64Array;
}

const REGIMES: readonly Regime[] = ['low', 'normal', 'elevated', 'crisis'];
const HEAD = 10;
const CAND = 6;
const MARK = 12;

const orNaN = (v: number | null) => (v === null ? Number.NaN : v);
const orNull = (v: number) => (Number.isNaN(v) ? null : v);

export function encodeStep(inp: StepInput): EncodedStep {
  const head = new Float64Array(HEAD + inp.symbolAvail.length);
  head.set([
    inp.step,
    inp.tMs,
    inp.monthIndex,
    inp.isClose ? 1 : 0,
    inp.marketOpen ? 1 : 0,
    inp.blackout ? 1 : 0,
    orNaN(inp.warmth),
    orNaN(inp.ivRankPct),
    inp.sessionBucket,
    inp.regime === null ? -1 : REGIMES.indexOf(inp.regime),
  ]);
  head.set(inp.symbolAvail, HEAD);
  const candidates = new Float64Array(inp.candidates.length * CAND);
  inp.candidates.forEach((c, i) => {
    const o = i * CAND;
    if (!c) {
      candidates[o] = -1;
      return;
    }
    candidates[o] = c.spreadId;
    candidates[o + 1] = c.creditPips;
    candidates[o + 2] = c.midPips;
    candidates[o + 3] = c.maxLossCents;
    candidates[o + 4] = c.deltaUsd;
    candidates[o + 5] = c.vegaUsd;
  });
  const marks = new Float64Array(inp.marks.size * MARK);
  let o = 0;
  for (const [id, m] of inp.marks) {
    marks[o] = id;
    marks[o + 1] = m.midPips;
    marks[o + 2] = m.closeDebitPips;
    marks[o + 3] = m.assign ? 1 : 0;
    marks[o + 4] = m.assignDebitPips;
    marks[o + 5] = m.expiresNow ? 1 : 0;
    marks[o + 6] = m.settlePips;
    marks[o + 7] = m.greeks ? 1 : 0;
    marks[o + 8] = m.greeks ? m.greeks.deltaUsd : 0;
    marks[o + 9] = m.greeks ? m.greeks.vegaUsd : 0;
    marks[o + 10] = m.dteDays;
    marks[o + 11] = m.expiryMs;
    o += MARK;
  }
  return { head, candidates, marks };
}

export function decodeStep(e: EncodedStep): StepInput {
  const h = e.head;
  const candidates: (EntryCandidate | null)[] = [];
  for (let o = 0; o < e.candidates.length; o += CAND) {
    const c = e.candidates;
    candidates.push(
      c[o] < 0
        ? null
        : {
            spreadId: c[o],
            creditPips: c[o + 1],
            midPips: c[o + 2],
            maxLossCents: c[o + 3],
            deltaUsd: c[o + 4],
            vegaUsd: c[o + 5],
          },
    );
  }
  const marks = new Map<number, SpreadMark>();
  for (let o = 0; o < e.marks.length; o += MARK) {
    const m = e.marks;
    marks.set(m[o], {
      midPips: m[o + 1],
      closeDebitPips: m[o + 2],
      noFillReason: null,
      assign: m[o + 3] === 1,
      assignDebitPips: m[o + 4],
      expiresNow: m[o + 5] === 1,
      settlePips: m[o + 6],
      greeks: m[o + 7] === 1 ? { deltaUsd: m[o + 8], vegaUsd: m[o + 9] } : null,
      dteDays: m[o + 10],
      expiryMs: m[o + 11],
    });
  }
  return {
    step: h[0],
    tMs: h[1],
    monthIndex: h[2],
    isClose: h[3] === 1,
    marketOpen: h[4] === 1,
    blackout: h[5] === 1,
    warmth: orNull(h[6]),
    ivRankPct: orNull(h[7]),
    sessionBucket: h[8],
    regime: h[9] < 0 ? null : REGIMES[h[9]],
    symbolAvail: Array.from(h.subarray(HEAD)),
    candidates,
    marks,
  };
}
