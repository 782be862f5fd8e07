import { SPAN_KINDS } from '../market/provenance.js';

/**
 * The farm's state as structure-of-arrays typed arrays, laid out once here (the seed's object
 * per trader cost 200–400 MB and grew forever). Money stays float64 on the host, in cents;
 * option prices are integer pips ($0.0001 per share; pips × contracts = cents).
 */
type ArrayKind = 'f64' | 'f32' | 'i32' | 'u8';
type ArrayOf<K extends ArrayKind> = K extends 'f64'
  ? Float64Array
  : K extends 'f32'
    ? Float32Array
    : K extends 'i32'
      ? Int32Array
      : Uint8Array;

/** Per-trader columns. */
const TRADER_LAYOUT = {
  realizedCents: 'f64',
  openMtmCents: 'f64',
  peakEquityCents: 'f64',
  maxDrawdownCents: 'f64',
  maxDrawdownFrac: 'f64',
  monthPeakCents: 'f64',
  breakerPeakCents: 'f64',
  halfSize: 'u8',
  breakerUntilMs: 'f64',
  openCount: 'u8',
  openMaxLossCents: 'f64',
  trades: 'i32',
  wins: 'i32',
  grossProfitCents: 'f64',
  grossLossCents: 'f64',
  feesCents: 'f64',
  daysInTrade: 'f64',
  firstTradeMs: 'f64',
  lastTradeMs: 'f64',
  dayStartEquityCents: 'f64',
  dailySum: 'f64',
  dailySumSq: 'f64',
  dailyDownSq: 'f64',
  entries: 'i32',
  /** Entries whose stop sits at or beyond the width (credit × (1 + X) ≥ width): it cannot fire. */
  noStopEntries: 'i32',
} as const satisfies Record<string, ArrayKind>;

/** Per-slot columns (trader i's slots are i*slots … i*slots + slots − 1). */
const SLOT_LAYOUT = {
  spread: 'i32',
  contracts: 'i32',
  creditPips: 'i32',
  /** Exit thresholds on the spread's mid, fixed at entry (integer compares: no engine can flip them). */
  ptMidPips: 'i32',
  stopMidPips: 'i32',
  armMidPips: 'i32',
  /** −1 = trailing stop off. */
  trailGapPips: 'i32',
  /** The trailing stop's high-water mark, as the best (lowest) mid seen; starts at the entry mark. */
  lowMidPips: 'i32',
  entryMs: 'f64',
  maxLossCents: 'f64',
  /** The position's greeks at its last mark (at entry until marked). */
  deltaUsd: 'f64',
  vegaUsd: 'f64',
  lastMarkPips: 'i32',
} as const satisfies Record<string, ArrayKind>;

/**
 * Per-slot columns derived from the ones above, kept so the step reads fewer columns; never saved
 * (a host rebuilds them from the saved columns when it starts).
 */
const DERIVED_SLOT_LAYOUT = {
  /** The mid at or above which an exit fires by stop or trailing stop: min(stop, low + trail gap once armed). */
  exitHiPips: 'i32',
} as const satisfies Record<string, ArrayKind>;

export type TraderArrays = { [K in keyof typeof TRADER_LAYOUT]: ArrayOf<(typeof TRADER_LAYOUT)[K]> };
export type SlotArrays = { [K in keyof typeof SLOT_LAYOUT]: ArrayOf<(typeof SLOT_LAYOUT)[K]> };
export type DerivedSlotArrays = {
  [K in keyof typeof DERIVED_SLOT_LAYOUT]: ArrayOf<(typeof DERIVED_SLOT_LAYOUT)[K]>;
};

const BYTES: Record<ArrayKind, number> = { f64: 8, f32: 4, i32: 4, u8: 1 };

/** A zeroed typed array; over a SharedArrayBuffer when other threads step the same traders. */
function alloc(
  kind: ArrayKind,
  n: number,
  shared = false,
): Float64Array | Float32Array | Int32Array | Uint8Array {
  const buf = shared ? new SharedArrayBuffer(n * BYTES[kind]) : new ArrayBuffer(n * BYTES[kind]);
  switch (kind) {
    case 'f64':
      return new Float64Array(buf);
    case 'f32':
      return new Float32Array(buf);
    case 'i32':
      return new Int32Array(buf);
    case 'u8':
      return new Uint8Array(buf);
  }
}

/** Every array of a state, by name: what a shard's thread receives to view the same memory. */
export interface StateArrays {
  t: TraderArrays;
  s: SlotArrays;
  d: DerivedSlotArrays;
  monthlyCents: Int32Array;
  monthlySumSq: Float32Array;
  spanCents: Float64Array;
  yearRiskCents: Float64Array;
}

export class FarmState {
  readonly traders: number;
  readonly slots: number;
  readonly months: number;
  readonly t: TraderArrays;
  readonly s: SlotArrays;
  /** Derived per-slot columns (DERIVED_SLOT_LAYOUT): not saved, rebuilt by the host. */
  readonly d: DerivedSlotArrays;
  /** Monthly marked-to-market P&L in integer cents, trader-major: [trader * months + month]. */
  readonly monthlyCents: Int32Array;
  /** Monthly Σ(daily P&L)² in cents², beside monthlyCents: any trader's in-sample Sharpe without its daily series. */
  readonly monthlySumSq: Float32Array;
  /** Marked-to-market P&L booked on days inside each provenance span: [trader * SPAN_KINDS.length + kind]. */
  readonly spanCents: Float64Array;
  /** Calendar years the run spans (0: not kept, e.g. the live farm or a run from before it existed). */
  readonly years: number;
  /** Max loss of the positions entered in each calendar year (cents): [trader * years + year]. */
  readonly yearRiskCents: Float64Array;
  /**
   * Each (symbol, dte, delta, width) group's daily P&L summed over its traders, in cents,
   * [group * days + day]: the group gate's series. Empty when the run counts no days (live).
   */
  groupDaily: Float64Array = new Float64Array(0);
  /** Days closed so far (NYSE days with a close step). */
  days = 0;

  /**
   * `shared`: the arrays live in SharedArrayBuffers (worker threads step shards of the traders);
   * `arrays`: adopt these instead of allocating (a view of another state's memory), nothing filled.
   */
  constructor(
    traders: number,
    slots: number,
    months: number,
    capitalCents: number,
    years = 0,
    o: { shared?: boolean; arrays?: StateArrays } = {},
  ) {
    this.traders = traders;
    this.slots = slots;
    this.months = months;
    this.years = years;
    if (o.arrays) {
      ({
        t: this.t,
        s: this.s,
        d: this.d,
        monthlyCents: this.monthlyCents,
        monthlySumSq: this.monthlySumSq,
        spanCents: this.spanCents,
        yearRiskCents: this.yearRiskCents,
      } = o.arrays);
      return;
    }
    const sh = o.shared ?? false;
    this.t = Object.fromEntries(
      Object.entries(TRADER_LAYOUT).map(([k, kind]) => [k, alloc(kind, traders, sh)]),
    ) as TraderArrays;
    this.s = Object.fromEntries(
      Object.entries(SLOT_LAYOUT).map(([k, kind]) => [k, alloc(kind, traders * slots, sh)]),
    ) as SlotArrays;
    this.d = Object.fromEntries(
      Object.entries(DERIVED_SLOT_LAYOUT).map(([k, kind]) => [k, alloc(kind, traders * slots, sh)]),
    ) as DerivedSlotArrays;
    this.monthlyCents = alloc('i32', traders * months, sh) as Int32Array;
    this.monthlySumSq = alloc('f32', traders * months, sh) as Float32Array;
    this.spanCents = alloc('f64', traders * SPAN_KINDS.length, sh) as Float64Array;
    this.yearRiskCents = alloc('f64', traders * years, sh) as Float64Array;
    this.s.spread.fill(-1);
    this.t.peakEquityCents.fill(capitalCents);
    this.t.monthPeakCents.fill(capitalCents);
    this.t.breakerPeakCents.fill(capitalCents);
    this.t.dayStartEquityCents.fill(capitalCents);
    this.t.firstTradeMs.fill(Number.NaN);
    this.t.lastTradeMs.fill(Number.NaN);
  }

  /** Every array but the group series, which each shard keeps apart (its cells sum many traders). */
  arrays(): StateArrays {
    const { t, s, d, monthlyCents, monthlySumSq, spanCents, yearRiskCents } = this;
    return { t, s, d, monthlyCents, monthlySumSq, spanCents, yearRiskCents };
  }

  /** Traders [from, to) of this state, over the same memory (a shard's own state). */
  view(from: number, to: number): FarmState {
    const pick = <T extends Record<string, ArrayBufferView>>(cols: T, per: number) =>
      Object.fromEntries(
        Object.entries(cols).map(([k, a]) => [
          k,
          (a as unknown as Int32Array).subarray(from * per, to * per),
        ]),
      ) as unknown as T;
    const st = new FarmState(to - from, this.slots, this.months, 0, this.years, {
      arrays: {
        t: pick(this.t, 1),
        s: pick(this.s, this.slots),
        d: pick(this.d, this.slots),
        monthlyCents: this.monthlyCents.subarray(from * this.months, to * this.months),
        monthlySumSq: this.monthlySumSq.subarray(from * this.months, to * this.months),
        spanCents: this.spanCents.subarray(from * SPAN_KINDS.length, to * SPAN_KINDS.length),
        yearRiskCents: this.yearRiskCents.subarray(from * this.years, to * this.years),
      },
    });
    st.days = this.days;
    return st;
  }

  /** Bytes held in typed arrays. */
  byteSize(): number {
    let n = 0;
    for (const a of [...this.baseArrays(), ...this.books(), ...Object.values(this.d)]) n += a.byteLength;
    return n;
  }

  /**
   * Serialise every array (for checkpoints). Layout order is fixed by the declarations above; the
   * books (monthly Σpnl², spans, yearly risk, group series) and a trailer with the year count and
   * the group series' length follow the monthly P&L, so a checkpoint written before them (ending
   * at the monthly P&L) still loads.
   */
  serialize(): Buffer {
    return Buffer.concat(this.serializeParts());
  }

  /** The same bytes as serialize(), as views (no copy) for a vectored write. */
  serializeParts(): Buffer[] {
    const parts: Buffer[] = [];
    const header = Buffer.alloc(16);
    header.writeUInt32LE(this.traders, 0);
    header.writeUInt32LE(this.slots, 4);
    header.writeUInt32LE(this.months, 8);
    header.writeUInt32LE(this.days, 12);
    parts.push(header);
    for (const a of [...this.baseArrays(), ...this.books()]) {
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.years, 0);
    trailer.writeUInt32LE(this.groupDaily.length, 4);
    parts.push(trailer);
    return parts;
  }

  private baseArrays(): ArrayBufferView[] {
    return [...Object.values(this.t), ...Object.values(this.s), this.monthlyCents];
  }

  /** The books kept beside the trading state; a checkpoint from before them ends at the monthly P&L. */
  private books(): ArrayBufferView[] {
    return [this.monthlySumSq, this.spanCents, this.yearRiskCents, this.groupDaily];
  }

  static deserialize(buf: Buffer, capitalCents: number, o: { shared?: boolean } = {}): FarmState {
    const traders = buf.readUInt32LE(0);
    const slots = buf.readUInt32LE(4);
    const months = buf.readUInt32LE(8);
    const bytesOf = (layout: Record<string, ArrayKind>) =>
      Object.values(layout).reduce((n, k) => n + BYTES[k], 0);
    const baseBytes = 16 + traders * (bytesOf(TRADER_LAYOUT) + slots * bytesOf(SLOT_LAYOUT) + months * 4);
    const extended = buf.length > baseBytes;
    const st = new FarmState(
      traders,
      slots,
      months,
      capitalCents,
      extended ? buf.readUInt32LE(buf.length - 8) : 0,
      o,
    );
    if (extended) st.groupDaily = alloc('f64', buf.readUInt32LE(buf.length - 4), o.shared) as Float64Array;
    st.days = buf.readUInt32LE(12);
    let off = 16;
    const arrays = extended ? [...st.baseArrays(), ...st.books()] : st.baseArrays();
    for (const a of arrays) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      bytes.set(buf.subarray(off, off + a.byteLength));
      off += a.byteLength;
    }
    if (extended) off += 8;
    if (off !== buf.length) throw new Error(`checkpoint size mismatch: read ${off} of ${buf.length} bytes`);
    return st;
  }
}
