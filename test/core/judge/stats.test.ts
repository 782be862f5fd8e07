import { describe, expect, it } from 'vitest';
import {
  annualise,
  binomialUpper,
  deflatedSharpe,
  expectedMaxZ,
  moments,
  quantile,
  sharpe,
} from '../../../src/core/judge/stats.js';

describe('deflated Sharpe ratio', () => {
  it('expected maximum of N standard normals: 4.683 at N = 400,000 (reference values)', () => {
    expect(expectedMaxZ(400_000)).toBeCloseTo(4.683, 3);
    expect(expectedMaxZ(1)).toBe(0);
    // More trials, a higher bar.
    expect(expectedMaxZ(1000)).toBeGreaterThan(expectedMaxZ(100));
  });

  it("reproduces Bailey & López de Prado's worked example (DSR 0.9004)", () => {
    // Annualised SR 2.5 over 1,250 days, skew −3, kurtosis 10, 100 trials with V[SR] 0.5 annualised.
    const r = deflatedSharpe({
      sr: 2.5 / Math.sqrt(250),
      skew: -3,
      kurt: 10,
      t: 1250,
      srVariance: 0.5 / 250,
      nEff: 100,
    });
    expect(r.dsr).toBeCloseTo(0.9004, 3);
    expect(r.pValue).toBeCloseTo(1 - r.dsr, 12);
  });

  it('one trial and normal returns: the probabilistic Sharpe ratio, a z-test of SR·√(T−1)', () => {
    const r = deflatedSharpe({ sr: 0.2, skew: 0, kurt: 3, t: 101, srVariance: 0.01, nEff: 1 });
    expect(r.sr0).toBe(0);
    expect(r.z).toBeCloseTo((0.2 * 10) / Math.sqrt(1 + 0.5 * 0.04), 12);
  });

  it('p-values far in the tail keep their precision', () => {
    const r = deflatedSharpe({ sr: 1, skew: 0, kurt: 3, t: 1000, srVariance: 0, nEff: 1 });
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-100);
  });

  it('moments: skewness and non-excess kurtosis; a constant series has no Sharpe', () => {
    const m = moments([1, 2, 3, 4, 10]);
    expect(m.mean).toBe(4);
    expect(m.skew).toBeGreaterThan(1);
    expect(m.kurt).toBeGreaterThan(2);
    expect(sharpe(moments([5, 5, 5]))).toBeNull();
    expect(annualise(1)).toBeCloseTo(Math.sqrt(252), 12);
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics (rank (n − 1)·p)', () => {
    const s = [1, 2, 4, 8];
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 1)).toBe(8);
    // rank 1.5 → halfway between 2 and 4; rank 0.3 → 1 + 0.3·1
    expect(quantile(s, 0.5)).toBe(3);
    expect(quantile(s, 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('Clopper–Pearson upper bound', () => {
  it('0 of 500: 1 − 0.025^(1/500) = 0.00735; 0 of 1: 0.975; all: 1', () => {
    expect(binomialUpper(0, 500)).toBeCloseTo(1 - 0.025 ** (1 / 500), 9);
    expect(binomialUpper(0, 1)).toBeCloseTo(0.975, 9);
    expect(binomialUpper(3, 3)).toBe(1);
    // 25 of 500 (5 %): the 95 % bound sits near 7.3 %, and more windows tighten it.
    expect(binomialUpper(25, 500)).toBeGreaterThan(0.07);
    expect(binomialUpper(25, 500)).toBeLessThan(0.075);
    expect(binomialUpper(50, 1000)).toBeLessThan(binomialUpper(25, 500));
  });
});
