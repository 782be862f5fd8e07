import { describe, expect, it } from 'vitest';
import { exitCode, exitHi } from '../../../src/core/farm/kernels.js';
import { seeded } from '../../support/reliability.js';

describe('exitHi: the band inside which exitCode never fires', () => {
  it('a hand case: stop 9,000; armed at 4,000 with a 1,500 gap and a low of 3,000 → 4,500', () => {
    expect(exitHi(9_000, 4_000, 1_500, 3_000)).toBe(4_500);
    // Not yet armed (low 5,000 above the arm level): the stop alone.
    expect(exitHi(9_000, 4_000, 1_500, 5_000)).toBe(9_000);
    // Trailing stop off (gap −1): the stop alone.
    expect(exitHi(9_000, -1, -1, 100)).toBe(9_000);
    // Armed, but the trail sits above the stop: the stop.
    expect(exitHi(9_000, 8_000, 2_000, 7_500)).toBe(9_000);
    // At the band's edges the rule answers: 4,500 is the trailing stop, 2,000 ≤ pt the target.
    expect(exitCode(4_500, 0, 2_000, 9_000, 4_000, 1_500, 3_000)).toBe(4);
    expect(exitCode(4_499, 0, 2_000, 9_000, 4_000, 1_500, 3_000)).toBe(0);
    expect(exitCode(2_000, 0, 2_000, 9_000, 4_000, 1_500, 3_000)).toBe(3);
  });

  it('exitCode is 0 strictly inside (pt, exitHi) when not assigned, and fires at or beyond its edges', () => {
    const r = seeded(7);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    let inside = 0;
    let edges = 0;
    for (let n = 0; n < 200_000; n++) {
      const credit = int(100, 20_000);
      const pt = Math.floor(credit * (1 - int(10, 90) / 100));
      const stop = Math.ceil(credit * (1 + int(1, 3)));
      const trailOn = r() < 0.5;
      const arm = trailOn ? Math.floor(credit * (1 - int(10, 50) / 100)) : -1;
      const gap = trailOn ? Math.ceil((credit * int(10, 50)) / 100) : -1;
      const low = int(0, credit + 2_000);
      const mid = int(0, stop + 2_000);
      const hi = exitHi(stop, arm, gap, low);
      const code = exitCode(mid, 0, pt, stop, arm, gap, low);
      if (mid > pt && mid < hi) {
        inside++;
        expect(code).toBe(0);
      } else {
        edges++;
        expect(code).not.toBe(0);
      }
    }
    expect(inside).toBeGreaterThan(10_000);
    expect(edges).toBeGreaterThan(10_000);
  });
});
