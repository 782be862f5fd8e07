import { UsageError } from '../errors.js';
import { DIMENSIONS, type Dimension, type Grid } from '../farm/grid.js';

/** Names a user may type for each dimension (matched case-insensitively, ignoring - and _). */
const ALIASES: Record<string, Dimension> = {
  symbol: 'symbol',
  warmthfloor: 'warmthFloor',
  warmth: 'warmthFloor',
  ivrankfloor: 'ivRankFloor',
  ivrank: 'ivRankFloor',
  ivr: 'ivRankFloor',
  session: 'session',
  dte: 'dte',
  shortdelta: 'shortDelta',
  delta: 'shortDelta',
  width: 'width',
  profittargetpct: 'profitTargetPct',
  profittarget: 'profitTargetPct',
  pt: 'profitTargetPct',
  stoplossx: 'stopLossX',
  stoploss: 'stopLossX',
  stop: 'stopLossX',
  trailingstoppct: 'trailingStopPct',
  trailingstop: 'trailingStopPct',
  trail: 'trailingStopPct',
  sizepct: 'sizePct',
  size: 'sizePct',
};

const DIMENSION_LIST = `dimensions: ${DIMENSIONS.join(', ')} (also dte, delta, pt, stop, trail, size, warmth, ivr)`;

/** A dimension the user named, as its index in DIMENSIONS (the grid's mixed-radix order). */
export function resolveDimension(name: string): { dim: Dimension; index: number } {
  const key = name.trim().toLowerCase().replace(/[-_]/g, '');
  const dim = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (!dim) throw new UsageError(`unknown dimension "${name}"`, DIMENSION_LIST);
  return { dim, index: DIMENSIONS.indexOf(dim) };
}

/** One dimension restricted to some of its values (level indices in the run's grid). */
export interface DimensionFilter {
  dim: Dimension;
  index: number;
  levels: number[];
  /** The values, as the grid spells them (for labels). */
  values: (string | number)[];
}

function valueLevel(grid: Grid, dim: Dimension, raw: string): number {
  const values = grid.spec[dim] as readonly (string | number)[];
  const text = raw.trim();
  // As spelled first (a session, a symbol, a width of "10%"), then as a number.
  let level = values.findIndex((v) => typeof v === 'string' && v.toLowerCase() === text.toLowerCase());
  if (level < 0 && typeof values[0] !== 'string') {
    // Units users may type: $5, 50%, 2x; "off" for a disabled trailing stop.
    const bare = text.toLowerCase() === 'off' ? '0' : text.replace(/^\$/, '').replace(/[%x×]$/i, '');
    const n = bare === '' ? Number.NaN : Number(bare);
    if (Number.isFinite(n)) level = values.findIndex((v) => typeof v === 'number' && Math.abs(v - n) < 1e-9);
  }
  if (level < 0) {
    throw new UsageError(
      `${dim} has no value "${raw}" in this run's grid`,
      `valid ${dim} values: ${values.join(', ')}`,
    );
  }
  return level;
}

/**
 * `--where dte=14,session=morning`: comma-separated dim=value pairs; a|b or a repeated dimension
 * means either value. Values are checked against the run's grid, so a typo never matches nothing.
 */
export function parseWhere(grid: Grid, text: string | string[] | undefined): DimensionFilter[] {
  const parts = (Array.isArray(text) ? text : text === undefined ? [] : [text])
    .flatMap((t) => t.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const byDim = new Map<Dimension, DimensionFilter>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        `--where "${part}" is not dimension=value`,
        `e.g. --where dte=14,session=morning; ${DIMENSION_LIST}`,
      );
    }
    const { dim, index } = resolveDimension(part.slice(0, eq));
    const f = byDim.get(dim) ?? { dim, index, levels: [], values: [] };
    for (const raw of part.slice(eq + 1).split('|')) {
      const level = valueLevel(grid, dim, raw);
      if (!f.levels.includes(level)) {
        f.levels.push(level);
        f.values.push((grid.spec[dim] as readonly (string | number)[])[level]);
      }
    }
    byDim.set(dim, f);
  }
  return [...byDim.values()];
}

/** Whether trader `id` passes every filter (the typed-array twin of the SQL fragment). */
export function matchesFilters(grid: Grid, id: number, filters: readonly DimensionFilter[]): boolean {
  for (const f of filters) if (!f.levels.includes(grid.level(id, f.index))) return false;
  return true;
}

export function describeFilters(filters: readonly DimensionFilter[]): string {
  return filters.map((f) => `${f.dim}=${f.values.join('|')}`).join(', ');
}
