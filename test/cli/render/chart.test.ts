import { describe, expect, it } from 'vitest';
import { lineChart, payoffChart } from '../../../src/cli/render/chart.js';

/** The braille dots of a chart as a 0/1 pixel grid (row 0 at the top). */
function pixels(chart: string, width: number): number[][] {
  const rows = chart.split('\n').map((l) => [...l.slice(l.indexOf('┤') + 1)]);
  const bit = [
    [0x01, 0x02, 0x04, 0x40],
    [0x08, 0x10, 0x20, 0x80],
  ];
  const out: number[][] = [];
  for (const row of rows) {
    for (let dy = 0; dy < 4; dy++) {
      const line: number[] = [];
      for (let c = 0; c < width; c++) {
        const code = row[c].charCodeAt(0) - 0x2800;
        for (let dx = 0; dx < 2; dx++) line.push(code & bit[dx][dy] ? 1 : 0);
      }
      out.push(line);
    }
  }
  return out;
}

describe('lineChart (braille)', () => {
  it('a rising line goes from the bottom-left to the top-right, one dot column per x', () => {
    const chart = lineChart([0, 1, 2, 3, 4, 5, 6, 7], { width: 4, height: 2, formatY: (v) => String(v) });
    const lines = chart.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith('7 ┤')).toBe(true);
    expect(lines[1].startsWith('0 ┤')).toBe(true);
    const px = pixels(chart, 4);
    // 8 points over 8 pixel columns and 8 pixel rows: the diagonal.
    for (let x = 0; x < 8; x++) expect(px[7 - x][x]).toBe(1);
    expect(px.flat().reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('keeps spikes when there are more points than columns, and labels the x axis', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i === 100 ? 50 : 10));
    const chart = lineChart(values, {
      width: 20,
      height: 5,
      xLabels: ['2025-01-02', '2025-11-11'],
      formatY: (v) => `$${v}`,
    });
    const lines = chart.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\$50 ┤/);
    expect(lines[4]).toMatch(/^\$10 ┤/);
    expect(lines[5].trim()).toMatch(/^2025-01-02 +2025-11-11$/);
    expect(pixels(lines.slice(0, 5).join('\n'), 20)[0].some((v) => v === 1)).toBe(true);
  });

  it('flat series, a single point, a baseline, no data', () => {
    expect(lineChart([5, 5, 5], { width: 3, height: 1 }).split('\n')).toHaveLength(1);
    expect(lineChart([5], { width: 3, height: 2 })).toContain('┤');
    const withBase = pixels(lineChart([10, 10, 10, 10], { width: 8, height: 2, baseline: 0 }), 8);
    expect(withBase[7].some((v) => v === 1)).toBe(true);
    expect(lineChart([])).toBe('(no data)');
  });
});

describe('payoffChart', () => {
  it('expiry # and today ·, zero dashed, marks as columns and listed with their prices', () => {
    const xs = [38, 40, 42, 44];
    const out = payoffChart(
      xs,
      { expiry: [-160, -160, 40, 40], today: [-120, -60, 0, 20] },
      { width: 10, height: 5, marks: [{ x: 41.6, label: 'breakeven' }] },
    );
    const lines = out.split('\n');
    // the mark at 41.6 is column round(3.6 / 6 × 9) = 5; from column 6 (price 42) the expiry line is at $40
    expect(lines[0]).toBe('  $40 ┤     |####');
    expect(lines[4].startsWith('−$160 ┤###')).toBe(true);
    // $0 sits on row round(40/200 × 4) = 1
    expect(lines[1]).toMatch(/^ {3}\$0 ┤/);
    expect(lines[1]).toContain('-');
    expect(lines.at(-1)).toBe('       | 41.60 breakeven');
    expect(out).toContain('·');
  });
});
