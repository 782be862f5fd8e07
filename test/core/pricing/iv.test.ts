import { describe, expect, it } from 'vitest';
import { bsGreeks, bsPrice, type Right } from '../../../src/core/pricing/bs.js';
import { impliedVol } from '../../../src/core/pricing/iv.js';

describe('impliedVol round trip', () => {
  it('recovers the vol across strikes, expiries, vols 0.01..3, rates and both rights', () => {
    let solved = 0;
    let unresolvable = 0;
    const failures: string[] = [];
    for (const right of ['call', 'put'] as Right[])
      for (const m of [0.3, 0.5, 0.8, 0.95, 1, 1.05, 1.2, 2, 3])
        for (const T of [1 / 365, 7 / 365, 30 / 365, 0.5, 2, 5])
          for (const vol of [0.01, 0.05, 0.2, 0.5, 1, 2, 3])
            for (const [r, q] of [
              [0, 0],
              [0.05, 0],
              [0.05, 0.02],
              [-0.01, 0.03],
            ]) {
              const S = 100;
              const K = S * m;
              const price = bsPrice(right, S, K, T, r, q, vol);
              const { vega } = bsGreeks(right, S, K, T, r, q, vol);
              const res = impliedVol(right, price, S, K, T, r, q);
              // How far the vol is pinned down by a price known to double precision.
              const volResolution = (4e-16 * Math.max(price, 1)) / vega;
              // Time value = the OTM option's price (parity); below ~1e-12 of the price it is rounding noise.
              const otm: Right = K * Math.exp(-r * T) >= S * Math.exp(-q * T) ? 'call' : 'put';
              const timeValue = bsPrice(otm, S, K, T, r, q, vol);
              const tag = `${right} K/S=${m} T=${T.toFixed(4)} vol=${vol} r=${r} q=${q}`;
              if (res.vol === null) {
                unresolvable++;
                // Only allowed when the price carries no usable time value.
                if (!(volResolution > 1e-3 || timeValue < 1e-12 * Math.max(price, 1))) {
                  failures.push(`${tag}: ${res.reason}`);
                }
                continue;
              }
              solved++;
              const back = bsPrice(right, S, K, T, r, q, res.vol);
              // Vol is solved to 1e-12 absolute, so allow that much times vega on top of rounding.
              if (Math.abs(back - price) > 1e-12 * Math.max(price, 1) + 2e-12 * vega) {
                failures.push(`${tag}: price error ${back - price}`);
              }
              if (volResolution < 1e-8 && Math.abs(res.vol - vol) > 1e-8 + 100 * volResolution) {
                failures.push(`${tag}: vol ${res.vol}`);
              }
            }
    expect(failures).toEqual([]);
    expect(solved).toBeGreaterThan(2000);
    expect(unresolvable).toBeLessThan(800);
  });

  it('solves deep OTM wings with tiny prices to full precision', () => {
    const price = bsPrice('put', 50, 25, 30 / 365, 0.04, 0, 0.6);
    expect(price).toBeLessThan(1e-4);
    const res = impliedVol('put', price, 50, 25, 30 / 365, 0.04, 0);
    expect(res.vol).toBeCloseTo(0.6, 10);
    const tiny = bsPrice('call', 100, 300, 0.25, 0.05, 0, 0.5);
    expect(impliedVol('call', tiny, 100, 300, 0.25, 0.05, 0).vol).toBeCloseTo(0.5, 9);
  });

  it('solves deep ITM options through parity', () => {
    const price = bsPrice('call', 100, 60, 0.5, 0.05, 0, 0.8);
    expect(impliedVol('call', price, 100, 60, 0.5, 0.05, 0).vol).toBeCloseTo(0.8, 9);
  });

  it('reference: call 10.450583572185565 at S=K=100, r=0.05, T=1 implies 0.2', () => {
    expect(impliedVol('call', 10.450583572185565, 100, 100, 1, 0.05, 0).vol).toBeCloseTo(0.2, 12);
    expect(impliedVol('put', 5.573526022256971, 100, 100, 1, 0.05, 0).vol).toBeCloseTo(0.2, 12);
  });
});

describe('impliedVol no-arbitrage bounds', () => {
  it('below intrinsic (lower bound) returns null with a reason', () => {
    const res = impliedVol('call', 5, 100, 90, 1, 0.05, 0);
    expect(res.vol).toBeNull();
    if (res.vol === null) expect(res.reason).toMatch(/below the no-arbitrage lower bound/);
    const put = impliedVol('put', 9, 90, 100, 0.1, 0, 0);
    expect(put.vol).toBeNull();
  });

  it('at or above the upper bound returns null with a reason', () => {
    const call = impliedVol('call', 100, 100, 90, 1, 0.05, 0);
    expect(call.vol).toBeNull();
    if (call.vol === null) expect(call.reason).toMatch(/upper bound/);
    const put = impliedVol('put', 100 * Math.exp(-0.05) + 0.01, 100, 100, 1, 0.05, 0);
    expect(put.vol).toBeNull();
  });

  it('no time value, expiry, search limits and bad prices', () => {
    const atIntrinsic = impliedVol('put', 10, 90, 100, 0.1, 0, 0);
    expect(atIntrinsic.vol).toBeNull();
    if (atIntrinsic.vol === null) expect(atIntrinsic.reason).toMatch(/no time value/);
    expect(impliedVol('call', 1, 100, 100, 0, 0.05, 0).vol).toBeNull();
    expect(impliedVol('call', Number.NaN, 100, 100, 1, 0.05, 0).vol).toBeNull();
    const huge = bsPrice('call', 100, 100, 1, 0, 0, 12);
    const r = impliedVol('call', huge, 100, 100, 1, 0, 0);
    expect(r.vol).toBeNull();
    if (r.vol === null) expect(r.reason).toMatch(/above the search cap/);
    expect(impliedVol('call', huge, 100, 100, 1, 0, 0, { hi: 20 }).vol).toBeCloseTo(12, 8);
  });

  it('invalid market inputs throw', () => {
    expect(() => impliedVol('call', 1, 0, 100, 1, 0, 0)).toThrow(RangeError);
    expect(() => impliedVol('call', 1, 100, -5, 1, 0, 0)).toThrow(/K/);
  });
});
