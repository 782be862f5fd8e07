/**
 * Provenance spans and yearly risk on a hand-made market: one trader, figures worked out in the
 * comments. A span's P&L is the marked-to-market P&L booked at the closes inside it, day by day
 * (the span ends fall mid-month, so months alone could not split it).
 */
import { describe, expect, it } from 'vitest';
import { Grid } from '../../../src/core/farm/grid.js';
import { FarmHost } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { FarmState } from '../../../src/core/farm/state.js';
import { traderStatRow } from '../../../src/core/farm/stats.js';
import type { StepInput } from '../../../src/core/farm/step-input.js';
import { MS_PER_HOUR } from '../../../src/core/units.js';
import { HAND_RULES, handMarket, ONE_TRADER } from '../../support/hand-market.js';

const ONE = ONE_TRADER;
const RULES = HAND_RULES;
const T0 = Date.UTC(2023, 11, 28, 15, 0);
const H = MS_PER_HOUR;
const market = handMarket(T0, { expiryHours: 200 });
const mark = (midPips: number) => market.mark(midPips);
const candidate = (spreadId: number) => market.candidate({ spreadId });
const step = (h: number, monthIndex: number, over: Partial<StepInput> = {}) =>
  market.step(h, { monthIndex, ...over });
const close = (h: number, monthIndex: number, marks: [number, number][]) =>
  step(h, monthIndex, { isClose: true, marks: new Map(marks.map(([id, m]) => [id, mark(m)])) });

function runSpans(spans = true): FarmHost {
  const host = new FarmHost(new Grid(ONE), RULES, {
    months: 2,
    kernels: new JsFarmKernels(),
    // Two months in two calendar years (Dec 2023, Jan 2024).
    monthYear: Int32Array.from([0, 1]),
    spans: spans
      ? [
          { kind: 0, symbolLevel: 0, fromMs: T0, untilMs: T0 + 48 * H },
          { kind: 1, symbolLevel: 0, fromMs: T0, untilMs: T0 + 72 * H },
        ]
      : undefined,
  });
  let month = 0;
  for (const s of [
    step(0, 0, { candidates: [candidate(0)] }),
    close(6, 0, [[0, 6_000]]),
    close(30, 0, [[0, 4_000]]),
    step(50, 1, { candidates: [candidate(1)] }),
    close(54, 1, [
      [0, 3_000],
      [1, 5_000],
    ]),
    close(78, 1, [
      [0, 2_000],
      [1, 5_000],
    ]),
  ]) {
    if (s.monthIndex !== month) {
      host.startMonth();
      month = s.monthIndex;
    }
    host.step(s);
  }
  return host;
}

describe('P&L by provenance span', () => {
  it('books each close in the spans that hold it', () => {
    const host = runSpans();
    const st = host.state;
    // Entry: 5 % of $100,000 over a $450 max loss = 11 contracts; entry fees 2 × $0.65 × 11 = $14.30.
    // Close 1 (both spans): (5,000 − 6,000) pips × 11 − 1,430 = −12,430 cents.
    // Close 2 (both): (5,000 − 4,000) × 11 − 1,430 = 9,570 open; −12,430 → 9,570 = +22,000.
    // Close 3 (span 1 only): 2,000 × 11 − 1,430 = 20,570, and the second spread −1,430: 19,140, +9,570.
    // Close 4 (neither): profit target at 2,000 (≤ 2,500): 3,000 × 11 − 4 legs × 65 × 11 = 30,140
    // realised, the second spread −1,430 open: 28,710, +9,570.
    expect([...st.spanCents]).toEqual([-12_430 + 22_000, -12_430 + 22_000 + 9_570]);
    expect(host.spanPnlCents(0)).toEqual([9_570, 19_140]);
    expect([...st.monthlyCents]).toEqual([9_570, 19_140]);
    expect(host.equityCents(0) - 10_000_000).toBe(28_710);
    // Stored with the trader's statistics, after no_stop_share.
    expect(traderStatRow(host, 0).slice(-2)).toEqual([9_570, 19_140]);
  });

  it('keeps the max loss entered per calendar year', () => {
    const st = runSpans().state;
    // 11 contracts × 45,000 cents in December 2023; 11 more in January 2024 (equity $100,095.70 × 5 % / $450 = 11.1).
    expect(st.years).toBe(2);
    expect([...st.yearRiskCents]).toEqual([495_000, 495_000]);
  });

  it('a trader whose spans are not booked has none (null), not zero', () => {
    const host = runSpans(false);
    expect(host.spanPnlCents(0)).toEqual([null, null]);
    expect(traderStatRow(host, 0).slice(-2)).toEqual([null, null]);
  });

  it('a checkpoint keeps the spans and yearly risk; one written before them still loads', () => {
    const host = runSpans();
    const back = FarmState.deserialize(host.state.serialize(), 10_000_000);
    expect([...back.spanCents]).toEqual([...host.state.spanCents]);
    expect([...back.yearRiskCents]).toEqual([495_000, 495_000]);
    // The older layout ended at the monthly P&L: no spans, no years.
    const parts = host.state.serializeParts();
    const old = FarmState.deserialize(Buffer.concat(parts.slice(0, -5)), 10_000_000);
    expect(old.years).toBe(0);
    expect([...old.monthlyCents]).toEqual([9_570, 19_140]);
    expect([...old.spanCents]).toEqual([0, 0]);
  });
});
