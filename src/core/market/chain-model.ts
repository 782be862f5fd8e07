/**
 * Synthetic IBIT option chains from the fitted chain model (data/models/chain-model.json).
 *
 * `atmIv30` is IBIT's own 30-day ATM implied vol. The replay feeds it Deribit DVOL (BTC's 30-day
 * ATM IV) times the model's fitted level (`ivLevel`, see atmIv30FromDvol).
 * Quotes are European Black-Scholes at the surface IV: IBIT options are American, but for the
 * OTM puts a credit-spread seller trades the early-exercise premium is far below the tick.
 */
import { roundToTick } from '../fill/ticks.js';
import { median } from '../judge/stats.js';
import { bsGreeks, bsPrice } from '../pricing/bs.js';
import { etDate } from '../time/market-calendar.js';
import {
  activityFeatures,
  analyseChain,
  CHAIN_MODEL_VERSION,
  type ChainModelParams,
  dteBucket,
  estimateAtm30,
  interpLnT,
  isMonthlyExpiry,
  linearPredictor,
  MIN_T_X,
  type ParsedChain,
  type SmileBucket,
  sessionFraction,
  smileRel,
  smileWeights,
  tickAt,
} from './chain-fit.js';
import type { ListedExpiry } from './listing.js';
import type { EtfSymbol, OptionContract, OptionQuote, OptionRight } from './port.js';

export type ChainModel = ChainModelParams;

export interface ChainInput {
  /** BITO has no fitted chain of its own; it gets IBIT's shape. */
  symbol: EtfSymbol;
  spot: number;
  /** IBIT 30-day ATM implied vol as a fraction. */
  atmIv30: number;
  asOfMs: number;
  expiries: ListedExpiry[];
  r: number;
  q: number;
  /** Scales the whole surface (stress scenarios). */
  ivMultiplier?: number;
  /** 'fair': bid = ask = Black-Scholes price at the model vol, no ticks, no spread. */
  quoteMode?: 'market' | 'fair';
}

const REL_MIN = 0.25;
const REL_MAX = 8;

// ---------------------------------------------------------------- validation

/** Checks a parsed chain-model.json (see scripts/fit-chain-model.mjs) before anything prices with it. */
export function validateChainModel(x: unknown, where = 'chain model'): ChainModel {
  const m = x as Partial<ChainModel> | null;
  if (!m || typeof m !== 'object') throw new Error(`${where}: not an object`);
  if (m.version !== CHAIN_MODEL_VERSION) {
    throw new Error(`${where}: version ${String(m.version)}, expected ${CHAIN_MODEL_VERSION}`);
  }
  const fail = (what: string) => {
    throw new Error(`${where}: bad ${what}`);
  };
  if (!m.ticks || !(m.ticks.threshold > 0 && m.ticks.below > 0 && m.ticks.atOrAbove > 0)) fail('ticks');
  if (!m.strikes?.bands?.length || m.strikes.bands[m.strikes.bands.length - 1].maxDte !== null)
    fail('strikes');
  if (
    !m.atm ||
    !(m.atm.atm30 > 0) ||
    !m.atm.nodes?.length ||
    m.atm.nodes.some((n) => !(n.T > 0 && n.ratio > 0))
  ) {
    fail('atm term structure');
  }
  if (
    !m.smile?.buckets?.length ||
    m.smile.buckets.some((b) => ![b.T, b.m, b.s, b.b1, b.b2, b.xMin, b.xMax].every(Number.isFinite))
  ) {
    fail('smile');
  }
  if (!m.spread?.buckets?.length) fail('spread');
  const lv = m.ivLevel;
  if (!lv || !(lv.dvolRatio > 0) || !(lv.n >= 2) || !(lv.standardError >= 0) || lv.days?.length !== lv.n)
    fail('ivLevel');
  const nf = m.activity?.features?.length ?? 0;
  if (!nf || m.activity?.openInterest?.length !== nf || m.activity?.volume?.length !== nf) fail('activity');
  return m as ChainModel;
}

// ---------------------------------------------------------------- strikes

/**
 * Listed strikes for an expiry `dte` days out with the underlying at `spot`, ascending. The tiers'
 * K/S ranges were read off chains at a 30-day ATM IV of `model.atm.atm30` (56.8 %); above that
 * level the ranges widen in log-moneyness by atmIv30 / atm30 (a listing follows the moves a
 * volatile fund makes), and they never narrow below the fitted ranges.
 */
export function strikeGrid(
  model: ChainModel,
  spot: number,
  dte: number,
  atmIv30 = model.atm.atm30,
): number[] {
  if (!(spot > 0)) throw new RangeError(`spot must be > 0, got ${spot}`);
  const band = model.strikes.bands.find((b) => b.maxDte === null || dte <= b.maxDte)!;
  const widen = Math.max(1, atmIv30 / model.atm.atm30);
  const cents = new Set<number>();
  for (const t of band.tiers) {
    const sc = Math.round(t.step * 100);
    const k0 = Math.max(1, Math.ceil((t.lo ** widen * spot) / t.step - 1e-9));
    const k1 = Math.floor((t.hi ** widen * spot) / t.step + 1e-9);
    for (let k = k0; k <= k1; k++) cents.add(k * sc);
  }
  if (cents.size === 0) {
    // a band with no majority tier: dollar strikes ±50 % (never hit with the fitted file)
    for (let k = Math.max(1, Math.ceil(spot * 0.5)); k <= Math.floor(spot * 1.5); k++) cents.add(k * 100);
  }
  return [...cents].sort((a, b) => a - b).map((c) => c / 100);
}

// ---------------------------------------------------------------- pricing

interface PreparedExpiry {
  expiry: string;
  T: number;
  dte: number;
  forward: number;
  sqrtTx: number;
  atmIv: number;
  si: SmileBucket;
  sj: SmileBucket;
  w: number;
  spreadBucket: ChainModel['spread']['buckets'][number];
  monthly: boolean;
}

interface Prepared {
  model: ChainModel;
  /** The input's fields when prepared (an input mutated in place is prepared again). */
  seen: ChainInput & { expiryCount: number };
  expiries: Map<string, PreparedExpiry>;
  volumeScale: number;
  fair: boolean;
}

// Per-expiry work is done once per input object.
const prepared = new WeakMap<ChainInput, Prepared>();

function sameInput(p: Prepared, i: ChainInput): boolean {
  const s = p.seen;
  return (
    s.spot === i.spot &&
    s.atmIv30 === i.atmIv30 &&
    s.asOfMs === i.asOfMs &&
    s.r === i.r &&
    s.q === i.q &&
    s.ivMultiplier === i.ivMultiplier &&
    s.quoteMode === i.quoteMode &&
    s.expiries === i.expiries &&
    s.expiryCount === i.expiries.length
  );
}

function prepare(model: ChainModel, input: ChainInput): Prepared {
  const hit = prepared.get(input);
  if (hit && hit.model === model && sameInput(hit, input)) return hit;
  const { spot, atmIv30, r, q, asOfMs } = input;
  const mult = input.ivMultiplier ?? 1;
  if (!(Number.isFinite(spot) && spot > 0)) throw new RangeError(`spot must be > 0, got ${spot}`);
  if (!(Number.isFinite(atmIv30) && atmIv30 > 0)) throw new RangeError(`atmIv30 must be > 0, got ${atmIv30}`);
  if (!(Number.isFinite(mult) && mult > 0)) throw new RangeError(`ivMultiplier must be > 0, got ${mult}`);
  if (!Number.isFinite(r) || !Number.isFinite(q)) throw new RangeError('r and q must be finite');
  if (!Number.isFinite(asOfMs)) throw new RangeError(`asOfMs must be finite, got ${asOfMs}`);
  const nodesT = model.atm.nodes.map((n) => n.T);
  const nodesR = model.atm.nodes.map((n) => n.ratio);
  const expiries = new Map<string, PreparedExpiry>();
  for (const e of input.expiries) {
    if (!Number.isFinite(e.T) || !Number.isFinite(e.dte)) throw new RangeError(`bad T/dte for ${e.expiry}`);
    const Tx = Math.max(e.T, MIN_T_X);
    const sw = smileWeights(model.smile.buckets, Tx);
    expiries.set(e.expiry, {
      expiry: e.expiry,
      T: e.T,
      dte: e.dte,
      forward: spot * Math.exp((r - q) * Math.max(e.T, 0)),
      sqrtTx: Math.sqrt(Tx),
      atmIv: atmIv30 * mult * interpLnT(nodesT, nodesR, Tx),
      si: model.smile.buckets[sw.i],
      sj: model.smile.buckets[sw.j],
      w: sw.w,
      spreadBucket: model.spread.buckets[Math.min(dteBucket(e.dte), model.spread.buckets.length - 1)],
      monthly: isMonthlyExpiry(e.expiry),
    });
  }
  const p: Prepared = {
    model,
    seen: { ...input, expiryCount: input.expiries.length },
    expiries,
    volumeScale: sessionFraction(asOfMs),
    fair: input.quoteMode === 'fair',
  };
  prepared.set(input, p);
  return p;
}

/** Surface IV of a strike on a prepared expiry. */
function surfaceIv(e: PreparedExpiry, strike: number): number {
  const x = Math.log(strike / e.forward) / e.sqrtTx;
  const rel = e.w === 0 ? smileRel(e.si, x) : (1 - e.w) * smileRel(e.si, x) + e.w * smileRel(e.sj, x);
  return e.atmIv * Math.min(REL_MAX, Math.max(REL_MIN, rel));
}

/** Model IV for one strike (the `iv` a quote carries). */
export function modelIv(model: ChainModel, input: ChainInput, expiry: string, strike: number): number {
  const e = prepare(model, input).expiries.get(expiry);
  if (!e) throw new RangeError(`expiry ${expiry} is not in the input`);
  return surfaceIv(e, strike);
}

/** One contract's quote; `buildChain` is this over the strike grid. */
export function quoteOne(model: ChainModel, input: ChainInput, contract: OptionContract): OptionQuote {
  const p = prepare(model, input);
  const e = p.expiries.get(contract.expiry);
  if (!e) throw new RangeError(`expiry ${contract.expiry} is not in the input`);
  const K = contract.strike;
  if (!(Number.isFinite(K) && K > 0)) throw new RangeError(`strike must be > 0, got ${K}`);
  const right: OptionRight = contract.right;
  const iv = surfaceIv(e, K);
  const price = bsPrice(right, input.spot, K, e.T, input.r, input.q, iv);
  let bid: number;
  let ask: number;
  if (p.fair) {
    bid = price;
    ask = price;
  } else {
    const otm = right === 'put' ? K <= e.forward : K > e.forward;
    const sides = otm ? e.spreadBucket.otm : e.spreadBucket.itm;
    const line = price < model.ticks.threshold ? sides.fine : sides.coarse;
    const h = Math.max(0, line.a + line.c * price);
    const ticks = model.ticks;
    // Bids round down and asks up (against the trader); a bid below zero is a real 0.00 bid far out of the money.
    bid = roundToTick(Math.max(0, price - h), 'down', ticks);
    ask = roundToTick(Math.max(0, price + h), 'up', ticks);
    const minAsk = Math.round((bid + tickAt(ticks, bid)) * 100) / 100;
    if (ask < minAsk) ask = minAsk;
  }
  const f = activityFeatures(right, K, e.forward, e.T, e.dte, e.monthly);
  const act = model.activity;
  return {
    symbol: contract.symbol,
    expiry: contract.expiry,
    strike: K,
    right,
    bid,
    ask,
    last: null,
    iv,
    volume: Math.round(Math.exp(linearPredictor(act.volume, f)) * p.volumeScale),
    openInterest: Math.round(Math.exp(linearPredictor(act.openInterest, f))),
    quoteTimeMs: input.asOfMs,
  };
}

/** Every grid strike of every requested expiry, puts and calls, ordered by expiry, strike, put before call. */
export function buildChain(model: ChainModel, input: ChainInput): OptionQuote[] {
  const out: OptionQuote[] = [];
  for (const e of input.expiries) {
    for (const strike of strikeGrid(model, input.spot, e.dte, input.atmIv30)) {
      for (const right of ['put', 'call'] as const) {
        out.push(quoteOne(model, input, { symbol: input.symbol, expiry: e.expiry, strike, right }));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- out-of-sample comparison

export interface ComparisonRow {
  expiry: string;
  dte: number;
  bucket: number;
  strike: number;
  delta: number;
  marketIv: number;
  modelIv: number;
  yahooIv: number | null;
  actualHalfSpread: number;
  modelHalfSpread: number;
  modelBid: number;
  modelAsk: number;
}

export interface SpreadBucketStats {
  bucket: number;
  /** 'far': |delta| 0.05–0.2, 'near': 0.2–0.5. */
  moneyness: 'far' | 'near';
  n: number;
  meanActual: number;
  meanModel: number;
  medianActual: number;
  medianModel: number;
}

export interface ChainComparison {
  file: string;
  atmIv30: number;
  spot: number;
  rows: ComparisonRow[];
  iv: {
    n: number;
    bias: number;
    mae: number;
    medianAbs: number;
    p90Abs: number;
    maxAbs: number;
    yahooMae: number;
  };
  ivByBucket: { bucket: number; n: number; bias: number; mae: number }[];
  spreads: SpreadBucketStats[];
  /** Totals over every real contract: model/actual, and the correlation of log(1+x) per contract. */
  activity: { oiRatio: number; oiLogCorr: number; volumeRatio: number; volumeLogCorr: number };
  strikes: { expiry: string; dte: number; real: number; covered: number; modelNear: number }[];
}

/**
 * Model against a real chain, on the contracts a put-credit-spread seller uses: puts with a
 * two-sided market (bid > 0) and |delta| in [0.05, 0.5]. The model is fed the chain's own
 * 30-day ATM IV (fitted the same way) and its parity-implied spot.
 */
export function compareWithChain(model: ChainModel, chain: ParsedChain, nearMoney = 0.1): ChainComparison {
  const a = analyseChain(chain, { rate: model.rate });
  const atmIv30 = estimateAtm30(a);
  const live = a.expiries.filter((e) => e.T > 0 && e.dte >= 0);
  const input: ChainInput = {
    symbol: 'IBIT',
    spot: a.impliedSpot,
    atmIv30,
    asOfMs: chain.quoteTimeMs,
    expiries: live.map((e) => ({ expiry: e.expiry, T: e.T, dte: e.dte })),
    r: model.rate,
    q: 0,
  };
  const info = new Map(live.map((e) => [e.expiry, e]));
  const rows: ComparisonRow[] = [];
  for (const p of a.ivPoints) {
    const e = info.get(p.expiry);
    if (!e || p.right !== 'put') continue;
    const delta = bsGreeks('put', e.impliedSpot, p.strike, e.T, a.rate, 0, p.iv).delta;
    if (Math.abs(delta) < 0.05 || Math.abs(delta) > 0.5) continue;
    const q = quoteOne(model, input, { symbol: 'IBIT', expiry: p.expiry, strike: p.strike, right: 'put' });
    rows.push({
      expiry: p.expiry,
      dte: e.dte,
      bucket: dteBucket(e.dte),
      strike: p.strike,
      delta,
      marketIv: p.iv,
      modelIv: q.iv!,
      yahooIv: p.yahooIv,
      actualHalfSpread: (p.ask - p.bid) / 2,
      modelHalfSpread: (q.ask! - q.bid!) / 2,
      modelBid: q.bid!,
      modelAsk: q.ask!,
    });
  }
  const abs = rows.map((r) => Math.abs(r.modelIv - r.marketIv)).sort((x, y) => x - y);
  const yAbs = rows.filter((r) => r.yahooIv !== null).map((r) => Math.abs(r.yahooIv! - r.marketIv));
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(xs.length, 1);
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort((x, y) => x - y);
  const spreads: SpreadBucketStats[] = [];
  for (const b of buckets) {
    for (const moneyness of ['far', 'near'] as const) {
      const rs = rows.filter((r) => r.bucket === b && Math.abs(r.delta) < 0.2 === (moneyness === 'far'));
      if (rs.length === 0) continue;
      spreads.push({
        bucket: b,
        moneyness,
        n: rs.length,
        meanActual: mean(rs.map((r) => r.actualHalfSpread)),
        meanModel: mean(rs.map((r) => r.modelHalfSpread)),
        medianActual: median(rs.map((r) => r.actualHalfSpread)),
        medianModel: median(rs.map((r) => r.modelHalfSpread)),
      });
    }
  }
  const ivByBucket = buckets.map((b) => {
    const rs = rows.filter((r) => r.bucket === b);
    return {
      bucket: b,
      n: rs.length,
      bias: mean(rs.map((r) => r.modelIv - r.marketIv)),
      mae: mean(rs.map((r) => Math.abs(r.modelIv - r.marketIv))),
    };
  });
  const today = etDate(chain.quoteTimeMs);
  const act = { oiM: [] as number[], oiA: [] as number[], vM: [] as number[], vA: [] as number[] };
  for (const r of chain.rows) {
    if (!info.has(r.expiry)) continue;
    const q = quoteOne(model, input, { symbol: 'IBIT', expiry: r.expiry, strike: r.strike, right: r.right });
    if (r.openInterest !== null) {
      act.oiM.push(q.openInterest!);
      act.oiA.push(r.openInterest);
    }
    const tradedToday = r.lastTradeMs !== null && etDate(r.lastTradeMs) === today;
    act.vM.push(q.volume!);
    act.vA.push(tradedToday ? (r.volume ?? 0) : 0);
  }
  const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
  const strikes = live.map((e) => {
    const inBand = (k: number) => Math.abs(k / a.impliedSpot - 1) <= nearMoney;
    const grid = new Set(strikeGrid(model, a.impliedSpot, e.dte).map((k) => Math.round(k * 100)));
    const real = e.strikes.filter(inBand);
    return {
      expiry: e.expiry,
      dte: e.dte,
      real: real.length,
      covered: real.filter((k) => grid.has(Math.round(k * 100))).length,
      modelNear: [...grid].filter((c) => inBand(c / 100)).length,
    };
  });
  return {
    file: chain.file,
    atmIv30,
    spot: a.impliedSpot,
    rows,
    iv: {
      n: rows.length,
      bias: mean(rows.map((r) => r.modelIv - r.marketIv)),
      mae: mean(abs),
      medianAbs: median(abs),
      p90Abs: abs[Math.min(abs.length - 1, Math.floor(0.9 * abs.length))] ?? Number.NaN,
      maxAbs: abs[abs.length - 1] ?? Number.NaN,
      yahooMae: mean(yAbs),
    },
    ivByBucket,
    spreads,
    activity: {
      oiRatio: sum(act.oiM) / sum(act.oiA),
      oiLogCorr: logCorr(act.oiM, act.oiA),
      volumeRatio: sum(act.vM) / sum(act.vA),
      volumeLogCorr: logCorr(act.vM, act.vA),
    },
    strikes,
  };
}

function logCorr(a: readonly number[], b: readonly number[]): number {
  const x = a.map((v) => Math.log1p(v));
  const y = b.map((v) => Math.log1p(v));
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
