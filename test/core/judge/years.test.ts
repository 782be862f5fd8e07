import { describe, expect, it } from 'vitest';
import { traderHistory, yearFigures } from '../../../src/core/judge/years.js';
import type { ProvenanceSpan } from '../../../src/core/market/provenance.js';

describe('yearFigures: years are sums of months, returns are on the max loss entered', () => {
  // Two traders over 2024-11, 2024-12, 2025-01 (cents, trader-major).
  const months = ['2024-11', '2024-12', '2025-01'];
  const monthly = Int32Array.from([100, -50, 200, 10, 20, 30]);
  const risk = { years: ['2024', '2025'], data: Float64Array.from([1_000, 400, 0, 600]) };

  it('one trader', () => {
    // Trader 0: 2024 = 100 − 50 = 50 ¢ on 1,000 ¢ of max loss (5 %); 2025 = 200 ¢ on 400 ¢ (50 %).
    expect(yearFigures([0], months, monthly, risk)).toEqual([
      { year: '2024', pnlUsd: 0.5, riskUsd: 10, returnOnRisk: 0.05 },
      { year: '2025', pnlUsd: 2, riskUsd: 4, returnOnRisk: 0.5 },
    ]);
    // Trader 1 entered nothing in 2024: no return on max loss, not an infinite one.
    expect(yearFigures([1], months, monthly, risk)[0]).toEqual({
      year: '2024',
      pnlUsd: 0.3,
      riskUsd: 0,
      returnOnRisk: null,
    });
  });

  it('a group sums P&L and max loss before dividing; no stored risk gives none', () => {
    // 2024: (50 + 30) / (1,000 + 0) = 8 %; 2025: (200 + 30) / (400 + 600) = 23 %.
    const both = yearFigures([0, 1], months, monthly, risk);
    expect(both.map((y) => [y.pnlUsd, y.riskUsd, y.returnOnRisk])).toEqual([
      [0.8, 10, 0.08],
      [2.3, 10, 0.23],
    ]);
    expect(yearFigures([0], months, monthly, null).map((y) => y.returnOnRisk)).toEqual([null, null]);
  });
});

describe('traderHistory: P&L by span and by year from the closes, crash days on the curve', () => {
  const spans: ProvenanceSpan[] = [
    { kind: 'priceDerived', symbol: 'IBIT', from: '2022-05-11', until: '2024-01-11' },
    { kind: 'noListedOptions', symbol: 'IBIT', from: '2022-05-11', until: '2024-11-19' },
  ];
  // Daily P&L from $100,000: +100, −1,100, +500, +700, +800, −500.
  const equity = [
    { date: '2022-05-11', equityUsd: 100_100 },
    { date: '2022-05-12', equityUsd: 99_000 },
    { date: '2023-01-03', equityUsd: 99_500 },
    { date: '2024-01-10', equityUsd: 100_200 },
    { date: '2024-01-11', equityUsd: 101_000 },
    { date: '2024-11-19', equityUsd: 100_500 },
  ];
  const h = traderHistory({
    equity,
    capitalUsd: 100_000,
    months: ['2022-05', '2023-01', '2024-01', '2024-11'],
    spans,
    symbol: 'IBIT',
    trader: 0,
    risk: null,
  });

  it('span P&L by day: the boundary day belongs to the next span', () => {
    // Derived: 100 − 1,100 + 500 + 700 = 200 (2024-01-11 is listed); unlisted options: 200 + 800 = 1,000.
    expect(h.spans.map((s) => [s.span.kind, s.pnlUsd])).toEqual([
      ['priceDerived', 200],
      ['noListedOptions', 1_000],
    ]);
    expect(h.totalUsd).toBe(500);
  });

  it('years: 2022 −1,000, 2023 +500, 2024 +1,000', () => {
    expect(h.years.map((y) => [y.year, y.pnlUsd])).toEqual([
      ['2022', -1_000],
      ['2023', 500],
      ['2024', 1_000],
    ]);
  });

  it('each crash day inside the curve at its close or the first after it; 2025-10-10 lies beyond', () => {
    expect(h.crashes.map((c) => [c.date, c.index])).toEqual([
      ['2022-05-12', 1],
      ['2022-06-13', 2],
      ['2022-11-09', 2],
      ['2024-08-05', 5],
    ]);
  });

  it("another fund's trader has no IBIT span", () => {
    const bito = traderHistory({
      equity,
      capitalUsd: 100_000,
      months: ['2022-05'],
      spans,
      symbol: 'BITO',
      trader: 0,
      risk: null,
    });
    expect(bito.spans).toEqual([]);
  });
});
