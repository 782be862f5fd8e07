import { describe, expect, it } from 'vitest';
import { farmWorkDue } from '../../../src/core/monitor/farm-schedule.js';

const MIN = 60_000;
const t0 = Date.UTC(2025, 2, 10, 14, 0);

describe('the farm work the monitor runs', () => {
  it('nothing while the market is closed, even with a trade signal', () => {
    expect(farmWorkDue(t0, false, { fullMs: null, exitsMs: null }, true)).toBeNull();
  });

  it('a full step first, then exits 15 minutes after the last mark, a full step an hour after the last', () => {
    expect(farmWorkDue(t0, true, { fullMs: null, exitsMs: null }, false)).toBe('full');
    const afterFull = { fullMs: t0, exitsMs: null };
    expect(farmWorkDue(t0 + 14 * MIN, true, afterFull, false)).toBeNull();
    expect(farmWorkDue(t0 + 15 * MIN, true, afterFull, false)).toBe('exits');
    const afterExits = { fullMs: t0, exitsMs: t0 + 15 * MIN };
    expect(farmWorkDue(t0 + 29 * MIN, true, afterExits, false)).toBeNull();
    expect(farmWorkDue(t0 + 30 * MIN, true, afterExits, false)).toBe('exits');
    expect(farmWorkDue(t0 + 60 * MIN, true, { fullMs: t0, exitsMs: t0 + 45 * MIN }, false)).toBe('full');
  });

  it('a new trade signal brings the full step forward', () => {
    expect(farmWorkDue(t0 + 2 * MIN, true, { fullMs: t0, exitsMs: null }, true)).toBe('full');
  });
});
