import { describe, expect, it } from 'vitest';
import { classifyRegime, ivRank, ivZScore, volRegime } from '../../../src/core/conditions/iv.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('ivRank (true definitions, #10)', () => {
  // 365 days evenly from 0.40 to 0.76
  const year = range(365, (i) => 0.4 + (0.36 * i) / 364);

  it('rank = (current − low) / (high − low) over the trailing 52 weeks', () => {
    const r = ivRank(year, 0.58);
    expect(r.status).toBe('ok');
    if (r.status === 'ok') {
      expect(r.rank).toBeCloseTo(0.5, 12);
      expect(r.low).toBe(0.4);
      expect(r.high).toBeCloseTo(0.76, 15);
      expect(r.n).toBe(365);
    }
  });

  it('percentile = share of days strictly below current', () => {
    const h = [...range(100, () => 0.5), ...range(150, () => 0.6), ...range(50, () => 0.7)];
    const r = ivRank(h, 0.6);
    expect(r.status === 'ok' && r.percentile).toBeCloseTo(100 / 300, 15);
    expect(r.status === 'ok' && r.rank).toBeCloseTo(0.5, 12);
  });

  it('rank and percentile differ when the range is skewed by one spike', () => {
    const h = [...range(299, () => 0.5), 1.5];
    const r = ivRank(h, 0.6);
    expect(r.status === 'ok' && r.rank).toBeCloseTo(0.1, 12);
    expect(r.status === 'ok' && r.percentile).toBeCloseTo(299 / 300, 12);
  });

  it('uses only the trailing 365 values', () => {
    const old = range(400, () => 2.0);
    const r = ivRank([...old, ...year], 0.58);
    expect(r.status === 'ok' && r.high).toBeCloseTo(0.76, 12);
  });

  it('a new high or low clamps into [0, 1] because the range includes today', () => {
    const hi = ivRank(year, 0.9);
    const lo = ivRank(year, 0.3);
    expect(hi.status === 'ok' && hi.rank).toBe(1);
    expect(hi.status === 'ok' && hi.percentile).toBe(1);
    expect(lo.status === 'ok' && lo.rank).toBe(0);
  });

  it('fewer than 200 days is insufficient with the count, never a made-up bound', () => {
    expect(
      ivRank(
        range(199, () => 0.5),
        0.5,
      ),
    ).toEqual({ status: 'insufficient', reason: 'insufficient history (199 days)' });
    expect(
      ivRank(
        range(200, (i) => 0.4 + i / 1000),
        0.5,
      ).status,
    ).toBe('ok');
  });

  it('gaps (NaN) do not count as days', () => {
    const h = range(210, (i) => (i % 10 === 0 ? Number.NaN : 0.5 + i / 1000));
    expect(ivRank(h, 0.6)).toEqual({ status: 'insufficient', reason: 'insufficient history (189 days)' });
    // between the floor and a full year the rank is given and labelled (the replay before 2022-03-24)
    const short = ivRank(
      range(285, (i) => 0.5 + i / 1000),
      0.6,
    );
    expect(short.status === 'ok' && short.shortHistory).toBe('rests on 285 of 365 days of DVOL');
    const full = ivRank(
      range(365, (i) => 0.5 + i / 1000),
      0.6,
    );
    expect(full.status === 'ok' && full.shortHistory).toBeNull();
  });

  it('a missing current value or a flat history is insufficient', () => {
    expect(ivRank(year, Number.NaN).status).toBe('insufficient');
    expect(
      ivRank(
        range(300, () => 0.5),
        0.5,
      ).status,
    ).toBe('insufficient');
  });
});

describe('ivZScore (needs ≥ 90 days of history)', () => {
  it('is (current − mean) / sample sd', () => {
    const h = range(100, (i) => (i % 2 === 0 ? 0.4 : 0.6)); // mean 0.5, sample sd = 0.1·√(100/99)
    const r = ivZScore(h, 0.7);
    const sd = 0.1 * Math.sqrt(100 / 99);
    expect(r.status === 'ok' && r.mean).toBeCloseTo(0.5, 12);
    expect(r.status === 'ok' && r.sd).toBeCloseTo(sd, 12);
    expect(r.status === 'ok' && r.z).toBeCloseTo(0.2 / sd, 10);
  });
  it('refuses fewer than 90 days (the seed used 7)', () => {
    expect(
      ivZScore(
        range(89, (i) => 0.5 + i / 1000),
        0.6,
      ),
    ).toEqual({
      status: 'insufficient',
      reason: 'insufficient history (89 days)',
    });
    expect(
      ivZScore(
        range(168, () => 0.5),
        0.6,
      ).status,
    ).toBe('insufficient');
  });
});

describe('volRegime (item H)', () => {
  const q90 = range(90, (i) => 0.4 + i / 1000); // 0.400 … 0.489
  it('classifies by the 90-day percentile: <25 % low, <75 % normal, <95 % elevated, else crisis', () => {
    const at = (x: number) => {
      const r = volRegime(q90, x);
      if (r.status !== 'ok') throw new Error(r.reason);
      return r;
    };
    // values sit between grid points, so "below" counts are unambiguous
    expect(at(0.4105)).toMatchObject({ regime: 'low', percentile: 11 / 90 });
    expect(at(0.4225)).toMatchObject({ regime: 'normal', percentile: 23 / 90 });
    expect(at(0.4665)).toMatchObject({ regime: 'normal', percentile: 67 / 90 });
    expect(at(0.4675)).toMatchObject({ regime: 'elevated', percentile: 68 / 90 });
    expect(at(0.4845)).toMatchObject({ regime: 'elevated', percentile: 85 / 90 });
    expect(at(0.4855)).toMatchObject({ regime: 'crisis', percentile: 86 / 90 });
  });
  it('has exact cut-offs', () => {
    expect(classifyRegime(0.2499)).toBe('low');
    expect(classifyRegime(0.25)).toBe('normal');
    expect(classifyRegime(0.7499)).toBe('normal');
    expect(classifyRegime(0.75)).toBe('elevated');
    expect(classifyRegime(0.9499)).toBe('elevated');
    expect(classifyRegime(0.95)).toBe('crisis');
    expect(classifyRegime(1)).toBe('crisis');
  });
  it('a quarter-high is crisis; only the last 90 days count', () => {
    const r = volRegime([...range(300, () => 1.2), ...q90], 0.6);
    expect(r.status === 'ok' && r.regime).toBe('crisis');
    expect(r.status === 'ok' && r.n).toBe(90);
  });
  it('insufficient with fewer than 90 days', () => {
    expect(
      volRegime(
        range(89, () => 0.5),
        0.5,
      ),
    ).toEqual({ status: 'insufficient', reason: 'insufficient history (89 days)' });
  });
});
