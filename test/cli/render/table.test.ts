import { afterEach, describe, expect, it } from 'vitest';
import { setColor } from '../../../src/cli/render/style.js';
import {
  type Column,
  chooseColumns,
  columnsTable,
  csvTable,
  proseTable,
  table,
  tableText,
} from '../../../src/cli/render/table.js';

afterEach(() => setColor(false));

describe('the one table style', () => {
  it('no borders or rules between rows; columns two spaces apart; no trailing spaces', () => {
    const t = table(['Strike', 'Bid'], ['right', 'right']);
    t.push(['41.00', '0.55'], ['42.00', '0.80']);
    // headers take their column's alignment
    expect(tableText(t)).toBe(['Strike   Bid', ' 41.00  0.55', ' 42.00  0.80'].join('\n'));
  });

  it('headers bold on a terminal, never red (cli-table3’s default)', () => {
    setColor(true);
    const t = table(['P&L']);
    t.push(['1']);
    const out = tableText(t);
    expect(out).toContain('\u001b[1mP&L\u001b[22m');
    expect(out).not.toContain('\u001b[31m');
  });
});

describe('tables from columns', () => {
  interface Row {
    name: string;
    pnl: number;
  }
  const rows: Row[] = [
    { name: 'alpha', pnl: 1234.5 },
    { name: 'beta, "b"', pnl: -2 },
  ];
  const cols: Column<Row>[] = [
    { head: 'Name', cell: (r) => r.name, align: 'left', priority: 1 },
    { head: 'P&L', cell: (r) => `$${r.pnl.toFixed(2)}`, priority: 1, csv: (r) => r.pnl },
    { head: 'Note', cell: () => 'a long low-priority note', priority: 5 },
  ];

  it('drops the least important columns until the table fits, and says which', () => {
    expect(columnsTable(cols, rows, { width: 30 }).split('\n')).toEqual([
      'Name            P&L',
      'alpha      $1234.50',
      'beta, "b"    $-2.00',
      '(left out to fit 30 columns: Note; --columns chooses)',
    ]);
    expect(chooseColumns(cols, rows, {}).cols).toHaveLength(3);
  });

  it('--columns picks by heading in the given order; an unknown heading names the valid ones', () => {
    expect(chooseColumns(cols, rows, { pick: ['p&l', 'name'] }).cols.map((c) => c.head)).toEqual([
      'P&L',
      'Name',
    ]);
    expect(() => chooseColumns(cols, rows, { pick: ['name', 'x'] })).toThrow('--columns: no column "x"');
  });

  it('CSV: every column, raw values, quoting per RFC 4180', () => {
    expect(csvTable(cols, rows)).toBe(
      [
        'Name,P&L,Note',
        'alpha,1234.5,a long low-priority note',
        '"beta, ""b""",-2,a long low-priority note',
      ].join('\n'),
    );
  });
});

describe('proseTable', () => {
  const head = ['Filter', 'Pass', 'Detail'];
  const rows = [
    ['warmth ≥ 5', 'yes', '6.3 / 10'],
    ['EV > 0', 'NO', 'minus $23.93 per contract after fees'],
  ];
  it('as wide as it needs where it fits', () => {
    expect(proseTable(head, rows, { width: 80 }).split('\n')[2]).toBe(
      'EV > 0      NO    minus $23.93 per contract after fees',
    );
  });
  it('too narrow: the last column wraps in its cell; the columns before it keep their place', () => {
    // Filter 10 + 2, Pass 4 + 2 = 18 columns before the detail; 36 leaves 18 for it.
    expect(proseTable(head, rows, { width: 36 })).toBe(
      [
        'Filter      Pass  Detail',
        'warmth ≥ 5  yes   6.3 / 10',
        'EV > 0      NO    minus $23.93 per',
        '                  contract after',
        '                  fees',
      ].join('\n'),
    );
  });
  it('under a dozen characters left for the prose, the line runs long rather than one word a line', () => {
    expect(proseTable(head, rows, { width: 25 }).split('\n')[2]).toBe(
      'EV > 0      NO    minus $23.93 per contract after fees',
    );
  });
});
