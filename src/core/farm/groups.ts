import type { Grid, Width } from './grid.js';
import { FarmHost } from './host.js';

/**
 * A group is the trade a trader builds: (symbol, DTE, delta, width). Its traders differ only in
 * when they enter and how they exit, so the group gate tests each group's equal-weight book.
 * Group ids are the host's combo index.
 */
export interface GroupLabel {
  symbol: 'IBIT' | 'BITO';
  dte: number;
  shortDelta: number;
  width: Width;
}

export function groupCount(grid: Grid): number {
  return FarmHost.comboCount(grid);
}

/** Each trader's group (the host's combo index), by trader id. */
export function groupIndex(grid: Grid): Int32Array {
  return FarmHost.comboIndex(grid);
}

export function groupLabel(grid: Grid, g: number): GroupLabel {
  return FarmHost.comboValues(grid, g);
}

/** "IBIT 30d Δ0.2 $5": how a group is named in text. */
export function groupName(l: GroupLabel): string {
  return `${l.symbol} ${l.dte}d Δ${l.shortDelta} ${typeof l.width === 'number' ? `$${l.width}` : l.width}`;
}
