import { SPAN_KINDS } from '../market/provenance.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../units.js';
import { DIMENSIONS, type Grid, type Width } from './grid.js';
import { exitCode, exitHi } from './kernels.js';
import { EXIT_REASON, type FarmRules, SKIP } from './rules.js';
import { FarmState } from './state.js';
import { NO_FILL, type StepInput } from './step-input.js';

const SESSION_CODE: Record<string, number> = { any: 0, morning: 1, midday: 2, afternoon: 3 };

/** The running figures a range keeps (HostOptions.sharedRange.cells): breaker instant, open positions. */
export const RANGE_CELLS = 2;

/** Room for every skip reason code (SKIP in rules.ts). */
const SKIP_REASONS = 20;

/** The two per-step decision kernels, run by one engine (plain JS loop or gpu.js). */
export interface FarmKernels {
  readonly name: string;
  /** True: the host decides exits itself with exitCode (kernels.ts) in its pass over open slots; exits() is not called. */
  readonly hostDecidesExits?: boolean;
  exits(a: ExitArgs): ArrayLike<number>;
  entries(a: EntryArgs): ArrayLike<number>;
  destroy(): void;
}

export interface ExitArgs {
  spread: Int32Array;
  ptMid: Int32Array;
  stopMid: Int32Array;
  armMid: Int32Array;
  trailGap: Int32Array;
  lowMid: Int32Array;
  markMid: Float32Array;
  assign: Float32Array;
}

export interface EntryArgs {
  step: Float32Array;
  warmthFloorTenths: Int32Array;
  ivRankFloorBp: Int32Array;
  sessionFilter: Int32Array;
  combo: Int32Array;
  symbolLevel: Int32Array;
  symbolAvail: Float32Array;
  blocked: Uint8Array;
  openCount: Uint8Array;
  slotSpread: Int32Array;
  candidateSpread: Float32Array;
  slots: number;
  maxOpen: number;
}

export interface ClosedTrade {
  trader: number;
  spreadId: number;
  entryMs: number;
  exitMs: number;
  reason: number;
  contracts: number;
  creditPips: number;
  exitPips: number;
  pnlCents: number;
  feesCents: number;
}

export interface OpenedPosition {
  trader: number;
  slot: number;
  spreadId: number;
  tMs: number;
  contracts: number;
  creditPips: number;
}

export interface StepSummary {
  step: number;
  tMs: number;
  opened: number;
  closed: number;
  exitsByReason: number[];
  skipsByReason: number[];
  /** Exits a trigger asked for that could not fill (missing/stale quote); retried next step. */
  exitsBlocked: number;
  realizedCents: number;
  openPositions: number;
}

/** The counts a step's summary and a run's totals share. */
export type StepCounts = Pick<
  StepSummary,
  'opened' | 'closed' | 'exitsBlocked' | 'realizedCents' | 'exitsByReason' | 'skipsByReason'
>;

/** Adds counts `s` into `into`: counts and whole cents, the same in any order. */
export function addCounts(into: StepCounts, s: StepCounts): void {
  into.opened += s.opened;
  into.closed += s.closed;
  into.exitsBlocked += s.exitsBlocked;
  into.realizedCents += s.realizedCents;
  for (let i = 0; i < s.exitsByReason.length; i++) into.exitsByReason[i] += s.exitsByReason[i];
  for (let i = 0; i < s.skipsByReason.length; i++) into.skipsByReason[i] += s.skipsByReason[i];
}

/** A step's summary with nothing counted yet. */
export function emptySummary(step: number, tMs: number): StepSummary {
  return {
    step,
    tMs,
    opened: 0,
    closed: 0,
    exitsByReason: new Array(8).fill(0),
    skipsByReason: new Array(SKIP_REASONS).fill(0),
    exitsBlocked: 0,
    realizedCents: 0,
    openPositions: 0,
  };
}

/** Adds shard summary `s` into `into` (the open positions too). */
export function addStepSummary(into: StepSummary, s: StepSummary): void {
  addCounts(into, s);
  into.openPositions += s.openPositions;
}

export interface HostOptions {
  /** How many months the run spans: one monthly P&L column per month per trader. */
  months: number;
  kernels: FarmKernels;
  /** Traders whose daily P&L is kept in full (for the trial-count estimate and drill-down). */
  sample?: Int32Array;
  /** Days in the run (for the daily sample). */
  days?: number;
  onOpen?: (p: OpenedPosition) => void;
  onClose?: (t: ClosedTrade) => void;
  /** Provenance spans whose daily P&L is kept per trader (state.spanCents); none: nothing kept. */
  spans?: readonly HostSpan[];
  /** Month index → calendar-year index, for the max loss entered per year (state.yearRiskCents). */
  monthYear?: Int32Array;
  /** Step only traders [from, to) of the grid (a shard); its state holds those traders alone. */
  range?: { from: number; to: number };
  /** The daily sample to write into (shared with the other shards); default: one of its own. */
  dailySample?: Float32Array;
  /** The step's marks as columns, shared by the hosts of one thread; default: one of its own. */
  markBook?: MarkBook;
  /**
   * Several threads step this range, each with a host of its own (whichever takes it that step):
   * the positions opened (+1) and closed (−1) per spread id are added here instead of this host's
   * own count (its openSpreads() is then not kept), and the range's running figures (RANGE_CELLS)
   * are kept in `cells`, shared memory.
   */
  sharedRange?: { refLog: Map<number, number>; cells: Float64Array };
}

/**
 * A step's marks as columns by spread id, kept between steps (a step marks a few of all the ids
 * ever made: only those cells are cleared), loaded once per step for every host that shares it.
 */
export class MarkBook {
  private cols = MarkBook.columns(0);
  private ids = new Int32Array(0);
  private count = 0;
  private loadedFor: StepInput | null = null;
  private view: ReturnType<MarkBook['fill']> | null = null;

  /** `shared`: several hosts step the same input object, and the first to ask fills the columns. */
  constructor(private readonly shared = false) {}

  private static columns(n: number) {
    return {
      mid: new Float32Array(n).fill(-1),
      assign: new Float32Array(n),
      expiring: new Uint8Array(n),
      closeDebit: new Float64Array(n),
      assignDebit: new Float64Array(n),
      settle: new Float64Array(n),
      // The last greeks per contract known for the spread (a mark with a mid and greeks), and when.
      delta: new Float64Array(n),
      vega: new Float64Array(n),
      greeksMs: new Float64Array(n).fill(Number.NEGATIVE_INFINITY),
    };
  }

  /** Each spread's last known greeks per contract and their instant (kept across steps). */
  greeks(): { delta: Float64Array; vega: Float64Array; greeksMs: Float64Array } {
    return this.cols;
  }

  /** The step's columns; `mid` and `assign` cut to the highest id marked or offered (what the kernels read). */
  load(inp: StepInput) {
    if (!this.shared || inp !== this.loadedFor || !this.view) {
      this.view = this.fill(inp);
      this.loadedFor = inp;
    }
    return this.view;
  }

  private fill(inp: StepInput) {
    let maxId = 0;
    for (const id of inp.marks.keys()) if (id > maxId) maxId = id;
    for (const c of inp.candidates) if (c && c.spreadId > maxId) maxId = c.spreadId;
    let c = this.cols;
    if (maxId >= c.mid.length) {
      const old = c;
      c = this.cols = MarkBook.columns(Math.max(maxId + 1, 2 * c.mid.length));
      c.delta.set(old.delta);
      c.vega.set(old.vega);
      c.greeksMs.set(old.greeksMs);
      this.ids = new Int32Array(c.mid.length);
    } else {
      for (let j = 0; j < this.count; j++) {
        const id = this.ids[j];
        c.mid[id] = -1;
        c.assign[id] = 0;
        c.expiring[id] = 0;
      }
    }
    let anyExpiring = false;
    let j = 0;
    for (const [id, m] of inp.marks) {
      this.ids[j++] = id;
      // A holder takes the greeks of a mark it can act on (a mid); otherwise it keeps the last ones.
      if (m.greeks && m.midPips >= 0 && !Number.isNaN(m.greeks.deltaUsd)) {
        c.delta[id] = m.greeks.deltaUsd;
        c.vega[id] = m.greeks.vegaUsd;
        c.greeksMs[id] = inp.tMs;
      }
      c.mid[id] = m.midPips;
      c.assign[id] = m.assign ? 1 : 0;
      c.expiring[id] = m.expiresNow ? 1 : 0;
      if (m.expiresNow) anyExpiring = true;
      c.closeDebit[id] = m.closeDebitPips;
      c.assignDebit[id] = m.assignDebitPips;
      c.settle[id] = m.settlePips;
    }
    this.count = j;
    return {
      ...c,
      maxId,
      anyExpiring,
      mid: c.mid.subarray(0, maxId + 1),
      assign: c.assign.subarray(0, maxId + 1),
    };
  }
}

/** A provenance span as the host books it: closes at fromMs ≤ t < untilMs, for one symbol level of the grid. */
export interface HostSpan {
  /** Index in SPAN_KINDS. */
  kind: number;
  symbolLevel: number;
  fromMs: number;
  untilMs: number;
}

/**
 * The host side of one farm step: marks and exits, expiry settlement, entries with sizing and
 * limits, then marked-to-market bookkeeping. Decisions come from the kernels; every money
 * figure is computed here in float64 cents.
 */
export class FarmHost {
  readonly grid: Grid;
  readonly rules: FarmRules;
  readonly state: FarmState;
  readonly kernels: FarmKernels;
  readonly capitalCents: number;
  private readonly opts: HostOptions;
  /** The spans whose P&L this host books per trader; null: none booked (e.g. resumed from an older checkpoint). */
  readonly spans: readonly HostSpan[] | null;
  // Static per-trader columns.
  private readonly warmthFloorTenths: Int32Array;
  private readonly warmthFloor: Float64Array;
  private readonly ivRankFloorBp: Int32Array;
  private readonly sessionFilter: Int32Array;
  private readonly combo: Int32Array;
  private readonly symbolLevel: Int32Array;
  private readonly ptPct: Float64Array;
  private readonly stopX: Float64Array;
  private readonly trailPct: Float64Array;
  private readonly sizeFrac: Float64Array;
  private readonly blocked: Uint8Array;
  /** The range's running figures: [0] the latest instant a breaker runs until (entries are blocked before it), [1] open positions. */
  private readonly cells: Float64Array;
  private readonly refLog: Map<number, number> | null;
  /** Whether `blocked` holds any 1 from the last entry step. */
  private anyBlocked = false;
  /** Traders whose equity may have changed this step (held or closed a position, or entered). */
  private readonly touched: Uint8Array;
  /** The touched traders, in the order first touched (touched[i] = 1 for each). */
  private readonly touchedList: Int32Array;
  private touchedCount = 0;
  readonly dailySample: Float32Array | null;
  /** Trader id → its row in the daily sample, −1 for traders outside it. */
  private readonly sampleIndex: Int32Array;
  /** Skip reasons counted per step (a typed array: one increment per trader per open-market step). */
  private readonly skipTally = new Int32Array(SKIP_REASONS);
  private readonly feeCentsPerLeg: number;
  /** The grid id of this host's trader 0 (non-zero for a shard). */
  readonly firstTrader: number;
  private readonly markBook: MarkBook;

  constructor(grid: Grid, rules: FarmRules, opts: HostOptions, state?: FarmState) {
    this.grid = grid;
    this.rules = rules;
    this.opts = opts;
    this.spans = opts.spans ?? null;
    this.kernels = opts.kernels;
    this.capitalCents = Math.round(rules.capitalUsd * 100);
    this.feeCentsPerLeg = Math.round(rules.feePerContractPerLegUsd * 100);
    const from = opts.range?.from ?? 0;
    const n = (opts.range?.to ?? grid.count) - from;
    this.firstTrader = from;
    this.markBook = opts.markBook ?? new MarkBook();
    const years = opts.monthYear?.length ? Math.max(...opts.monthYear) + 1 : 0;
    this.state = state ?? new FarmState(n, rules.maxOpenPositions, opts.months, this.capitalCents, years);
    const dim = (d: (typeof DIMENSIONS)[number]) => DIMENSIONS.indexOf(d);
    const col = <T>(d: (typeof DIMENSIONS)[number], f: (v: T) => number, out: Int32Array | Float64Array) => {
      const levels = grid.levels(dim(d), from, from + n);
      const values = (grid.spec[d] as unknown as T[]).map(f);
      for (let i = 0; i < n; i++) out[i] = values[levels[i]];
      return out;
    };
    this.warmthFloor = col<number>('warmthFloor', (v) => v, new Float64Array(n)) as Float64Array;
    this.warmthFloorTenths = col<number>(
      'warmthFloor',
      (v) => Math.round(v * 10),
      new Int32Array(n),
    ) as Int32Array;
    this.ivRankFloorBp = col<number>(
      'ivRankFloor',
      (v) => Math.round(v * 100),
      new Int32Array(n),
    ) as Int32Array;
    this.sessionFilter = col<string>('session', (v) => SESSION_CODE[v], new Int32Array(n)) as Int32Array;
    this.symbolLevel = Int32Array.from(grid.levels(dim('symbol'), from, from + n));
    this.ptPct = col<number>('profitTargetPct', (v) => v, new Float64Array(n)) as Float64Array;
    this.stopX = col<number>('stopLossX', (v) => v, new Float64Array(n)) as Float64Array;
    this.trailPct = col<number>('trailingStopPct', (v) => v, new Float64Array(n)) as Float64Array;
    this.sizeFrac = col<number>('sizePct', (v) => v / 100, new Float64Array(n)) as Float64Array;
    this.combo = FarmHost.comboIndex(grid, from, from + n);
    this.blocked = new Uint8Array(n);
    this.cells = opts.sharedRange?.cells ?? new Float64Array(RANGE_CELLS);
    this.refLog = opts.sharedRange?.refLog ?? null;
    let until = Number.NEGATIVE_INFINITY;
    let open = 0;
    for (let i = 0; i < n; i++) {
      const u = this.state.t.breakerUntilMs[i];
      if (u > until) until = u;
      open += this.state.t.openCount[i];
    }
    this.cells[0] = until;
    this.cells[1] = open;
    this.touched = new Uint8Array(n);
    this.touchedList = new Int32Array(n);
    const sample = opts.sample ?? new Int32Array(0);
    this.sampleIndex = new Int32Array(n).fill(-1);
    sample.forEach((id, k) => {
      if (id >= from && id < from + n) this.sampleIndex[id - from] = k;
    });
    this.dailySample =
      sample.length && opts.days ? (opts.dailySample ?? new Float32Array(sample.length * opts.days)) : null;
    if (opts.days && !this.state.groupDaily.length)
      this.state.groupDaily = new Float64Array(FarmHost.comboCount(grid) * opts.days);
    const sp = this.state.s.spread;
    for (let k = 0; k < sp.length; k++) if (sp[k] >= 0) this.state.d.exitHiPips[k] = this.exitHi(k);
    // A shared range's holdings are counted by whoever owns the whole (e.g. the thread pool).
    if (!this.refLog) for (let k = 0; k < sp.length; k++) if (sp[k] >= 0) this.refSpread(sp[k], 1);
  }

  /** Combo = (symbol, dte, delta, width) levels: the trade a trader builds, per trader of [from, to). */
  static comboIndex(grid: Grid, from = 0, to = grid.count): Int32Array {
    const dim = (d: (typeof DIMENSIONS)[number]) => DIMENSIONS.indexOf(d);
    const [ls, ld, lq, lw] = (['symbol', 'dte', 'shortDelta', 'width'] as const).map((d) =>
      grid.levels(dim(d), from, to),
    );
    const [nd, nq, nw] = (['dte', 'shortDelta', 'width'] as const).map((d) => grid.spec[d].length);
    const out = new Int32Array(to - from);
    for (let i = 0; i < out.length; i++) out[i] = ((ls[i] * nd + ld[i]) * nq + lq[i]) * nw + lw[i];
    return out;
  }

  /** Number of (symbol, dte, delta, width) combinations: the distinct trades traders build. */
  static comboCount(grid: Grid): number {
    return ['symbol', 'dte', 'shortDelta', 'width'].reduce((a, d) => a * grid.spec[d as 'dte'].length, 1);
  }

  /** The combo index → (symbol, dte, delta, width) values. */
  static comboValues(
    grid: Grid,
    c: number,
  ): { symbol: 'IBIT' | 'BITO'; dte: number; shortDelta: number; width: Width } {
    const { symbol, dte, shortDelta, width } = grid.spec;
    const w = c % width.length;
    const q = Math.floor(c / width.length) % shortDelta.length;
    const d = Math.floor(c / (width.length * shortDelta.length)) % dte.length;
    const s = Math.floor(c / (width.length * shortDelta.length * dte.length));
    return { symbol: symbol[s], dte: dte[d], shortDelta: shortDelta[q], width: width[w] };
  }

  equityCents(i: number): number {
    return this.capitalCents + this.state.t.realizedCents[i] + this.state.t.openMtmCents[i];
  }

  /** Open positions per spread id (kept as positions open and close; rebuilt from the slots on resume). */
  private spreadRefs = new Int32Array(256);
  /** The ids with positions open (spreadRefs > 0). */
  private readonly openIds = new Set<number>();

  private refSpread(id: number, delta: number): void {
    if (this.refLog) {
      this.refLog.set(id, (this.refLog.get(id) ?? 0) + delta);
      return;
    }
    if (id >= this.spreadRefs.length) {
      const grown = new Int32Array(Math.max(id + 1, this.spreadRefs.length * 2));
      grown.set(this.spreadRefs);
      this.spreadRefs = grown;
    }
    const before = this.spreadRefs[id];
    this.spreadRefs[id] = before + delta;
    if (before === 0) this.openIds.add(id);
    else if (before + delta === 0) this.openIds.delete(id);
  }

  /** Spread ids held open by any trader, ascending (what the step builder must mark). */
  openSpreads(): Set<number> {
    return new Set(Int32Array.from(this.openIds).sort());
  }

  step(inp: StepInput): StepSummary {
    const st = this.state;
    const t = st.t;
    const s = st.s;
    const slots = st.slots;
    const n = st.traders;
    const summary = emptySummary(inp.step, inp.tMs);

    // 1. Marks by spread id, as arrays: a Map lookup per open slot costs more than the decision.
    const {
      maxId,
      anyExpiring,
      mid: markMid,
      assign,
      expiring,
      closeDebit,
      assignDebit,
      settle,
    } = this.markBook.load(inp);
    const hostExits = this.rules.dteExitDays !== null || this.rules.thetaCaptureFactor !== null;
    const exitHiPips = st.d.exitHiPips;

    // 2. Expiry settlement at the close (a pass only on steps where a held spread expires), then exits.
    for (let i = 0; anyExpiring && i < n; i++) {
      if (t.openCount[i] === 0) continue;
      for (let k = i * slots; k < (i + 1) * slots; k++) {
        const sp = s.spread[k];
        if (sp >= 0 && sp <= maxId && expiring[sp])
          this.close(k, settle[sp], EXIT_REASON.expiry, 0, inp.tMs, summary);
      }
    }
    const fused = this.kernels.hostDecidesExits === true;
    const codes = fused
      ? null
      : this.kernels.exits({
          spread: s.spread,
          ptMid: s.ptMidPips,
          stopMid: s.stopMidPips,
          armMid: s.armMidPips,
          trailGap: s.trailGapPips,
          lowMid: s.lowMidPips,
          markMid,
          assign,
        });
    for (let i = 0; i < n; i++) {
      if (t.openCount[i] === 0) continue;
      // At equity ≤ 0 the breaker fires again on every pass, marks moving or not.
      if (t.breakerPeakCents[i] <= 0) this.touch(i);
      for (let k = i * slots; k < (i + 1) * slots; k++) {
        const sp = s.spread[k];
        if (sp < 0 || sp > maxId) continue;
        const mid = markMid[sp];
        if (mid < 0) continue;
        let code = 0;
        if (codes) code = codes[k];
        // Outside (profit target, exitHi) nothing fires: the rule itself is asked only at its edges.
        else if (assign[sp] > 0 || mid >= exitHiPips[k] || mid <= s.ptMidPips[k])
          code = exitCode(
            mid,
            assign[sp],
            s.ptMidPips[k],
            s.stopMidPips[k],
            s.armMidPips[k],
            s.trailGapPips[k],
            s.lowMidPips[k],
          );
        if (code === 0 && hostExits) code = this.hostExit(k, inp.marks.get(sp)!, inp.tMs);
        if (code !== 0) {
          const debit = code === EXIT_REASON.assignment ? assignDebit[sp] : closeDebit[sp];
          if (debit !== NO_FILL) {
            this.close(k, debit, code, code === EXIT_REASON.assignment ? 1 : 2, inp.tMs, summary);
            continue;
          }
          summary.exitsBlocked++;
        }
        // Equity moves only with a mark (or a close, or an entry): only then is the trader marked to market.
        if (mid !== s.lastMarkPips[k]) {
          t.openMtmCents[i] += (s.lastMarkPips[k] - mid) * s.contracts[k];
          s.lastMarkPips[k] = mid;
          this.touch(i);
        }
        if (mid < s.lowMidPips[k]) {
          s.lowMidPips[k] = mid;
          exitHiPips[k] = this.exitHi(k);
        }
        // The position's greeks at this mark stay in the mark book (markedSinceEntry).
      }
    }

    // 3. Entries.
    const rs = this.rules.regimeSize;
    const regimeMult = inp.regime === null ? 0 : rs[inp.regime];
    const stepArr = new Float32Array([
      inp.marketOpen ? 1 : 0,
      inp.blackout ? 1 : 0,
      inp.warmth === null ? -1 : Math.round(inp.warmth * 10),
      inp.ivRankPct === null ? -1 : Math.round(inp.ivRankPct * 100),
      inp.sessionBucket,
      regimeMult > 0 ? 0 : 1,
    ]);
    const candSpread = new Float32Array(inp.candidates.length);
    for (let c = 0; c < inp.candidates.length; c++) candSpread[c] = inp.candidates[c]?.spreadId ?? -1;
    if (inp.marketOpen) {
      // Most steps no breaker is running: then nothing to read per trader.
      if (this.cells[0] > inp.tMs) {
        for (let i = 0; i < n; i++) this.blocked[i] = t.breakerUntilMs[i] > inp.tMs ? 1 : 0;
        this.anyBlocked = true;
      } else if (this.anyBlocked) {
        this.blocked.fill(0);
        this.anyBlocked = false;
      }
      const skip = this.kernels.entries({
        step: stepArr,
        warmthFloorTenths: this.warmthFloorTenths,
        ivRankFloorBp: this.ivRankFloorBp,
        sessionFilter: this.sessionFilter,
        combo: this.combo,
        symbolLevel: this.symbolLevel,
        symbolAvail: Float32Array.from(inp.symbolAvail),
        blocked: this.blocked,
        openCount: t.openCount,
        slotSpread: s.spread,
        candidateSpread: candSpread,
        slots,
        maxOpen: this.rules.maxOpenPositions,
      });
      const tally = this.skipTally.fill(0);
      // Counted in runs (neighbours mostly skip for the same reason): an increment per trader of
      // one cell waits on the one before.
      let run = 0;
      let runCode = 0;
      for (let i = 0; i < n; i++) {
        let code = skip[i];
        if (code === SKIP.enter) code = this.enter(i, inp, regimeMult, summary);
        if (code === runCode) run++;
        else {
          tally[runCode] += run;
          runCode = code;
          run = 1;
        }
      }
      tally[runCode] += run;
      for (let c = 0; c < SKIP_REASONS; c++) summary.skipsByReason[c] = tally[c];
    }

    // 4. Marked-to-market equity, drawdowns, breaker, daily and monthly P&L.
    this.markToMarket(inp, summary);
    return summary;
  }

  /** Exits decided on the host in float64 for every engine alike: DTE exit and theta capture. */
  private hostExit(
    k: number,
    m: { dteDays: number; expiryMs: number; midPips: number },
    tMs: number,
  ): number {
    const r = this.rules;
    if (r.dteExitDays !== null && m.dteDays <= r.dteExitDays) return EXIT_REASON.dte;
    if (r.thetaCaptureFactor !== null) {
      const s = this.state.s;
      const total = m.expiryMs - s.entryMs[k];
      const left = Math.max(0, m.expiryMs - tMs);
      // Expected share of the credit decayed by now: 1 − sqrt(time left / time at entry).
      const expected = total > 0 ? 1 - Math.sqrt(left / total) : 1;
      const profit = (s.creditPips[k] - m.midPips) / s.creditPips[k];
      if (expected > 0 && profit >= r.thetaCaptureFactor * expected) return EXIT_REASON.thetaCapture;
    }
    return EXIT_REASON.none;
  }

  /** Slot k's exitHi (kernels.ts): the mid at or above which it exits by stop or trailing stop. */
  private exitHi(k: number): number {
    const s = this.state.s;
    return exitHi(s.stopMidPips[k], s.armMidPips[k], s.trailGapPips[k], s.lowMidPips[k]);
  }

  /** Slot k's contribution to its trader's open marked-to-market P&L (entry fees included). */
  private slotMtm(k: number): number {
    const s = this.state.s;
    return (s.creditPips[k] - s.lastMarkPips[k]) * s.contracts[k] - 2 * this.feeCentsPerLeg * s.contracts[k];
  }

  private close(
    k: number,
    exitPips: number,
    reason: number,
    exitLegs: number,
    tMs: number,
    summary: StepSummary,
  ): void {
    const st = this.state;
    const s = st.s;
    const t = st.t;
    const i = Math.floor(k / st.slots);
    const contracts = s.contracts[k];
    t.openMtmCents[i] -= this.slotMtm(k);
    const fees = this.feeCentsPerLeg * contracts * (2 + exitLegs);
    const pnl = (s.creditPips[k] - exitPips) * contracts - fees;
    t.realizedCents[i] += pnl;
    t.feesCents[i] += fees;
    this.touch(i);
    t.trades[i]++;
    if (pnl > 0) {
      t.wins[i]++;
      t.grossProfitCents[i] += pnl;
    } else t.grossLossCents[i] -= pnl;
    t.daysInTrade[i] += (tMs - s.entryMs[k]) / MS_PER_DAY;
    t.lastTradeMs[i] = tMs;
    t.openCount[i]--;
    this.cells[1]--;
    t.openMaxLossCents[i] -= s.maxLossCents[k];
    this.opts.onClose?.({
      trader: this.firstTrader + i,
      spreadId: s.spread[k],
      entryMs: s.entryMs[k],
      exitMs: tMs,
      reason,
      contracts,
      creditPips: s.creditPips[k],
      exitPips,
      pnlCents: pnl,
      feesCents: fees,
    });
    this.refSpread(s.spread[k], -1);
    s.spread[k] = -1;
    s.contracts[k] = 0;
    s.maxLossCents[k] = 0;
    s.deltaUsd[k] = 0;
    s.vegaUsd[k] = 0;
    summary.closed++;
    summary.exitsByReason[reason]++;
    summary.realizedCents += pnl;
  }

  /** Size and place trader i's trade; returns SKIP.enter or the host-side skip reason. */
  private enter(i: number, inp: StepInput, regimeMult: number, summary: StepSummary): number {
    const st = this.state;
    const t = st.t;
    const s = st.s;
    const r = this.rules;
    const c = inp.candidates[this.combo[i]]!;
    const equity = this.equityCents(i);
    const floor = this.warmthFloor[i];
    const w = inp.warmth ?? floor;
    const warmthMult = Math.min(1, Math.max(r.warmthSizeMin, (w - floor) / (10 - floor)));
    const mult = warmthMult * regimeMult * (t.halfSize[i] ? r.monthlySizeMult : 1);
    let n = Math.floor((this.sizeFrac[i] * equity * mult) / c.maxLossCents);
    if (n < 1) return SKIP.zeroContracts;
    const room = Math.floor((r.btcExposureFrac * equity - t.openMaxLossCents[i]) / c.maxLossCents);
    if (room < n) n = room;
    if (n < 1) return SKIP.exposureCap;
    const eqUsd = equity / 100;
    // The open positions' greeks at their last marks, summed in slot order (as the reference does).
    let openDelta = 0;
    let openVega = 0;
    const g = this.markBook.greeks();
    for (let k = i * st.slots; k < (i + 1) * st.slots; k++) {
      const sp = s.spread[k];
      if (sp < 0) continue;
      if (this.markedSinceEntry(k, g)) {
        openDelta += s.contracts[k] * g.delta[sp];
        openVega += s.contracts[k] * g.vega[sp];
      } else {
        openDelta += s.deltaUsd[k];
        openVega += s.vegaUsd[k];
      }
    }
    n = Math.min(n, capCount(openDelta, c.deltaUsd, r.deltaCapFrac * eqUsd));
    if (n < 1) return SKIP.deltaCap;
    n = Math.min(n, capCount(openVega, c.vegaUsd, r.vegaCapFrac * eqUsd));
    if (n < 1) return SKIP.vegaCap;

    const base = i * st.slots;
    let k = base;
    while (s.spread[k] >= 0) k++;
    const credit = c.creditPips;
    const tp = this.trailPct[i];
    s.spread[k] = c.spreadId;
    this.refSpread(c.spreadId, 1);
    s.contracts[k] = n;
    s.creditPips[k] = credit;
    s.ptMidPips[k] = Math.floor(credit * (1 - this.ptPct[i] / 100));
    s.stopMidPips[k] = Math.ceil(credit * (1 + this.stopX[i]));
    // The spread's mid never exceeds its width: a stop at or beyond it cannot fire.
    if (s.stopMidPips[k] >= c.maxLossCents + credit) t.noStopEntries[i]++;
    s.armMidPips[k] = tp > 0 ? Math.floor(credit * (1 - tp / 100)) : -1;
    s.trailGapPips[k] = tp > 0 ? Math.ceil((credit * tp) / 100) : -1;
    s.lowMidPips[k] = c.midPips;
    st.d.exitHiPips[k] = this.exitHi(k);
    s.lastMarkPips[k] = c.midPips;
    t.openMtmCents[i] += this.slotMtm(k);
    s.entryMs[k] = inp.tMs;
    s.maxLossCents[k] = n * c.maxLossCents;
    s.deltaUsd[k] = n * c.deltaUsd;
    s.vegaUsd[k] = n * c.vegaUsd;
    t.openCount[i]++;
    this.cells[1]++;
    t.openMaxLossCents[i] += s.maxLossCents[k];
    if (st.years > 0 && this.opts.monthYear) {
      st.yearRiskCents[i * st.years + this.opts.monthYear[inp.monthIndex]] += s.maxLossCents[k];
    }
    t.entries[i]++;
    this.touch(i);
    if (Number.isNaN(t.firstTradeMs[i])) t.firstTradeMs[i] = inp.tMs;
    summary.opened++;
    this.opts.onOpen?.({
      trader: this.firstTrader + i,
      slot: k - base,
      spreadId: c.spreadId,
      tMs: inp.tMs,
      contracts: n,
      creditPips: credit,
    });
    return SKIP.enter;
  }

  /** Trader i's equity may have moved this step: it is marked to market at the step's end. */
  private touch(i: number): void {
    if (this.touched[i] === 1) return;
    this.touched[i] = 1;
    this.touchedList[this.touchedCount++] = i;
  }

  private markToMarket(inp: StepInput, summary: StepSummary): void {
    const st = this.state;
    const t = st.t;
    const day = inp.isClose ? st.days : -1;
    const touched = this.touched;
    if (day < 0) {
      // An untouched trader's equity is unchanged since the last step: only the touched are marked.
      for (let j = 0; j < this.touchedCount; j++) {
        const i = this.touchedList[j];
        touched[i] = 0;
        this.markEquity(i, inp.tMs);
      }
    } else {
      // At the close every trader books its day.
      const spans = (this.spans ?? []).filter((p) => inp.tMs >= p.fromMs && inp.tMs < p.untilMs);
      for (let i = 0; i < st.traders; i++) {
        touched[i] = 0;
        const eq = this.markEquity(i, inp.tMs);
        const pnl = eq - t.dayStartEquityCents[i];
        t.dailySum[i] += pnl;
        t.dailySumSq[i] += pnl * pnl;
        if (pnl < 0) t.dailyDownSq[i] += pnl * pnl;
        t.dayStartEquityCents[i] = eq;
        st.monthlyCents[i * st.months + inp.monthIndex] += Math.round(pnl);
        for (const p of spans) {
          if (p.symbolLevel === this.symbolLevel[i]) st.spanCents[i * SPAN_KINDS.length + p.kind] += pnl;
        }
        st.monthlySumSq[i * st.months + inp.monthIndex] += pnl * pnl;
        if (st.groupDaily.length) st.groupDaily[this.combo[i] * (this.opts.days ?? 0) + day] += pnl;
        if (this.dailySample) {
          const k = this.sampleIndex[i];
          if (k >= 0) this.dailySample[k * (this.opts.days ?? 0) + day] = pnl;
        }
      }
      st.days++;
    }
    this.touchedCount = 0;
    summary.openPositions = this.cells[1];
  }

  /** Trader i's equity now: peaks, drawdowns, the breaker and the monthly drawdown rule. */
  private markEquity(i: number, tMs: number): number {
    const t = this.state.t;
    const r = this.rules;
    const eq = this.capitalCents + t.realizedCents[i] + t.openMtmCents[i];
    if (eq > t.peakEquityCents[i]) t.peakEquityCents[i] = eq;
    const dd = t.peakEquityCents[i] - eq;
    if (dd > t.maxDrawdownCents[i]) t.maxDrawdownCents[i] = dd;
    const ddFrac = dd / t.peakEquityCents[i];
    if (ddFrac > t.maxDrawdownFrac[i]) t.maxDrawdownFrac[i] = ddFrac;
    if (eq > t.breakerPeakCents[i]) t.breakerPeakCents[i] = eq;
    else if (eq <= (1 - r.breakerDrawdownFrac) * t.breakerPeakCents[i]) {
      t.breakerUntilMs[i] = tMs + r.breakerPauseHours * MS_PER_HOUR;
      if (t.breakerUntilMs[i] > this.cells[0]) this.cells[0] = t.breakerUntilMs[i];
      t.breakerPeakCents[i] = eq;
    }
    if (eq > t.monthPeakCents[i]) t.monthPeakCents[i] = eq;
    else if (eq <= (1 - r.monthlyDrawdownFrac) * t.monthPeakCents[i]) t.halfSize[i] = 1;
    return eq;
  }

  /** Trader i's P&L in each span kind (null where its fund has no such span, or spans are not booked). */
  spanPnlCents(i: number): (number | null)[] {
    const level = this.symbolLevel[i];
    return SPAN_KINDS.map((_, k) =>
      this.spans?.some((p) => p.kind === k && p.symbolLevel === level)
        ? this.state.spanCents[i * SPAN_KINDS.length + k]
        : null,
    );
  }

  /**
   * Whether open slot k's spread had a mark with greeks after the slot's entry: its greeks are
   * then contracts × the mark book's; otherwise the entry's, kept in the slot.
   */
  private markedSinceEntry(k: number, g: ReturnType<MarkBook['greeks']>): boolean {
    return g.greeksMs[this.state.s.spread[k]] > this.state.s.entryMs[k];
  }

  /**
   * Writes each open position's greeks at its last mark into the slot columns (deltaUsd, vegaUsd),
   * which otherwise hold the entry's until asked: before the state is saved or read from outside.
   * Steps read the mark book for marks since entry, so this changes no decision.
   */
  settleGreeks(): void {
    const s = this.state.s;
    const g = this.markBook.greeks();
    for (let k = 0; k < s.spread.length; k++) {
      const sp = s.spread[k];
      if (sp < 0 || !this.markedSinceEntry(k, g)) continue;
      s.deltaUsd[k] = s.contracts[k] * g.delta[sp];
      s.vegaUsd[k] = s.contracts[k] * g.vega[sp];
    }
  }

  /** A new month: the monthly drawdown rule starts afresh. */
  startMonth(): void {
    const t = this.state.t;
    for (let i = 0; i < this.state.traders; i++) {
      t.monthPeakCents[i] = this.equityCents(i);
      t.halfSize[i] = 0;
    }
  }
}

/** How many more contracts of `per` keep |open + n·per| ≤ cap (all of them when per is 0). */
function capCount(open: number, per: number, cap: number): number {
  if (per === 0) return Number.MAX_SAFE_INTEGER;
  const n = per > 0 ? (cap - open) / per : (-cap - open) / per;
  return Math.floor(n + 1e-9);
}
