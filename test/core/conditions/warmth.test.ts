import { describe, expect, it } from 'vitest';
import type { VolRegime } from '../../../src/core/conditions/iv.js';
import {
  DEFAULT_WARMTH_WEIGHTS,
  formatWarmth,
  normEvent,
  normFunding,
  normGap,
  normIvLevel,
  normMarket,
  normMomentum,
  normRegime,
  type ScorePart,
  scoreParts,
  sizeFraction,
  WARMTH_COMPONENTS,
  type WarmthInputs,
  warmth,
} from '../../../src/core/conditions/warmth.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BEST: WarmthInputs = {
  ivLevel: 0.8,
  ivRank: 1,
  funding8h: 0.00005,
  momentumScore: 1.5,
  regime: 'normal',
  event: { hoursToNext: Number.POSITIVE_INFINITY, optionLifeHours: 30 * 24 },
  gapFrac: 0,
  marketPhase: 'open',
};

const WORST: WarmthInputs = {
  ivLevel: 0.3,
  ivRank: 0,
  funding8h: 0.001,
  momentumScore: -3,
  regime: 'crisis',
  event: { hoursToNext: 2, optionLifeHours: 30 * 24 },
  gapFrac: -0.08,
  marketPhase: 'closed',
};

function ok(w: ReturnType<typeof warmth>) {
  if (w.status !== 'ok') throw new Error(w.reason);
  return w;
}

describe('warmth score (a real number from 1.0 to 10.0, not a few coarse steps)', () => {
  it('all-best is 10.0 and all-worst is 1.0', () => {
    const best = ok(warmth(BEST));
    const worst = ok(warmth(WORST));
    expect(best.score).toBe(10);
    expect(best.display).toBe('10.0');
    expect(worst.score).toBe(1);
    expect(worst.display).toBe('1.0');
    expect(best.components).toHaveLength(8);
    expect(best.missing).toEqual([]);
    expect(best.coverage).toBe(1);
  });

  it('shows every component: raw, normalised, weight, contribution (summing to score − 1), note', () => {
    const w = ok(warmth({ ...BEST, ivRank: 0.5, regime: 'elevated', marketPhase: 'pre' }));
    const sum = w.components.reduce((s, c) => s + c.contribution, 0);
    expect(1 + sum).toBeCloseTo(w.score, 12);
    const rank = w.components.find((c) => c.name === 'ivRank');
    expect(rank).toMatchObject({ raw: 0.5, normalised: 0.5, weight: 2 });
    expect(rank?.contribution).toBeCloseTo((9 * 2 * 0.5) / 10, 12);
    for (const c of w.components) expect(c.note.length).toBeGreaterThan(0);
    // 1 + 9·(10 − 1 − 0.6 − 0.25) / 10
    expect(w.score).toBeCloseTo(1 + (9 * (10 - 1 - 0.6 - 0.25)) / 10, 12);
  });

  it('a missing component is excluded, listed with its reason, and the rest renormalised', () => {
    const w = ok(warmth({ ...BEST, funding8h: { missing: 'bybit timeout' }, ivRank: null }));
    expect(w.score).toBe(10);
    expect(w.components.map((c) => c.name)).not.toContain('funding');
    expect(w.missing).toEqual([
      { name: 'ivRank', weight: 2, reason: 'not provided' },
      { name: 'funding', weight: 1, reason: 'bybit timeout' },
    ]);
    expect(w.coverage).toBeCloseTo(7 / 10, 12);
    // renormalised, not defaulted: same score as if only the remaining components existed
    const half = ok(warmth({ ivLevel: 0.525, marketPhase: 'open' })); // 0.5 and 1 → (1.5·0.5 + 0.5·1)/2
    expect(half.score).toBeCloseTo(1 + (9 * (0.75 + 0.5)) / 2, 12);
  });

  it('nothing available is insufficient, not a score', () => {
    const w = warmth({});
    expect(w.status).toBe('insufficient');
    expect(w.status === 'insufficient' && w.missing).toHaveLength(8);
  });

  it('a weight of 0 switches a component off without calling it missing', () => {
    const w = ok(warmth({ ...BEST, gapFrac: -0.5 }, { ...DEFAULT_WARMTH_WEIGHTS, gap: 0 }));
    expect(w.score).toBe(10);
    expect(w.missing).toEqual([]);
    expect(() => warmth(BEST, { ...DEFAULT_WARMTH_WEIGHTS, gap: -1 })).toThrow(RangeError);
  });

  it('is monotone: raising one normalised value never lowers the score (random property test)', () => {
    const r = rng(42);
    for (let trial = 0; trial < 3000; trial++) {
      const parts: ScorePart[] = WARMTH_COMPONENTS.filter(() => r() < 0.85).map((name) => ({
        name,
        raw: 0,
        normalised: r(),
        weight: 0.1 + r() * 3,
        note: '',
      }));
      if (parts.length === 0) continue;
      const base = scoreParts(parts).score;
      expect(base).toBeGreaterThanOrEqual(1);
      expect(base).toBeLessThanOrEqual(10);
      const i = Math.floor(r() * parts.length);
      const up = parts.map((p, j) =>
        j === i ? { ...p, normalised: p.normalised + (1 - p.normalised) * r() } : p,
      );
      expect(scoreParts(up).score).toBeGreaterThanOrEqual(base - 1e-12);
    }
  });

  it('is monotone in the raw inputs where "better" has a direction', () => {
    const r = rng(9);
    for (let trial = 0; trial < 500; trial++) {
      const a = r();
      const b = a + r() * 0.5;
      expect(normIvLevel(b).value).toBeGreaterThanOrEqual(normIvLevel(a).value);
      const m = -4 + 6 * r();
      expect(normMomentum(m + r()).value).toBeGreaterThanOrEqual(normMomentum(m).value);
      const f = 0.0001 + r() * 0.001;
      expect(normFunding(f + r() * 0.0005).value).toBeLessThanOrEqual(normFunding(f).value);
      const g = -0.1 * r();
      expect(normGap(g - r() * 0.05).value).toBeLessThanOrEqual(normGap(g).value);
      const h = r() * 1000;
      expect(normEvent(h + r() * 100, 500).value).toBeGreaterThanOrEqual(normEvent(h, 500).value);
    }
  });

  it('normalisers hit their documented anchors', () => {
    expect(normIvLevel(0.35).value).toBe(0);
    expect(normIvLevel(0.7).value).toBe(1);
    expect(normFunding(0.0001).value).toBe(1);
    expect(normFunding(0.0003).value).toBeCloseTo(0.5, 12);
    expect(normFunding(0.0005).value).toBeCloseTo(0, 12);
    expect(normFunding(-0.0003).value).toBeCloseTo(0.5, 12);
    expect(normMomentum(-2).value).toBe(0);
    expect(normMomentum(0).value).toBeCloseTo(2 / 3, 12);
    expect(normMomentum(1).value).toBe(1);
    const regimes: VolRegime[] = ['low', 'normal', 'elevated', 'crisis'];
    expect(regimes.map((x) => normRegime(x).value)).toEqual([0.6, 1, 0.6, 0]);
    expect(normEvent(24, 720).value).toBe(0);
    expect(normEvent(100, 720).value).toBe(0.5);
    expect(normEvent(800, 720).value).toBe(1);
    expect(normGap(-0.05).value).toBe(0);
    expect(normGap(-0.025).value).toBeCloseTo(0.5, 12);
    expect(normGap(0.05).value).toBe(0.5);
    expect(normMarket('closed').value).toBe(0);
    expect(normMarket('open').value).toBe(1);
    expect(() => normIvLevel(Number.NaN)).toThrow(RangeError);
  });
});

describe('display and sizing', () => {
  it('formats with one decimal', () => {
    expect(formatWarmth(7.34)).toBe('7.3');
    expect(formatWarmth(7.35)).toBe('7.4');
    expect(formatWarmth(1.05)).toBe('1.1');
    expect(formatWarmth(9.96)).toBe('10.0');
    expect(formatWarmth(1)).toBe('1.0');
    expect(() => formatWarmth(Number.NaN)).toThrow(RangeError);
  });
  it('sizes by band as shown (item E)', () => {
    expect(sizeFraction(10)).toBe(1);
    expect(sizeFraction(7.96)).toBe(1); // shows 8.0
    expect(sizeFraction(7.9)).toBe(0.5);
    expect(sizeFraction(6)).toBe(0.5);
    expect(sizeFraction(5.2)).toBe(0.25);
    expect(sizeFraction(3.9)).toBe(0);
  });
});
