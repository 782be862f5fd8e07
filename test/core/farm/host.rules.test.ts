/**
 * Every farm rule on a small hand-made market, with the number it must give worked out in the
 * comment above each assertion. Each case runs the engine (FarmHost with the js kernels) and the
 * plain reference trader on the same steps and requires both to give that number, so a rule
 * changed in both (what parity cannot see) fails here. `npm run mutations` re-checks that.
 */
import { describe, expect, it } from 'vitest';
import { Grid, type GridSpec } from '../../../src/core/farm/grid.js';
import { type ClosedTrade, FarmHost } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { ReferenceTrader } from '../../../src/core/farm/reference.js';
import { EXIT_REASON, type FarmRules, SKIP } from '../../../src/core/farm/rules.js';
import { traderStatRow } from '../../../src/core/farm/stats.js';
import {
  type EntryCandidate,
  NO_FILL,
  type SpreadMark,
  type StepInput,
} from '../../../src/core/farm/step-input.js';
import { MS_PER_HOUR } from '../../../src/core/units.js';
import { HAND_RULES, handMarket, ONE_TRADER } from '../../support/hand-market.js';

const ONE = ONE_TRADER;
const RULES = HAND_RULES;
const T0 = Date.UTC(2026, 2, 2, 15, 0);
const H = MS_PER_HOUR;
const { candidate, mark, step } = handMarket(T0, { expiryHours: 100 });

const enterAt = (h: number, c: Partial<EntryCandidate> = {}, over: Partial<StepInput> = {}) =>
  step(h, { candidates: [candidate(c)], ...over });
const markAt = (h: number, id: number, m: SpreadMark, over: Partial<StepInput> = {}) =>
  step(h, { marks: new Map([[id, m]]), ...over });

interface Outcome {
  trades: ClosedTrade[];
  /** Contracts of each position opened, in order. */
  opened: number[];
  /** Skip reason per step (0 = entered or no entry attempted). */
  skips: number[];
  realizedCents: number;
  equityCents: number;
  noStopEntries: number;
  /** The trader's stored statistics row (trader_stats column order after run_no). */
  statRow: (number | null)[];
}

/** Runs the steps through the engine and the reference; both must agree, and the engine's outcome is returned. */
function run(steps: StepInput[], rules: FarmRules = RULES, spec: GridSpec = ONE): Outcome {
  const grid = new Grid(spec);
  expect(grid.count).toBe(1);
  const trades: ClosedTrade[] = [];
  const opened: number[] = [];
  const skips: number[] = [];
  const host = new FarmHost(grid, rules, {
    months: 2,
    kernels: new JsFarmKernels(),
    onClose: (t) => trades.push(t),
    onOpen: (p) => opened.push(p.contracts),
  });
  const ref = new ReferenceTrader(grid.config(0), rules, 0, 0);
  let month = 0;
  for (const s of steps) {
    if (s.monthIndex !== month) {
      host.startMonth();
      ref.startMonth();
      month = s.monthIndex;
    }
    const sum = host.step(s);
    skips.push(
      Math.max(
        0,
        sum.skipsByReason.findIndex((v, k) => k > 0 && v > 0),
      ),
    );
    ref.step(s);
  }
  const refOpened = ref.events.filter((e) => e.kind === 'open').length;
  expect(refOpened, 'reference opened as many positions as the engine').toBe(opened.length);
  expect(
    ref.trades.map((t) => [t.reason, t.contracts, t.exitPips, t.pnlCents, t.exitMs]),
    'reference trades',
  ).toEqual(trades.map((t) => [t.reason, t.contracts, t.exitPips, t.pnlCents, t.exitMs]));
  expect(ref.realizedCents).toBe(host.state.t.realizedCents[0]);
  expect(ref.equity()).toBe(host.equityCents(0));
  const refSkips = steps.map(
    (s) => ref.events.find((e) => e.step === s.step && e.kind === 'skip')?.reason ?? 0,
  );
  expect(refSkips, 'reference skip reasons').toEqual(skips);
  expect(ref.noStopEntries).toBe(host.state.t.noStopEntries[0]);
  return {
    trades,
    opened,
    skips,
    realizedCents: host.state.t.realizedCents[0],
    equityCents: host.equityCents(0),
    noStopEntries: host.state.t.noStopEntries[0],
    statRow: traderStatRow(host, 0),
  };
}

describe('size from equity with the warmth and regime clamp (E)', () => {
  it('full size at warmth 10 in a normal regime: floor(5 % × $100,000 / $450) = 11 contracts', () => {
    // 500,000 cents × 1 / 45,000 = 11.1 → 11.
    expect(run([enterAt(0)]).opened).toEqual([11]);
  });

  it('warmth 7 over a floor of 4 scales by (7 − 4)/(10 − 4) = 0.5: floor(250,000 / 45,000) = 5', () => {
    expect(run([enterAt(0, {}, { warmth: 7 })]).opened).toEqual([5]);
  });

  it('warmth 4.6 gives (0.6/6) = 0.1, clamped up to the 0.25 minimum: floor(125,000 / 45,000) = 2', () => {
    expect(run([enterAt(0, {}, { warmth: 4.6 })]).opened).toEqual([2]);
  });

  it('an elevated regime halves it: floor(250,000 / 45,000) = 5; with warmth 7 too, 0.25: 2', () => {
    expect(run([enterAt(0, {}, { regime: 'elevated' })]).opened).toEqual([5]);
    expect(run([enterAt(0, {}, { regime: 'elevated', warmth: 7 })]).opened).toEqual([2]);
  });

  it('a crisis regime sizes to zero: no entry, skipped as regime', () => {
    const o = run([enterAt(0, {}, { regime: 'crisis' })]);
    expect(o.opened).toEqual([]);
    expect(o.skips).toEqual([SKIP.regime]);
  });
});

describe('caps (F, #2): each blocks the entry it should and lets through the one it should', () => {
  it('BTC exposure 3 % of $100,000 = $3,000 of max loss: 11 contracts cut to floor(300,000 / 45,000) = 6', () => {
    expect(run([enterAt(0)], { ...RULES, btcExposureFrac: 0.03 }).opened).toEqual([6]);
  });

  it('BTC exposure 0.4 % = $400 < one contract’s $450: blocked', () => {
    const o = run([enterAt(0)], { ...RULES, btcExposureFrac: 0.004 });
    expect(o.opened).toEqual([]);
    expect(o.skips).toEqual([SKIP.exposureCap]);
  });

  it('the exposure already open counts: 6 % = $6,000, 11 contracts ($4,950) open, room for floor(1,050/450) = 2 more', () => {
    // Equity after the first entry: 10,000,000 − 2 legs × 65 × 11 = 9,998,570 cents;
    // room = 0.06 × 9,998,570 − 495,000 = 104,914 → floor(104,914 / 45,000) = 2 contracts.
    const o = run([enterAt(0), enterAt(1, { spreadId: 1 })], { ...RULES, btcExposureFrac: 0.06 });
    expect(o.opened).toEqual([11, 2]);
  });

  it('delta 8 % of $100,000 = $8,000 at $1,000 a contract: 11 cut to 8', () => {
    expect(run([enterAt(0)], { ...RULES, deltaCapFrac: 0.08 }).opened).toEqual([8]);
  });

  it('delta 0.5 % = $500 < $1,000 for one contract: blocked', () => {
    const o = run([enterAt(0)], { ...RULES, deltaCapFrac: 0.005 });
    expect(o.opened).toEqual([]);
    expect(o.skips).toEqual([SKIP.deltaCap]);
  });

  it('vega 0.2 % of $100,000 = $200 at −$20 a contract: 11 cut to 10', () => {
    expect(run([enterAt(0)], { ...RULES, vegaCapFrac: 0.002 }).opened).toEqual([10]);
  });

  it('vega 0.01 % = $10 < $20 for one contract: blocked', () => {
    const o = run([enterAt(0)], { ...RULES, vegaCapFrac: 0.0001 });
    expect(o.opened).toEqual([]);
    expect(o.skips).toEqual([SKIP.vegaCap]);
  });
});

describe('caps re-checked with the greeks at current marks', () => {
  // Equity after the first entry: 10,000,000 − 1,430 fees = 9,998,570 cents ($99,985.70).
  const moved = (g: { deltaUsd: number; vegaUsd: number }) => [
    enterAt(0),
    step(1, { candidates: [candidate({ spreadId: 1 })], marks: new Map([[0, mark(5_000, { greeks: g })]]) }),
  ];

  it('delta: 11 contracts at $1,000 grew to $1,300 each, so a 15 % cap ($14,997.86) has no room left', () => {
    const rules = { ...RULES, deltaCapFrac: 0.15 };
    // Now: (14,997.86 − 11 × 1,300) / 1,000 = 0.70 → blocked (at entry greeks it was 3.99 → 3).
    const o = run(moved({ deltaUsd: 1_300, vegaUsd: -20 }), rules);
    expect(o.opened).toEqual([11]);
    expect(o.skips).toEqual([0, SKIP.deltaCap]);
    expect(run(moved({ deltaUsd: 1_000, vegaUsd: -20 }), rules).opened).toEqual([11, 3]);
  });

  it('vega: −$20 a contract grew to −$26, so a 0.3 % cap ($299.96) has no room left', () => {
    const rules = { ...RULES, vegaCapFrac: 0.003 };
    // Now: (299.96 − 11 × 26) / 20 = 0.70 → blocked (at entry greeks (299.96 − 220) / 20 = 3.99 → 3).
    const o = run(moved({ deltaUsd: 1_000, vegaUsd: -26 }), rules);
    expect(o.skips).toEqual([0, SKIP.vegaCap]);
    expect(run(moved({ deltaUsd: 1_000, vegaUsd: -20 }), rules).opened).toEqual([11, 3]);
  });
});

describe('drawdown breaker (J)', () => {
  // Size 50 %: floor(5,000,000 / 45,000) = 111 contracts of spread 0, entry fees 2 × 65 × 111 = 14,430.
  const BIG: GridSpec = { ...ONE, sizePct: [50], stopLossX: [5] };
  const WIDE = { ...RULES, btcExposureFrac: 2 };

  it('a 10 % drawdown pauses entries for 24 h', () => {
    // Mark 1.50: equity = 10,000,000 + (5,000 − 15,000) × 111 − 14,430 = 8,875,570 ≤ 90 % of 10,000,000.
    const o = run(
      [
        enterAt(0),
        markAt(1, 0, mark(15_000)),
        step(2, { candidates: [candidate({ spreadId: 1 })], marks: new Map([[0, mark(15_000)]]) }),
        step(24, { candidates: [candidate({ spreadId: 1 })], marks: new Map([[0, mark(15_000)]]) }),
        step(25, { candidates: [candidate({ spreadId: 1 })], marks: new Map([[0, mark(15_000)]]) }),
      ],
      WIDE,
      BIG,
    );
    expect(o.equityCents).toBeLessThan(9_000_000);
    // Tripped at hour 1 (no candidate then), paused until hour 25: hours 2 and 24 skip, hour 25 enters.
    expect(o.skips).toEqual([0, SKIP.noCandidate, SKIP.breaker, SKIP.breaker, 0]);
    expect(o.opened.length).toBe(2);
  });

  it('a 15 % drawdown in the month halves the size', () => {
    // Mark 1.90: equity = 10,000,000 − 14,000 × 111 − 14,430 = 8,431,570 ≤ 85 % of 10,000,000.
    // After the 24 h pause: 50 % × 8,431,570 × 0.5 / 45,000 = 46.8 → 46 (93 without the half size).
    const held = new Map([[0, mark(19_000)]]);
    const o = run(
      [
        enterAt(0),
        markAt(1, 0, mark(19_000)),
        step(26, { candidates: [candidate({ spreadId: 1 })], marks: held }),
      ],
      WIDE,
      BIG,
    );
    expect(o.opened).toEqual([111, 46]);
  });

  it('a new month lifts the half size', () => {
    const held = new Map([[0, mark(19_000)]]);
    const o = run(
      [
        enterAt(0),
        markAt(1, 0, mark(19_000)),
        step(26, { monthIndex: 1, candidates: [candidate({ spreadId: 1 })], marks: held }),
      ],
      WIDE,
      BIG,
    );
    expect(o.opened).toEqual([111, 93]);
  });
});

describe('exit reasons, fees per leg', () => {
  // 11 contracts at a 5,000-pip credit; entry fees 2 legs × 65 × 11 = 1,430 cents.
  it('stop at credit × (1 + 1) = 10,000 pips: closed at the 10,400 debit, 4 legs of fees', () => {
    const o = run([
      enterAt(0),
      markAt(1, 0, mark(9_999)),
      markAt(2, 0, mark(10_000, { closeDebitPips: 10_400 })),
    ]);
    // (5,000 − 10,400) × 11 − 4 × 65 × 11 = −59,400 − 2,860 = −62,260.
    expect(o.trades.map((t) => [t.reason, t.exitMs, t.pnlCents, t.feesCents])).toEqual([
      [EXIT_REASON.stop, T0 + 2 * H, -62_260, 2_860],
    ]);
  });

  it('profit target 50 %: mid ≤ floor(5,000 × 0.5) = 2,500', () => {
    const o = run([
      enterAt(0),
      markAt(1, 0, mark(2_501)),
      markAt(2, 0, mark(2_500, { closeDebitPips: 2_700 })),
    ]);
    // (5,000 − 2,700) × 11 − 2,860 = 22,440.
    expect(o.trades.map((t) => [t.reason, t.exitMs, t.pnlCents])).toEqual([
      [EXIT_REASON.profitTarget, T0 + 2 * H, 22_440],
    ]);
  });

  it('trailing stop 20 %: armed below 4,000, fires 1,000 pips above the low', () => {
    const spec = { ...ONE, trailingStopPct: [20], profitTargetPct: [90] };
    const o = run(
      [
        enterAt(0),
        markAt(1, 0, mark(3_500)),
        markAt(2, 0, mark(4_499)),
        markAt(3, 0, mark(4_500, { closeDebitPips: 4_600 })),
      ],
      RULES,
      spec,
    );
    // Low 3,500 ≤ floor(5,000 × 0.8) = 4,000; fires at 3,500 + ceil(5,000 × 0.2) = 4,500.
    // (5,000 − 4,600) × 11 − 2,860 = 1,540.
    expect(o.trades.map((t) => [t.reason, t.exitMs, t.pnlCents])).toEqual([
      [EXIT_REASON.trailingStop, T0 + 3 * H, 1_540],
    ]);
  });

  it('DTE exit at 2 days left', () => {
    const o = run(
      [enterAt(0), markAt(1, 0, mark(4_000, { dteDays: 3 })), markAt(2, 0, mark(4_000, { dteDays: 2 }))],
      {
        ...RULES,
        dteExitDays: 2,
      },
    );
    // (5,000 − 4,000) × 11 − 2,860 = 8,140.
    expect(o.trades.map((t) => [t.reason, t.exitMs, t.pnlCents])).toEqual([
      [EXIT_REASON.dte, T0 + 2 * H, 8_140],
    ]);
  });

  it('theta capture 1.5×: profit ≥ 1.5 × (1 − √(time left / time at entry))', () => {
    // Entry at hour 0, expiry at hour 100. At hour 36: 1 − √0.64 = 0.2 expected, 0.3 needed.
    // Mid 3,700 is a 26 % profit (held); mid 3,400 is 32 % (closed).
    const o = run([enterAt(0), markAt(36, 0, mark(3_700)), markAt(37, 0, mark(3_400))], {
      ...RULES,
      thetaCaptureFactor: 1.5,
    });
    // At hour 37: 1 − √0.63 = 0.206, 0.309 needed ≤ 0.32. (5,000 − 3,400) × 11 − 2,860 = 14,740.
    expect(o.trades.map((t) => [t.reason, t.exitMs, t.pnlCents])).toEqual([
      [EXIT_REASON.thetaCapture, T0 + 37 * H, 14_740],
    ]);
  });

  it('assignment: the short settled, the long sold, 3 legs of fees', () => {
    const o = run([enterAt(0), markAt(1, 0, mark(9_000, { assign: true, assignDebitPips: 40_000 }))]);
    // (5,000 − 40,000) × 11 − 3 × 65 × 11 = −385,000 − 2,145 = −387,145.
    expect(o.trades.map((t) => [t.reason, t.pnlCents, t.feesCents])).toEqual([
      [EXIT_REASON.assignment, -387_145, 2_145],
    ]);
  });

  it('expiry: settled at intrinsic, no closing fees', () => {
    const worthless = run([enterAt(0), markAt(1, 0, mark(0, { expiresNow: true, settlePips: 0 }))]);
    // 5,000 × 11 − 1,430 = 53,570.
    expect(worthless.trades.map((t) => [t.reason, t.pnlCents, t.feesCents])).toEqual([
      [EXIT_REASON.expiry, 53_570, 1_430],
    ]);
    const itm = run([enterAt(0), markAt(1, 0, mark(20_000, { expiresNow: true, settlePips: 20_000 }))]);
    // (5,000 − 20,000) × 11 − 1,430 = −166,430.
    expect(itm.trades.map((t) => t.pnlCents)).toEqual([-166_430]);
  });

  it('an exit that cannot fill is retried: the stop fires again at the next quote', () => {
    const o = run([
      enterAt(0),
      markAt(1, 0, mark(10_000, { closeDebitPips: NO_FILL })),
      markAt(2, 0, mark(10_500, { closeDebitPips: 10_600 })),
    ]);
    expect(o.trades.map((t) => [t.exitMs, t.exitPips])).toEqual([[T0 + 2 * H, 10_600]]);
  });
});

describe('stops that cannot fire (grid honesty)', () => {
  it('a stop at credit × (1 + X) at or beyond the width is counted: X 9 on a 0.50 credit, $5 width', () => {
    // ceil(5,000 × 10) = 50,000 pips ≥ the 50,000-pip width: the mid never gets there.
    const o = run([enterAt(0), enterAt(1, { spreadId: 1, creditPips: 4_000, maxLossCents: 46_000 })], RULES, {
      ...ONE,
      stopLossX: [9],
    });
    // The second, a 0.40 credit: 40,000 < 50,000, its stop can fire. Stored per trader: 1 of 2.
    expect(o.noStopEntries).toBe(1);
    expect(o.statRow[22]).toBe(0.5); // no_stop_share, before the span columns
    // X 8: 45,000 < 50,000, the stop can fire.
    expect(run([enterAt(0)], RULES, { ...ONE, stopLossX: [8] }).noStopEntries).toBe(0);
  });
});
