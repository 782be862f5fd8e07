import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/**
 * A trader is one configuration: one value from each dimension. Trader ids are the mixed-radix
 * index of the configuration in the grid (dimension order below, last dimension fastest), so an
 * id is a plain integer key that means the same thing wherever the same grid is used.
 */
export const DIMENSIONS = [
  'symbol',
  'warmthFloor',
  'ivRankFloor',
  'session',
  'dte',
  'shortDelta',
  'width',
  'profitTargetPct',
  'stopLossX',
  'trailingStopPct',
  'sizePct',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const SESSIONS = ['any', 'morning', 'midday', 'afternoon'] as const;
export type SessionFilter = (typeof SESSIONS)[number];

/**
 * A spread's width: dollars between the strikes (`5`), or a share of the fund's price (`"10%"`),
 * turned into the listed strike nearest that far below the short one at each step.
 */
export type Width = number | `${number}%`;

const widthValue = z.union([z.number(), z.string()]).transform((w, ctx): Width => {
  const pct = typeof w === 'string';
  const n = pct ? (/^\d+(\.\d+)?%$/.test(w) ? Number(w.slice(0, -1)) : Number.NaN) : w;
  if (Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: 'a width is dollars (5) or a share of the price ("10%")' });
    return z.NEVER;
  }
  if (!(n > 0 && n <= 50)) {
    ctx.addIssue({
      code: 'custom',
      message: pct ? 'a % width is above 0 and at most 50%' : 'a dollar width is above 0 and at most 50',
    });
    return z.NEVER;
  }
  return w as Width;
});

/** The width in dollars at a fund price of `spot`. */
export function widthDollars(w: Width, spot: number): number {
  return typeof w === 'number' ? w : (spot * Number(w.slice(0, -1))) / 100;
}

const uniqueSorted = <T extends z.ZodTypeAny>(t: T) =>
  z
    .array(t)
    .min(1, 'needs at least one value')
    .max(64, 'at most 64 values')
    .refine((a) => new Set(a).size === a.length, 'values must be unique');

export const gridSchema = z
  .object({
    symbol: uniqueSorted(z.enum(['IBIT', 'BITO'])),
    warmthFloor: uniqueSorted(z.number().min(1).max(10)),
    ivRankFloor: uniqueSorted(z.number().min(0).max(100)),
    session: uniqueSorted(z.enum(SESSIONS)),
    dte: uniqueSorted(z.number().int().min(1).max(365)),
    shortDelta: uniqueSorted(z.number().gt(0).lt(1)),
    width: uniqueSorted(widthValue),
    profitTargetPct: uniqueSorted(z.number().gt(0).max(100)),
    stopLossX: uniqueSorted(z.number().gt(0).max(20)),
    trailingStopPct: uniqueSorted(z.number().min(0).lt(100)),
    sizePct: uniqueSorted(z.number().gt(0).max(100)),
  })
  .strict();

export type GridSpec = z.infer<typeof gridSchema>;

export interface TraderConfig {
  id: number;
  symbol: 'IBIT' | 'BITO';
  warmthFloor: number;
  ivRankFloor: number;
  session: SessionFilter;
  dte: number;
  shortDelta: number;
  width: Width;
  profitTargetPct: number;
  stopLossX: number;
  /** 0 = off. */
  trailingStopPct: number;
  sizePct: number;
}

export class Grid {
  readonly spec: GridSpec;
  readonly sizes: number[];
  readonly strides: number[];
  readonly count: number;
  readonly hash: string;

  constructor(spec: GridSpec) {
    this.spec = spec;
    this.sizes = DIMENSIONS.map((d) => spec[d].length);
    this.strides = new Array(DIMENSIONS.length);
    let s = 1;
    for (let i = DIMENSIONS.length - 1; i >= 0; i--) {
      this.strides[i] = s;
      s *= this.sizes[i];
    }
    this.count = s;
    this.hash = createHash('sha256').update(canonicalJson(spec)).digest('hex');
  }

  /** Index of trader `id`'s value in dimension `d`. */
  level(id: number, dim: number): number {
    return Math.floor(id / this.strides[dim]) % this.sizes[dim];
  }

  config(id: number): TraderConfig {
    if (!Number.isInteger(id) || id < 0 || id >= this.count) {
      throw new UsageError(`trader ${id} does not exist in this grid (ids 0–${this.count - 1})`);
    }
    const out: Record<string, unknown> = { id };
    DIMENSIONS.forEach((d, i) => {
      out[d] = (this.spec[d] as readonly unknown[])[this.level(id, i)];
    });
    return out as unknown as TraderConfig;
  }

  /**
   * The id of the trader with this configuration in this grid (its own id may come from another
   * grid), or the first dimension whose value this grid lacks.
   */
  idOf(c: Omit<TraderConfig, 'id'>): { id: number } | { missing: Dimension } {
    let id = 0;
    for (let i = 0; i < DIMENSIONS.length; i++) {
      const d = DIMENSIONS[i];
      const level = (this.spec[d] as readonly unknown[]).indexOf(c[d]);
      if (level < 0) return { missing: d };
      id += level * this.strides[i];
    }
    return { id };
  }

  /** Typed-array column of level indices for one dimension (structure of arrays), for traders [from, to). */
  levels(dim: number, from = 0, to = this.count): Uint8Array {
    const out = new Uint8Array(to - from);
    const stride = this.strides[dim];
    const size = this.sizes[dim];
    for (let id = from; id < to; id++) out[id - from] = Math.floor(id / stride) % size;
    return out;
  }
}

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function parseGrid(text: string, file: string): Grid {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file}: not valid JSON (${(err as Error).message})`,
      'see data/grids/default.json for the format',
    );
  }
  const r = gridSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UsageError(
      `${file}: invalid grid at "${i.path.join('.') || '(top level)'}": ${i.message}`,
      `dimensions: ${DIMENSIONS.join(', ')} — see data/grids/default.json`,
    );
  }
  const grid = new Grid(r.data);
  if (grid.count > 5_000_000) {
    throw new UsageError(
      `${file}: the grid has ${grid.count} traders; the limit is 5,000,000`,
      'remove values from some dimensions',
    );
  }
  return grid;
}
