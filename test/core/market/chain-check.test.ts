import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../../src/adapters/bundled/chain-model.js';
import { bundledFile } from '../../../src/adapters/bundled/files.js';
import { loadGrid } from '../../../src/adapters/bundled/grids.js';
import { type ChainCheck, checkChain, ratioStats } from '../../../src/core/market/chain-check.js';
import { atmIv30FromDvol, type ParsedChain, parseChainCsv } from '../../../src/core/market/chain-fit.js';
import { type ChainModel, quoteOne } from '../../../src/core/market/chain-model.js';

// The two real chains and the DVOL close a replay sees at each quote time (data/prices, the
// 2026-02-10 and 2026-02-11 rows of the DVOL bars: 54.84 and 55.29).
const CHAINS = [
  { file: 'ibit_chain_yahoo_2026-02-11_underlying37.735.csv', dvol: 0.5484 },
  { file: 'ibit_chain_yahoo_2026-02-12a_underlying38.150.csv', dvol: 0.5529 },
];
const cal = loadMarketCalendar();
let model: ChainModel;
let checks: ChainCheck[];
let chains: ParsedChain[];

beforeAll(() => {
  model = loadChainModel();
  const grid = loadGrid();
  chains = CHAINS.map((c) => parseChainCsv(readFileSync(bundledFile('options', c.file), 'utf8'), c.file));
  checks = CHAINS.map((c, i) =>
    checkChain(model, chains[i], {
      calendar: cal,
      atmIv30: atmIv30FromDvol(model.ivLevel, c.dvol),
      r: 0.04,
      targets: grid.spec,
      minCreditUsd: 0.05,
    }),
  );
});

describe('ratio statistics', () => {
  it('median, p10 and p90 between order statistics, and the share at or above 1', () => {
    // sorted 0.8 1 1.25 1.5 2: p10 at rank 0.4 → 0.8 + 0.4·0.2; p90 at rank 3.6 → 1.5 + 0.6·0.5
    const s = ratioStats([2, 1, 0.8, 1.5, 1.25]);
    expect(s).toEqual({
      n: 5,
      median: 1.25,
      p10: expect.any(Number),
      p90: expect.any(Number),
      shareAtLeast1: 0.8,
    });
    expect(s.p10).toBeCloseTo(0.88, 12);
    expect(s.p90).toBeCloseTo(1.8, 12);
  });
});

describe('a traded spread worked by hand (2026-02-11, 2026-02-18 36/35)', () => {
  it('real: short 36 put 0.60 × 0.62, long 35 put 0.42 × 0.43 → mid 0.185, credit 0.17, cost 0.015', () => {
    const s = checks[0].spreads.find(
      (x) => x.expiry === '2026-02-18' && x.shortStrike === 36 && x.longStrike === 35,
    );
    expect(s).toBeDefined();
    expect(s!.real).toEqual({ mid: 0.185, credit: 0.17, crossingCost: 0.015 });
    // model: the same two contracts quoted by the chain model at the replay's inputs
    const input = {
      symbol: 'IBIT' as const,
      spot: chains[0].underlying,
      atmIv30: 0.5484 * model.ivLevel.dvolRatio,
      asOfMs: chains[0].quoteTimeMs,
      expiries: [
        {
          expiry: '2026-02-18',
          T: (Date.parse('2026-02-18T21:00:00Z') - chains[0].quoteTimeMs) / (365 * 86_400_000),
          dte: 7,
        },
      ],
      r: 0.04,
      q: 0,
    };
    const q = (k: number) =>
      quoteOne(model, input, { symbol: 'IBIT', expiry: '2026-02-18', strike: k, right: 'put' });
    const sh = q(36);
    const lo = q(35);
    expect(s!.model.credit).toBeCloseTo(sh.bid! - lo.ask!, 9);
    // the crossing cost is the two half-spreads
    expect(s!.model.crossingCost).toBeCloseTo((sh.ask! - sh.bid!) / 2 + (lo.ask! - lo.bid!) / 2, 9);
    expect(s!.crossingCostRatio).toBeCloseTo(s!.model.crossingCost / 0.015, 9);
  });
});

describe('the synthetic chain against each real chain (chain-model-2)', () => {
  it('uses the file: quote time and underlying, and the default grid finds about 90 spreads', () => {
    expect(checks[0].quoteTimeMs).toBe(Date.parse('2026-02-11T17:27:06Z'));
    expect(checks[0].underlying).toBeCloseTo(37.735, 3);
    for (const c of checks) {
      expect(c.spreads.length).toBeGreaterThanOrEqual(80);
      // unique spreads: no two with the same legs
      expect(new Set(c.spreads.map((s) => `${s.expiry}|${s.shortStrike}|${s.longStrike}`)).size).toBe(
        c.spreads.length,
      );
      for (const s of c.spreads) expect(s.real.credit).toBeGreaterThanOrEqual(0.05);
    }
  });

  it('crossing cost at f = 1 is never below the real one: median ≥ 1 and ≥ 1 for at least 90 % of the traded spreads', () => {
    for (const c of checks) {
      const s = c.summary.crossingCostRatio;
      expect(s.median, c.file).toBeGreaterThanOrEqual(1);
      expect(s.shareAtLeast1, c.file).toBeGreaterThanOrEqual(0.9);
      // and not absurdly wide: the median spread costs at most half as much again
      expect(s.median, c.file).toBeLessThanOrEqual(1.5);
    }
  });

  it('the crossed credit stays within 10 % of the real one at the median', () => {
    for (const c of checks) {
      expect(c.summary.creditRatio.median, c.file).toBeGreaterThan(0.9);
      expect(c.summary.creditRatio.median, c.file).toBeLessThan(1.1);
    }
  });

  it('ATM 30-day IV bias: each day is DVOL × half the gap between the two days’ ratios, the mean within ±2 vol points', () => {
    // The level is the mean of the two days' ratios r1, r2, so day i's bias is dvol_i × (r_j − r_i) / 2.
    const [d1, d2] = model.ivLevel.days;
    const b1 = checks[0].summary.ivBiasVp;
    const b2 = checks[1].summary.ivBiasVp;
    // the model's 30-day node ratio is 0.99990, hence the 0.02 vp tolerance
    expect(b1).toBeCloseTo((100 * 0.5484 * (d2.ratio - d1.ratio)) / 2, 1);
    expect(b2).toBeCloseTo((100 * 0.5529 * (d1.ratio - d2.ratio)) / 2, 1);
    expect(b1).toBeCloseTo(-1.26, 1);
    expect(b2).toBeCloseTo(1.27, 1);
    expect(Math.abs((b1 + b2) / 2)).toBeLessThan(2);
  });

  it('every DTE bucket and moneyness of the puts is reported, with widths as ask − bid', () => {
    const c = checks[0];
    expect(c.buckets.map((b) => `${b.dte} ${b.moneyness}`)).toContain('11-45 far');
    const far = c.buckets.find((b) => b.dte === '11-45' && b.moneyness === 'far')!;
    expect(far.n).toBeGreaterThan(20);
    expect(far.modelWidth).toBeGreaterThanOrEqual(far.realWidth);
    expect(far.ivBiasVp).not.toBeNull();
    for (const b of c.buckets) expect(b.realWidth).toBeGreaterThanOrEqual(0);
  });
});
