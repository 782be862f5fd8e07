import { describe, expect, it } from 'vitest';
import { renderChain, renderChainCsv } from '../../../src/cli/render/chain.js';
import type { MarketCalendar } from '../../../src/core/time/market-calendar.js';
import type { ChainViewResult, ChainViewRow } from '../../../src/services/chain.js';

const cal = { formatEt: () => '2025-03-10 11:00 ET' } as unknown as MarketCalendar;
const row = (strike: number, right: 'put' | 'call', bid: number): ChainViewRow => ({
  strike,
  right,
  bid,
  ask: bid + 0.04,
  mid: bid + 0.02,
  iv: 0.6,
  delta: right === 'put' ? -0.4 : 0.6,
  openInterest: 1234,
  volume: 56,
});
const chain = (rows: ChainViewRow[]): ChainViewResult => ({
  status: 'ok',
  symbol: 'IBIT',
  atMs: 0,
  quoteTimeMs: 0,
  source: 'replay:chain-model',
  note: null,
  stale: false,
  underlyingPrice: 45.37,
  expiry: '2025-03-21',
  dte: 11,
  expiries: ['2025-03-21'],
  rows,
});

describe('argus chain, drawn', () => {
  it('calls left, puts right, one line per strike, ▶ on the strike nearest the underlying, no rules', () => {
    const out = renderChain(
      chain([
        row(45, 'call', 2.1),
        row(45, 'put', 1.7),
        row(45.5, 'call', 1.9),
        row(45.5, 'put', 1.9),
        row(46, 'call', 1.6),
        row(46, 'put', 2.2),
      ]),
      cal,
    ).split('\n');
    expect(out[1]).toBe('Calls left, puts right; ▶ the strike nearest the underlying');
    expect(out[2]).toMatch(/^C Bid +C Ask +C IV +C Δ +C OI +Strike +P Bid +P Ask +P IV +P Δ +P OI$/);
    expect(
      out.slice(3, 6).map((l) => l.match(/(▶ )?\d+\.\d\d(?= +\d\.\d\d +\d\.\d\d +60\.0% +-0\.40)/)?.[0]),
    ).toEqual(['45.00', '▶ 45.50', '46.00']);
    expect(out).toHaveLength(7);
    expect(out.some((l) => /[─┼│]/.test(l))).toBe(false);
  });

  it('one right: a column per quote field, the marker on the strike', () => {
    const out = renderChain(chain([row(45, 'put', 1.7), row(45.5, 'put', 1.9)]), cal).split('\n');
    expect(out[1]).toBe('Puts; ▶ the strike nearest the underlying');
    expect(out[2]).toMatch(/^ Strike +Bid +Ask +Mid +IV +Δ +OI +Volume$/);
    expect(out[4]).toMatch(/^▶ 45\.50 +1\.90 +1\.94 +1\.920 +60\.0% +-0\.400 +1,234 +56$/);
  });
});

describe('argus chain --csv', () => {
  it('one line per quote with raw numbers', () => {
    const out = renderChainCsv(chain([row(45, 'put', 1.7)])).split('\n');
    expect(out).toEqual([
      'strike,right,bid,ask,mid,iv,delta,open_interest,volume',
      '45,put,1.7,1.74,1.72,0.6,-0.4,1234,56',
    ]);
  });
});
