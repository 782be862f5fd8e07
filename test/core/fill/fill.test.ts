import { describe, expect, it } from 'vitest';
import {
  closeSpreadDebit,
  DEFAULT_FILL,
  FAIR_FILL,
  type FillParams,
  fees,
  legFill,
  ORATS_FILL,
  openSpreadCredit,
  type QuoteInput,
  spreadMid,
} from '../../../src/core/fill/fill.js';
import { DEFAULT_SLIPPAGE, NO_SLIPPAGE, slippageFraction } from '../../../src/core/fill/slippage.js';
import { IBIT_TICKS, onTick, roundToTick } from '../../../src/core/fill/ticks.js';

const q = (bid: number | null, ask: number | null, extra: Partial<QuoteInput> = {}): QuoteInput => ({
  bid,
  ask,
  volume: 1000,
  openInterest: 10000,
  ...extra,
});
const plain = (f: number): FillParams => ({ ...FAIR_FILL, f });

function price(r: ReturnType<typeof legFill>): number {
  if (!r.ok) throw new Error(r.reason);
  return r.price;
}

// Small deterministic PRNG for property tests (mulberry32).
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('legFill: reference-values.md "Fill conventions" (bid 2.00, ask 2.50)', () => {
  const ref = q(2.0, 2.5);
  it('f = 0 fills both sides at mid 2.25', () => {
    expect(price(legFill('buy', ref, FAIR_FILL))).toBe(2.25);
    expect(price(legFill('sell', ref, FAIR_FILL))).toBe(2.25);
    const r = legFill('buy', ref, FAIR_FILL);
    expect(r.ok && r.mid).toBe(2.25);
  });
  it('f = 0.75: buy 2.4375, sell 2.0625', () => {
    expect(price(legFill('buy', ref, plain(0.75)))).toBeCloseTo(2.4375, 12);
    expect(price(legFill('sell', ref, plain(0.75)))).toBeCloseTo(2.0625, 12);
  });
  it('f = 1 (and the default): sell at the bid 2.00, buy at the ask 2.50', () => {
    expect(price(legFill('sell', ref, plain(1)))).toBe(2.0);
    expect(price(legFill('buy', ref, plain(1)))).toBe(2.5);
    expect(price(legFill('sell', ref))).toBe(2.0);
    expect(price(legFill('buy', ref))).toBe(2.5);
    expect(DEFAULT_FILL.f).toBe(1);
  });
  it('ORATS f = 0.32 buys at bid + 0.66 × spread', () => {
    expect(price(legFill('buy', ref, plain(0.32)))).toBeCloseTo(2.0 + 0.66 * 0.5, 12);
    expect(ORATS_FILL.f).toBe(0.32);
  });
  it('rejects f outside [0, 1]', () => {
    expect(() => legFill('buy', ref, plain(1.2))).toThrow(RangeError);
    expect(() => legFill('buy', ref, plain(Number.NaN))).toThrow(RangeError);
  });
});

describe('ticks (IBIT: $0.01 below $3.00, $0.05 at and above)', () => {
  it('rounds below $3.00 to pennies, against the trader', () => {
    expect(roundToTick(2.4375, 'up')).toBe(2.44);
    expect(roundToTick(2.4375, 'down')).toBe(2.43);
    expect(roundToTick(2.0625, 'down')).toBe(2.06);
    expect(roundToTick(2.99, 'down')).toBe(2.99);
    expect(roundToTick(2.999, 'down')).toBe(2.99);
    expect(roundToTick(2.991, 'up')).toBe(3.0);
  });
  it('rounds at and above $3.00 to nickels, against the trader', () => {
    expect(roundToTick(3.0, 'down')).toBe(3.0);
    expect(roundToTick(3.0, 'up')).toBe(3.0);
    expect(roundToTick(3.01, 'down')).toBe(3.0);
    expect(roundToTick(3.01, 'up')).toBe(3.05);
    expect(roundToTick(3.4375, 'up')).toBe(3.45);
    expect(roundToTick(3.4375, 'down')).toBe(3.4);
    expect(roundToTick(3.05, 'up')).toBe(3.05);
  });
  it('rounds bids down and asks up onto the grid of their price level', () => {
    expect(roundToTick(2.994, 'down')).toBe(2.99);
    expect(roundToTick(2.991, 'up')).toBe(3);
    expect(roundToTick(3, 'up')).toBe(3);
    expect(roundToTick(3.02, 'down')).toBe(3);
    expect(roundToTick(3.01, 'up')).toBe(3.05);
    expect(roundToTick(0.004, 'up')).toBe(0.01);
    expect(roundToTick(0.004, 'down')).toBe(0);
    expect(roundToTick(1.23, 'down')).toBe(1.23);
    expect(roundToTick(1.23, 'up')).toBe(1.23);
    expect(roundToTick(12.35, 'down')).toBe(12.35);
  });
  it('absorbs float noise instead of dropping a tick', () => {
    expect(roundToTick(2.62 - 0.16, 'down')).toBe(2.46);
    expect(roundToTick(0.1 + 0.2, 'up')).toBe(0.3);
  });
  it('matches the grids seen in data/options', () => {
    for (const p of [2.46, 2.78, 2.96, 3.0, 3.05, 3.15, 12.85]) expect(onTick(p)).toBe(true);
    for (const p of [3.01, 3.12, 12.81]) expect(onTick(p)).toBe(false);
  });
  it('never rounds in the trader’s favour and always lands on the grid (random prices)', () => {
    const r = rng(7);
    for (let i = 0; i < 5000; i++) {
      const p = r() * 8;
      const up = roundToTick(p, 'up');
      const down = roundToTick(p, 'down');
      expect(up).toBeGreaterThanOrEqual(p - 1e-9);
      expect(down).toBeLessThanOrEqual(p + 1e-9);
      expect(onTick(up, IBIT_TICKS)).toBe(true);
      expect(onTick(down, IBIT_TICKS)).toBe(true);
      expect(up - p).toBeLessThan(0.05 + 1e-9);
      expect(p - down).toBeLessThan(0.05 + 1e-9);
    }
  });
  it('legFill with ticks on: buy rounds up, sell rounds down, both inside the quote (both sides of $3)', () => {
    const withTicks: FillParams = { ...FAIR_FILL, f: 0.75, tickRounding: true };
    expect(price(legFill('buy', q(2.0, 2.5), withTicks))).toBe(2.44);
    expect(price(legFill('sell', q(2.0, 2.5), withTicks))).toBe(2.06);
    // 3.00 × 3.50: raw buy 3.4375 → 3.45, raw sell 3.0625 → 3.05
    expect(price(legFill('buy', q(3.0, 3.5), withTicks))).toBe(3.45);
    expect(price(legFill('sell', q(3.0, 3.5), withTicks))).toBe(3.05);
    // straddling $3: 2.96 × 3.10, mid 3.03
    expect(price(legFill('sell', q(2.96, 3.1), { ...withTicks, f: 0 }))).toBe(3.0);
    expect(price(legFill('buy', q(2.96, 3.1), { ...withTicks, f: 0 }))).toBe(3.05);
    expect(price(legFill('sell', q(2.9, 3.1), { ...withTicks, f: 0.5 }))).toBe(2.95);
  });
  it('rounded fills are never better for the trader than unrounded ones (random quotes and f)', () => {
    const r = rng(11);
    for (let i = 0; i < 3000; i++) {
      const bid = Math.round(r() * 600) / 100;
      const ask = roundToTick(bid + 0.01 + r() * 0.6, 'up');
      const f = r();
      const raw: FillParams = { ...FAIR_FILL, f };
      const ticked: FillParams = { ...raw, tickRounding: true };
      const qq = q(bid, ask);
      expect(price(legFill('buy', qq, ticked))).toBeGreaterThanOrEqual(price(legFill('buy', qq, raw)) - 1e-9);
      expect(price(legFill('sell', qq, ticked))).toBeLessThanOrEqual(price(legFill('sell', qq, raw)) + 1e-9);
      expect(price(legFill('buy', qq, ticked))).toBeLessThanOrEqual(ask);
      expect(price(legFill('sell', qq, ticked))).toBeGreaterThanOrEqual(bid);
    }
  });
});

describe('quotes that cannot fill', () => {
  it('null bid or ask is no fill with a reason, on both sides', () => {
    for (const side of ['buy', 'sell'] as const) {
      const a = legFill(side, q(null, 0.5));
      expect(a).toMatchObject({ ok: false, code: 'no-bid' });
      const b = legFill(side, q(0.4, null));
      expect(b).toMatchObject({ ok: false, code: 'no-ask' });
      expect(!b.ok && b.reason).toMatch(/ask/);
    }
  });
  it('a stale quote is no fill even when it looks fine', () => {
    expect(legFill('sell', q(2, 2.5, { stale: true }))).toMatchObject({ ok: false, code: 'stale' });
    expect(legFill('sell', q(2, 2.5, { stale: false }))).toMatchObject({ ok: true });
  });
  it('a crossed quote is no fill (IBIT260220P00080000 shows 30.05 × 28.90)', () => {
    expect(legFill('buy', q(30.05, 28.9))).toMatchObject({ ok: false, code: 'crossed' });
  });
  it('0.00 × 0.00 is no market; NaN or negative prices are invalid', () => {
    expect(legFill('sell', q(0, 0))).toMatchObject({ ok: false, code: 'no-market' });
    expect(legFill('sell', q(Number.NaN, 1))).toMatchObject({ ok: false, code: 'invalid-quote' });
    expect(legFill('buy', q(-0.01, 1))).toMatchObject({ ok: false, code: 'invalid-quote' });
  });
  it('bid 0.00 × ask 0.01 is a real quote: selling yields 0, buying pays 0.01', () => {
    expect(price(legFill('sell', q(0, 0.01)))).toBe(0);
    expect(price(legFill('buy', q(0, 0.01)))).toBe(0.01);
    expect(price(legFill('sell', q(0, 0.01), { ...ORATS_FILL }))).toBe(0);
  });
});

describe('slippage', () => {
  it('is zero when disabled, and a documented function when enabled', () => {
    expect(slippageFraction(0, 0, NO_SLIPPAGE)).toBe(0);
    expect(slippageFraction(0, 0, DEFAULT_SLIPPAGE)).toBeCloseTo(0.5, 12);
    expect(slippageFraction(50, 250, DEFAULT_SLIPPAGE)).toBeCloseTo(0.25, 12);
    expect(slippageFraction(null, null, DEFAULT_SLIPPAGE)).toBe(slippageFraction(0, 0, DEFAULT_SLIPPAGE));
  });
  it('is monotone: never rises as volume or open interest grows', () => {
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const v = r() * 5000;
      const oi = r() * 50000;
      const s = slippageFraction(v, oi, DEFAULT_SLIPPAGE);
      expect(slippageFraction(v + r() * 1000, oi, DEFAULT_SLIPPAGE)).toBeLessThanOrEqual(s);
      expect(slippageFraction(v, oi + r() * 10000, DEFAULT_SLIPPAGE)).toBeLessThanOrEqual(s);
    }
  });
  it('worsens fills on thin strikes, capped at the quote', () => {
    const p: FillParams = { ...FAIR_FILL, f: 0.32, slippage: DEFAULT_SLIPPAGE };
    const thin = q(2.0, 2.5, { volume: 0, openInterest: 0 });
    const busy = q(2.0, 2.5, { volume: 5000, openInterest: 50000 });
    const thinBuy = legFill('buy', thin, p);
    expect(thinBuy.ok && thinBuy.fraction).toBeCloseTo(0.82, 12);
    expect(price(thinBuy)).toBeGreaterThan(price(legFill('buy', busy, p)));
    expect(price(legFill('sell', thin, p))).toBeLessThan(price(legFill('sell', busy, p)));
    const heavy: FillParams = { ...p, f: 0.9 };
    expect(price(legFill('buy', thin, heavy))).toBe(2.5);
    expect(price(legFill('sell', thin, heavy))).toBe(2.0);
  });
  it('fill prices are monotone in volume and OI (ticks on)', () => {
    const p: FillParams = { ...DEFAULT_FILL, f: 0.2 };
    let lastBuy = Number.POSITIVE_INFINITY;
    let lastSell = Number.NEGATIVE_INFINITY;
    for (const v of [0, 1, 10, 50, 200, 1000, 10000]) {
      const qq = q(1.2, 1.6, { volume: v, openInterest: v * 5 });
      const b = price(legFill('buy', qq, p));
      const s = price(legFill('sell', qq, p));
      expect(b).toBeLessThanOrEqual(lastBuy);
      expect(s).toBeGreaterThanOrEqual(lastSell);
      lastBuy = b;
      lastSell = s;
    }
  });
});

describe('spreads', () => {
  const short = q(0.95, 1.05);
  const long = q(0.4, 0.46);
  it('opens at short bid − long ask by default', () => {
    const r = openSpreadCredit(short, long);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.credit).toBe(0.49);
      expect(r.shortPrice).toBe(0.95);
      expect(r.longPrice).toBe(0.46);
    }
  });
  it('the realistic credit is below the mid credit', () => {
    const m = spreadMid(short, long);
    const fill = openSpreadCredit(short, long);
    expect(m.ok && fill.ok && fill.credit < m.mid).toBe(true);
    expect(m.ok && m.mid).toBeCloseTo(1.0 - 0.43, 12);
  });
  it('closes by buying the short at the ask and selling the long at the bid', () => {
    const r = closeSpreadDebit(short, long);
    expect(r.ok && r.debit).toBe(0.65);
  });
  it('refuses a spread whose credit is ≤ 0 (short 0.00 × 0.01, long 0.00 × 0.01)', () => {
    const r = openSpreadCredit(q(0, 0.01), q(0, 0.01));
    expect(r).toMatchObject({ ok: false, code: 'no-credit' });
    const zero = openSpreadCredit(q(0.01, 0.02), q(0, 0.01));
    expect(zero).toMatchObject({ ok: false, code: 'no-credit' });
  });
  it('a far OTM close still fills (buy back at 0.01, sell the long for 0)', () => {
    const r = closeSpreadDebit(q(0, 0.01), q(0, 0.01));
    expect(r.ok && r.debit).toBe(0.01);
  });
  it('names the leg that could not fill', () => {
    const r = openSpreadCredit(short, q(null, 0.5));
    expect(r).toMatchObject({ ok: false, code: 'no-bid', leg: 'long' });
    expect(!r.ok && r.reason).toBe('long leg: no bid quoted');
    expect(openSpreadCredit(q(1, 1.1, { stale: true }), long)).toMatchObject({ ok: false, leg: 'short' });
    expect(closeSpreadDebit(short, q(0.5, 0.4))).toMatchObject({ ok: false, code: 'crossed', leg: 'long' });
    expect(spreadMid(q(null, 1), long)).toMatchObject({ ok: false, leg: 'short' });
  });
  it('credit never rises as f grows (random quotes)', () => {
    const r = rng(5);
    for (let i = 0; i < 1000; i++) {
      const sb = Math.round(r() * 300) / 100 + 0.05;
      const sq = q(sb, roundToTick(sb + 0.01 + r() * 0.2, 'up'));
      const lb = Math.round(r() * sb * 50) / 100;
      const lq = q(lb, roundToTick(lb + 0.01 + r() * 0.1, 'up'));
      let last = Number.POSITIVE_INFINITY;
      for (const f of [0, 0.25, 0.5, 0.75, 1]) {
        const o = openSpreadCredit(sq, lq, { ...DEFAULT_FILL, f });
        const c = o.ok ? o.credit : 0;
        expect(c).toBeLessThanOrEqual(last + 1e-12);
        last = c;
      }
    }
  });
});

describe('fees', () => {
  it('is contracts × legs × fee, $0.65 by default', () => {
    expect(fees(10, 2)).toBeCloseTo(13, 12);
    expect(fees(3, 4, 0.5)).toBe(6);
    expect(fees(0, 2)).toBe(0);
  });
  it('rejects nonsense instead of returning NaN', () => {
    expect(() => fees(1.5, 2)).toThrow(RangeError);
    expect(() => fees(1, 2, Number.NaN)).toThrow(RangeError);
    expect(() => fees(-1, 2)).toThrow(RangeError);
  });
});
