import { paint } from './style.js';

/**
 * A line chart in braille characters: each cell is a 2×4 dot grid, so a 60×10 chart has
 * 120×40 points. Drawn here (no chart dependency).
 */
export interface ChartOptions {
  /** Plot width and height in character cells (axis labels come on top of the width). */
  width?: number;
  height?: number;
  /** Formats the y-axis labels. */
  formatY?: (v: number) => string;
  /** Labels under the first and last point. */
  xLabels?: [string, string];
  /** A horizontal reference level drawn as a dotted line (e.g. the starting capital). */
  baseline?: number;
  /**
   * Events at point indices (e.g. crash days): a dotted vertical line each, numbered 1, 2, … on a
   * row under the plot (red on a terminal); the caller prints what the numbers mean.
   */
  marks?: number[];
  /** Labels under point indices (e.g. each year's first close), in place of `xLabels`. */
  ticks?: { index: number; label: string }[];
}

// Dot bits by [column][row] within a cell (Unicode braille patterns, U+2800).
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

export function lineChart(values: readonly number[], o: ChartOptions = {}): string {
  const width = Math.max(2, Math.floor(o.width ?? 60));
  const height = Math.max(1, Math.floor(o.height ?? 10));
  const fmt = o.formatY ?? ((v: number) => v.toFixed(2));
  if (values.length === 0) return '(no data)';
  const W = width * 2;
  const H = height * 4;
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (o.baseline !== undefined) {
    min = Math.min(min, o.baseline);
    max = Math.max(max, o.baseline);
  }
  const flat = max === min;
  const y = (v: number) => (flat ? Math.floor(H / 2) : Math.round(((max - v) / (max - min)) * (H - 1)));
  const x = (i: number) => (values.length === 1 ? 0 : Math.round((i / (values.length - 1)) * (W - 1)));
  const cells = Array.from({ length: height }, () => new Uint8Array(width));
  const dot = (px: number, py: number) => {
    cells[py >> 2][px >> 1] |= DOT[px & 1][py & 3];
  };
  for (const m of o.marks ?? []) {
    if (m < 0 || m >= values.length) continue;
    for (let py = 0; py < H; py += 2) dot(x(m), py);
  }
  if (o.baseline !== undefined && !flat) {
    const by = y(o.baseline);
    for (let px = 0; px < W; px += 4) dot(px, by);
  }
  // More points than columns: each column shows its range (min..max), so spikes are not lost.
  let prev: { px: number; py: number } | null = null;
  for (let i = 0; i < values.length; i++) {
    const px = x(i);
    const py = y(values[i]);
    if (prev) {
      const steps = Math.max(Math.abs(px - prev.px), Math.abs(py - prev.py), 1);
      for (let s = 1; s <= steps; s++) {
        dot(
          Math.round(prev.px + ((px - prev.px) * s) / steps),
          Math.round(prev.py + ((py - prev.py) * s) / steps),
        );
      }
    } else dot(px, py);
    prev = { px, py };
  }
  const top = fmt(max);
  const bottom = fmt(min);
  const pad = Math.max(top.length, bottom.length);
  const lines = cells.map((row, r) => {
    const label = r === 0 ? top : r === height - 1 ? bottom : '';
    const text = Array.from(row, (bits) => String.fromCharCode(0x2800 + bits)).join('');
    return `${label.padStart(pad)} ┤${text}`;
  });
  const indent = ' '.repeat(pad + 2);
  if (o.marks?.length) {
    const row = Array<string>(width).fill(' ');
    o.marks.forEach((m, k) => {
      if (m < 0 || m >= values.length) return;
      // Events in one column (days apart on a long curve) are numbered side by side.
      let col = x(m) >> 1;
      while (col < width - 1 && row[col] !== ' ') col++;
      row[col] = paint.red(String(k + 1));
    });
    lines.push(`${indent}${row.join('').trimEnd()}`);
  }
  if (o.ticks?.length) {
    // Each label starts at its point's column; one that would run into the last is left out.
    let row = '';
    for (const t of o.ticks) {
      const col = x(t.index) >> 1;
      if (col < row.length + (row ? 1 : 0)) continue;
      row = `${row.padEnd(col)}${t.label}`;
    }
    lines.push(`${indent}${row}`);
  } else if (o.xLabels) {
    const [a, b] = o.xLabels;
    const gap = Math.max(1, width - a.length - b.length);
    lines.push(`${' '.repeat(pad)}  ${a}${' '.repeat(gap)}${b}`);
  }
  return lines.join('\n');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One character per value, lowest to highest. */
export function sparkline(values: readonly number[]): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v
    .map((x) => BLOCKS[hi === lo ? 3 : Math.round(((x - lo) / (hi - lo)) * (BLOCKS.length - 1))])
    .join('');
}

export interface PayoffChartOptions {
  width?: number;
  height?: number;
  /** Vertical markers on the price axis (breakeven, strikes), drawn as a column and labelled below. */
  marks?: { x: number; label: string }[];
}

/**
 * Profit and loss against the underlying price: `#` at expiry, `·` today, the zero line dashed,
 * each mark a `|` column, the y axis in dollars. Plain characters so it survives any terminal.
 */
export function payoffChart(
  xs: readonly number[],
  series: { expiry: readonly number[]; today: readonly number[] },
  o: PayoffChartOptions = {},
): string {
  const W = Math.max(10, o.width ?? 60);
  const H = Math.max(5, o.height ?? 12);
  const all = [...series.expiry, ...series.today, 0];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const col = (x: number) => Math.round(((x - x0) / (x1 - x0)) * (W - 1));
  const row = (y: number) => (hi === lo ? 0 : Math.round(((hi - y) / (hi - lo)) * (H - 1)));
  const grid = Array.from({ length: H }, () => Array<string>(W).fill(' '));
  const zero = row(0);
  for (let c = 0; c < W; c++) grid[zero][c] = '-';
  for (const m of o.marks ?? []) {
    const c = col(m.x);
    if (c >= 0 && c < W) for (let r = 0; r < H; r++) if (grid[r][c] === ' ') grid[r][c] = '|';
  }
  // Sample each series at every column so the line has no gaps.
  const at = (ys: readonly number[], c: number) => {
    const x = x0 + ((x1 - x0) * c) / (W - 1);
    let i = 1;
    while (i < xs.length - 1 && xs[i] < x) i++;
    const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
    return ys[i - 1] + t * (ys[i] - ys[i - 1]);
  };
  for (let c = 0; c < W; c++) grid[row(at(series.today, c))][c] = '·';
  for (let c = 0; c < W; c++) grid[row(at(series.expiry, c))][c] = '#';
  const label = (y: number) => `${y < 0 ? '−' : ''}$${Math.abs(Math.round(y)).toLocaleString('en-US')}`;
  const labels = grid.map((_, r) => (r === 0 ? label(hi) : r === H - 1 ? label(lo) : r === zero ? '$0' : ''));
  const lw = Math.max(...labels.map((l) => l.length));
  const lines = grid.map((cells, r) => `${labels[r].padStart(lw)} ┤${cells.join('')}`);
  const axis = Array<string>(W).fill(' ');
  const put = (c: number, text: string) => {
    const start = Math.max(0, Math.min(W - text.length, c - Math.floor(text.length / 2)));
    for (let i = 0; i < text.length; i++) axis[start + i] = text[i];
  };
  put(0, x0.toFixed(2));
  put(W - 1, x1.toFixed(2));
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(W)}`);
  lines.push(`${' '.repeat(lw)}  ${axis.join('').trimEnd()}`);
  for (const m of [...(o.marks ?? [])].sort((a, b) => a.x - b.x))
    lines.push(`${' '.repeat(lw)}  | ${m.x.toFixed(2)} ${m.label}`);
  return lines.join('\n');
}
