import { exercisesNow } from '../conditions/assignment.js';
import { type Conditions, computeConditions } from '../conditions/compute.js';
import { indexChain, pickSpread } from '../conditions/spread-pick.js';
import { closeSpreadDebit, type FillParams, legFill, pacedQuote, spreadMid } from '../fill/fill.js';
import { expectedDistributions } from '../market/distributions.js';
import {
  contractKey,
  type Distribution,
  type EtfSymbol,
  type MarketDataSource,
  type OptionContract,
} from '../market/port.js';
import { bsGreeks, type Greeks } from '../pricing/bs.js';
import type { EconomicCalendar } from '../time/economic-calendar.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { daysBetween, MS_PER_YEAR } from '../units.js';
import type { Grid } from './grid.js';
import { FarmHost } from './host.js';
import type { FarmRules } from './rules.js';
import { type EntryCandidate, NO_FILL, type SpreadMark, type StepInput } from './step-input.js';

export interface SpreadInfo {
  id: number;
  symbol: EtfSymbol;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  /**
   * The short put was exercised at this close (`early`: the holder's choice; `expiry`: in the
   * money at expiry with the long out of it): settled at the next session's open.
   */
  exercised?: { closeMs: number; kind: 'early' | 'expiry' };
}

/** Distinct spreads get small integer ids that positions point at (few per step, built once). */
export class SpreadRegistry {
  readonly list: SpreadInfo[] = [];
  private readonly byKey = new Map<string, number>();

  idFor(symbol: EtfSymbol, expiry: string, shortStrike: number, longStrike: number): number {
    const key = `${symbol}|${expiry}|${shortStrike.toFixed(2)}|${longStrike.toFixed(2)}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.list.push({ id, symbol, expiry, shortStrike, longStrike });
      this.byKey.set(key, id);
    }
    return id;
  }

  get(id: number): SpreadInfo {
    return this.list[id];
  }

  toJSON(): SpreadInfo[] {
    return this.list;
  }

  static fromJSON(list: SpreadInfo[]): SpreadRegistry {
    const r = new SpreadRegistry();
    for (const s of list) {
      const id = r.idFor(s.symbol, s.expiry, s.shortStrike, s.longStrike);
      if (s.exercised) r.list[id].exercised = { ...s.exercised };
    }
    return r;
  }
}

export interface MarketStepOptions {
  source: MarketDataSource;
  calendar: MarketCalendar;
  economic: EconomicCalendar;
  grid: Grid;
  rules: FarmRules;
  fill: FillParams;
  riskFreeRate: number;
  /** 'YYYY-MM' of each month of the run. */
  months: string[];
  registry?: SpreadRegistry;
  /** Option life for the warmth's event component; default the grid's median DTE (pass the run's when re-simulating a sub-grid). */
  optionLifeHours?: number;
  /** Official close used to settle expiries; default: the source's ETF quote at that close. */
  settlementPrice?: (symbol: EtfSymbol, date: string, closeMs: number) => Promise<number | null>;
}

const pips = (usd: number) => Math.round(usd * 10_000);

/** The grid's median DTE target, in hours: the option life the warmth's event component assumes. */
export function defaultOptionLifeHours(grid: Grid): number {
  const dtes = [...grid.spec.dte].sort((a, b) => a - b);
  return dtes[Math.floor(dtes.length / 2)] * 24;
}

/** Turns the market at one instant into the StepInput every trader decides on. */
/** A step's conditions and candidates, before its marks (MarketStepBuilder.startStep). */
export interface StartedStep {
  step: number;
  tMs: number;
  conditions: Conditions;
  marketOpen: boolean;
  symbolAvail: number[];
  candidates: (EntryCandidate | null)[];
  /** Spreads quoted ahead (the `likely` of startStep), by id. */
  quoted?: Map<number, SpreadQuote>;
}

/** A held spread's quote at a step, before any decision on it (MarketStepBuilder.quoteSpreads). */
type SpreadQuote =
  | { status: 'missing'; reason: string }
  | {
      status: 'ok';
      midPips: number;
      closeDebitPips: number;
      noFillReason: string | null;
      greeks: SpreadMark['greeks'];
      shortIv: number | null;
    };

/** The spread has reached its expiry: past its close, or at the close step of its expiry day. */
function settlesAtExpiry(
  info: SpreadInfo,
  expiryMs: number,
  tMs: number,
  isClose: boolean,
  today: string,
): boolean {
  return expiryMs <= tMs || (isClose && info.expiry === today);
}

export class MarketStepBuilder {
  readonly registry: SpreadRegistry;
  private readonly o: MarketStepOptions;
  private readonly combos: ReturnType<typeof FarmHost.comboValues>[];
  private readonly optionLifeHours: number;
  /** Spreads whose short was exercised and is not settled yet. */
  private readonly exercisedIds = new Set<number>();

  constructor(o: MarketStepOptions) {
    this.o = o;
    this.registry = o.registry ?? new SpreadRegistry();
    for (const s of this.registry.list) if (s.exercised) this.exercisedIds.add(s.id);
    this.combos = Array.from({ length: FarmHost.comboCount(o.grid) }, (_, c) =>
      FarmHost.comboValues(o.grid, c),
    );
    this.optionLifeHours = o.optionLifeHours ?? defaultOptionLifeHours(o.grid);
  }

  async build(
    step: number,
    tMs: number,
    open: Set<number>,
    what: {
      entries: boolean;
      marks: 'all' | 'expired';
      /** Decide exercise on the last close now (a step after the close, as `argus expire`). */
      exercise?: boolean;
    } = { entries: true, marks: 'all' },
  ): Promise<{ input: StepInput; conditions: Conditions | null }> {
    if (!what.entries)
      return {
        input: await this.exitsOnly(step, tMs, open, what.marks, what.exercise ?? false),
        conditions: null,
      };
    return this.finishStep(await this.startStep(step, tMs), open);
  }

  /**
   * The part of a step that does not depend on the positions held: conditions and entry
   * candidates. A run with worker threads starts step k + 1 while they step k; `finishStep` then
   * marks what is held. Calls must alternate startStep, finishStep in step order (the spread registry
   * numbers spreads in that order). `likely`: spreads that may be held at this step (held before
   * the last step, or offered in it), quoted now so that `finishStep` has only decisions left.
   */
  async startStep(step: number, tMs: number, likely?: Iterable<number>): Promise<StartedStep> {
    const { source, calendar: cal, rules } = this.o;
    const conditions = await computeConditions(source, cal, this.o.economic, tMs, {
      optionLifeHours: this.optionLifeHours,
      blackout: {
        cpi: { fromMinute: 0, toMinute: rules.cpiBlackoutUntilMin },
        fomc: { fromMinute: rules.fomcBlackoutFromMin, toMinute: rules.fomcBlackoutToMin },
      },
    });
    const marketOpen = cal.isOpen(tMs);
    const symbols = this.o.grid.spec.symbol;
    const symbolAvail = symbols.map(() => 0);
    const candidates: (EntryCandidate | null)[] = this.combos.map(() => null);
    if (marketOpen) {
      for (let sl = 0; sl < symbols.length; sl++) {
        const built = await this.buildCandidates(symbols[sl], tMs);
        if (typeof built === 'string') continue;
        symbolAvail[sl] = 1;
        this.combos.forEach((c, i) => {
          if (c.symbol !== symbols[sl]) return;
          const r = built.get(`${c.dte}|${c.shortDelta}|${c.width}`)!;
          if (typeof r !== 'string') candidates[i] = r;
        });
      }
    }
    const quoted = likely ? await this.quoteAhead(likely, tMs) : undefined;
    return { step, tMs, conditions, marketOpen, symbolAvail, candidates, quoted };
  }

  /** Quotes of the spreads in `ids` that would be marked live at tMs (not expiring, not exercised). */
  private async quoteAhead(ids: Iterable<number>, tMs: number): Promise<Map<number, SpreadQuote>> {
    const cal = this.o.calendar;
    const today = cal.etDate(tMs);
    const isClose = cal.tradingDay(today)?.closeMs === tMs;
    const live: { info: SpreadInfo; expiryMs: number }[] = [];
    for (const id of ids) {
      const info = this.registry.get(id);
      const expiryMs = cal.expiryCloseMs(info.expiry);
      if (info.exercised || settlesAtExpiry(info, expiryMs, tMs, isClose, today)) continue;
      live.push({ info, expiryMs });
    }
    return live.length ? this.quoteSpreads(live, tMs) : new Map();
  }

  /** The started step with the marks of the spreads held open now. */
  async finishStep(p: StartedStep, open: Set<number>): Promise<{ input: StepInput; conditions: Conditions }> {
    const { calendar: cal } = this.o;
    const { step, tMs, conditions, marketOpen, symbolAvail, candidates } = p;
    const day = cal.tradingDay(cal.etDate(tMs));
    const isClose = day !== null && day.closeMs === tMs;
    const marks = await this.markSpreads(open, tMs, isClose, false, isClose, p.quoted);
    const w = conditions.warmth;
    const et = cal.etDate(tMs).slice(0, 7);
    const monthIndex = this.o.months.indexOf(et);
    if (monthIndex < 0) throw new Error(`step ${step} (${et}) is outside the run's months`);
    const bucket = conditions.sessionBucket;
    const input: StepInput = {
      step,
      tMs,
      monthIndex,
      isClose,
      marketOpen,
      blackout: conditions.blackout.blackout,
      warmth: w.status === 'ok' ? Math.round(w.score * 10) / 10 : null,
      ivRankPct: conditions.ivRank.status === 'ok' ? Math.round(conditions.ivRank.rank * 10_000) / 100 : null,
      sessionBucket: bucket === 'morning' ? 1 : bucket === 'midday' ? 2 : bucket === 'afternoon' ? 3 : 0,
      regime: conditions.regime.status === 'ok' ? conditions.regime.regime : null,
      symbolAvail,
      candidates,
      marks,
    };
    return { input, conditions };
  }

  /** A step with no entries: marks (or only expiry settlements) and nothing else fetched. */
  private async exitsOnly(
    step: number,
    tMs: number,
    open: Set<number>,
    marks: 'all' | 'expired',
    exercise: boolean,
  ): Promise<StepInput> {
    const cal = this.o.calendar;
    const day = cal.tradingDay(cal.etDate(tMs));
    const isClose = day !== null && day.closeMs === tMs;
    const m = await this.markSpreads(open, tMs, isClose, marks === 'expired', isClose || exercise);
    return {
      step,
      tMs,
      monthIndex: Math.max(0, this.o.months.indexOf(cal.etDate(tMs).slice(0, 7))),
      isClose: false,
      marketOpen: false,
      blackout: false,
      warmth: null,
      ivRankPct: null,
      sessionBucket: 0,
      regime: null,
      symbolAvail: this.o.grid.spec.symbol.map(() => 0),
      candidates: this.combos.map(() => null),
      marks: m,
    };
  }

  /** One candidate per (dte, delta, width) for a symbol, or the reason there is none. */
  private async buildCandidates(
    symbol: EtfSymbol,
    tMs: number,
  ): Promise<Map<string, EntryCandidate | string> | string> {
    const { source, calendar: cal, grid, fill, riskFreeRate: r } = this.o;
    const chain = await source.optionChain(symbol, tMs);
    if (chain.status === 'missing') return `${symbol} chain missing: ${chain.reason}`;
    const ix = indexChain(chain.value, chain.asOfMs, chain.stale ?? false, cal, r);
    const S = ix.spot;
    const out = new Map<string, EntryCandidate | string>();
    for (const dte of grid.spec.dte) {
      for (const shortDelta of grid.spec.shortDelta) {
        for (const width of grid.spec.width) {
          const key = `${dte}|${shortDelta}|${width}`;
          const p = pickSpread(ix, { dte, shortDelta, width }, fill);
          if (typeof p === 'string') {
            out.set(key, p);
            continue;
          }
          const creditPips = pips(p.credit);
          const widthPips = pips(p.width);
          if (p.credit < this.o.rules.minCreditUsd - 1e-9) {
            out.set(
              key,
              `credit ${p.credit.toFixed(2)} below the ${this.o.rules.minCreditUsd.toFixed(2)} minimum`,
            );
            continue;
          }
          if (creditPips <= 0 || creditPips >= widthPips) {
            out.set(key, `credit ${p.credit.toFixed(4)} outside (0, width)`);
            continue;
          }
          out.set(key, {
            spreadId: this.registry.idFor(symbol, p.expiry, p.short.strike, p.long.strike),
            creditPips,
            midPips: Math.max(0, pips(p.mid)),
            maxLossCents: widthPips - creditPips,
            deltaUsd: (-p.shortGreeks.delta + p.longGreeks.delta) * S * 100,
            vegaUsd: p.longGreeks.vega - p.shortGreeks.vega,
          });
        }
      }
    }
    return out;
  }

  private async settlement(symbol: EtfSymbol, date: string, closeMs: number): Promise<number | null> {
    if (this.o.settlementPrice) return this.o.settlementPrice(symbol, date, closeMs);
    const q = await this.o.source.etfQuote(symbol, closeMs);
    return q.status === 'ok' ? q.value.price : null;
  }

  /** A fund's official close (cached per step in `seen`). */
  private async closePrice(
    symbol: EtfSymbol,
    last: { date: string; closeMs: number },
    seen: Map<EtfSymbol, number | null>,
  ): Promise<number | null> {
    if (!seen.has(symbol)) seen.set(symbol, await this.settlement(symbol, last.date, last.closeMs));
    return seen.get(symbol) ?? null;
  }

  /** Each fund's price at `atMs`, for the symbols asked (its own underlying for every position). */
  private async prices(symbols: Set<EtfSymbol>, atMs: number): Promise<Map<EtfSymbol, number>> {
    const out = new Map<EtfSymbol, number>();
    for (const sym of symbols) {
      const q = await this.o.source.etfQuote(sym, atMs);
      if (q.status === 'ok') out.set(sym, q.value.price);
    }
    return out;
  }

  /**
   * Settles an exercised short at the next session's open: the shares taken at the strike are
   * sold at the open (the real opening print, or the derived price where the fund did not trade),
   * so the overnight gap is paid; after an early exercise the long is sold through the fill model
   * at the open (or exercised, when that pays more or it cannot be sold). A source that answers
   * only for the present (live) gives the first price after the open. Null until that open has
   * passed or while no price is known.
   */
  private async settleExercise(info: SpreadInfo, tMs: number, expiryMs: number): Promise<SpreadMark | null> {
    const { source, calendar: cal, fill } = this.o;
    const ex = info.exercised as NonNullable<SpreadInfo['exercised']>;
    const openMs = cal.nextOpen(ex.closeMs).openMs;
    if (tMs < openMs) return null;
    // A live source answers only for the present: then the first price seen after the open.
    let open = await source.etfQuote(info.symbol, openMs);
    if (open.status !== 'ok') open = await source.etfQuote(info.symbol, tMs);
    if (open.status !== 'ok') return null;
    const shortDebit = info.shortStrike - open.value.price;
    const base = {
      noFillReason: null,
      greeks: null,
      dteDays: Math.max(0, daysBetween(cal.etDate(tMs), info.expiry)),
      expiryMs,
    };
    if (ex.kind === 'expiry') {
      // The long expired out of the money: nothing to sell.
      const settle = pips(shortDebit);
      return {
        ...base,
        midPips: Math.max(0, settle),
        closeDebitPips: NO_FILL,
        assign: false,
        assignDebitPips: NO_FILL,
        expiresNow: true,
        settlePips: settle,
      };
    }
    const long = { symbol: info.symbol, expiry: info.expiry, strike: info.longStrike, right: 'put' as const };
    const key = contractKey(long);
    // The long's quote at the open; failing that, at this step.
    let lq = (await source.optionQuotes([long], openMs)).get(key);
    if (lq?.status !== 'ok') lq = (await source.optionQuotes([long], tMs)).get(key);
    const sale =
      lq?.status === 'ok'
        ? legFill(
            'sell',
            pacedQuote(lq.value, lq.stale ?? false, cal.sessionElapsedFrac(lq.value.quoteTimeMs)),
            fill,
          )
        : null;
    const exercised = Math.max(0, info.longStrike - open.value.price);
    const debit = pips(shortDebit - Math.max(sale?.ok ? sale.price : 0, exercised));
    return {
      ...base,
      midPips: Math.max(0, debit),
      closeDebitPips: NO_FILL,
      assign: true,
      assignDebitPips: debit,
      expiresNow: false,
      settlePips: 0,
    };
  }

  /**
   * Marks, closing debits, exercise and expiry settlement for every spread held open. `decide`:
   * the holders decide on exercise at the last close (at the close step, or after it).
   */
  private async markSpreads(
    open: Set<number>,
    tMs: number,
    isClose: boolean,
    expiredOnly: boolean,
    decide: boolean,
    pre?: Map<number, SpreadQuote>,
  ): Promise<Map<number, SpreadMark>> {
    const { source, calendar: cal } = this.o;
    const marks = new Map<number, SpreadMark>();
    // An exercised spread no one holds any more is done with.
    for (const id of this.exercisedIds) {
      if (open.has(id)) continue;
      delete this.registry.get(id).exercised;
      this.exercisedIds.delete(id);
    }
    if (open.size === 0) return marks;
    const today = cal.etDate(tMs);
    const live: { info: SpreadInfo; expiryMs: number }[] = [];
    for (const id of open) {
      const info = this.registry.get(id);
      const expiryMs = cal.expiryCloseMs(info.expiry);
      if (!info.exercised && settlesAtExpiry(info, expiryMs, tMs, isClose, today)) {
        const S = await this.settlement(info.symbol, info.expiry, expiryMs);
        if (S === null) continue; // cannot settle yet; retried next step
        if (S < info.shortStrike && S >= info.longStrike) {
          // Only the short is in the money: its shares are delivered and sold at the next open.
          info.exercised = { closeMs: expiryMs, kind: 'expiry' };
          this.exercisedIds.add(id);
        } else {
          const intrinsic = Math.max(0, info.shortStrike - S) - Math.max(0, info.longStrike - S);
          marks.set(id, {
            midPips: pips(intrinsic),
            closeDebitPips: NO_FILL,
            noFillReason: 'expired',
            assign: false,
            assignDebitPips: NO_FILL,
            expiresNow: true,
            settlePips: pips(intrinsic),
            greeks: null,
            dteDays: 0,
            expiryMs,
          });
          continue;
        }
      }
      if (info.exercised) {
        const m = await this.settleExercise(info, tMs, expiryMs);
        if (m) {
          // Every holder settles on this mark; a position opened afterwards is a new short.
          marks.set(id, m);
          delete info.exercised;
          this.exercisedIds.delete(id);
        }
        continue;
      }
      if (expiredOnly && !decide) continue;
      live.push({ info, expiryMs });
    }
    if (!live.length) return marks;
    // Quoted beside the last step (startStep's `likely`) where it could be; the rest now.
    const need = pre ? live.filter((l) => !pre.has(l.info.id)) : live;
    const quoted = need.length ? await this.quoteSpreads(need, tMs) : null;
    const last = cal.lastClose(tMs);
    const closes = new Map<EtfSymbol, number | null>();
    const distributions = new Map<EtfSymbol, Distribution[]>();
    for (const { info, expiryMs } of live) {
      const q = pre?.get(info.id) ?? quoted!.get(info.id)!;
      const dteDays = daysBetween(today, info.expiry);
      if (q.status === 'missing') {
        if (!expiredOnly)
          marks.set(info.id, {
            midPips: -1,
            closeDebitPips: NO_FILL,
            noFillReason: q.reason,
            assign: false,
            assignDebitPips: NO_FILL,
            expiresNow: false,
            settlePips: 0,
            greeks: null,
            dteDays,
            expiryMs,
          });
        continue;
      }
      // After the close the short put's holder decides on exercise, against its own fund's close.
      const closeS = decide ? await this.closePrice(info.symbol, last, closes) : null;
      if (closeS !== null && closeS < info.shortStrike && q.shortIv !== null && q.shortIv > 0) {
        let paid = distributions.get(info.symbol);
        if (!paid) {
          const d = await source.distributions(info.symbol, tMs);
          paid = d.status === 'ok' ? d.value : [];
          distributions.set(info.symbol, paid);
        }
        const exercise = exercisesNow({
          S: closeS,
          K: info.shortStrike,
          T: (expiryMs - last.closeMs) / MS_PER_YEAR,
          r: this.o.riskFreeRate,
          vol: q.shortIv,
          distributions: expectedDistributions(paid, cal, last.date, info.expiry, closeS).map((d) => ({
            tYears: (cal.etToUtcMs(d.exDate, '09:30') - last.closeMs) / MS_PER_YEAR,
            amount: d.amount,
          })),
        });
        if (exercise) {
          info.exercised = { closeMs: last.closeMs, kind: 'early' };
          this.exercisedIds.add(info.id);
        }
      }
      if (expiredOnly) continue;
      marks.set(info.id, {
        midPips: q.midPips,
        closeDebitPips: q.closeDebitPips,
        noFillReason: q.noFillReason,
        assign: false,
        assignDebitPips: NO_FILL,
        expiresNow: false,
        settlePips: 0,
        greeks: q.greeks,
        dteDays,
        expiryMs,
      });
    }
    return marks;
  }

  /**
   * Held spreads quoted at `tMs`: mid, closing debit and greeks, and the short's IV (for the
   * exercise decision). Pure: no spread's state changes, so a superset can be quoted ahead.
   */
  private async quoteSpreads(
    live: { info: SpreadInfo; expiryMs: number }[],
    tMs: number,
  ): Promise<Map<number, SpreadQuote>> {
    const { source, calendar: cal, fill } = this.o;
    // Each contract once: spreads share legs (one short with several widths).
    const unique = new Map<string, OptionContract>();
    const legKeys: string[] = [];
    for (const { info } of live) {
      for (const strike of [info.shortStrike, info.longStrike]) {
        const c: OptionContract = { symbol: info.symbol, expiry: info.expiry, strike, right: 'put' };
        const key = contractKey(c);
        if (!unique.has(key)) unique.set(key, c);
        legKeys.push(key);
      }
    }
    const [quotes, spot] = await Promise.all([
      source.optionQuotes([...unique.values()], tMs),
      this.prices(new Set(live.map((l) => l.info.symbol)), tMs),
    ]);
    const elapsed = cal.sessionElapsedFrac(tMs);
    const r = this.o.riskFreeRate;
    // A leg's greeks now, once per contract.
    const legGreeks = new Map<string, Greeks>();
    const greeksOf = (key: string, S: number, K: number, T: number, iv: number): Greeks => {
      let g = legGreeks.get(key);
      if (!g) {
        g = bsGreeks('put', S, K, T, r, 0, iv);
        legGreeks.set(key, g);
      }
      return g;
    };
    const out = new Map<number, SpreadQuote>();
    for (let j = 0; j < live.length; j++) {
      const { info, expiryMs } = live[j];
      const shortKey = legKeys[2 * j];
      const longKey = legKeys[2 * j + 1];
      const sq = quotes.get(shortKey);
      const lq = quotes.get(longKey);
      if (!sq || !lq || sq.status === 'missing' || lq.status === 'missing') {
        const reason =
          sq?.status === 'missing' ? sq.reason : lq?.status === 'missing' ? lq.reason : 'no quote';
        out.set(info.id, { status: 'missing', reason });
        continue;
      }
      const s = pacedQuote(sq.value, sq.stale ?? false, elapsed);
      const l = pacedQuote(lq.value, lq.stale ?? false, elapsed);
      const mid = spreadMid(s, l);
      const close = closeSpreadDebit(s, l, fill);
      const S = spot.get(info.symbol);
      const shortIv = sq.value.iv;
      const longIv = lq.value.iv;
      // The position's greeks now, per contract, as an entry's (for the caps).
      const T = (expiryMs - tMs) / MS_PER_YEAR;
      let greeks: SpreadMark['greeks'] = null;
      if (S !== undefined && T > 0 && shortIv !== null && shortIv > 0 && longIv !== null && longIv > 0) {
        const gs = greeksOf(shortKey, S, info.shortStrike, T, shortIv);
        const gl = greeksOf(longKey, S, info.longStrike, T, longIv);
        greeks = { deltaUsd: (-gs.delta + gl.delta) * S * 100, vegaUsd: gl.vega - gs.vega };
      }
      out.set(info.id, {
        status: 'ok',
        midPips: mid.ok ? Math.max(0, pips(mid.mid)) : -1,
        closeDebitPips: close.ok ? pips(close.debit) : NO_FILL,
        noFillReason: close.ok ? null : close.reason,
        greeks,
        shortIv,
      });
    }
    return out;
  }
}
