import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChainModel } from '../../../src/adapters/bundled/chain-model.js';
import { bundledFile } from '../../../src/adapters/bundled/files.js';
import { HISTORY_FILES, parseDvolDaily } from '../../../src/adapters/market/replay/history.js';
import { IBIT_TICKS } from '../../../src/core/fill/ticks.js';
import {
  CHAIN_MODEL_VERSION,
  expiryCloseMs,
  fitChainModel,
  fitTickRule,
  type ParsedChain,
  parseChainCsv,
  quantileLine,
  T30,
} from '../../../src/core/market/chain-fit.js';
import {
  buildChain,
  type ChainComparison,
  type ChainInput,
  type ChainModel,
  compareWithChain,
  modelIv,
  quoteOne,
  strikeGrid,
} from '../../../src/core/market/chain-model.js';
import type { OptionQuote } from '../../../src/core/market/port.js';
import { bsPrice } from '../../../src/core/pricing/bs.js';
import { MS_PER_YEAR } from '../../../src/core/units.js';

const FIT_FILE = 'ibit_chain_yahoo_2026-02-11_underlying37.735.csv';
const TEST_FILE = 'ibit_chain_yahoo_2026-02-12a_underlying38.150.csv';
const load = (f: string): ParsedChain => parseChainCsv(readFileSync(bundledFile('options', f), 'utf8'), f);

let fitChain: ParsedChain;
let testChain: ParsedChain;
let model: ChainModel;
let oos: ChainComparison;

beforeAll(() => {
  fitChain = load(FIT_FILE);
  testChain = load(TEST_FILE);
  model = loadChainModel();
  oos = compareWithChain(model, testChain);
});

/** A synthetic 2026-02-12-like input: spot 38, four expiries. */
function input(extra: Partial<ChainInput> = {}): ChainInput {
  const asOfMs = Date.parse('2026-02-12T15:10:00Z');
  const exp = (expiry: string, dte: number) => ({
    expiry,
    T: (expiryCloseMs(expiry) - asOfMs) / MS_PER_YEAR,
    dte,
  });
  return {
    symbol: 'IBIT',
    spot: 38,
    atmIv30: 0.55,
    asOfMs,
    expiries: [exp('2026-02-13', 1), exp('2026-02-20', 8), exp('2026-03-13', 29), exp('2026-03-27', 43)],
    r: 0.04,
    q: 0,
    ...extra,
  };
}

function onTickGrid(p: number): boolean {
  const c = Math.round(p * 100);
  if (Math.abs(p * 100 - c) > 1e-7) return false;
  return p < IBIT_TICKS.threshold || c % 5 === 0;
}

describe('chain CSV', () => {
  it('reads the Yahoo chain with UTC trade times, empty volume as null, and the snapshot time', () => {
    expect(fitChain.rows).toHaveLength(2203);
    expect(fitChain.underlying).toBeCloseTo(37.735, 3);
    expect(fitChain.quoteTimeMs).toBe(Date.parse('2026-02-11T17:27:06Z'));
    const r = fitChain.rows.find((x) => x.contract === 'IBIT260211C00058000')!;
    expect(r.volume).toBeNull();
    expect(r.openInterest).toBe(10);
    expect(r.lastTradeMs).toBe(Date.parse('2026-01-28T14:39:36Z'));
    expect(testChain.rows.filter((x) => x.openInterest === null)).toHaveLength(3);
  });
});

describe('committed parameters', () => {
  it('data/models/chain-model.json equals a fresh fit of the two chains and the DVOL closes (to 1e-9)', () => {
    const series = parseDvolDaily(readFileSync(bundledFile(HISTORY_FILES.dvolDaily), 'utf8'), 'dvol');
    const dvol = Array.from(series.timeMs, (t, i) => ({ dayStartMs: t, close: series.value[i] }));
    const fresh = fitChainModel({ chain: fitChain, chains: [fitChain, testChain], dvol });
    const diffs: string[] = [];
    const walk = (a: unknown, b: unknown, path: string) => {
      if (typeof a === 'number' && typeof b === 'number') {
        if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)))) diffs.push(`${path}: ${a} vs ${b}`);
      } else if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) diffs.push(`${path}: length ${a.length} vs ${b.length}`);
        else for (let i = 0; i < a.length; i++) walk(a[i], b[i], `${path}[${i}]`);
      } else if (a && b && typeof a === 'object' && typeof b === 'object') {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        if (ka.join() !== kb.join()) diffs.push(`${path}: keys ${ka} vs ${kb}`);
        else
          for (const k of ka)
            walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      } else if (a !== b) diffs.push(`${path}: ${String(a)} vs ${String(b)}`);
    };
    walk(JSON.parse(JSON.stringify(fresh)), model, 'model');
    expect(diffs).toEqual([]);
    expect(model.version).toBe(CHAIN_MODEL_VERSION);
    expect(model.provenance.fitFile).toBe(FIT_FILE);
  });

  it('refuses a file with another version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chain-model-'));
    const p = join(dir, 'm.json');
    writeFileSync(p, JSON.stringify({ ...model, version: 'chain-model-0' }));
    expect(() => loadChainModel(p)).toThrow(/version/);
  });
});

describe('spread lines', () => {
  it('the quantile line: the median is the flat line, the 0.9 line runs over the outlier', () => {
    const xs = [0, 1, 2, 3, 4];
    const ys = [1, 1, 1, 1, 5];
    // tau 0.5: a = 1, c = 0 costs 0.5·4 = 2; the line through (0,1) and (4,5) costs 0.5·6 = 3
    expect(quantileLine(xs, ys, 0.5)).toEqual({ a: 1, c: 0 });
    // tau 0.9: through (0,1) and (4,5) costs 0.1·(1+2+3) = 0.6; the flat a = 5 costs 0.1·16 = 1.6
    expect(quantileLine(xs, ys, 0.9)).toEqual({ a: 1, c: 1 });
  });
});

describe('ticks', () => {
  it('the fitted rule is the penny-pilot rule with no quote off it, in both files', () => {
    expect(model.ticks).toEqual(IBIT_TICKS);
    for (const c of [fitChain, testChain]) {
      const t = fitTickRule(c.rows);
      expect(t).toMatchObject({ threshold: 3, below: 0.01, atOrAbove: 0.05, violations: 0 });
    }
  });

  it('every built quote is on the grid, bid >= 0 and ask >= bid + 1 tick', () => {
    const q = buildChain(model, input());
    expect(q.length).toBeGreaterThan(300);
    for (const x of q) {
      expect(onTickGrid(x.bid!), `${x.expiry} ${x.right} ${x.strike} bid ${x.bid}`).toBe(true);
      expect(onTickGrid(x.ask!), `${x.expiry} ${x.right} ${x.strike} ask ${x.ask}`).toBe(true);
      expect(x.bid!).toBeGreaterThanOrEqual(0);
      const tick = x.bid! < 3 ? 0.01 : 0.05;
      expect(x.ask! - x.bid!).toBeGreaterThanOrEqual(tick - 1e-9);
    }
  });

  it('quotes far-OTM options 0.00 x 0.01, as the real chain does', () => {
    // $27 (real 2026-02-12: 0.00 × 0.01). At $30 the envelope's wider half-spread quotes 0.00 × 0.02,
    // as the real $29 put was.
    const q = quoteOne(model, input(), { symbol: 'IBIT', expiry: '2026-02-13', strike: 27, right: 'put' });
    expect(q.bid).toBe(0);
    expect(q.ask).toBe(0.01);
    expect(fitChain.rows.some((r) => r.bid === 0 && r.ask === 0.01 && r.right === 'put')).toBe(true);
  });
});

describe('strike grid', () => {
  it('half-dollar strikes near the money for weeklies, dollars at 30-45 DTE', () => {
    const near = strikeGrid(model, 38, 5).filter((k) => k >= 36 && k <= 40);
    expect(near).toEqual([36, 36.5, 37, 37.5, 38, 38.5, 39, 39.5, 40]);
    const month = strikeGrid(model, 38, 35).filter((k) => k >= 36 && k <= 40);
    expect(month).toEqual([36, 37, 38, 39, 40]);
    const g = strikeGrid(model, 38, 35);
    expect(g).toEqual([...g].sort((a, b) => a - b));
    expect(new Set(g).size).toBe(g.length);
  });

  // Listing history cannot be modelled from one snapshot: 2026-03-27 kept half-dollar strikes
  // from its listing and the Jan-2027 LEAPS has dollar strikes where other long expiries have $5.
  it('covers the real 2026-02-12 strikes within ±10 % of spot (all of them up to 30 DTE, >= 90 % overall)', () => {
    const real = oos.strikes.reduce((s, x) => s + x.real, 0);
    const covered = oos.strikes.reduce((s, x) => s + x.covered, 0);
    const modelNear = oos.strikes.reduce((s, x) => s + x.modelNear, 0);
    expect(covered / real).toBeGreaterThanOrEqual(0.9);
    for (const s of oos.strikes.filter((x) => x.dte <= 30)) expect(s.covered, s.expiry).toBe(s.real);
    // and it does not list many more strikes than the market
    expect(modelNear / real).toBeLessThan(1.2);
  });
});

describe('out of sample on 2026-02-12 (puts, bid > 0, |delta| 0.05-0.5)', () => {
  it('uses a meaningful sample', () => {
    expect(oos.iv.n).toBeGreaterThan(250);
    expect(oos.atmIv30).toBeGreaterThan(0.45);
    expect(oos.atmIv30).toBeLessThan(0.65);
  });

  // A few vol points: 02-11 → 02-12 the term structure itself moved by 2-3 points at the short
  // and long ends (the model holds the 02-11 shape fixed and only takes the 30-day level).
  it('IV within a few vol points of the IV re-derived from mids', () => {
    expect(Math.abs(oos.iv.bias)).toBeLessThan(0.015);
    expect(oos.iv.mae).toBeLessThan(0.03);
    expect(oos.iv.medianAbs).toBeLessThan(0.025);
    expect(oos.iv.p90Abs).toBeLessThan(0.06);
    for (const b of oos.ivByBucket.filter((x) => x.n >= 20))
      expect(b.mae, `bucket ${b.bucket}`).toBeLessThan(0.04);
  });

  // The spreads are an upper envelope of both days' quotes (chain-model-2; this day is in the
  // spread fit): never narrower than the real ones on average, and not much wider. Spreads here
  // are 1-3 ticks, so one tick is 33-100 % of a spread. Up to 500 DTE, where the spread seller
  // lives. LEAPS (> 500 DTE) are a known miss: their 10:10 ET quotes were about twice as wide as
  // at 12:30 the day before, so they only get a regression bound.
  it('half-spreads by DTE bucket and moneyness: at least the real ones, under 1.75 times (bucket means)', () => {
    const checked = oos.spreads.filter((s) => s.bucket <= 4 && s.n >= 10);
    expect(checked.length).toBeGreaterThanOrEqual(6);
    for (const s of checked) {
      const ratio = s.meanModel / s.meanActual;
      expect(ratio, `bucket ${s.bucket} ${s.moneyness}`).toBeGreaterThanOrEqual(1);
      expect(ratio, `bucket ${s.bucket} ${s.moneyness}`).toBeLessThan(1.75);
    }
    for (const s of oos.spreads.filter((x) => x.bucket === 5)) {
      expect(s.meanModel / s.meanActual).toBeGreaterThan(0.45);
      expect(s.meanModel / s.meanActual).toBeLessThan(1.35);
    }
  });

  it('open interest at the right overall level', () => {
    expect(oos.activity.oiRatio).toBeGreaterThan(0.7);
    expect(oos.activity.oiRatio).toBeLessThan(1.4);
    expect(oos.activity.oiLogCorr).toBeGreaterThan(0.4);
  });
});

describe('buildChain / quoteOne', () => {
  it('the surface passes through atmIv30 at the money for 30 days, with a put skew', () => {
    const inp = input();
    const T = T30;
    const F = inp.spot * Math.exp(inp.r * T);
    const inp30: ChainInput = { ...inp, expiries: [{ expiry: '2026-03-14', T, dte: 30 }] };
    expect(Math.abs(modelIv(model, inp30, '2026-03-14', F) - inp.atmIv30)).toBeLessThan(1e-12);
    const ivs = [30, 32, 34, 36, 38].map((k) => modelIv(model, inp30, '2026-03-14', k));
    for (let i = 1; i < ivs.length; i++) expect(ivs[i]).toBeLessThan(ivs[i - 1]);
  });

  it('fair mode: bid = ask = Black-Scholes price at the model IV, no rounding', () => {
    const inp = input({ quoteMode: 'fair' });
    const market = input();
    for (const q of buildChain(model, inp)) {
      const e = inp.expiries.find((x) => x.expiry === q.expiry)!;
      const p = bsPrice(q.right, inp.spot, q.strike, e.T, inp.r, inp.q, q.iv!);
      expect(q.bid).toBe(p);
      expect(q.ask).toBe(p);
    }
    const c = { symbol: 'IBIT' as const, expiry: '2026-03-13', strike: 35, right: 'put' as const };
    expect(quoteOne(model, inp, c).iv).toBe(quoteOne(model, market, c).iv);
  });

  it('market quotes bracket the fair price', () => {
    const fair = input({ quoteMode: 'fair' });
    for (const q of buildChain(model, input())) {
      const f = quoteOne(model, fair, q);
      expect(q.bid!).toBeLessThanOrEqual(f.bid! + 1e-12);
      expect(q.ask!).toBeGreaterThanOrEqual(f.ask! - 1e-12);
    }
  });

  it('is deterministic and buildChain agrees with quoteOne', () => {
    const a = buildChain(model, input());
    const b = buildChain(model, input());
    expect(b).toEqual(a);
    const inp = input();
    for (const q of a.filter((_, i) => i % 37 === 0)) {
      expect(quoteOne(model, inp, q)).toEqual(q);
    }
  });

  it('fills every field: both rights, last null, integer volume and OI, quote time', () => {
    const inp = input();
    const q = buildChain(model, inp);
    const keys = new Set(q.map((x) => `${x.expiry}|${x.strike}`));
    expect(q.filter((x) => x.right === 'put')).toHaveLength(keys.size);
    expect(q.filter((x) => x.right === 'call')).toHaveLength(keys.size);
    for (const x of q) {
      expect(x.last).toBeNull();
      expect(Number.isInteger(x.volume)).toBe(true);
      expect(Number.isInteger(x.openInterest)).toBe(true);
      expect(x.quoteTimeMs).toBe(inp.asOfMs);
      expect(x.iv!).toBeGreaterThan(0);
    }
    // OI concentrates at the monthly and at round strikes
    const oi = (expiry: string, strike: number) =>
      quoteOne(model, inp, { symbol: 'IBIT', expiry, strike, right: 'put' }).openInterest!;
    expect(oi('2026-02-20', 35)).toBeGreaterThan(oi('2026-02-13', 35));
    expect(oi('2026-03-13', 35)).toBeGreaterThan(oi('2026-03-13', 34));
  });

  it('ivMultiplier scales the surface; volume grows through the session', () => {
    const c = { symbol: 'IBIT' as const, expiry: '2026-03-13', strike: 34, right: 'put' as const };
    const base = quoteOne(model, input(), c);
    const up = quoteOne(model, input({ ivMultiplier: 1.5 }), c);
    expect(up.iv! / base.iv!).toBeCloseTo(1.5, 12);
    expect(up.bid!).toBeGreaterThan(base.ask!);
    const early = quoteOne(model, input({ asOfMs: Date.parse('2026-02-12T15:00:00Z') }), c);
    const late = quoteOne(model, input({ asOfMs: Date.parse('2026-02-12T20:00:00Z') }), c);
    expect(late.volume!).toBeGreaterThan(early.volume!);
    expect(late.openInterest).toBe(early.openInterest);
  });

  it('rejects an expiry that is not in the input and bad inputs', () => {
    expect(() =>
      quoteOne(model, input(), { symbol: 'IBIT', expiry: '2026-04-17', strike: 35, right: 'put' }),
    ).toThrow(/not in the input/);
    expect(() => buildChain(model, input({ atmIv30: 0 }))).toThrow(RangeError);
    expect(() => buildChain(model, input({ spot: Number.NaN }))).toThrow(RangeError);
  });

  it('quotes 20 expiries x 100 strikes x 2 rights one by one, the same every time (timed in npm run bench)', () => {
    const inp = input();
    const asOfMs = inp.asOfMs;
    const expiries = Array.from({ length: 20 }, (_, i) => {
      const expiry = DateTime.fromISO('2026-02-13', { zone: 'utc' })
        .plus({ days: 7 * i })
        .toISODate()!;
      return { expiry, T: (expiryCloseMs(expiry) - asOfMs) / MS_PER_YEAR, dte: 1 + 7 * i };
    });
    const big: ChainInput = { ...inp, asOfMs, expiries };
    const strikes = Array.from({ length: 100 }, (_, i) => 20 + i * 0.5);
    const run = () => {
      const fresh: ChainInput = { ...big };
      const out: OptionQuote[] = [];
      for (const e of expiries)
        for (const strike of strikes)
          for (const right of ['put', 'call'] as const)
            out.push(quoteOne(model, fresh, { symbol: 'IBIT', expiry: e.expiry, strike, right }));
      return out;
    };
    const first = run();
    expect(first).toHaveLength(4000);
    expect(first.every((q) => (q.bid !== null && q.ask !== null ? q.bid <= q.ask : true))).toBe(true);
    // Quoting is pure: a second pass gives the same chain.
    expect(run()).toEqual(first);
  });
});
