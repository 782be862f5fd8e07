import Table from 'cli-table3';
import { UsageError } from '../../core/errors.js';
import { outputWidth } from '../terminal.js';
import { paint, visibleWidth } from './style.js';

/**
 * The one table style: no borders or rules (more columns fit, pipes stay clean), two spaces
 * between columns, headers bold on a terminal and plain elsewhere. cli-table3's own colours are
 * off: they ignore whether the output is a terminal.
 */
export function table(
  head: string[],
  align?: ('left' | 'right')[],
  extra: Partial<Table.TableConstructorOptions> = {},
): Table.Table {
  return new Table({
    head: head.map((h) => paint.bold(h)),
    ...(align ? { colAligns: align } : {}),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2, compact: true },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
    ...extra,
  });
}

/** The table as text, without the trailing spaces of the last column. */
export function tableText(t: Table.Table): string {
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/**
 * A table whose last column is prose (a note, a detail, a config): when the output is too narrow
 * that column wraps inside its cell, so no number is cut and nothing slides under another column.
 */
export function proseTable(
  head: string[],
  rows: (string | number)[][],
  opts: { align?: ('left' | 'right')[]; width?: number } = {},
): string {
  const width = opts.width ?? outputWidth();
  const cells = rows.map((r) => r.map(String));
  const natural = head.map((h, i) =>
    Math.max(visibleWidth(h), ...cells.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const last = head.length - 1;
  const fixed = natural.slice(0, last).reduce((a, w) => a + w + 2, 0);
  const room = width === undefined ? Number.POSITIVE_INFINITY : width - fixed;
  // Below a dozen characters a wrapped note is unreadable: let the line run long instead.
  const wrap = natural[last] > room && room >= 12;
  const t = table(
    head,
    opts.align,
    wrap ? { colWidths: [...natural.slice(0, last).map((w) => w + 2), room + 2], wordWrap: true } : {},
  );
  for (const r of cells) t.push(r);
  return tableText(t);
}

/** A column of a table built from rows: how to show it, how important it is, and its CSV value. */
export interface Column<R> {
  head: string;
  cell: (r: R) => string;
  align?: 'left' | 'right';
  /** 1 is kept longest; higher numbers are dropped first when the table is too wide. */
  priority: number;
  /** The raw value for --csv (default: the cell text). */
  csv?: (r: R) => string | number | null;
  /** Prose (a reason, a note): the last column, wrapped inside its cell rather than dropped. */
  wrap?: boolean;
}

/** The narrowest a wrapped prose column is let to become before columns are dropped instead. */
const MIN_PROSE = 24;

export interface TableView {
  /** Fit to this many columns of text (a terminal's width); none: every column. */
  width?: number;
  /** Exactly these columns, by heading (case-insensitive), in this order. */
  pick?: string[];
}

/** Columns chosen by --columns, or else dropped from the least important until the table fits. */
export function chooseColumns<R>(
  cols: Column<R>[],
  rows: R[],
  v: TableView,
): { cols: Column<R>[]; dropped: string[] } {
  if (v.pick?.length) {
    const byName = new Map(cols.map((c) => [c.head.toLowerCase(), c]));
    const unknown = v.pick.filter((p) => !byName.has(p.toLowerCase()));
    if (unknown.length)
      throw new UsageError(
        `--columns: no column ${unknown.map((u) => `"${u}"`).join(', ')}`,
        `columns: ${cols.map((c) => c.head).join(', ')}`,
      );
    return { cols: v.pick.map((p) => byName.get(p.toLowerCase())!), dropped: [] };
  }
  const kept = [...cols];
  const dropped: string[] = [];
  const widthOf = (c: Column<R>) => {
    const natural = Math.max(visibleWidth(c.head), ...rows.map((r) => visibleWidth(c.cell(r))));
    return (c.wrap ? Math.min(natural, MIN_PROSE) : natural) + 2;
  };
  while (v.width !== undefined && kept.length > 1 && kept.reduce((a, c) => a + widthOf(c), 0) - 2 > v.width) {
    let worst = 0;
    kept.forEach((c, i) => {
      if (c.priority >= kept[worst].priority) worst = i;
    });
    dropped.push(kept[worst].head);
    kept.splice(worst, 1);
  }
  return { cols: kept, dropped };
}

/** The rows as a table in the one style, fitted to the view; says which columns were left out. */
export function columnsTable<R>(cols: Column<R>[], rows: R[], v: TableView = {}): string {
  const chosen = chooseColumns(cols, rows, v);
  const cells = rows.map((r) => chosen.cols.map((c) => c.cell(r)));
  const heads = chosen.cols.map((c) => c.head);
  const align = chosen.cols.map((c) => c.align ?? 'right');
  const out = chosen.cols.at(-1)?.wrap
    ? proseTable(heads, cells, { align, width: v.width ?? Number.POSITIVE_INFINITY })
    : tableText(pushed(table(heads, align), cells));
  return chosen.dropped.length
    ? `${out}\n(left out to fit ${v.width} columns: ${chosen.dropped.join(', ')}; --columns chooses)`
    : out;
}

function pushed(t: Table.Table, rows: string[][]): Table.Table {
  for (const r of rows) t.push(r);
  return t;
}

/** RFC 4180 CSV of the rows: every column, raw values, a header line. */
export function csvTable<R>(cols: Column<R>[], rows: R[]): string {
  const esc = (x: string | number | null) => {
    if (x === null) return '';
    const s = String(x);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [
    cols.map((c) => esc(c.head)).join(','),
    ...rows.map((r) => cols.map((c) => esc(c.csv ? c.csv(r) : c.cell(r))).join(',')),
  ].join('\n');
}
