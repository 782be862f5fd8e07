import { describe, expect, it } from 'vitest';
import { wrapText } from '../../../src/cli/render/wrap.js';

describe('wrapText', () => {
  it('breaks long lines at spaces, continuations indented two more; short lines untouched', () => {
    const line = 'Data: replayed real prices · 2025-03-03 → 2025-03-21 · fill at bid/ask · fees $0.65';
    expect(wrapText(line, 40).split('\n')).toEqual([
      'Data: replayed real prices · 2025-03-03',
      '  → 2025-03-21 · fill at bid/ask · fees',
      '  $0.65',
    ]);
    expect(wrapText('short', 40)).toBe('short');
    expect(wrapText(line, undefined)).toBe(line);
  });

  it('keeps an indented line’s indent, never splits a word, and does not count colour codes', () => {
    expect(wrapText('  a bb ccc dddd eeeee ffffff ggggggg', 20).split('\n')).toEqual([
      '  a bb ccc dddd',
      '    eeeee ffffff',
      '    ggggggg',
    ]);
    const red = '\u001b[31m−$1,234.56\u001b[39m';
    expect(wrapText(`P&L ${red} and more words here`, 25).split('\n')[0]).toBe(`P&L ${red} and more`);
    expect(
      wrapText('x '.repeat(5) + 'a'.repeat(30), 20)
        .split('\n')
        .at(-1),
    ).toBe(`  ${'a'.repeat(30)}`);
  });
});
