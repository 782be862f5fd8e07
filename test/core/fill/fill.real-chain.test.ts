import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILL,
  legFill,
  ORATS_FILL,
  openSpreadCredit,
  type QuoteInput,
} from '../../../src/core/fill/fill.js';
import { onTick } from '../../../src/core/fill/ticks.js';

// The bundled Yahoo chain of 2026-02-11 (~12:30 ET, IBIT 37.735): a plain CSV without quoted commas.
const file = fileURLToPath(
  new URL('../../../data/options/ibit_chain_yahoo_2026-02-11_underlying37.735.csv', import.meta.url),
);

interface Row extends QuoteInput {
  symbol: string;
  strike: number;
  right: string;
  expiry: string;
}

function load(): Row[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const at = (name: string) => cols.indexOf(name);
  const num = (s: string) => (s === '' || s === 'nan' ? null : Number(s));
  return lines.map((l) => {
    const c = l.split(',');
    return {
      symbol: c[at('contractSymbol')],
      strike: Number(c[at('strike')]),
      right: c[at('optionType')],
      expiry: c[at('expirationDate')],
      bid: num(c[at('bid')]),
      ask: num(c[at('ask')]),
      volume: num(c[at('volume')]),
      openInterest: num(c[at('openInterest')]),
    };
  });
}

describe('fills on the real IBIT chain', () => {
  const rows = load();

  it('every quoted price sits on the IBIT tick grid (the encoded rule matches the data)', () => {
    let n = 0;
    for (const r of rows)
      for (const p of [r.bid, r.ask])
        if (p !== null) {
          expect(onTick(p), `${r.symbol} ${p}`).toBe(true);
          n++;
        }
    expect(n).toBe(2 * rows.length);
  });

  it('each leg fills on the grid inside its quote, or is refused with a reason (never NaN)', () => {
    const codes = new Map<string, number>();
    for (const r of rows)
      for (const p of [DEFAULT_FILL, ORATS_FILL])
        for (const side of ['buy', 'sell'] as const) {
          const f = legFill(side, r, p);
          if (f.ok) {
            expect(Number.isFinite(f.price)).toBe(true);
            expect(onTick(f.price), `${r.symbol} ${side} ${f.price}`).toBe(true);
            expect(f.price).toBeGreaterThanOrEqual(r.bid ?? Number.NaN);
            expect(f.price).toBeLessThanOrEqual(r.ask ?? Number.NaN);
          } else {
            expect(f.reason.length).toBeGreaterThan(0);
            codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
          }
        }
    // IBIT260220P00080000 (30.05 × 28.90) and IBIT270115C00017000 (35.20 × 34.35) are crossed.
    expect(codes.get('crossed')).toBe(2 * 2 * 2);
  });

  it('a 5-wide OTM put spread for 2026-03-20 gets less credit at the bid/ask than with ORATS or at mid', () => {
    const puts = rows.filter((r) => r.right === 'put' && r.expiry === '2026-03-20');
    const short = puts.find((r) => r.strike === 33)!;
    const long = puts.find((r) => r.strike === 28)!;
    const worst = openSpreadCredit(short, long, DEFAULT_FILL);
    const orats = openSpreadCredit(short, long, ORATS_FILL);
    expect(worst.ok && orats.ok).toBe(true);
    if (worst.ok && orats.ok) {
      expect(worst.credit).toBeCloseTo(short.bid! - long.ask!, 9);
      expect(worst.credit).toBeLessThanOrEqual(orats.credit);
      const mid = (short.bid! + short.ask!) / 2 - (long.bid! + long.ask!) / 2;
      expect(orats.credit).toBeLessThanOrEqual(mid + 1e-9);
    }
  });
});
