/** The four-year views on fixed results: every figure below is worked out by hand in its comment. */
import { afterEach, describe, expect, it } from 'vitest';
import { equityLines, historyLines, renderYears, yearCell } from '../../../src/cli/render/leaderboard.js';
import { spanSummaryLines } from '../../../src/cli/render/provenance.js';
import { setColor } from '../../../src/cli/render/style.js';
import type { GridSpec, TraderConfig } from '../../../src/core/farm/grid.js';
import type { DrillResult } from '../../../src/core/farm/resim.js';
import { traderHistory, type YearResult } from '../../../src/core/judge/years.js';
import type { ProvenanceSpan } from '../../../src/core/market/provenance.js';

afterEach(() => setColor(false));

const SPANS: ProvenanceSpan[] = [
  { kind: 'priceDerived', symbol: 'IBIT', from: '2022-01-03', until: '2024-01-11' },
  { kind: 'noListedOptions', symbol: 'IBIT', from: '2022-01-03', until: '2024-11-19' },
];
const GRID: GridSpec = {
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [7, 14],
  shortDelta: [0.2],
  width: [1],
  profitTargetPct: [50],
  stopLossX: [2],
  trailingStopPct: [0],
  sizePct: [5],
};
const config = (id: number, dte: number): TraderConfig => ({
  id,
  symbol: 'IBIT',
  warmthFloor: 4,
  ivRankFloor: 0,
  session: 'any',
  dte,
  shortDelta: 0.2,
  width: 1,
  profitTargetPct: 50,
  stopLossX: 2,
  trailingStopPct: 0,
  sizePct: 5,
});

describe('a year cell: P&L and return on max loss', () => {
  it('−$1,250 on $10,000 of max loss is −12.5 %; no risk taken: P&L alone', () => {
    expect(yearCell({ year: '2022', pnlUsd: -1_250, riskUsd: 10_000, returnOnRisk: -0.125 })).toBe(
      '−$1,250 −12.5%',
    );
    expect(yearCell({ year: '2023', pnlUsd: 0, riskUsd: 0, returnOnRisk: null })).toBe('$0');
    setColor(true);
    expect(yearCell({ year: '2024', pnlUsd: 300, riskUsd: 1_000, returnOnRisk: 0.3 })).toBe(
      '\u001b[32m$300 +30.0%\u001b[39m',
    );
  });
});

describe('leaderboard --by year', () => {
  const r: YearResult = {
    view: 'year',
    run: {
      id: 'r1',
      kind: 'replay',
      status: 'completed',
      traders: 2,
      grid: GRID,
      source: 'replay',
      window: { from: '2022-01-03', to: '2023-12-29' },
      syntheticChains: true,
      provenance: 'replayed real prices',
      spans: SPANS,
    },
    years: ['2022', '2023'],
    minTrades: 1,
    where: '',
    filters: [],
    matching: 2,
    rows: [
      {
        rank: 1,
        trader: 1,
        config: config(1, 14),
        totalUsd: 2_000,
        years: [
          { year: '2022', pnlUsd: -500, riskUsd: 5_000, returnOnRisk: -0.1 },
          { year: '2023', pnlUsd: 2_500, riskUsd: 10_000, returnOnRisk: 0.25 },
        ],
      },
    ],
    all: {
      traders: 2,
      years: [
        { year: '2022', pnlUsd: -1_500, riskUsd: 15_000, returnOnRisk: -0.1 },
        { year: '2023', pnlUsd: 3_000, riskUsd: 20_000, returnOnRisk: 0.15 },
      ],
    },
    noCandidate: [{ year: '2022', steps: 1_764, configurations: 2, never: 1, stepShare: 0.75 }],
    notes: ['note'],
  };

  it('one column a year, the varying dimension shown, the grid summed, the spans and the no-candidate table', () => {
    const lines = renderYears(r).split('\n');
    expect(lines[0]).toBe(
      'By year — top 1 of 2 traders with ≥1 closed trade, by realised P&L; each year: P&L and return on max loss',
    );
    expect(lines).toContain('  IBIT price derived from BTC, 2022-01-03 → before 2024-01-11');
    const head = lines.findIndex((l) => l.startsWith('#'));
    expect(lines[head].split(/ {2,}/)).toEqual(['#', 'Trader', 'DTE', '2022', '2023', 'Total']);
    expect(lines[head + 1].trim().split(/ {2,}/)).toEqual([
      '1',
      '1',
      '14',
      '−$500 −10.0%',
      '$2,500 +25.0%',
      '$2,000.00',
    ]);
    expect(lines).toContain('All 2 traders, summed: 2022 −$1,500 −10.0% · 2023 $3,000 +15.0%');
    // 1 of 2 configurations never had a candidate in 2022 (50 %); 75 % of their steps had none.
    const nc = lines.findIndex((l) => l.startsWith('Year'));
    expect(lines[nc + 1].split(/ {2,}/)).toEqual(['2022', '1,764', '1 of 2', '50.0%', '75.0%']);
  });
});

describe('farm run summary: P&L by span', () => {
  it('every trader summed, its share of the whole, and the leader', () => {
    // $-3,000 of $12,000 is −25 %; the leader's $500 of $2,000 is 25 %.
    expect(
      spanSummaryLines([
        {
          ...SPANS[0],
          pnlUsd: -3_000,
          totalPnlUsd: 12_000,
          leader: { trader: 7, pnlUsd: 500, totalPnlUsd: 2_000 },
        },
      ])[1],
    ).toBe(
      '  IBIT price derived from BTC, 2022-01-03 → before 2024-01-11: −$3,000 (−25% of $12,000); leader #7 $500 (25% of $2,000)',
    );
    expect(spanSummaryLines([])).toEqual([
      'Provenance spans: none (real fund prices and listed options throughout)',
    ]);
    expect(spanSummaryLines(undefined)).toEqual([]);
  });
});

describe('--trader across the years', () => {
  // Six closes: the curve's years start at points 0, 2 and 3; LUNA at point 1, June and FTX at 2, August 2024 at 5.
  const equity = [
    ['2022-05-11', 100_100],
    ['2022-05-12', 99_000],
    ['2023-01-03', 99_500],
    ['2024-01-10', 100_200],
    ['2024-01-11', 101_000],
    ['2024-11-19', 100_500],
  ].map(([date, equityUsd]) => ({ tMs: 0, date: date as string, equityUsd: equityUsd as number }));
  const trader = { trader: 3, equity, capitalUsd: 100_000, config: config(3, 7) } as unknown as DrillResult;
  const history = traderHistory({
    equity,
    capitalUsd: 100_000,
    months: ['2022-05', '2023-01', '2024-01', '2024-11'],
    spans: SPANS,
    symbol: 'IBIT',
    trader: 3,
    risk: {
      years: ['2022', '2023', '2024'],
      data: Float64Array.from([...new Array(9).fill(0), 400_000, 0, 200_000]),
    },
  });

  it('the chart: numbered crash marks under their closes, the years under their first close, a legend', () => {
    const lines = equityLines({ trader, history, basis: 're-simulated' });
    // 64 cells = 128 dot columns; point i of 6 at dot round(i × 127 / 5): 1 → 25 (cell 12), 2 → 51 (cell 25), 3 → 76 (cell 38), 5 → 127 (cell 63).
    const indent = ' '.repeat('$101,000'.length + 2);
    const marks = lines[1].split('\n').at(-2)!;
    const ticks = lines[1].split('\n').at(-1)!;
    expect(marks).toBe(`${indent}${' '.repeat(12)}1${' '.repeat(12)}23${' '.repeat(36)}4`);
    expect(ticks).toBe(`${indent}2022${' '.repeat(21)}2023${' '.repeat(9)}2024`);
    expect(lines[2]).toBe(
      'Crash days: 1 2022-05-12 LUNA ($99,000) · 2 2022-06-13 June 2022 liquidations ($99,500) · 3 2022-11-09 FTX ($99,500) · 4 2024-08-05 August 2024 crash ($100,500)',
    );
  });

  it("the drill-down's span P&L held against the farm's: agreeing, or saying it does not", () => {
    const held = traderHistory({
      equity,
      capitalUsd: 100_000,
      months: ['2022-05'],
      spans: SPANS,
      symbol: 'IBIT',
      trader: 3,
      risk: null,
      farmSpanPnlUsd: [200, 999],
    });
    const lines = historyLines(held).join('\n').split('\n');
    expect(lines).toContain(
      '  IBIT price derived from BTC, 2022-01-03 → before 2024-01-11: $200 (40% of $500) (as the farm booked it)',
    );
    expect(lines.at(-1)).toMatch(/: \$1,000 \(200% of \$500\) — DISAGREES with the farm's \$999\.00$/);
  });

  it('the years with the max loss taken, and the P&L from each span', () => {
    const lines = historyLines(history).join('\n').split('\n');
    // 2024: +700 + 800 − 500 = $1,000 on $2,000 of max loss (trader 3's third year: 200,000 ¢) = +50 %.
    expect(lines.find((l) => l.startsWith('2024'))?.split(/ {2,}/)).toEqual([
      '2024',
      '$1,000.00',
      '$2,000.00',
      '+50.0%',
    ]);
    expect(lines.find((l) => l.startsWith('2023'))?.split(/ {2,}/)).toEqual([
      '2023',
      '$500.00',
      '$0.00',
      '—',
    ]);
    expect(lines).toContain("P&L booked on each provenance span's days, of $500 in all:");
    expect(lines).toContain(
      '  IBIT price derived from BTC, 2022-01-03 → before 2024-01-11: $200 (40% of $500)',
    );
    expect(lines).toContain(
      '  IBIT no listed options (every quote synthetic, 2026 liquidity), 2022-01-03 → before 2024-11-19: $1,000 (200% of $500)',
    );
  });
});
