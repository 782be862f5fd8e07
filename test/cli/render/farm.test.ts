import { describe, expect, it } from 'vitest';
import {
  compactMoney,
  histogramLines,
  progressLine,
  progressReporter,
} from '../../../src/cli/render/farm.js';
import type { FarmProgress } from '../../../src/core/farm/runner.js';

const progress = (o: Partial<FarmProgress> = {}): FarmProgress => ({
  phase: 'steps',
  step: 860,
  steps: 1509,
  tMs: 0,
  traders: 432_000,
  openPositions: 10,
  opened: 0,
  closed: 0,
  elapsedMs: 1_000,
  tradesPerSec: 0,
  etaMs: 12_000,
  money: () => ({ realizedUsd: 1_234_567, openMtmUsd: -34_000, leader: { trader: 123, realizedUsd: 4_120 } }),
  ...o,
});
const fmt = () => '2025-06-12 10:00 ET';

/** A stream that records writes and says it is a terminal of the given width. */
function terminal(columns: number) {
  const out: string[] = [];
  return {
    out,
    stream: { isTTY: true, columns, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream,
  };
}

describe('farm run progress', () => {
  it('compact money: dollars, then thousands, then millions', () => {
    expect(compactMoney(9_999)).toBe('$9,999');
    expect(compactMoney(-34_000)).toBe('−$34.0k');
    expect(compactMoney(1_234_567)).toBe('$1.23M');
    expect(compactMoney(-1_943_940_000)).toBe('−$1,943.94M');
  });

  it('the line carries realised and open P&L and the leader, not trades per second', () => {
    expect(progressLine(progress(), fmt)).toBe(
      'step 860/1,509 2025-06-12 10:00 ET · realised $1.23M · open −$34.0k · leader #123 $4,120 · ETA 12s',
    );
  });

  it('on a 100-column terminal each redraw fits in 99 columns (no wrap), and the final write has its own line', () => {
    const t = terminal(100);
    const report = progressReporter(t.stream, fmt);
    report(progress());
    const drawn = t.out[0].replace(/^\r/, '').slice(0, -'\u001b[K'.length);
    expect([...drawn].length).toBeLessThanOrEqual(99);
    expect(drawn.startsWith(' 56% step 860/1,509')).toBe(true);
    report(progress({ phase: 'final-write', step: 1509 }));
    expect(t.out.at(-1)).toBe(
      "\r\u001b[KWriting results: 432,000 traders' statistics, monthly and daily P&L (realised $1.23M) …\n",
    );
    const wide = terminal(160);
    progressReporter(wide.stream, fmt)(progress());
    expect(wide.out[0]).toMatch(/^\r\[#{14}\.{10}\] {2}56% /);
  });

  it('the histogram: one bar per bin, the longest 40 cells, counts after the bars', () => {
    const lines = histogramLines({ edges: [-200, -100, 0, 100], counts: [2, 8, 4] });
    expect(lines).toEqual([
      'Traders that traded, by realised P&L (the end bins hold the tails):',
      `  below −$100  ${'█'.repeat(10)} 2`,
      `  −$100 to $0  ${'█'.repeat(40)} 8`,
      `    $0 and up  ${'█'.repeat(20)} 4`,
    ]);
  });
});
