import { describe, expect, it } from 'vitest';
import { momentum } from '../../../src/core/conditions/momentum.js';
import type { Bar } from '../../../src/core/market/port.js';
import { MS_PER_HOUR } from '../../../src/core/units.js';

const T0 = Date.UTC(2025, 0, 1);

function bars(closes: number[]): Bar[] {
  return closes.map((c, i) => ({
    startMs: T0 + i * MS_PER_HOUR,
    durationMs: MS_PER_HOUR,
    open: c,
    high: c,
    low: c,
    close: c,
    volume: 1,
  }));
}

// Alternating ±1 % hourly log returns plus a drift `mu` per hour: hourly sd ≈ 1 %.
function zigzag(n: number, mu = 0): number[] {
  const out = [100];
  for (let i = 1; i < n; i++) out.push(out[i - 1] * Math.exp(mu + (i % 2 === 0 ? 0.01 : -0.01)));
  return out;
}

describe('momentum', () => {
  it('returns 24 h and 7 d returns and vol-scaled z-scores', () => {
    const c = zigzag(200, 0.001);
    const m = momentum(bars(c));
    if (m.status !== 'ok') throw new Error(m.reason);
    const last = c.length - 1;
    expect(m.ret24h).toBeCloseTo(c[last] / c[last - 24] - 1, 12);
    expect(m.ret7d).toBeCloseTo(c[last] / c[last - 168] - 1, 12);
    expect(m.hourlyVol).toBeCloseTo(0.01, 3);
    expect(m.z24h).toBeCloseTo(Math.log(c[last] / c[last - 24]) / (m.hourlyVol * Math.sqrt(24)), 12);
    expect(m.score).toBeCloseTo((m.z24h + m.z7d) / 2, 15);
    expect(m.asOfMs).toBe(T0 + 200 * MS_PER_HOUR);
    expect(m.score).toBeGreaterThan(0);
  });

  it('is negative after a sell-off and does not depend on bar order', () => {
    const c = zigzag(200);
    for (let i = 176; i < 200; i++) c[i] = c[i] * Math.exp(-0.005 * (i - 175)); // −11 % over the last day, ≈ 2.4 daily sigmas
    const b = bars(c);
    const m = momentum(b);
    const shuffled = momentum([...b].reverse());
    expect(m.status === 'ok' && m.z24h).toBeLessThan(-2);
    expect(shuffled).toEqual(m);
  });

  it('looks bars up by time: a missing hour is a gap, not a shift', () => {
    const b = bars(zigzag(200));
    const gapped = b.filter((_, i) => i !== 199 - 24);
    expect(momentum(gapped)).toEqual({ status: 'insufficient', reason: 'no bar 24 h before the latest' });
    const small = b.filter((_, i) => i !== 100);
    expect(momentum(small).status).toBe('ok'); // one missing return of 168 is tolerable
  });

  it('needs 7 days of hourly bars', () => {
    expect(momentum(bars(zigzag(168)))).toEqual({
      status: 'insufficient',
      reason: 'no bar 7 days before the latest',
    });
    expect(momentum(bars(zigzag(169))).status).toBe('ok');
    expect(momentum([])).toEqual({ status: 'insufficient', reason: 'no bars' });
    const daily = bars(zigzag(200)).map((x) => ({ ...x, durationMs: 24 * MS_PER_HOUR }));
    expect(momentum(daily).status).toBe('insufficient');
  });

  it('a flat tape is insufficient (no volatility to scale by)', () => {
    expect(momentum(bars(Array(200).fill(100))).status).toBe('insufficient');
  });
});
