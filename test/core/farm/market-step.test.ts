/**
 * The market side of the farm's rules on a hand-written chain (no chain model): which expiry,
 * short strike and long strike a trader builds, the credit and limits it sizes on, and the marks
 * it exits on. The expected numbers are worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { loadEconomicCalendar, loadMarketCalendar } from '../../../src/adapters/bundled/calendars.js';
import { indexChain, pickSpread } from '../../../src/core/conditions/spread-pick.js';
import { Grid } from '../../../src/core/farm/grid.js';
import { FarmHost } from '../../../src/core/farm/host.js';
import { MarketStepBuilder } from '../../../src/core/farm/market-step.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { DEFAULT_FILL, ORATS_FILL } from '../../../src/core/fill/fill.js';
import {
  contractKey,
  type Distribution,
  type EtfQuote,
  type EtfSymbol,
  type MarketDataSource,
  missing,
  type Observed,
  type OptionChain,
  type OptionContract,
  type OptionQuote,
  ok,
} from '../../../src/core/market/port.js';

const cal = loadMarketCalendar();
const economic = loadEconomicCalendar();
const NOW = cal.etToUtcMs('2026-03-02', '10:30');

/** A put quote; IV 0.60 everywhere so the deltas below are Black–Scholes at σ = 0.6, r = 0.04. */
function put(
  expiry: string,
  strike: number,
  bid: number,
  ask: number,
  symbol: EtfSymbol = 'IBIT',
): OptionQuote {
  return {
    symbol,
    expiry,
    strike,
    right: 'put',
    bid,
    ask,
    last: null,
    iv: 0.6,
    volume: 500,
    openInterest: 5_000,
    quoteTimeMs: NOW,
  };
}

/**
 * IBIT at $50 on Monday 2026-03-02 10:30 ET. Expiries 4, 11 and 31 days out. Put deltas at
 * σ = 0.6 (r = 0.04): 2026-03-06 — K 45: −0.047, 46: −0.092, 47: −0.159, 48: −0.251, 49: −0.362;
 * 2026-04-02 — K 41: −0.108, 42: −0.135, 43: −0.167, 44: −0.202, 45: −0.239, 46: −0.280, 47: −0.323.
 */
const CHAIN: OptionChain = {
  symbol: 'IBIT',
  underlyingPrice: 50,
  expiries: ['2026-03-06', '2026-03-13', '2026-04-02'],
  quotes: [
    put('2026-03-06', 45, 0.08, 0.1),
    put('2026-03-06', 46, 0.14, 0.16),
    put('2026-03-06', 47, 0.3, 0.34),
    put('2026-03-06', 48, 0.55, 0.6),
    put('2026-03-06', 49, 0.95, 1.0),
    ...[44, 45, 46, 47, 48, 49].map((k) => put('2026-03-13', k, 0.5, 0.6)),
    put('2026-04-02', 40, 0.6, 0.65),
    put('2026-04-02', 41, 0.75, 0.8),
    put('2026-04-02', 42, 0.95, 1.0),
    put('2026-04-02', 43, 1.15, 1.2),
    put('2026-04-02', 44, 1.4, 1.45),
    put('2026-04-02', 45, 1.7, 1.75),
    put('2026-04-02', 46, 2.05, 2.1),
    put('2026-04-02', 47, 2.4, 2.5),
  ],
};

/** The port fed by hand: chains by instant, their quotes and spots, the funds' distributions; everything else missing. */
class HandSource implements MarketDataSource {
  readonly kind = 'replay' as const;
  constructor(
    private readonly chainsAt: (atMs: number) => Partial<Record<EtfSymbol, OptionChain>>,
    private readonly paid: Partial<Record<EtfSymbol, Distribution[]>> = {},
  ) {}
  private none<T>(): Promise<Observed<T>> {
    return Promise.resolve(missing('hand', 'not in this test'));
  }
  btcSpot = () => this.none<never>();
  btcBars = () => this.none<never>();
  dvol = () => this.none<number>();
  dvolHistory = () => this.none<never>();
  funding8h = () => this.none<number>();
  async distributions(symbol: EtfSymbol, atMs: number): Promise<Observed<Distribution[]>> {
    return ok(
      (this.paid[symbol] ?? []).filter((d) => d.exDate <= cal.etDate(atMs)),
      atMs,
      'hand',
    );
  }
  async etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    const c = this.chainsAt(atMs)[symbol];
    if (!c) return missing('hand', 'no price');
    return ok({ symbol, price: c.underlyingPrice, previousClose: null, phase: 'open' }, atMs, 'hand');
  }
  async optionChain(symbol: EtfSymbol, atMs: number): Promise<Observed<OptionChain>> {
    const c = this.chainsAt(atMs)[symbol];
    return c ? ok(c, atMs, 'hand') : missing('hand', 'no chain');
  }
  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const out = new Map<string, Observed<OptionQuote>>();
    for (const c of contracts) {
      const q = this.chainsAt(atMs)[c.symbol]?.quotes.find((x) => contractKey(x) === contractKey(c));
      out.set(contractKey(c), q ? ok(q, atMs, 'hand') : missing('hand', 'not listed'));
    }
    return out;
  }
  coverage = () => [];
}

const grid = new Grid({
  symbol: ['IBIT'],
  warmthFloor: [4],
  ivRankFloor: [0],
  session: ['any'],
  dte: [7, 30],
  shortDelta: [0.15, 0.3],
  width: [2],
  profitTargetPct: [50],
  stopLossX: [1],
  trailingStopPct: [0],
  sizePct: [5],
});

function builder(source: MarketDataSource) {
  return new MarketStepBuilder({
    source,
    calendar: cal,
    economic,
    grid,
    rules: DEFAULT_RULES,
    fill: DEFAULT_FILL,
    riskFreeRate: 0.04,
    months: ['2026-03', '2026-04'],
  });
}

describe('selection of expiry, short strike and long strike (B, #5)', () => {
  it('each (dte, delta, width) builds the spread worked out from the chain', async () => {
    const b = builder(new HandSource(() => ({ IBIT: CHAIN })));
    const { input } = await b.build(0, NOW, new Set());
    const built = input.candidates.map((c, k) => {
      const v = FarmHost.comboValues(grid, k);
      const s = c && b.registry.get(c.spreadId);
      return [v.dte, v.shortDelta, s?.expiry, s?.shortStrike, s?.longStrike, c?.creditPips, c?.maxLossCents];
    });
    expect(built).toEqual([
      // 7 DTE: 2026-03-06 (|4 − 7| = 3 beats |11 − 7| = 4).
      // 0.15: K 47 (|0.159 − 0.15| = 0.009); long 47 − 2 = 45. Credit at f = 1: bid 0.30 − ask 0.10 = 0.20;
      // max loss $2 − $0.20 = 18,000 cents a contract.
      [7, 0.15, '2026-03-06', 47, 45, 2_000, 18_000],
      // 0.30: K 48 (|0.251 − 0.3| = 0.049 beats 49's 0.062); long 46. 0.55 − 0.16 = 0.39.
      [7, 0.3, '2026-03-06', 48, 46, 3_900, 16_100],
      // 30 DTE: 2026-04-02 (31 days). 0.15: K 42 (0.015 beats 43's 0.017); long 40: 0.95 − 0.65 = 0.30.
      [30, 0.15, '2026-04-02', 42, 40, 3_000, 17_000],
      // 0.30: K 46 (0.020 beats 47's 0.023); long 44: 2.05 − 1.45 = 0.60.
      [30, 0.3, '2026-04-02', 46, 44, 6_000, 14_000],
    ]);
  });

  it('a width in % of the price: the listed strike nearest that far below the short; max loss on the real width', async () => {
    const pct = new Grid({ ...grid.spec, dte: [7], width: ['3%', '5%', '20%'] });
    const b = new MarketStepBuilder({
      source: new HandSource(() => ({ IBIT: CHAIN })),
      calendar: cal,
      economic,
      grid: pct,
      rules: DEFAULT_RULES,
      fill: DEFAULT_FILL,
      riskFreeRate: 0.04,
      months: ['2026-03'],
    });
    const { input } = await b.build(0, NOW, new Set());
    const built = input.candidates.map((c) => {
      const s = c && b.registry.get(c.spreadId);
      return [s?.shortStrike, s?.longStrike, c?.creditPips, c?.maxLossCents];
    });
    expect(built).toEqual([
      // Δ0.15 short 47 at $50: 3 % = $1.50 → 45.5, equally near 46 and 45: the wider, 45 (0.30 − 0.10).
      [47, 45, 2_000, 18_000],
      // 5 % = $2.50 → 44.5: 45 is the nearest listed.
      [47, 45, 2_000, 18_000],
      // 20 % = $10 → 37: the nearest listed below the short is the lowest, 45.
      [47, 45, 2_000, 18_000],
      // Δ0.30 short 48: 3 % → 46.5, tie of 47 and 46 → 46 (0.55 − 0.16 = 0.39, max loss $2 − $0.39).
      [48, 46, 3_900, 16_100],
      // 5 % → 45.5, tie of 46 and 45 → 45: 0.55 − 0.10 = 0.45 on a $3 width: 25,500 cents.
      [48, 45, 4_500, 25_500],
      [48, 45, 4_500, 25_500],
    ]);
  });

  it('a held spread is marked with the greeks an entry at that instant would get (the caps read them)', async () => {
    const b = builder(new HandSource(() => ({ IBIT: CHAIN })));
    const { input } = await b.build(0, NOW, new Set());
    const c = input.candidates[3]!;
    const held = await b.build(1, NOW, new Set([c.spreadId]), { entries: false, marks: 'all' });
    const g = held.input.marks.get(c.spreadId)?.greeks;
    expect(g?.deltaUsd).toBeCloseTo(c.deltaUsd, 9);
    expect(g?.vegaUsd).toBeCloseTo(c.vegaUsd, 9);
    // 46/44 on 2026-04-02 at $50: (0.280 − 0.202) × $50 × 100 ≈ $390 of delta a contract.
    expect(c.deltaUsd).toBeCloseTo(390, -1);
  });

  it('an expiry on an early-close day runs to 13:00 ET: three hours less to maturity', async () => {
    // Friday 2025-11-28 closes at 13:00. From Monday 11-24 10:30 ET: 4 days 2.5 h = 98.5 h, not 101.5 h.
    const at = cal.etToUtcMs('2025-11-24', '10:30');
    const chainOn = { ...CHAIN, expiries: ['2025-11-28'], quotes: [put('2025-11-28', 47, 0.3, 0.34)] };
    const ix = indexChain(chainOn, at, false, cal, 0.04);
    expect(ix.byExpiry.get('2025-11-28')!.T * 365 * 24).toBeCloseTo(98.5, 9);
  });

  it('slippage has no time-of-day bias: volume so far is read as the day’s pace', async () => {
    // f = 0.32 with slippage; the same day's activity: 10 contracts by 10:00 (1/13 of the session)
    // and 110 by 15:00 (11/13) are both a 130-contract day: 0.25/(1 + 130/50) + 0.25/(1 + 5,000/250)
    // = 0.081 more of the half-spread. 47 put 0.30 × 0.34: sold at 0.32 − 0.401 × 0.02 = 0.312 → 0.31;
    // 45 put 0.08 × 0.10: bought at 0.098 → 0.10. Credit 0.21 at both hours (read raw, 10:00's
    // 10 contracts would cost 0.208 more of the half-spread: 0.30 − 0.11 = 0.19).
    const credit = (hhmm: string, volume: number) => {
      const at = cal.etToUtcMs('2026-03-02', hhmm);
      const quotes = CHAIN.quotes.filter((q) => q.expiry === '2026-03-06').map((q) => ({ ...q, volume }));
      const ix = indexChain({ ...CHAIN, quotes }, at, false, cal, 0.04);
      const p = pickSpread(ix, { dte: 7, shortDelta: 0.15, width: 2 }, ORATS_FILL);
      return typeof p === 'string' ? p : p.credit;
    };
    expect(credit('10:00', 10)).toBeCloseTo(0.21, 9);
    expect(credit('15:00', 110)).toBeCloseTo(0.21, 9);
  });

  it('a credit below the $0.05 minimum is no candidate', async () => {
    const thin = {
      ...CHAIN,
      quotes: CHAIN.quotes.map((q) =>
        q.expiry === '2026-03-06' && q.strike === 47 ? { ...q, bid: 0.14 } : q,
      ),
    };
    const { input } = await builder(new HandSource(() => ({ IBIT: thin }))).build(0, NOW, new Set());
    // 0.14 − 0.10 = 0.04 < 0.05.
    expect(input.candidates[0]).toBeNull();
    expect(input.candidates[1]).not.toBeNull();
  });
});

describe('exercise of the short put: decided at the close, settled at the next open', () => {
  const at = (date: string, hhmm: string) => cal.etToUtcMs(date, hhmm);
  const chain = (
    symbol: EtfSymbol,
    spot: number,
    expiry: string,
    quotes: [number, number, number][],
  ): OptionChain => ({
    symbol,
    underlyingPrice: spot,
    expiries: [expiry],
    quotes: quotes.map(([k, bid, ask]) => put(expiry, k, bid, ask, symbol)),
  });
  const marksOnly = { entries: false, marks: 'all' as const };

  /** IBIT 2026-03-06 47/45 held; the market at Tuesday's close, Wednesday's open and 10:00. */
  function ibitDeep(closeSpot: number) {
    const close = at('2026-03-03', '16:00');
    const open = at('2026-03-04', '09:30');
    const source = new HandSource((t) => ({
      IBIT:
        t <= close
          ? chain('IBIT', closeSpot, '2026-03-06', [
              [47, 47 - closeSpot - 0.05, 47 - closeSpot + 0.1],
              [45, Math.max(0, 45 - closeSpot) - 0.05 + 0.1, Math.max(0, 45 - closeSpot) + 0.2],
            ])
          : t === open
            ? chain('IBIT', 35, '2026-03-06', [
                [47, 11.9, 12.1],
                [45, 10.15, 10.35],
              ])
            : chain('IBIT', 35.5, '2026-03-06', [
                [47, 11.4, 11.6],
                [45, 9.45, 9.6],
              ]),
    }));
    const b = builder(source);
    const id = b.registry.idFor('IBIT', '2026-03-06', 47, 45);
    return { b, id, close, next: at('2026-03-04', '10:00') };
  }

  it('IBIT deep in the money with 3 days left: exercised at the close, settled across the gap', async () => {
    // Close 36 vs strike 47: 4.9 σ in the money (ln(36/47) / (0.6 × √(3/365)) = −4.9) while a 4 % rate
    // pays 47 × 0.04 × 3/365 = $0.015 for exercising now: the lattice says exercise.
    const { b, id, close, next } = ibitDeep(36);
    const atClose = (await b.build(0, close, new Set([id]), marksOnly)).input.marks.get(id)!;
    expect(atClose.assign).toBe(false);
    expect(b.registry.get(id).exercised).toEqual({ closeMs: close, kind: 'early' });
    const after = (await b.build(1, next, new Set([id]), marksOnly)).input.marks.get(id)!;
    // The shares taken at 47 are sold at Wednesday's 35.00 open (a $1 gap below the close); the
    // long sold at the open's 10.15 bid (more than its 10.00 intrinsic): 47 − 35 − 10.15 = 1.85
    // (settled at the close's prices it would be 47 − 36 − 9.05 = 1.95).
    expect(after).toMatchObject({ assign: true, assignDebitPips: 18_500 });
    expect(b.registry.get(id).exercised).toBeUndefined();
  });

  it('decided after the close too (the live farm’s `argus expire`): on the close, with no marks then', async () => {
    const { b, id, close, next } = ibitDeep(36);
    const evening = at('2026-03-03', '17:00');
    const after = await b.build(0, evening, new Set([id]), {
      entries: false,
      marks: 'expired',
      exercise: true,
    });
    expect(after.input.marks.has(id)).toBe(false);
    expect(b.registry.get(id).exercised).toEqual({ closeMs: close, kind: 'early' });
    const m = (await b.build(1, next, new Set([id]), marksOnly)).input.marks.get(id)!;
    expect(m).toMatchObject({ assign: true, assignDebitPips: 18_500 });
  });

  it('not exercised where holding is worth more: 0.50 in the money with 3 days left', async () => {
    const { b, id, close, next } = ibitDeep(46.5);
    await b.build(0, close, new Set([id]), marksOnly);
    expect(b.registry.get(id).exercised).toBeUndefined();
    expect((await b.build(1, next, new Set([id]), marksOnly)).input.marks.get(id)?.assign).toBe(false);
  });

  /** BITO 12/10 held, BITO at 9.00 at the close (IBIT at 50: its own price decides, not IBIT's). */
  function bito(
    closeDate: string,
    expiry: string,
    paid = [{ exDate: '2026-03-02', amount: 0.6, yieldFrac: 0.06 }],
  ) {
    const source = new HandSource(
      () => ({
        IBIT: CHAIN,
        BITO: chain('BITO', 9, expiry, [
          [12, 2.95, 3.1],
          [10, 1.0, 1.1],
        ]),
      }),
      // BITO went ex $0.60 (6 %) on Monday 2026-03-02; the next is due on the first trading day of April.
      { BITO: paid },
    );
    const b = builder(source);
    const id = b.registry.idFor('BITO', expiry, 12, 10);
    return { b, id, close: at(closeDate, '16:00') };
  }

  it('BITO after its distribution: deep in the money with 4 days left is exercised', async () => {
    const { b, id, close } = bito('2026-03-16', '2026-03-20');
    await b.build(0, close, new Set([id]), marksOnly);
    expect(b.registry.get(id).exercised).toEqual({ closeMs: close, kind: 'early' });
  });

  it('BITO before its distribution: held for the ex-date drop', async () => {
    // A 6 % × 9.00 = $0.54 distribution goes ex on 2026-04-01, before the 04-10 expiry: the put is
    // worth at least (12 − 8.46) e^(−0.04 × 14/365) = 3.53 after the drop, more than 3.00 now.
    const { b, id, close } = bito('2026-03-27', '2026-04-10');
    await b.build(0, close, new Set([id]), marksOnly);
    expect(b.registry.get(id).exercised).toBeUndefined();
    // A fund that pays nothing: the same put is exercised.
    const none = bito('2026-03-27', '2026-04-10', []);
    await none.b.build(0, none.close, new Set([none.id]), marksOnly);
    expect(none.b.registry.get(none.id).exercised).toEqual({ closeMs: none.close, kind: 'early' });
  });

  /** IBIT 47/45 expiring Friday 2026-03-06 with the close at `closeSpot`; Monday opens at 44. */
  function expiring(closeSpot: number) {
    const close = at('2026-03-06', '16:00');
    const source = new HandSource((t) => ({
      IBIT: chain('IBIT', t <= close ? closeSpot : 44, '2026-03-06', [
        [47, 1, 1.1],
        [45, 0.1, 0.2],
      ]),
    }));
    const b = builder(source);
    const id = b.registry.idFor('IBIT', '2026-03-06', 47, 45);
    return { b, id, close, monday: at('2026-03-09', '10:00') };
  }

  it('at expiry with only the short in the money: the shares are sold at the next open', async () => {
    const { b, id, close, monday } = expiring(46);
    // Nothing settles at Friday's close…
    expect((await b.build(0, close, new Set([id]), marksOnly)).input.marks.has(id)).toBe(false);
    // …the shares taken at 47 are sold at Monday's 44 open: 47 − 44 = $3.00, more than the $2 width.
    const m = (await b.build(1, monday, new Set([id]), marksOnly)).input.marks.get(id)!;
    expect(m).toMatchObject({ expiresNow: true, settlePips: 30_000 });
  });

  it('at expiry with both legs in the money: settled at the close for the width', async () => {
    const { b, id, close } = expiring(44.5);
    const m = (await b.build(0, close, new Set([id]), marksOnly)).input.marks.get(id)!;
    // (47 − 44.5) − (45 − 44.5) = 2.00.
    expect(m).toMatchObject({ expiresNow: true, settlePips: 20_000 });
  });
});
