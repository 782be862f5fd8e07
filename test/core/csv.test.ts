import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/csv.js';

describe('CSV parsing', () => {
  it('handles quoted fields, doubled quotes, CRLF and empty cells', () => {
    const t = parseCsv('a,b,c\r\n"x, y","say ""hi""",\r\n1,,3\n');
    expect(t).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', ''],
      ['1', '', '3'],
    ]);
  });
});
