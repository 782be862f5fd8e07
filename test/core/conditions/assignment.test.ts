import { describe, expect, it } from 'vitest';
import { assignmentRisk, exercisesNow, putExercise } from '../../../src/core/conditions/assignment.js';
import { bsPrice } from '../../../src/core/pricing/bs.js';

const DAY = 1 / 365;
const none = { distributions: [] };

describe('putExercise: the holder’s decision at the close (shared by signal and the farm)', () => {
  it('deep in the money with 5 days left and a 4 % rate: exercised, and the time value is 0, not negative', () => {
    // K 40, S 30: the interest on $40 over 5 days is 40 × 0.04 × 5/365 = $0.022, while the put is
    // 4.9 σ in the money (ln(30/40) / (0.5 × √(5/365)) = −4.9): nothing left to wait for.
    const x = { S: 30, K: 40, T: 5 * DAY, r: 0.04, vol: 0.5, ...none };
    const e = putExercise(x);
    expect(e).toMatchObject({ intrinsic: 10, exercise: true });
    expect(e.timeValue).toBe(0);
    // The European price the old farm rule read is K e^(−rT) − S ≈ 9.978: a time value of −$0.022.
    expect(bsPrice('put', 30, 40, 5 * DAY, 0.04, 0, 0.5) - 10).toBeCloseTo(-0.0219, 3);
  });

  it('not exercised where it does not pay: at the money, or with no rate to earn', () => {
    expect(putExercise({ S: 39, K: 40, T: 5 * DAY, r: 0.04, vol: 0.5, ...none }).exercise).toBe(false);
    // r = 0: exercising early earns nothing, so holding is always at least as good.
    expect(putExercise({ S: 30, K: 40, T: 5 * DAY, r: 0, vol: 0.5, ...none }).exercise).toBe(false);
    // Out of the money: never.
    expect(putExercise({ S: 41, K: 40, T: DAY, r: 0.04, vol: 0.5, ...none })).toMatchObject({
      intrinsic: 0,
      exercise: false,
    });
  });

  it('BITO: held while a distribution is ahead, exercised once it has gone ex', () => {
    // K 12, S 10, 10 days left, a $0.60 distribution (6 %) going ex in 2 days. Holding is worth at
    // least the European put on the price after the drop: ≈ (12 − 9.40) e^(−0.04 × 10/365) = 2.597
    // > the 2.00 exercise pays, so the holder waits for the ex-date.
    const before = {
      S: 10,
      K: 12,
      T: 10 * DAY,
      r: 0.04,
      vol: 0.6,
      distributions: [{ tYears: 2 * DAY, amount: 0.6 }],
    };
    const held = putExercise(before);
    expect(held.exercise).toBe(false);
    expect(held.value).toBeGreaterThan(2.59);
    // The day after the ex-date the price has dropped to 9.40 and nothing is ahead: exercised.
    const after = putExercise({ S: 9.4, K: 12, T: 8 * DAY, r: 0.04, vol: 0.6, distributions: [] });
    expect(after).toMatchObject({ exercise: true, timeValue: 0 });
    expect(after.intrinsic).toBeCloseTo(2.6, 12);
  });

  it('exercisesNow (the farm’s shortcut past the lattice) decides exactly as putExercise', () => {
    let exercised = 0;
    for (const S of [5, 20, 30, 36, 39, 45])
      for (const T of [DAY, 3 * DAY, 7 * DAY, 60 * DAY])
        for (const d of [[], [{ tYears: 2 * DAY, amount: 0.5 }]]) {
          const x = { S, K: 40, T, r: 0.05, vol: 0.6, distributions: d };
          const e = putExercise(x).exercise;
          expect(exercisesNow(x), `S ${S} T ${T}`).toBe(e);
          if (e) exercised++;
        }
    expect(exercised).toBeGreaterThan(5);
  });

  it('the time value is never negative', () => {
    for (const S of [5, 20, 30, 39, 45])
      for (const T of [0, DAY, 7 * DAY, 60 * DAY])
        for (const d of [[], [{ tYears: 3 * DAY, amount: 0.5 }]]) {
          const e = putExercise({ S, K: 40, T, r: 0.05, vol: 0.6, distributions: d });
          expect(e.timeValue, `S ${S} T ${T}`).toBeGreaterThanOrEqual(0);
        }
  });
});

describe('assignmentRisk: signal’s conservative flag on the same valuation', () => {
  const base = { r: 0.045, vol: 0.55, ...none };

  it('an out-of-the-money put is never at risk', () => {
    const a = assignmentRisk({ ...base, S: 40, K: 35, T: 30 * DAY });
    expect(a).toMatchObject({ atRisk: false, intrinsic: 0, exerciseOptimal: false });
    expect(a.timeValue).toBeGreaterThan(0);
  });

  it('an ITM put with healthy time value is not at risk', () => {
    const a = assignmentRisk({ ...base, S: 34, K: 35, T: 30 * DAY });
    expect(a).toMatchObject({ atRisk: false, intrinsic: 1, exerciseOptimal: false });
    expect(a.reason).toMatch(/still protects/);
  });

  it('flags a put the lattice says to exercise now', () => {
    const a = assignmentRisk({ ...base, S: 20, K: 40, T: 0.5, vol: 0.3, r: 0.05 });
    expect(a).toMatchObject({ atRisk: true, exerciseOptimal: true, timeValue: 0 });
    expect(a.reason).toMatch(/early exercise is optimal/);
  });

  it('flags a deep ITM put near expiry even when the lattice says hold', () => {
    // r = 0: early exercise never pays, so only the deep-ITM-near-expiry rule can fire.
    const a = assignmentRisk({ ...base, S: 30, K: 35, T: 3 * DAY, r: 0 });
    expect(a.exerciseOptimal).toBe(false);
    expect(a.atRisk).toBe(true);
    expect(a.reason).toMatch(/deep in the money \(delta -1.00\) with 3.0 days left/);
    expect(assignmentRisk({ ...base, S: 30, K: 35, T: 14 * DAY, r: 0, vol: 0.3 }).reason).not.toMatch(/deep/);
  });

  it('an ITM put at expiry is exercised', () => {
    expect(assignmentRisk({ ...base, S: 34.5, K: 35, T: 0 })).toMatchObject({
      atRisk: true,
      exerciseOptimal: true,
    });
  });

  it('rejects bad inputs instead of answering NaN', () => {
    expect(() => assignmentRisk({ ...base, S: Number.NaN, K: 35, T: 0.1 })).toThrow(RangeError);
  });
});
