import { describe, expect, it } from 'vitest';
import {
  fellerSatisfied,
  jumpCompensator,
  type ModelSpec,
  parseModelName,
  validateModelSpec,
} from '../../../src/core/pricing/models.js';

const H = { v0: 0.04, kappa: 2, theta: 0.04, xi: 0.5, rho: -0.7 };
const J = { lambda: 1, jumpMean: -0.05, jumpVol: 0.1 };

describe('parseModelName', () => {
  it('accepts the four names, case-insensitively, and bs as gbm', () => {
    expect(parseModelName('gbm')).toBe('gbm');
    expect(parseModelName('bs')).toBe('gbm');
    expect(parseModelName('BS')).toBe('gbm');
    expect(parseModelName('heston')).toBe('heston');
    expect(parseModelName('Merton')).toBe('merton');
    expect(parseModelName(' heston-jump ')).toBe('heston-jump');
  });
  it('throws a RangeError listing the valid names', () => {
    expect(() => parseModelName('bates')).toThrow(RangeError);
    expect(() => parseModelName('bates')).toThrow(/gbm, heston, merton, heston-jump/);
    expect(() => parseModelName('toString')).toThrow(RangeError);
    expect(() => parseModelName('')).toThrow(RangeError);
  });
});

describe('validateModelSpec', () => {
  it('accepts valid specs of every model', () => {
    const specs: ModelSpec[] = [
      { model: 'gbm', vol: 0.6 },
      { model: 'gbm', vol: 0 },
      { model: 'heston', heston: H },
      { model: 'merton', vol: 0.2, jumps: J },
      { model: 'heston-jump', heston: H, jumps: J },
    ];
    for (const s of specs) expect(validateModelSpec(s)).toBe(s);
  });
  it.each([
    [{ model: 'gbm', vol: -0.1 }, /vol must be >= 0/],
    [{ model: 'gbm', vol: Number.NaN }, /vol must be a finite number/],
    [{ model: 'heston', heston: { ...H, rho: -1.2 } }, /rho must be in \[-1, 1\]/],
    [{ model: 'heston', heston: { ...H, v0: -0.01 } }, /heston\.v0 must be >= 0/],
    [{ model: 'heston', heston: { ...H, xi: 0 } }, /heston\.xi/],
    [{ model: 'heston', heston: { ...H, kappa: -1 } }, /heston\.kappa/],
    [{ model: 'heston', heston: { ...H, theta: Number.POSITIVE_INFINITY } }, /heston\.theta/],
    [{ model: 'merton', vol: 0.2, jumps: { ...J, lambda: -1 } }, /jumps\.lambda/],
    [{ model: 'merton', vol: 0.2, jumps: { ...J, jumpVol: -0.1 } }, /jumps\.jumpVol/],
    [{ model: 'heston-jump', heston: H }, /jumps parameters are missing/],
    [{ model: 'sabr', vol: 0.2 }, /unknown model 'sabr'/],
  ])('rejects %j', (spec, msg) => {
    expect(() => validateModelSpec(spec as unknown as ModelSpec)).toThrow(RangeError);
    expect(() => validateModelSpec(spec as unknown as ModelSpec)).toThrow(msg);
  });
});

describe('helpers', () => {
  it('jump compensator is E[e^J] - 1', () => {
    expect(jumpCompensator(J)).toBeCloseTo(Math.exp(-0.05 + 0.005) - 1, 15);
    expect(jumpCompensator({ lambda: 1, jumpMean: -0.005, jumpVol: 0.1 })).toBeCloseTo(0, 15);
  });
  it('Feller condition', () => {
    expect(fellerSatisfied(H)).toBe(false);
    expect(fellerSatisfied({ ...H, xi: 0.3 })).toBe(true);
    // Fang & Oosterlee reference case violates Feller.
    expect(fellerSatisfied({ v0: 0.0175, kappa: 1.5768, theta: 0.0398, xi: 0.5751, rho: -0.5711 })).toBe(
      false,
    );
  });
});
