import { describe, expect, it } from 'vitest';
import {
  boxMuller,
  CounterRng,
  normalPair,
  philox4x32,
  streamId,
  uniforms,
} from '../../../src/core/pricing/rng.js';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('philox4x32-10 known-answer vectors (Random123 kat_vectors)', () => {
  const out = new Uint32Array(4);
  it('counter 0, key 0', () => {
    philox4x32(0, 0, 0, 0, 0, 0, out);
    expect(hex(out)).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
  it('all-ones counter and key', () => {
    const f = 0xffffffff;
    philox4x32(f, f, f, f, f, f, out);
    expect(hex(out)).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
  });
  it('pi digits', () => {
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(hex(out)).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });
});

describe('uniforms and normals', () => {
  it('uniforms are in (0,1), deterministic, and differ across seed/stream/counter/substream', () => {
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    uniforms(123, 7, 0, a);
    uniforms(123, 7, 0, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const [seed, stream, counter, sub] of [
      [124, 7, 0, 0],
      [123, 8, 0, 0],
      [123, 7, 1, 0],
      [123, 7, 0, 1],
    ]) {
      uniforms(seed, stream, counter, b, sub);
      expect(b[0]).not.toBe(a[0]);
    }
    let outside = 0;
    for (let c = 0; c < 1000; c++) {
      uniforms(2 ** 53 - 1, 0xffffffff, c, a);
      if (!(a[0] > 0 && a[0] < 1 && a[1] > 0 && a[1] < 1)) outside++;
    }
    expect(outside).toBe(0);
  });

  it('seeds use all 53 bits (high key word matters)', () => {
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    uniforms(5, 0, 0, a);
    uniforms(5 + 2 ** 32, 0, 0, b);
    expect(a[0]).not.toBe(b[0]);
  });

  it('rejects bad seeds, streams and counters', () => {
    const a = new Float64Array(2);
    expect(() => uniforms(-1, 0, 0, a)).toThrow(RangeError);
    expect(() => uniforms(2 ** 53, 0, 0, a)).toThrow(/seed/);
    expect(() => uniforms(1.5, 0, 0, a)).toThrow(/seed/);
    expect(() => uniforms(1, 2 ** 32, 0, a)).toThrow(/stream/);
    expect(() => uniforms(1, 0, -1, a)).toThrow(/counter/);
    expect(() => new CounterRng(Number.NaN, 0)).toThrow(/seed/);
  });

  it('normalPair is Box-Muller on the same block', () => {
    const u = new Float64Array(2);
    const z = new Float64Array(2);
    const w = new Float64Array(2);
    uniforms(9, 3, 17, u, 4);
    normalPair(9, 3, 17, z, 4);
    boxMuller(u[0], u[1], w);
    expect(Array.from(z)).toEqual(Array.from(w));
  });

  it('CounterRng matches the stateless functions block by block', () => {
    const rng = new CounterRng(77, 5, 2);
    const u = new Float64Array(2);
    for (let c = 0; c < 5; c++) {
      uniforms(77, 5, c, u, 2);
      expect(rng.nextUniform()).toBe(u[0]);
      expect(rng.nextUniform()).toBe(u[1]);
    }
    const rn = new CounterRng(77, 5, 2);
    const z = new Float64Array(2);
    normalPair(77, 5, 0, z, 2);
    expect(rn.nextNormal()).toBe(z[0]);
    expect(rn.nextNormal()).toBe(z[1]);
  });

  it('is bit-for-bit deterministic, seek() replays a substream', () => {
    const a = new CounterRng(2024, streamId('sim.btc'));
    const xs = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? a.nextPoisson(2.5) : a.nextNormal()));
    const b = new CounterRng(2024, streamId('sim.btc'));
    const ys = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? b.nextPoisson(2.5) : b.nextNormal()));
    expect(ys).toEqual(xs);
    b.seek(0);
    expect(b.nextPoisson(2.5)).toBe(xs[0]);
  });

  it('normal moments: mean 0, variance 1, kurtosis 3 (within ~4 SE)', () => {
    const rng = new CounterRng(1, streamId('test.moments'));
    const n = 400_000;
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.nextNormal();
      s1 += z;
      s2 += z * z;
      s4 += z * z * z * z;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('uniform mean and lag-1 correlation look right', () => {
    const rng = new CounterRng(3, 0);
    const n = 200_000;
    let s = 0;
    let sxy = 0;
    let prev = rng.nextUniform();
    for (let i = 0; i < n; i++) {
      const u = rng.nextUniform();
      s += u;
      sxy += (u - 0.5) * (prev - 0.5);
      prev = u;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sxy / n / (1 / 12))).toBeLessThan(4 / Math.sqrt(n));
  });

  it.each([0.02, 1.5, 8, 12, 40, 500])('Poisson(%s) mean and variance', (mean) => {
    const rng = new CounterRng(11, streamId(`poisson.${mean}`));
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.nextPoisson(mean);
      if (!(Number.isInteger(k) && k >= 0)) bad++;
      s += k;
      s2 += k * k;
    }
    expect(bad).toBe(0);
    const m = s / n;
    const v = s2 / n - m * m;
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
    // Var of the sample variance ~ (mu4 - sigma^4)/n with mu4 = mean(1 + 3 mean).
    expect(Math.abs(v - mean)).toBeLessThan(5 * Math.sqrt((mean * (1 + 3 * mean) - mean * mean) / n));
  });

  it('Poisson(0) is 0 and bad means throw', () => {
    const rng = new CounterRng(0, 0);
    expect(rng.nextPoisson(0)).toBe(0);
    expect(() => rng.nextPoisson(-1)).toThrow(RangeError);
    expect(() => rng.nextPoisson(Number.NaN)).toThrow(RangeError);
  });
});

describe('streamId', () => {
  it('is stable, 32-bit, and distinguishes names', () => {
    expect(streamId('sim.btc')).toBe(streamId('sim.btc'));
    const ids = new Set(['sim.btc', 'sim.ibit', 'sim.bito', 'pricing.paths', '', 'a', 'b'].map(streamId));
    expect(ids.size).toBe(7);
    for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < 2 ** 32).toBe(true);
  });
  it('pins the hash so stored stream ids never drift', () => {
    // FNV-1a + murmur3 fmix32; changing either changes every named stream.
    expect(streamId('sim.btc')).toMatchInlineSnapshot(`628776444`);
  });
});
