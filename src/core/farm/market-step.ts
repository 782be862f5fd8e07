import { type Conditions, computeConditions } from '../conditions/compute.js';
import { indexChain, pickSpread } from '../conditions/spread-pick.js';
import { closeSpreadDebit, type FillParams, legFill, spreadMid } from '../fill/fill.js';
import { contractKey, type EtfSymbol, type MarketDataSource, type OptionContract } from '../market/port.js';
import type { EconomicCalendar } from '../time/economic-calendar.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { daysBetween } from '../units.js';
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
    for (const s of list) r.idFor(s.symbol, s.expiry, s.shortStrike, s.longStrike);
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
export class MarketStepBuilder {
  readonly registry: SpreadRegistry;
  private readonly o: MarketStepOptions;
  private readonly combos: ReturnType<typeof FarmHost.comboValues>[];
  private readonly optionLifeHours: number;

  constructor(o: MarketStepOptions) {
    this.o = o;
    this.registry = o.registry ?? new SpreadRegistry();
    this.combos = Array.from({ length: FarmHost.comboCount(o.grid) }, (_, c) =>
      FarmHost.comboValues(o.grid, c),
    );
    this.optionLifeHours = o.optionLifeHours ?? defaultOptionLifeHours(o.grid);
  }

  async build(
    step: number,
    tMs: number,
    open: Set<number>,
    what: { entries: boolean; marks: 'all' | 'expired' } = { entries: true, marks: 'all' },
  ): Promise<{ input: StepInput; conditions: Conditions | null }> {
    const { source, calendar: cal, rules } = this.o;
    if (!what.entries) return { input: await this.exitsOnly(step, tMs, open, what.marks), conditions: null };
    const conditions = await computeConditions(source, cal, this.o.economic, tMs, {
      optionLifeHours: this.optionLifeHours,
      blackout: {
        cpi: { fromMinute: 0, toMinute: rules.cpiBlackoutUntilMin },
        fomc: { fromMinute: rules.fomcBlackoutFromMin, toMinute: rules.fomcBlackoutToMin },
      },
    });
    const day = cal.tradingDay(cal.etDate(tMs));
    const isClose = day !== null && day.closeMs === tMs;
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
    const marks = await this.markSpreads(open, tMs, isClose);
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
  ): Promise<StepInput> {
    const cal = this.o.calendar;
    const day = cal.tradingDay(cal.etDate(tMs));
    const m = await this.markSpreads(open, tMs, day !== null && day.closeMs === tMs, marks === 'expired');
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
          const widthPips = pips(width);
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

  /** Marks, closing debits, assignment and expiry settlement for every spread held open. */
  private async markSpreads(
    open: Set<number>,
    tMs: number,
    isClose: boolean,
    expiredOnly = false,
  ): Promise<Map<number, SpreadMark>> {
    const { source, calendar: cal, fill, rules } = this.o;
    const marks = new Map<number, SpreadMark>();
    if (open.size === 0) return marks;
    const today = cal.etDate(tMs);
    const live: { info: SpreadInfo; expiryMs: number }[] = [];
    const contracts: OptionContract[] = [];
    for (const id of open) {
      const info = this.registry.get(id);
      const expiryMs = cal.etToUtcMs(info.expiry, '16:00');
      const settleMs = cal.tradingDay(info.expiry)?.closeMs ?? expiryMs;
      if (settleMs <= tMs || (isClose && info.expiry === today)) {
        const S = await this.settlement(info.symbol, info.expiry, settleMs);
        if (S === null) continue; // cannot settle yet; retried next step
        const intrinsic = Math.max(0, info.shortStrike - S) - Math.max(0, info.longStrike - S);
        marks.set(id, {
          midPips: pips(intrinsic),
          closeDebitPips: NO_FILL,
          noFillReason: 'expired',
          assign: false,
          assignDebitPips: NO_FILL,
          expiresNow: true,
          settlePips: pips(intrinsic),
          dteDays: 0,
          expiryMs,
        });
        continue;
      }
      if (expiredOnly) continue;
      live.push({ info, expiryMs });
      contracts.push(
        { symbol: info.symbol, expiry: info.expiry, strike: info.shortStrike, right: 'put' },
        { symbol: info.symbol, expiry: info.expiry, strike: info.longStrike, right: 'put' },
      );
    }
    if (!live.length) return marks;
    const [quotes, ibit] = await Promise.all([
      source.optionQuotes(contracts, tMs),
      source.etfQuote('IBIT', tMs),
    ]);
    for (const { info, expiryMs } of live) {
      const sq = quotes.get(
        contractKey({ symbol: info.symbol, expiry: info.expiry, strike: info.shortStrike, right: 'put' }),
      );
      const lq = quotes.get(
        contractKey({ symbol: info.symbol, expiry: info.expiry, strike: info.longStrike, right: 'put' }),
      );
      const dteDays = daysBetween(today, info.expiry);
      if (!sq || !lq || sq.status === 'missing' || lq.status === 'missing') {
        const reason =
          sq?.status === 'missing' ? sq.reason : lq?.status === 'missing' ? lq.reason : 'no quote';
        marks.set(info.id, {
          midPips: -1,
          closeDebitPips: NO_FILL,
          noFillReason: reason,
          assign: false,
          assignDebitPips: NO_FILL,
          expiresNow: false,
          settlePips: 0,
          dteDays,
          expiryMs,
        });
        continue;
      }
      const s = { ...sq.value, stale: sq.stale ?? false };
      const l = { ...lq.value, stale: lq.stale ?? false };
      const mid = spreadMid(s, l);
      const close = closeSpreadDebit(s, l, fill);
      // Early assignment: the short put in the money with almost no time value left.
      let assign = false;
      let assignDebit = NO_FILL;
      const S = info.symbol === 'IBIT' && ibit.status === 'ok' ? ibit.value.price : null;
      if (S !== null && S < info.shortStrike && s.bid !== null && s.ask !== null) {
        const intrinsic = info.shortStrike - S;
        const timeValue = (s.bid + s.ask) / 2 - intrinsic;
        if (timeValue < rules.assignmentTimeValueUsd) {
          assign = true;
          const longSale = legFill('sell', l, fill);
          if (longSale.ok) assignDebit = pips(intrinsic - longSale.price);
        }
      }
      marks.set(info.id, {
        midPips: mid.ok ? Math.max(0, pips(mid.mid)) : -1,
        closeDebitPips: close.ok ? pips(close.debit) : NO_FILL,
        noFillReason: close.ok ? null : close.reason,
        assign,
        assignDebitPips: assignDebit,
        expiresNow: false,
        settlePips: 0,
        dteDays,
        expiryMs,
      });
    }
    return marks;
  }
}
