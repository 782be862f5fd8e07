import { describe, expect, it } from 'vitest';
import { adjustIv, IvMoveRelation, MIN_FIT_DAYS } from '../../../src/core/market/iv-adjust.js';
import { MS_PER_DAY } from '../../../src/core/units.js';

const t0 = Date.parse('2022-01-01T00:00:00Z');
// day k: BTC −1 % (DVOL +2 %) on even days, +1 % (DVOL −0.5 %) on odd days; day 130 is a crash
const days = Array.from({ length: 131 }, (_, k) => ({
  dayMs: t0 + k * MS_PER_DAY,
  date: new Date(t0 + k * MS_PER_DAY).toISOString().slice(0, 10),
  btcLogReturn: k === 130 ? -0.2 : k % 2 === 0 ? -0.01 : 0.01,
  dvolLogChange: k === 130 ? 0.9 : k % 2 === 0 ? 0.02 : -0.005,
}));
const rel = new IvMoveRelation(days);

describe('the intraday IV level', () => {
  it('fits each slope on its own days: Σxy / Σx²', () => {
    // through day 129 (it ends at day 130's start): 65 down days, 65 up days
    const fit = rel.fitThrough(t0 + 130 * MS_PER_DAY);
    expect(fit).toEqual({ downBeta: -2, upBeta: -0.5, nDown: 65, nUp: 65, throughDate: '2022-05-10' });
  });

  it('never uses the day priced: the crash day enters only once it has ended', () => {
    const before = rel.fitThrough(t0 + 131 * MS_PER_DAY - 1);
    expect(before?.downBeta).toBe(-2);
    const after = rel.fitThrough(t0 + 131 * MS_PER_DAY);
    // 65 × (−0.01 × 0.02) + (−0.2 × 0.9) over 65 × 0.0001 + 0.04
    expect(after?.downBeta).toBeCloseTo((65 * -0.0002 - 0.18) / (65 * 0.0001 + 0.04), 12);
  });

  it(`no fit on fewer than ${MIN_FIT_DAYS} days on either side`, () => {
    expect(rel.fitThrough(t0 + 2 * (MIN_FIT_DAYS - 1) * MS_PER_DAY)).toBeNull();
    expect(rel.fitThrough(t0 + 2 * MIN_FIT_DAYS * MS_PER_DAY)).not.toBeNull();
  });

  it('moves the level by exp(β · r), with the slope of the move’s sign', () => {
    const fit = { downBeta: -2, upBeta: -0.5, nDown: 65, nUp: 65, throughDate: '2022-05-10' };
    expect(adjustIv(0.6, Math.log(0.9), fit)).toBeCloseTo(0.6 * 0.9 ** -2, 12);
    expect(adjustIv(0.6, Math.log(1.1), fit)).toBeCloseTo(0.6 * 1.1 ** -0.5, 12);
    expect(adjustIv(0.6, 0, fit)).toBe(0.6);
  });
});
