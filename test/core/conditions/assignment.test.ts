import { describe, expect, it } from 'vitest';
import { assignmentRisk, DEFAULT_ASSIGNMENT } from '../../../src/core/conditions/assignment.js';
import { americanPrice } from '../../../src/core/pricing/lattice.js';

const base = { right: 'put' as const, r: 0.045, q: 0, vol: 0.55 };

describe('assignmentRisk (American puts can be assigned early)', () => {
  it('an out-of-the-money put is never at risk, whatever its time value', () => {
    const a = assignmentRisk({ ...base, S: 40, K: 35, T: 30 / 365 });
    expect(a).toMatchObject({
      atRisk: false,
      intrinsic: 0,
      exerciseOptimal: false,
      timeValueSource: 'model',
    });
    expect(a.timeValue).toBeGreaterThan(0);
    // even a dead 0.00 × 0.01 quote near expiry
    const dead = assignmentRisk({ ...base, S: 40, K: 30, T: 1 / 365, bid: 0, ask: 0.01 });
    expect(dead).toMatchObject({ atRisk: false, timeValueSource: 'quote' });
    expect(dead.timeValue).toBeCloseTo(0.005, 12);
  });

  it('an ITM put with healthy time value is not at risk', () => {
    const a = assignmentRisk({ ...base, S: 34, K: 35, T: 30 / 365, bid: 3.0, ask: 3.1 });
    expect(a).toMatchObject({
      atRisk: false,
      intrinsic: 1,
      exerciseOptimal: false,
      timeValueSource: 'quote',
    });
    expect(a.timeValue).toBeCloseTo(2.05, 12);
    expect(a.reason).toMatch(/still protects/);
  });

  it('flags an ITM put whose quoted time value is below $0.02', () => {
    const a = assignmentRisk({ ...base, S: 30, K: 35, T: 20 / 365, r: 0, bid: 4.98, ask: 5.01 });
    expect(a.atRisk).toBe(true);
    expect(a.timeValue).toBeCloseTo(-0.005, 12);
    expect(a.timeValueSource).toBe('quote');
    expect(a.reason).toMatch(/time value -0.005 < 0.02 \(quote\)/);
  });

  it('without a usable quote (missing or crossed) it uses the American model’s time value', () => {
    const inp = { ...base, S: 30, K: 35, T: 10 / 365, r: 0, vol: 0.3 };
    const a = assignmentRisk(inp);
    expect(a.timeValueSource).toBe('model');
    expect(a.timeValue).toBeCloseTo(americanPrice('put', 30, 35, 10 / 365, 0, 0, 0.3) - 5, 12);
    expect(a.timeValue).toBeLessThan(DEFAULT_ASSIGNMENT.minTimeValue);
    expect(a.atRisk).toBe(true);
    expect(assignmentRisk({ ...inp, bid: 5.2, ask: 5.1 }).timeValueSource).toBe('model');
    expect(assignmentRisk({ ...inp, bid: null, ask: 5.1 }).timeValueSource).toBe('model');
  });

  it('flags a put the lattice says to exercise now', () => {
    // Deep ITM with a 5 % rate: interest on K beats the remaining optionality.
    const a = assignmentRisk({ ...base, S: 20, K: 40, T: 0.5, vol: 0.3, r: 0.05, bid: 19.9, ask: 20.1 });
    expect(a.exerciseOptimal).toBe(true);
    expect(a.atRisk).toBe(true);
    expect(a.reason).toMatch(/early exercise is optimal/);
  });

  it('flags a deep ITM put near expiry even when time value and the lattice say hold', () => {
    // r = 0: early exercise of a put never pays, so only the deep-ITM-near-expiry rule can fire.
    const a = assignmentRisk({ ...base, S: 30, K: 35, T: 3 / 365, r: 0, bid: 4.98, ask: 5.1 });
    expect(a.exerciseOptimal).toBe(false);
    expect(a.timeValue).toBeCloseTo(0.04, 12);
    expect(a.atRisk).toBe(true);
    expect(a.reason).toMatch(/^deep in the money \(delta -1.00\) with 3.0 days left$/);
    // the same put two weeks out is not flagged by that rule
    const far = assignmentRisk({ ...base, S: 30, K: 35, T: 14 / 365, r: 0, bid: 5.2, ask: 5.3 });
    expect(far.atRisk).toBe(false);
  });

  it('an ITM put at expiry is exercised', () => {
    expect(assignmentRisk({ ...base, S: 34.5, K: 35, T: 0 })).toMatchObject({
      atRisk: true,
      exerciseOptimal: true,
    });
  });

  it('rejects bad inputs instead of answering NaN', () => {
    expect(() => assignmentRisk({ ...base, S: Number.NaN, K: 35, T: 0.1 })).toThrow(RangeError);
    expect(() => assignmentRisk({ ...base, right: 'call' as 'put', S: 30, K: 35, T: 0.1 })).toThrow(
      RangeError,
    );
  });
});
