/**
 * The market side of the farm's rules on a hand-written chain (no chain model): which expiry,
 * short strike and long strike a trader builds, the credit and limits it sizes on, and the marks
 * it exits on. The expected numbers are worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { loadEconomicCalendar, loadMarketCalendar } from '../../../src/adapters/bundled/calendars.js';
import { Grid } from '../../../src/core/farm/grid.js';
import { FarmHost } from '../../../src/core/farm/host.js';
import { MarketStepBuilder } from '../../../src/core/farm/market-step.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { DEFAULT_FILL } from '../../../src/core/fill/fill.js';
import {
  contractKey,
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

/** The port fed by hand: one chain, its quotes, a spot per instant; everything else missing. */
class HandSource implements MarketDataSource {
  readonly kind = 'replay' as const;
  constructor(
    private readonly chains: Partial<Record<EtfSymbol, OptionChain>>,
    private readonly spot: (symbol: EtfSymbol, atMs: number) => number | null = (s) =>
      this.chains[s]?.underlyingPrice ?? null,
  ) {}
  private none<T>(): Promise<Observed<T>> {
    return Promise.resolve(missing('hand', 'not in this test'));
  }
  btcSpot = () => this.none<never>();
  btcBars = () => this.none<never>();
  dvol = () => this.none<number>();
  dvolHistory = () => this.none<never>();
  funding8h = () => this.none<number>();
  async etfQuote(symbol: EtfSymbol, atMs: number): Promise<Observed<EtfQuote>> {
    const price = this.spot(symbol, atMs);
    if (price === null) return missing('hand', 'no price');
    return ok({ symbol, price, previousClose: null, phase: 'regular' as never }, atMs, 'hand');
  }
  async optionChain(symbol: EtfSymbol, atMs: number): Promise<Observed<OptionChain>> {
    const c = this.chains[symbol];
    return c ? ok(c, atMs, 'hand') : missing('hand', 'no chain');
  }
  async optionQuotes(contracts: OptionContract[], atMs: number): Promise<Map<string, Observed<OptionQuote>>> {
    const out = new Map<string, Observed<OptionQuote>>();
    for (const c of contracts) {
      const q = this.chains[c.symbol]?.quotes.find((x) => contractKey(x) === contractKey(c));
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
    const b = builder(new HandSource({ IBIT: CHAIN }));
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

  it('a credit below the $0.05 minimum is no candidate', async () => {
    const thin = {
      ...CHAIN,
      quotes: CHAIN.quotes.map((q) =>
        q.expiry === '2026-03-06' && q.strike === 47 ? { ...q, bid: 0.14 } : q,
      ),
    };
    const { input } = await builder(new HandSource({ IBIT: thin })).build(0, NOW, new Set());
    // 0.14 − 0.10 = 0.04 < 0.05.
    expect(input.candidates[0]).toBeNull();
    expect(input.candidates[1]).not.toBeNull();
  });
});
