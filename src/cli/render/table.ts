import Table from 'cli-table3';
import { paint } from './style.js';

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
