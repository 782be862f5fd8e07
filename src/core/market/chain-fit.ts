/**
 * Fitting the synthetic IBIT chain model from a real Yahoo chain (pure: text in, parameters out).
 *
 * The same file holds the formulas the runtime (chain-model.ts) evaluates, so the fit and the
 * quotes can never disagree on what a parameter means.
 */
import { DateTime } from 'luxon';
import { parseCsv } from '../csv.js';
import type { TickSchedule } from '../fill/ticks.js';
import { median } from '../judge/stats.js';
import { impliedVol } from '../pricing/iv.js';
import { ET_ZONE, etDate, etToUtcMs, isoWeekday } from '../time/market-calendar.js';
import { daysBetween, MS_PER_DAY, MS_PER_YEAR } from '../units.js';
import type { OptionRight } from './port.js';

export const CHAIN_MODEL_VERSION = 'chain-model-2';
/** 30 calendar days in years: the tenor of the `atmIv30` input (and of DVOL). */
export const T30 = 30 / 365;
/** Upper DTE edges of the smile/spread buckets; the last bucket is open-ended. */
export const DTE_EDGES: readonly number[] = [2, 10, 45, 200, 500];
/** Strike steps looked for in the listed strikes. */
export const STRIKE_STEPS: readonly number[] = [0.5, 1, 5];
/** Mid IVs are used only where the quote is tight enough for the mid to mean something. */
export const MAX_REL_SPREAD = 0.5;
/** Floor on T inside x = ln(K/F)/√T so the last hours before expiry do not blow x up. */
export const MIN_T_X = 1 / (365 * 24);
/** Floor on T in the activity features: open interest was built up while T was larger. */
export const MIN_T_ACTIVITY = 1 / 365;
const SESSION_MINUTES = 390;

// ---------------------------------------------------------------- parameter object

export interface StrikeTier {
  step: number;
  /** Listed range as moneyness K/S. */
  lo: number;
  hi: number;
}

export interface StrikeBand {
  /** Inclusive upper DTE of the band; null = open-ended. */
  maxDte: number | null;
  expiries: number;
  tiers: StrikeTier[];
}

export interface SmileBucket {
  maxDte: number | null;
  /** Representative T (geometric mean of the bucket's expiries); the runtime interpolates in ln T between buckets. */
  T: number;
  /** rel(x) = 1 + b1·x + b2·(√((x−m)²+s²) − √(m²+s²)), an SVI-shaped smile relative to ATM. */
  m: number;
  s: number;
  b1: number;
  b2: number;
  /** Range of x the bucket was fitted on; rel(x) is held flat outside it (no wing extrapolation). */
  xMin: number;
  xMax: number;
  points: number;
  /** RMS of IV/ATM − rel(x) over the fitted points. */
  rmsRel: number;
}

export interface SpreadLine {
  /** Raw half-spread h = max(0, a + c·mid) before tick rounding (rounding adds ~half a tick per side). */
  a: number;
  c: number;
  points: number;
}

/** Separate lines for mids below the tick threshold and at/above it (the tick regime changes how wide makers quote). */
export interface SpreadSide {
  fine: SpreadLine;
  coarse: SpreadLine;
}

export interface SpreadBucket {
  maxDte: number | null;
  otm: SpreadSide;
  itm: SpreadSide;
}

export interface TermNode {
  expiry: string;
  T: number;
  dte: number;
  /** ATM IV of this expiry over the 30-day ATM IV. */
  ratio: number;
}

/** One DVOL daily close (Deribit's 1D bar, known at the end of its UTC day). */
export interface DvolClose {
  /** Start of the bar's UTC day. */
  dayStartMs: number;
  /** As a fraction (55.29 → 0.5529). */
  close: number;
}

export interface IvLevelDay {
  file: string;
  quoteTime: string;
  /** The chain's own 30-day ATM IV (mid IVs on its parity forward). */
  atmIv30: number;
  /** UTC day of the DVOL close a replay at the quote time sees (the last one completed). */
  dvolDay: string;
  dvol: number;
  ratio: number;
}

/** IBIT's 30-day ATM IV against DVOL: the level the replay feeds the chain model. */
export interface IvLevel {
  /** atmIv30 = DVOL × dvolRatio (+ any shift the user asks for). */
  dvolRatio: number;
  n: number;
  /** Sample standard deviation of the daily ratios. */
  sd: number;
  /** sd / √n: the uncertainty of dvolRatio itself. */
  standardError: number;
  days: IvLevelDay[];
}

export interface ChainModelParams {
  version: string;
  provenance: {
    fitFile: string;
    /** The chains the spread envelope and the IV level are fitted on. */
    spreadFiles: string[];
    quoteTime: string;
    quoteTimeNote: string;
    underlying: number;
    impliedSpot: number;
    rowsTotal: number;
    rowsIv: number;
    rowsSpread: number;
    rowsActivity: number;
    expiries: number;
    notes: string[];
  };
  /** Parity-implied rate used to derive the fit's IVs (the runtime takes r as an input). */
  rate: number;
  ticks: TickSchedule;
  strikes: { halfStepMaxDte: number; bands: StrikeBand[] };
  atm: { atm30: number; nodes: TermNode[] };
  smile: { buckets: SmileBucket[] };
  spread: { buckets: SpreadBucket[] };
  ivLevel: IvLevel;
  activity: {
    features: string[];
    openInterest: number[];
    /** Full-session volume (today's volume at the fit time scaled up by the elapsed session fraction). */
    volume: number[];
    sessionFractionAtFit: number;
  };
}

// ---------------------------------------------------------------- chain CSV

export interface ChainRow {
  contract: string;
  right: OptionRight;
  expiry: string;
  strike: number;
  bid: number | null;
  ask: number | null;
  last: number | null;
  lastTradeMs: number | null;
  volume: number | null;
  openInterest: number | null;
  yahooIv: number | null;
  underlying: number | null;
}

export interface ParsedChain {
  file: string;
  rows: ChainRow[];
  /** Yahoo's underlying price (the snapshot may not be synchronous with the option quotes). */
  underlying: number;
  /** Snapshot time, estimated as the latest lastTradeDate in the file. */
  quoteTimeMs: number;
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || /^nan$/i.test(t) || /^none$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Yahoo/yfinance timestamps: '2026-02-11 16:01:53+00:00' (UTC), also plain ISO; no offset = UTC. */
export function parseUtcMs(s: string | undefined): number | null {
  if (!s || s.trim() === '') return null;
  const dt = DateTime.fromISO(s.trim().replace(' ', 'T'), { zone: 'utc', setZone: true });
  return dt.isValid ? dt.toMillis() : null;
}

export function parseChainCsv(text: string, file: string): ParsedChain {
  const table = parseCsv(text, (m) => new Error(`${file}: ${m}`));
  if (table.length < 2) throw new Error(`${file}: no data rows`);
  const header = table[0].map((h) => h.trim());
  const col = (name: string, required = true): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) throw new Error(`${file}: missing column ${name}`);
    return i;
  };
  const c = {
    contract: col('contractSymbol'),
    last: col('lastTradeDate'),
    strike: col('strike'),
    lastPrice: col('lastPrice'),
    bid: col('bid'),
    ask: col('ask'),
    volume: col('volume'),
    oi: col('openInterest'),
    iv: col('impliedVolatility', false),
    type: col('optionType'),
    expiry: col('expirationDate'),
    underlying: col('underlyingPrice', false),
  };
  const rows: ChainRow[] = [];
  for (let li = 1; li < table.length; li++) {
    const r = table[li];
    const right = r[c.type]?.trim().toLowerCase();
    const strike = num(r[c.strike]);
    const expiry = r[c.expiry]?.trim().slice(0, 10) ?? '';
    if ((right !== 'call' && right !== 'put') || strike === null || !/^\d{4}-\d{2}-\d{2}$/.test(expiry)) {
      throw new Error(`${file}: bad row ${li + 1}`);
    }
    rows.push({
      contract: r[c.contract]?.trim() ?? '',
      right,
      expiry,
      strike,
      bid: num(r[c.bid]),
      ask: num(r[c.ask]),
      last: num(r[c.lastPrice]),
      lastTradeMs: parseUtcMs(r[c.last]),
      volume: num(r[c.volume]),
      openInterest: num(r[c.oi]),
      yahooIv: c.iv >= 0 ? num(r[c.iv]) : null,
      underlying: c.underlying >= 0 ? num(r[c.underlying]) : null,
    });
  }
  const unders = rows.map((r) => r.underlying).filter((u): u is number => u !== null && u > 0);
  if (unders.length === 0) throw new Error(`${file}: no underlyingPrice`);
  const times = rows.map((r) => r.lastTradeMs).filter((t): t is number => t !== null);
  if (times.length === 0) throw new Error(`${file}: no lastTradeDate`);
  return { file, rows, underlying: median(unders), quoteTimeMs: Math.max(...times) };
}

// ---------------------------------------------------------------- calendar helpers

/** Standard monthly: the third Friday, or the Thursday before it (holiday-moved, e.g. 2026-06-18). */
export function isMonthlyExpiry(date: string): boolean {
  const wd = isoWeekday(date);
  const dom = Number(date.slice(8, 10));
  if (wd === 5) return dom >= 15 && dom <= 21;
  if (wd === 4) return dom >= 14 && dom <= 20;
  return false;
}

/** Epoch ms of the 16:00 ET close on an expiry date. */
export function expiryCloseMs(expiry: string): number {
  return etToUtcMs(expiry, '16:00');
}

/**
 * Fraction of the regular session (09:30–16:00 ET) elapsed at `ms`. Before the open and on
 * non-session days it is 1: Yahoo then shows the last session's full volume. Early closes ignored.
 */
export function sessionFraction(ms: number): number {
  const t = DateTime.fromMillis(ms, { zone: ET_ZONE });
  if (t.weekday > 5) return 1;
  const minutes = t.hour * 60 + t.minute + t.second / 60 - 570;
  if (minutes <= 0) return 1;
  return Math.min(1, minutes / SESSION_MINUTES);
}

export function dteBucket(dte: number, edges: readonly number[] = DTE_EDGES): number {
  for (let i = 0; i < edges.length; i++) if (dte <= edges[i]) return i;
  return edges.length;
}

// ---------------------------------------------------------------- small numerics

function cents(p: number): number {
  return Math.round(p * 100);
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

/** Solve A·x = b (small, dense) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    const piv = M[k][k];
    if (Math.abs(piv) < 1e-300) throw new Error('singular system');
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / piv;
      if (f === 0) continue;
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/** Piecewise-linear interpolation in ln T over nodes sorted by T; flat outside. */
export function interpLnT(Ts: readonly number[], ys: readonly number[], T: number): number {
  const n = Ts.length;
  if (T <= Ts[0]) return ys[0];
  if (T >= Ts[n - 1]) return ys[n - 1];
  let i = 1;
  while (Ts[i] < T) i++;
  const w = Math.log(T / Ts[i - 1]) / Math.log(Ts[i] / Ts[i - 1]);
  return ys[i - 1] + w * (ys[i] - ys[i - 1]);
}

// ---------------------------------------------------------------- model formulas (shared with the runtime)

export function smileRel(b: SmileBucket, x: number): number {
  const xc = Math.min(Math.max(x, b.xMin), b.xMax);
  const dx = xc - b.m;
  return 1 + b.b1 * xc + b.b2 * (Math.sqrt(dx * dx + b.s * b.s) - Math.sqrt(b.m * b.m + b.s * b.s));
}

/** Weights of the two smile buckets bracketing T (ln T interpolation, flat outside). */
export function smileWeights(
  buckets: readonly SmileBucket[],
  T: number,
): { i: number; j: number; w: number } {
  const n = buckets.length;
  if (T <= buckets[0].T) return { i: 0, j: 0, w: 0 };
  if (T >= buckets[n - 1].T) return { i: n - 1, j: n - 1, w: 0 };
  let j = 1;
  while (buckets[j].T < T) j++;
  return { i: j - 1, j, w: Math.log(T / buckets[j - 1].T) / Math.log(buckets[j].T / buckets[j - 1].T) };
}

export function tickAt(rule: TickSchedule, price: number): number {
  return price < rule.threshold ? rule.below : rule.atOrAbove;
}

export const ACTIVITY_FEATURES = [
  'const',
  'otmAbsX',
  'itmAbsX',
  'ln1pDte',
  'monthly',
  'put',
  'strikeMult5',
  'strikeWhole',
];

/** Activity features; x here uses T floored at MIN_T_ACTIVITY. */
export function activityFeatures(
  right: OptionRight,
  strike: number,
  forward: number,
  T: number,
  dte: number,
  monthly: boolean,
): number[] {
  const x = Math.log(strike / forward) / Math.sqrt(Math.max(T, MIN_T_ACTIVITY));
  const otm = right === 'put' ? strike <= forward : strike > forward;
  const c = cents(strike);
  return [
    1,
    otm ? Math.abs(x) : 0,
    otm ? 0 : Math.abs(x),
    Math.log1p(Math.max(dte, 0)),
    monthly ? 1 : 0,
    right === 'put' ? 1 : 0,
    c % 500 === 0 ? 1 : 0,
    c % 100 === 0 ? 1 : 0,
  ];
}

export function linearPredictor(beta: readonly number[], f: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < beta.length; k++) s += beta[k] * f[k];
  return s;
}

// ---------------------------------------------------------------- chain analysis

export interface ExpiryInfo {
  expiry: string;
  T: number;
  dte: number;
  monthly: boolean;
  /** Spot implied by put-call parity near the money (falls back to the file's underlying). */
  impliedSpot: number;
  forward: number;
  parityPairs: number;
  strikes: number[];
}

export interface IvPoint {
  expiry: string;
  right: OptionRight;
  strike: number;
  T: number;
  dte: number;
  x: number;
  iv: number;
  bid: number;
  ask: number;
  mid: number;
  otm: boolean;
  yahooIv: number | null;
}

export interface ChainAnalysis {
  file: string;
  quoteTimeMs: number;
  underlying: number;
  rate: number;
  /** Median parity-implied spot over expiries up to half a year. */
  impliedSpot: number;
  expiries: ExpiryInfo[];
  ivPoints: IvPoint[];
  ivFailures: number;
}

/** Median parity-implied rate from pairs at least a quarter out, where spot asynchrony hardly matters. */
export function fitParityRate(chain: ParsedChain): number {
  const S = chain.underlying;
  const pairs = pairUp(chain.rows);
  const rs: number[] = [];
  for (const [expiry, byStrike] of pairs) {
    const T = (expiryCloseMs(expiry) - chain.quoteTimeMs) / MS_PER_YEAR;
    if (T < 0.25) continue;
    for (const [K, p] of byStrike) {
      if (!p.call || !p.put || Math.abs(K / S - 1) > 0.1 || !quoted(p.call) || !quoted(p.put)) continue;
      const z = (S - (mid(p.call) - mid(p.put))) / K;
      if (z > 0) rs.push(-Math.log(z) / T);
    }
  }
  if (rs.length === 0) throw new Error(`${chain.file}: no long-dated parity pairs to imply a rate`);
  return median(rs);
}

function quoted(r: ChainRow): boolean {
  return r.bid !== null && r.ask !== null && r.bid > 0 && r.ask >= r.bid;
}

function mid(r: ChainRow): number {
  return ((r.bid ?? 0) + (r.ask ?? 0)) / 2;
}

function pairUp(rows: readonly ChainRow[]): Map<string, Map<number, { call?: ChainRow; put?: ChainRow }>> {
  const m = new Map<string, Map<number, { call?: ChainRow; put?: ChainRow }>>();
  for (const r of rows) {
    let e = m.get(r.expiry);
    if (!e) {
      e = new Map();
      m.set(r.expiry, e);
    }
    let p = e.get(r.strike);
    if (!p) {
      p = {};
      e.set(r.strike, p);
    }
    p[r.right] = r;
  }
  return m;
}

export function analyseChain(chain: ParsedChain, opts: { rate?: number } = {}): ChainAnalysis {
  const r = opts.rate ?? fitParityRate(chain);
  const S = chain.underlying;
  const today = etDate(chain.quoteTimeMs);
  const expiries: ExpiryInfo[] = [];
  const pairs = pairUp(chain.rows);
  for (const expiry of [...pairs.keys()].sort()) {
    const byStrike = pairs.get(expiry)!;
    const T = (expiryCloseMs(expiry) - chain.quoteTimeMs) / MS_PER_YEAR;
    const cands: { d: number; s: number }[] = [];
    for (const [K, p] of byStrike) {
      if (!p.call || !p.put || Math.abs(K / S - 1) > 0.1 || !quoted(p.call) || !quoted(p.put)) continue;
      cands.push({ d: Math.abs(K - S), s: mid(p.call) - mid(p.put) + K * Math.exp(-r * Math.max(T, 0)) });
    }
    cands.sort((a, b) => a.d - b.d || a.s - b.s);
    const near = cands.slice(0, 4);
    const impliedSpot = near.length ? median(near.map((c) => c.s)) : S;
    expiries.push({
      expiry,
      T,
      dte: daysBetween(today, expiry),
      monthly: isMonthlyExpiry(expiry),
      impliedSpot,
      forward: impliedSpot * Math.exp(r * Math.max(T, 0)),
      parityPairs: near.length,
      strikes: [...byStrike.keys()].sort((a, b) => a - b),
    });
  }
  const info = new Map(expiries.map((e) => [e.expiry, e]));
  const ivPoints: IvPoint[] = [];
  let ivFailures = 0;
  for (const row of chain.rows) {
    const e = info.get(row.expiry)!;
    if (!(e.T > 0) || !quoted(row)) continue;
    const m = mid(row);
    if ((row.ask! - row.bid!) / m > MAX_REL_SPREAD) continue;
    // Black-76 on the parity forward: spot = F·e^{-rT}, no carry.
    const res = impliedVol(row.right, m, e.impliedSpot, row.strike, e.T, r, 0);
    if (res.vol === null) {
      ivFailures++;
      continue;
    }
    ivPoints.push({
      expiry: row.expiry,
      right: row.right,
      strike: row.strike,
      T: e.T,
      dte: e.dte,
      x: Math.log(row.strike / e.forward) / Math.sqrt(Math.max(e.T, MIN_T_X)),
      iv: res.vol,
      bid: row.bid!,
      ask: row.ask!,
      mid: m,
      otm: row.right === 'put' ? row.strike <= e.forward : row.strike > e.forward,
      yahooIv: row.yahooIv,
    });
  }
  const short = expiries.filter((e) => e.parityPairs > 0 && e.T <= 0.5).map((e) => e.impliedSpot);
  return {
    file: chain.file,
    quoteTimeMs: chain.quoteTimeMs,
    underlying: S,
    rate: r,
    impliedSpot: short.length ? median(short) : S,
    expiries,
    ivPoints,
    ivFailures,
  };
}

// ---------------------------------------------------------------- ticks

/** Tick rule from the quotes themselves: the finest increment below/above the first whole-dollar level past which only coarser prices occur. */
export function fitTickRule(
  rows: readonly ChainRow[],
): TickSchedule & { violations: number; prices: number } {
  const ps: number[] = [];
  for (const r of rows) for (const p of [r.bid, r.ask]) if (p !== null && p > 0) ps.push(cents(p));
  let g = 0;
  for (const c of ps) g = gcd(g, c);
  const fine = g || 1;
  // the coarse tick is the gcd of prices above the last price that is off it; iterate from the top
  const sorted = [...new Set(ps)].sort((a, b) => a - b);
  let gTop = 0;
  let threshold = sorted[sorted.length - 1] + 1;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const ng = gcd(gTop, sorted[i]);
    if (ng === fine && gTop > fine) {
      threshold = Math.ceil((sorted[i] + 1) / 100) * 100;
      break;
    }
    gTop = ng;
  }
  const coarse = Math.max(gTop, fine);
  let violations = 0;
  for (const c of ps) if (c >= threshold && c % coarse !== 0) violations++;
  return {
    threshold: threshold / 100,
    below: fine / 100,
    atOrAbove: coarse / 100,
    violations,
    prices: ps.length,
  };
}

// ---------------------------------------------------------------- strike grid

interface ExpiryTiers {
  dte: number;
  tiers: (StrikeTier | null)[];
}

/**
 * Per expiry and step: the unbroken run of listed multiples of the step around the spot. A run
 * counts only if it holds at least two strikes off the next coarser step (a lone $38 is not a
 * half-dollar tier).
 */
export function listedTiers(expiries: readonly ExpiryInfo[], spot: number): ExpiryTiers[] {
  return expiries.map((e) => {
    const listed = new Set(e.strikes.map(cents));
    const tiers = STRIKE_STEPS.map((step, i) => {
      const sc = cents(step);
      const coarser = i + 1 < STRIKE_STEPS.length ? cents(STRIKE_STEPS[i + 1]) : 0;
      const k0 = Math.round(spot / step);
      if (!listed.has(k0 * sc)) return null;
      let lo = k0;
      let hi = k0;
      while (lo > 1 && listed.has((lo - 1) * sc)) lo--;
      while (listed.has((hi + 1) * sc)) hi++;
      let own = 0;
      for (let k = lo; k <= hi; k++) if (!coarser || (k * sc) % coarser !== 0) own++;
      if (own < 2) return null;
      return { step, lo: (lo * step) / spot, hi: (hi * step) / spot };
    });
    return { dte: e.dte, tiers };
  });
}

/**
 * Strike bands by DTE. Half-dollar strikes: up to the DTE before the first expiry that lacks them
 * (new ones get listed about two weeks out). Other edges follow DTE_EDGES from 45 days. A tier is
 * listed in a band when at least half the band's expiries list it; its range is the median range.
 */
export function fitStrikeGrid(a: ChainAnalysis): ChainModelParams['strikes'] {
  const per = listedTiers(
    a.expiries.filter((e) => e.dte >= 0),
    a.impliedSpot,
  ).sort((x, y) => x.dte - y.dte);
  const half = STRIKE_STEPS.indexOf(0.5);
  let halfStepMaxDte = -1;
  for (const e of per) {
    if (!e.tiers[half]) {
      halfStepMaxDte = e.dte - 1;
      break;
    }
  }
  if (halfStepMaxDte < 0) halfStepMaxDte = per[per.length - 1]?.dte ?? 0;
  const edges = [halfStepMaxDte, ...DTE_EDGES.filter((d) => d >= 45 && d > halfStepMaxDte)];
  const bands: StrikeBand[] = [];
  for (let b = 0; b <= edges.length; b++) {
    const lo = b === 0 ? Number.NEGATIVE_INFINITY : edges[b - 1];
    const hi = b < edges.length ? edges[b] : Number.POSITIVE_INFINITY;
    const members = per.filter((e) => e.dte > lo && e.dte <= hi);
    const tiers: StrikeTier[] = [];
    STRIKE_STEPS.forEach((step, k) => {
      const have = members.map((m) => m.tiers[k]).filter((t): t is StrikeTier => t !== null);
      if (members.length === 0 || have.length * 2 < members.length) return;
      tiers.push({ step, lo: median(have.map((t) => t.lo)), hi: median(have.map((t) => t.hi)) });
    });
    bands.push({ maxDte: b < edges.length ? edges[b] : null, expiries: members.length, tiers });
  }
  return { halfStepMaxDte, bands };
}

// ---------------------------------------------------------------- IV surface

/** Best SVI-shaped relative smile for fixed (m, s): linear least squares in (b1, b2) with b2 ≥ |b1|. */
function smileLs(xs: readonly number[], ys: readonly number[], m: number, s: number) {
  const c0 = Math.sqrt(m * m + s * s);
  let sxx = 0;
  let sxg = 0;
  let sgg = 0;
  let sxy = 0;
  let sgy = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const g = Math.sqrt((x - m) * (x - m) + s * s) - c0;
    const y = ys[i];
    sxx += x * x;
    sxg += x * g;
    sgg += g * g;
    sxy += x * y;
    sgy += g * y;
    syy += y * y;
  }
  const sse = (b1: number, b2: number) =>
    syy - 2 * (b1 * sxy + b2 * sgy) + b1 * b1 * sxx + 2 * b1 * b2 * sxg + b2 * b2 * sgg;
  const det = sxx * sgg - sxg * sxg;
  if (Math.abs(det) > 1e-14 * (sxx * sgg + 1e-300)) {
    const b1 = (sxy * sgg - sgy * sxg) / det;
    const b2 = (sgy * sxx - sxy * sxg) / det;
    if (b2 >= Math.abs(b1)) return { b1, b2, sse: sse(b1, b2) };
  }
  // constrained optimum lies on b1 = ±b2 (|ρ| = 1) or at zero
  let best = { b1: 0, b2: 0, sse: syy };
  for (const sign of [1, -1]) {
    const num = sign * sxy + sgy;
    const den = sxx + 2 * sign * sxg + sgg;
    const t = den > 0 ? Math.max(0, num / den) : 0;
    const v = sse(sign * t, t);
    if (v < best.sse) best = { b1: sign * t, b2: t, sse: v };
  }
  return best;
}

export function fitSmileShape(xs: readonly number[], ys: readonly number[]) {
  let best = { m: 0, s: 1, b1: 0, b2: 0, sse: Number.POSITIVE_INFINITY };
  const scan = (ms: number[], ss: number[]) => {
    for (const m of ms)
      for (const s of ss) {
        const r = smileLs(xs, ys, m, s);
        if (r.sse < best.sse - 1e-15) best = { m, s, ...r };
      }
  };
  const grid = (lo: number, hi: number, step: number) => {
    const out: number[] = [];
    for (let k = 0; lo + k * step <= hi + 1e-12; k++) out.push(Math.round((lo + k * step) * 1e6) / 1e6);
    return out;
  };
  scan(grid(-2, 2, 0.1), grid(0.1, 3, 0.1));
  const m0 = best.m;
  const s0 = best.s;
  scan(grid(m0 - 0.1, m0 + 0.1, 0.01), grid(Math.max(0.02, s0 - 0.1), s0 + 0.1, 0.01));
  return best;
}

/** ATM level of one expiry given a relative smile: median of IV/rel(x) over points near x = 0. */
function atmFromSmile(pts: readonly IvPoint[], b: SmileBucket): number {
  let near = pts.filter((p) => Math.abs(p.x) <= 0.5);
  if (near.length < 3) near = [...pts].sort((p, q) => Math.abs(p.x) - Math.abs(q.x) || p.x - q.x).slice(0, 3);
  return median(near.map((p) => p.iv / smileRel(b, p.x)));
}

/** ATM IV by straight-line interpolation at x = 0 between the nearest points either side. */
function atmLocal(pts: readonly IvPoint[]): number {
  const below = pts.filter((p) => p.x <= 0).sort((p, q) => q.x - p.x)[0];
  const above = pts.filter((p) => p.x > 0).sort((p, q) => p.x - q.x)[0];
  if (below && above) return below.iv + ((0 - below.x) / (above.x - below.x)) * (above.iv - below.iv);
  return (below ?? above).iv;
}

export function fitSurface(a: ChainAnalysis): {
  atm: ChainModelParams['atm'];
  smile: ChainModelParams['smile'];
} {
  const otm = a.ivPoints.filter((p) => p.otm);
  const byExpiry = new Map<string, IvPoint[]>();
  for (const p of otm) {
    const l = byExpiry.get(p.expiry);
    if (l) l.push(p);
    else byExpiry.set(p.expiry, [p]);
  }
  const atmE = new Map<string, number>();
  for (const [e, pts] of byExpiry) atmE.set(e, atmLocal(pts));
  const buckets: SmileBucket[] = [];
  for (let b = 0; b <= DTE_EDGES.length; b++) {
    const exps = a.expiries.filter((e) => dteBucket(e.dte) === b && byExpiry.has(e.expiry));
    if (exps.length === 0) continue;
    const pts = exps.flatMap((e) => byExpiry.get(e.expiry)!);
    let bucket: SmileBucket = {
      maxDte: b < DTE_EDGES.length ? DTE_EDGES[b] : null,
      T: Math.exp(exps.reduce((s, e) => s + Math.log(e.T), 0) / exps.length),
      m: 0,
      s: 1,
      b1: 0,
      b2: 0,
      xMin: Math.min(...pts.map((p) => p.x)),
      xMax: Math.max(...pts.map((p) => p.x)),
      points: pts.length,
      rmsRel: 0,
    };
    // alternate between the shape (given each expiry's ATM) and the ATM levels (given the shape)
    for (let it = 0; it < 6; it++) {
      const ys = pts.map((p) => p.iv / atmE.get(p.expiry)! - 1);
      const f = fitSmileShape(
        pts.map((p) => p.x),
        ys,
      );
      bucket = { ...bucket, m: f.m, s: f.s, b1: f.b1, b2: f.b2, rmsRel: Math.sqrt(f.sse / pts.length) };
      for (const e of exps) atmE.set(e.expiry, atmFromSmile(byExpiry.get(e.expiry)!, bucket));
    }
    const ys = pts.map((p) => p.iv / atmE.get(p.expiry)! - 1);
    let sse = 0;
    pts.forEach((p, i) => {
      const d = ys[i] + 1 - smileRel(bucket, p.x);
      sse += d * d;
    });
    bucket.rmsRel = Math.sqrt(sse / pts.length);
    buckets.push(bucket);
  }
  const nodesRaw = a.expiries
    .filter((e) => atmE.has(e.expiry) && e.T > 0)
    .map((e) => ({ e, atm: atmE.get(e.expiry)! }))
    .sort((p, q) => p.e.T - q.e.T);
  const atm30 = interpLnT(
    nodesRaw.map((n) => n.e.T),
    nodesRaw.map((n) => n.atm),
    T30,
  );
  return {
    atm: {
      atm30,
      nodes: nodesRaw.map((n) => ({ expiry: n.e.expiry, T: n.e.T, dte: n.e.dte, ratio: n.atm / atm30 })),
    },
    smile: { buckets },
  };
}

/** The 30-day ATM IV of a chain, by the same procedure as the fit (used to drive out-of-sample tests). */
export function estimateAtm30(a: ChainAnalysis): number {
  return fitSurface(a).atm.atm30;
}

// ---------------------------------------------------------------- spreads

/**
 * Quantile-`tau` line with non-negative slope (least absolute deviation at tau = 0.5): exact, by
 * trying every line through two points (an optimum of the pinball loss lies on such a line).
 */
export function quantileLine(
  xs: readonly number[],
  ys: readonly number[],
  tau: number,
): { a: number; c: number } {
  const n = xs.length;
  const cost = (a: number, c: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = ys[i] - a - c * xs[i];
      s += r >= 0 ? tau * r : (tau - 1) * r;
    }
    return s;
  };
  const sorted = [...ys].sort((p, q) => p - q);
  let best = { a: sorted[Math.min(n - 1, Math.floor(tau * n))], c: 0 };
  let bestCost = cost(best.a, 0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j] - xs[i];
      if (Math.abs(dx) < 1e-9) continue;
      const c = (ys[j] - ys[i]) / dx;
      if (c < 0) continue;
      const a = ys[i] - c * xs[i];
      const v = cost(a, c);
      if (v < bestCost - 1e-12) {
        bestCost = v;
        best = { a, c };
      }
    }
  }
  return best;
}

export interface SpreadObs {
  bucket: number;
  otm: boolean;
  mid: number;
  halfSpread: number;
}

/** Two-sided quotes (a 0.00 bid counts: 0.00 × 0.01 is a real far-OTM market). */
export function spreadObservations(chain: ParsedChain, a: ChainAnalysis): SpreadObs[] {
  const info = new Map(a.expiries.map((e) => [e.expiry, e]));
  const out: SpreadObs[] = [];
  for (const r of chain.rows) {
    const e = info.get(r.expiry)!;
    if (r.bid === null || r.ask === null || !(r.ask > 0) || r.bid < 0 || r.ask < r.bid || e.dte < 0) continue;
    out.push({
      bucket: dteBucket(e.dte),
      otm: r.right === 'put' ? r.strike <= e.forward : r.strike > e.forward,
      mid: (r.bid + r.ask) / 2,
      halfSpread: (r.ask - r.bid) / 2,
    });
  }
  return out;
}

/** Fewer points than this in a tick regime: borrow the line fitted on the whole cell. */
export const MIN_SPREAD_POINTS = 8;
/**
 * The quantile of the real half-spreads the model quotes at (before rounding outwards to the tick):
 * high, so that the model's spreads are at least as wide as the real ones almost everywhere.
 */
export const SPREAD_QUANTILE = 0.9;

/**
 * Per DTE bucket, OTM/ITM and tick regime: h = a + c·mid, the SPREAD_QUANTILE line of the observed
 * half-spreads. Rounding the bid down and the ask up then only widens the quote further.
 */
export function fitSpreads(obs: readonly SpreadObs[], ticks: TickSchedule): ChainModelParams['spread'] {
  const lineOf = (o: readonly SpreadObs[]): SpreadLine => {
    if (o.length === 0) return { a: 0, c: 0, points: 0 };
    const f = quantileLine(
      o.map((q) => q.mid),
      o.map((q) => q.halfSpread - tickAt(ticks, q.mid) / 2),
      SPREAD_QUANTILE,
    );
    return { a: f.a, c: f.c, points: o.length };
  };
  const side = (o: readonly SpreadObs[]): SpreadSide => {
    const fine = o.filter((q) => q.mid < ticks.threshold);
    const coarse = o.filter((q) => q.mid >= ticks.threshold);
    const all = fine.length < MIN_SPREAD_POINTS || coarse.length < MIN_SPREAD_POINTS ? lineOf(o) : null;
    return {
      fine: fine.length >= MIN_SPREAD_POINTS ? lineOf(fine) : all!,
      coarse: coarse.length >= MIN_SPREAD_POINTS ? lineOf(coarse) : all!,
    };
  };
  const buckets: SpreadBucket[] = [];
  for (let b = 0; b <= DTE_EDGES.length; b++) {
    const o = obs.filter((q) => q.bucket === b);
    buckets.push({
      maxDte: b < DTE_EDGES.length ? DTE_EDGES[b] : null,
      otm: side(o.filter((q) => q.otm)),
      itm: side(o.filter((q) => !q.otm)),
    });
  }
  return { buckets };
}

// ---------------------------------------------------------------- volume / open interest

/** Poisson regression (log link) by IRLS: E[y] = exp(β·f), consistent for expectations even with many zeros. */
export function poissonFit(X: readonly number[][], y: readonly number[], iterations = 100): number[] {
  const p = X[0].length;
  const meanY = y.reduce((s, v) => s + v, 0) / y.length;
  let beta = new Array<number>(p).fill(0);
  beta[0] = Math.log(Math.max(meanY, 1e-9));
  for (let it = 0; it < iterations; it++) {
    const A = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const g = new Array<number>(p).fill(0);
    for (let i = 0; i < X.length; i++) {
      const f = X[i];
      const mu = Math.exp(Math.min(linearPredictor(beta, f), 50));
      const w = Math.max(mu, 1e-10);
      const z = linearPredictor(beta, f) + (y[i] - mu) / w;
      for (let j = 0; j < p; j++) {
        g[j] += w * f[j] * z;
        for (let k = 0; k < p; k++) A[j][k] += w * f[j] * f[k];
      }
    }
    for (let j = 0; j < p; j++) A[j][j] += 1e-8;
    const next = solve(A, g);
    let delta = 0;
    for (let j = 0; j < p; j++) delta = Math.max(delta, Math.abs(next[j] - beta[j]));
    beta = next;
    if (delta < 1e-12) break;
  }
  return beta;
}

export interface ActivityObs {
  features: number[];
  openInterest: number | null;
  /** Today's volume so far: Yahoo repeats the last trading day's volume for contracts not traded today. */
  volumeToday: number;
}

export function activityObservations(chain: ParsedChain, a: ChainAnalysis): ActivityObs[] {
  const info = new Map(a.expiries.map((e) => [e.expiry, e]));
  const today = etDate(chain.quoteTimeMs);
  return chain.rows.map((r) => {
    const e = info.get(r.expiry)!;
    const tradedToday = r.lastTradeMs !== null && etDate(r.lastTradeMs) === today;
    return {
      features: activityFeatures(r.right, r.strike, e.forward, e.T, e.dte, e.monthly),
      openInterest: r.openInterest,
      volumeToday: tradedToday ? (r.volume ?? 0) : 0,
    };
  });
}

export function fitActivity(obs: readonly ActivityObs[], quoteTimeMs: number): ChainModelParams['activity'] {
  const withOi = obs.filter((o) => o.openInterest !== null);
  const frac = sessionFraction(quoteTimeMs);
  return {
    features: [...ACTIVITY_FEATURES],
    openInterest: poissonFit(
      withOi.map((o) => o.features),
      withOi.map((o) => o.openInterest!),
    ),
    volume: poissonFit(
      obs.map((o) => o.features),
      obs.map((o) => o.volumeToday / frac),
    ),
    sessionFractionAtFit: frac,
  };
}

// ---------------------------------------------------------------- the whole fit

/** The last DVOL close completed at `ms` (what a replay sees), or null. */
export function dvolCloseAt(dvol: readonly DvolClose[], ms: number): DvolClose | null {
  let best: DvolClose | null = null;
  for (const d of dvol)
    if (d.dayStartMs + MS_PER_DAY <= ms && (!best || d.dayStartMs > best.dayStartMs)) best = d;
  return best;
}

/** The IBIT-IV / DVOL ratio from real chains and the DVOL close each one's replay would see. */
export function fitIvLevel(
  chains: readonly ParsedChain[],
  dvol: readonly DvolClose[],
  rate: number,
): IvLevel {
  const days = chains.map((chain): IvLevelDay => {
    const d = dvolCloseAt(dvol, chain.quoteTimeMs);
    if (!d) throw new Error(`${chain.file}: no DVOL close before the quote time`);
    const atmIv30 = estimateAtm30(analyseChain(chain, { rate }));
    return {
      file: chain.file.split('/').pop() ?? chain.file,
      quoteTime: DateTime.fromMillis(chain.quoteTimeMs, { zone: 'utc' }).toISO() ?? '',
      atmIv30,
      dvolDay: DateTime.fromMillis(d.dayStartMs, { zone: 'utc' }).toISODate() ?? '',
      dvol: d.close,
      ratio: atmIv30 / d.close,
    };
  });
  const n = days.length;
  if (n < 2) throw new Error('the IV level needs at least two chains (one gives no uncertainty)');
  const mean = days.reduce((s, d) => s + d.ratio, 0) / n;
  const sd = Math.sqrt(days.reduce((s, d) => s + (d.ratio - mean) ** 2, 0) / (n - 1));
  return { dvolRatio: mean, n, sd, standardError: sd / Math.sqrt(n), days };
}

/** The 30-day ATM IV the chain model is fed from a DVOL close, shifted by `shiftVp` vol points. */
export function atmIv30FromDvol(level: IvLevel, dvol: number, shiftVp = 0): number {
  return dvol * level.dvolRatio + shiftVp / 100;
}

export interface ChainFitInputs {
  /** The chain the surface, strikes, ticks and activity are fitted on. */
  chain: ParsedChain;
  /** Every real chain (the fit chain included): the spreads and the IV level are fitted on all. */
  chains: readonly ParsedChain[];
  dvol: readonly DvolClose[];
}

export function fitChainModel({ chain, chains, dvol }: ChainFitInputs): ChainModelParams {
  const a = analyseChain(chain);
  const ticks = fitTickRule(chain.rows);
  if (ticks.violations > 0)
    throw new Error(`${chain.file}: ${ticks.violations} quotes off the fitted tick grid`);
  const tickRule: TickSchedule = {
    threshold: ticks.threshold,
    below: ticks.below,
    atOrAbove: ticks.atOrAbove,
  };
  const surface = fitSurface(a);
  const sObs = chains.flatMap((c) =>
    c === chain ? spreadObservations(c, a) : spreadObservations(c, analyseChain(c)),
  );
  const aObs = activityObservations(chain, a);
  const file = chain.file.split('/').pop() ?? chain.file;
  return {
    version: CHAIN_MODEL_VERSION,
    provenance: {
      fitFile: file,
      spreadFiles: chains.map((c) => c.file.split('/').pop() ?? c.file),
      quoteTime: DateTime.fromMillis(chain.quoteTimeMs, { zone: 'utc' }).toISO() ?? '',
      quoteTimeNote: 'latest lastTradeDate in the file',
      underlying: chain.underlying,
      impliedSpot: a.impliedSpot,
      rowsTotal: chain.rows.length,
      rowsIv: surface.smile.buckets.reduce((s, b) => s + b.points, 0),
      rowsSpread: sObs.length,
      rowsActivity: aObs.length,
      expiries: a.expiries.length,
      notes: [
        'IVs re-derived from bid/ask mids (OTM side, relative spread <= 0.5) on the put-call-parity forward; Yahoo impliedVolatility not used',
        'European Black-Scholes on American IBIT options: early exercise is negligible for the OTM quotes used',
        'volume counts only contracts whose lastTradeDate is the snapshot day (Yahoo repeats older days volume)',
      ],
    },
    rate: a.rate,
    ticks: tickRule,
    strikes: fitStrikeGrid(a),
    atm: surface.atm,
    smile: surface.smile,
    spread: fitSpreads(sObs, tickRule),
    ivLevel: fitIvLevel(chains, dvol, a.rate),
    activity: fitActivity(aObs, chain.quoteTimeMs),
  };
}
