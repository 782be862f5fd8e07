import type { TraderConfig } from '../farm/grid.js';
import type { GroupLabel } from '../farm/groups.js';
import { MS_PER_DAY } from '../units.js';
import { DEFAULT_RHO, effectiveTrials, type TrialEstimate } from './cluster.js';
import { type GroupBookChoice, type GroupBooks, resolveBook, splitBooks, wholeBooks } from './group-book.js';
import { type GateResult, type GroupTest, groupGate } from './group-gate.js';
import { type TradeStats, tradeStats } from './review.js';
import { annualise, deflatedSharpe, moments, sharpe, variance } from './stats.js';
import { type WindowPair, walkForwardWindows } from './windows.js';

export interface PromoteParams {
  isMonths: number;
  oosMonths: number;
  /** Significance level of the deflated Sharpe ratio test. */
  alpha: number;
  /** Configurations selected per window (and promoted at most). */
  top: number;
  /** Candidates per window: the best by in-sample P&L (a shortcut, see planWalkForward). */
  candidates: number;
  minTrades: number;
  minDays: number;
  minPnlUsd: number;
  /** Correlation threshold of the trial clustering. */
  rho: number;
  /** The group gate's family-wise level and its bootstrap's mean block (days). */
  groupAlpha: number;
  meanBlock: number;
  /** What the gate tests per group (see group-book.ts), and the step-down across groups (group-gate.ts). */
  groupBook: GroupBookChoice;
  groupTest: GroupTest;
  /** Expanding in-sample windows from the run's start instead of rolling ones. */
  anchored: boolean;
  seed: number;
}

export const DEFAULT_PARAMS: PromoteParams = {
  isMonths: 6,
  oosMonths: 2,
  alpha: 0.01,
  top: 5,
  candidates: 100,
  minTrades: 10,
  minDays: 60,
  minPnlUsd: 250,
  rho: DEFAULT_RHO,
  groupAlpha: 0.05,
  meanBlock: 10,
  groupBook: 'auto',
  groupTest: 'holm',
  anchored: false,
  seed: 1,
};

/** One NYSE day of the run: its close, and its month's index in the run's months. */
export interface RunDay {
  closeMs: number;
  month: number;
}

/** What a finished farm run stored, in memory. */
export interface RunData {
  runId: string;
  traders: number;
  months: string[];
  /** Monthly marked-to-market P&L in cents, [trader * months + m]. */
  monthly: Int32Array;
  /** First entry per trader (NaN = never traded), in the run's own clock. */
  firstTradeMs: Float64Array;
  days: RunDay[];
  /** The seeded daily-P&L sample: ids and [k * days + d] cents. */
  sample: { ids: Int32Array; daily: Float32Array } | null;
  config(id: number): TraderConfig;
  /** The group gate's series; absent for runs from before they were stored (the DSR gates those). */
  groups?: GroupData | null;
}

/** The (symbol, DTE, delta, width) groups of a run and what the farm stored for them. */
export interface GroupData {
  count: number;
  /** Traders per group (the grid is a product, so every group has as many). */
  size: number;
  of(trader: number): number;
  label(group: number): GroupLabel;
  /** Σ over the group's traders of their daily P&L, [group * days + day] (cents). */
  daily: Float64Array;
  /** Σ(daily P&L)² per trader and month, like `monthly` (cents²). */
  monthlySumSq: Float32Array;
}

/** A candidate's re-simulated history up to the last in-sample day needed. */
export interface CandidateSeries {
  /** Daily marked-to-market P&L in cents by run day. */
  daily: ArrayLike<number>;
  trades: { exitMs: number; pnlCents: number }[];
}

/** What evaluation reads per candidate: daily P&L always, trades once re-simulated. */
interface SeriesBook {
  daily(trader: number): ArrayLike<number>;
  trades(trader: number): CandidateSeries['trades'] | null;
}

export type SeriesProvider = (ids: number[], untilDay: number) => Promise<Map<number, CandidateSeries>>;

export interface WindowPlan {
  pair: WindowPair;
  /** Run days [dayFrom, dayTo) in sample. */
  dayFrom: number;
  dayTo: number;
  /** Trades closing after `isAfterMs` and at or before `isEndMs` closed in sample. */
  isAfterMs: number;
  isEndMs: number;
  /** Traders that passed the pre-filter (traded ≥ minDays before the window's end, P&L > 0). */
  prefiltered: number;
  candidates: { trader: number; isPnlCents: number }[];
  /** The group gate's verdicts; null when the run has no group series (the DSR gates). */
  gate: GateResult | null;
}

export interface CandidateResult {
  trader: number;
  config: TraderConfig;
  /**
   * In-sample marked-to-market P&L (the ranking key) and realised P&L of trades closed in
   * sample; null when the candidate was not re-simulated (in the daily sample and failed anyway).
   */
  isPnlUsd: number;
  isRealisedUsd: number | null;
  isClosedTrades: number | null;
  /**
   * Per trade closed in sample: mean and sd (n − 1) in USD and the mean's t, what `promote --review`
   * tests the forward trades against; null when the trades are unknown or fewer than two (or all equal).
   */
  isTradeMeanUsd: number | null;
  isTradeSdUsd: number | null;
  isTradeT: number | null;
  daysSinceFirstTrade: number;
  /** The candidate's group, and that group's step-down adjusted p (group gate only). */
  group: number | null;
  groupPAdjusted: number | null;
  /** Per-day Sharpe, its annualised display, skewness, kurtosis and days. */
  sr: number | null;
  srAnnual: number | null;
  skew: number;
  kurt: number;
  t: number;
  dsr: number | null;
  pValue: number | null;
  /** null: not decided (trades unknown, and the candidate failed on its daily P&L anyway). */
  eligible: boolean | null;
  passed: boolean;
  selected: boolean;
  reason: string;
  oosPnlUsd: number | null;
}

export interface WindowResult {
  index: number;
  is: { from: string; to: string; days: number };
  oos: { from: string; to: string };
  gate: GateResult | null;
  trials: TrialEstimate;
  /** Cross-sectional variance of the sampled traders' per-day Sharpe, and the benchmark it gives. */
  srVariance: number;
  sr0: number;
  sr0Annual: number;
  prefiltered: number;
  candidates: CandidateResult[];
  selected: number[];
  /** Equal-weight sum over the selected set, and how many of it made money out of sample. */
  oosPnlUsd: number;
  oosPositive: number;
}

export interface PromotedConfig {
  rank: number;
  trader: number;
  config: TraderConfig;
  window: number;
  evidence: CandidateResult;
}

export interface PromoteResult {
  runId: string;
  status: 'ok' | 'insufficient data';
  message: string;
  /** What selects: the group gate (certifies groups), or the deflated Sharpe ratio on runs without group series. */
  gate: 'group' | 'dsr';
  /** The last window's smallest group Sharpe per year certified with 80 % power (group gate only). */
  minSharpeAnnual: number | null;
  params: PromoteParams;
  months: string[];
  windows: WindowResult[];
  /** Selected in the last window's sample and profitable in its out-of-sample months. */
  promoted: PromotedConfig[];
  walkForward: {
    windows: number;
    windowsWithSelection: number;
    selected: number;
    oosPnlUsd: number;
    oosPositive: number;
  };
}

function isPnl(d: RunData, trader: number, from: number, to: number): number {
  const M = d.months.length;
  let s = 0;
  for (let m = from; m < to; m++) s += d.monthly[trader * M + m];
  return s;
}

/**
 * The windows and, per window, the candidates to re-simulate: traders whose first trade is at
 * least minDays before the window's last day (on the run's clock, which a restart does not reset
 * as the seed's promotion timer was) and whose in-sample P&L is positive, the best `candidates`
 * of them by in-sample P&L. Only in-sample months are read.
 * Ranking is a shortcut to keep re-simulation small; the trial count below still covers every
 * configuration, so it can cost power but never inflate significance.
 */
export function planWalkForward(
  d: RunData,
  p: PromoteParams,
): { windows: WindowPlan[]; union: number[]; untilDay: number } {
  const pairs = walkForwardWindows(d.months, p.isMonths, p.oosMonths, p.anchored);
  const windows: WindowPlan[] = [];
  const union = new Set<number>();
  let untilDay = -1;
  for (const pair of pairs) {
    let dayFrom = d.days.findIndex((x) => x.month >= pair.isStart);
    if (dayFrom < 0) dayFrom = d.days.length;
    let dayTo = dayFrom;
    while (dayTo < d.days.length && d.days[dayTo].month < pair.isEnd) dayTo++;
    if (dayTo - dayFrom < 2) continue;
    const isEndMs = d.days[dayTo - 1].closeMs;
    const isAfterMs = dayFrom > 0 ? d.days[dayFrom - 1].closeMs : Number.NEGATIVE_INFINITY;
    const gate = d.groups ? windowGate(d, d.groups, p, pair.index, dayFrom, dayTo) : null;
    const passing = gate ? new Set(gate.passed) : null;
    const keys: { trader: number; isPnlCents: number; key: number }[] = [];
    for (let i = 0; i < d.traders; i++) {
      if (passing && !passing.has(d.groups!.of(i))) continue;
      const ft = d.firstTradeMs[i];
      if (!(ft <= isEndMs - p.minDays * MS_PER_DAY)) continue;
      const pnl = isPnl(d, i, pair.isStart, pair.isEnd);
      if (!(pnl > 0)) continue;
      // Inside passing groups the best in-sample Sharpe (from the monthly sums); else the best P&L.
      const key = passing ? monthlySharpe(d, d.groups!, i, pair.isStart, pair.isEnd, dayTo - dayFrom) : pnl;
      keys.push({ trader: i, isPnlCents: pnl, key });
    }
    keys.sort((a, b) => b.key - a.key || a.trader - b.trader);
    const candidates = keys.slice(0, p.candidates).map(({ trader, isPnlCents }) => ({ trader, isPnlCents }));
    for (const c of candidates) union.add(c.trader);
    if (candidates.length) untilDay = Math.max(untilDay, dayTo - 1);
    windows.push({ pair, dayFrom, dayTo, isAfterMs, isEndMs, prefiltered: keys.length, candidates, gate });
  }
  return { windows, union: [...union].sort((a, b) => a - b), untilDay };
}

/** The group gate of one window, in sample over run days [dayFrom, dayTo), on the books `p.groupBook` names. */
export function windowGate(
  d: Pick<RunData, 'days' | 'sample' | 'traders'>,
  g: GroupData,
  p: Pick<PromoteParams, 'groupAlpha' | 'meanBlock' | 'seed' | 'groupBook' | 'groupTest'>,
  index: number,
  dayFrom: number,
  dayTo: number,
): GateResult {
  const kind = resolveBook(p.groupBook, d.sample?.ids.length ?? 0, d.traders);
  const books =
    kind === 'split' ? splitBooks(d, g, dayFrom, dayTo) : wholeBooks(g, d.days.length, dayFrom, dayTo);
  return gateBooks(books, g, p, index);
}

/** The group gate over days [dayFrom, dayTo) of a series `days` long: each group's whole equal-weight book. */
export function gateOverDays(
  g: Pick<GroupData, 'count' | 'size' | 'label' | 'daily'>,
  days: number,
  p: Pick<PromoteParams, 'groupAlpha' | 'meanBlock' | 'seed' | 'groupTest'>,
  index: number,
  dayFrom: number,
  dayTo: number,
): GateResult {
  return gateBooks(wholeBooks(g, days, dayFrom, dayTo), g, p, index);
}

function gateBooks(
  books: GroupBooks,
  g: Pick<GroupData, 'count' | 'label'>,
  p: Pick<PromoteParams, 'groupAlpha' | 'meanBlock' | 'seed' | 'groupTest'>,
  index: number,
): GateResult {
  const labels = Array.from({ length: g.count }, (_, k) => g.label(k));
  const r = groupGate(
    { series: books.series, labels, substream: index },
    { alpha: p.groupAlpha, meanBlock: p.meanBlock, seed: p.seed, test: p.groupTest },
  );
  r.book = {
    kind: books.kind,
    chosenDays: books.testFrom - books.chooseFrom,
    testedDays: books.testTo - books.testFrom,
  };
  if (books.members)
    books.members.forEach((m, k) => {
      const v = r.groups[k];
      v.book = m;
      if (!m.sampled) v.reason = 'failed: none of its traders is in the daily sample';
    });
  return r;
}

/** Per-day Sharpe over months [from, to) (`days` days) from the monthly Σpnl and Σpnl²; −∞ without variance. */
function monthlySharpe(d: RunData, g: GroupData, i: number, from: number, to: number, days: number): number {
  const M = d.months.length;
  let s = 0;
  let q = 0;
  for (let m = from; m < to; m++) {
    s += d.monthly[i * M + m];
    q += g.monthlySumSq[i * M + m];
  }
  const v = (q - (s * s) / days) / (days - 1);
  return v > 0 ? s / days / Math.sqrt(v) : Number.NEGATIVE_INFINITY;
}

/** The sampled traders' in-sample series: trial count and the cross-section of their Sharpe. */
export function windowTrials(
  d: RunData,
  w: WindowPlan,
  p: PromoteParams,
): { trials: TrialEstimate; srVariance: number } {
  const t = w.dayTo - w.dayFrom;
  const s = d.sample;
  const n = s ? s.ids.length : 0;
  const x = new Float64Array(n * t);
  const srs: number[] = [];
  const D = d.days.length;
  for (let k = 0; k < n; k++) {
    const row = x.subarray(k * t, (k + 1) * t);
    for (let u = 0; u < t; u++) row[u] = s!.daily[k * D + w.dayFrom + u];
    const sr = sharpe(moments(row));
    if (sr !== null) srs.push(sr);
  }
  const trials = effectiveTrials(x, n, t, {
    gridTraders: d.traders,
    sampleSize: n,
    rho: p.rho,
    seed: p.seed,
    substream: w.pair.index,
  });
  // Under the null every Sharpe estimate has variance ≈ 1/(T − 1); a wider cross-section means
  // true Sharpes differ (deep losers widen it), which says nothing about the best one's luck.
  return { trials, srVariance: Math.min(variance(srs), 1 / (t - 1)) };
}

function money(c: number): string {
  return `$${(c / 100).toFixed(2)}`;
}

/** Eligibility, DSR and OOS for one window: selection reads in-sample data only. */
export function evaluateWindow(
  d: RunData,
  p: PromoteParams,
  w: WindowPlan,
  book: SeriesBook,
  trialInfo: { trials: TrialEstimate; srVariance: number },
): WindowResult {
  const t = w.dayTo - w.dayFrom;
  const { trials, srVariance } = trialInfo;
  const results: CandidateResult[] = [];
  for (const c of w.candidates) {
    const all = book.daily(c.trader);
    const daily = Float64Array.from({ length: t }, (_, u) => all[w.dayFrom + u]);
    const m = moments(daily);
    const trades = book.trades(c.trader);
    let closed: number | null = null;
    let realised: number | null = null;
    let perTrade: TradeStats | null = null;
    if (trades) {
      const pnls: number[] = [];
      for (const tr of trades) if (tr.exitMs > w.isAfterMs && tr.exitMs <= w.isEndMs) pnls.push(tr.pnlCents);
      closed = pnls.length;
      realised = pnls.reduce((a, x) => a + x, 0);
      perTrade = tradeStats(pnls);
    }
    const days = Math.floor((w.isEndMs - d.firstTradeMs[c.trader]) / MS_PER_DAY);
    const sr = sharpe(m);
    const r: CandidateResult = {
      trader: c.trader,
      config: d.config(c.trader),
      isPnlUsd: c.isPnlCents / 100,
      isRealisedUsd: realised === null ? null : Math.round(realised) / 100,
      isClosedTrades: closed,
      isTradeMeanUsd: perTrade ? perTrade.mean / 100 : null,
      isTradeSdUsd: perTrade ? perTrade.sd / 100 : null,
      isTradeT: perTrade?.t ?? null,
      daysSinceFirstTrade: days,
      group: w.gate ? d.groups!.of(c.trader) : null,
      groupPAdjusted: null,
      sr,
      srAnnual: sr === null ? null : annualise(sr),
      skew: m.skew,
      kurt: m.kurt,
      t,
      dsr: null,
      pValue: null,
      eligible: null,
      passed: false,
      selected: false,
      reason: '',
      oosPnlUsd: null,
    };
    const why: string[] = [];
    if (closed !== null && closed < p.minTrades) why.push(`${closed} closed trades < ${p.minTrades}`);
    if (realised !== null && realised < p.minPnlUsd * 100) {
      why.push(`realised ${money(realised)} < ${money(p.minPnlUsd * 100)}`);
    }
    if (!(days >= p.minDays)) why.push(`${days} days since first trade < ${p.minDays}`);
    r.eligible = why.length ? false : trades ? true : null;
    if (sr === null) {
      r.reason = why.length ? `ineligible: ${why.join('; ')}` : 'failed: no P&L variance in sample';
      results.push(r);
      continue;
    }
    const dsr = deflatedSharpe({ sr, skew: m.skew, kurt: m.kurt, t, srVariance, nEff: trials.nEff });
    r.dsr = dsr.dsr;
    r.pValue = dsr.pValue;
    const stat = `DSR ${dsr.dsr.toFixed(4)}, p ${fmtP(dsr.pValue)}`;
    if (w.gate) {
      // The group gate decides; the deflated Sharpe is printed as a second opinion.
      const g = w.gate.groups[r.group!];
      r.groupPAdjusted = g.pAdjusted;
      const opinion = dsr.undefinedReason ? `DSR undefined: ${dsr.undefinedReason}` : stat;
      if (why.length) r.reason = `ineligible: ${why.join('; ')} (${stat})`;
      else if (!g.passed) r.reason = `failed: its group did not pass (adjusted p ${fmtP(g.pAdjusted)})`;
      else if (r.eligible === null) r.reason = 'pending: its group passed; its trades are needed';
      else {
        r.passed = true;
        r.reason = `passed: its group is certified (adjusted p ${fmtP(g.pAdjusted)} ≤ ${p.groupAlpha}); second opinion ${opinion}`;
      }
      results.push(r);
      continue;
    }
    const significant = !dsr.undefinedReason && dsr.pValue < p.alpha;
    if (why.length) r.reason = `ineligible: ${why.join('; ')} (${stat})`;
    else if (dsr.undefinedReason) r.reason = `failed: ${dsr.undefinedReason}`;
    else if (!significant)
      r.reason = `failed: ${stat} ≥ α ${p.alpha} (Sharpe ${annualise(sr).toFixed(2)}/yr vs the ${annualise(dsr.sr0).toFixed(2)}/yr the best of ${Math.round(trials.nEff).toLocaleString('en-US')} zero-edge trials shows)`;
    else if (r.eligible === null) r.reason = 'pending: significant on its daily P&L; its trades are needed';
    else {
      r.passed = true;
      r.reason = `passed: ${stat} < α ${p.alpha}`;
    }
    results.push(r);
  }
  // Group gate: the best in-sample Sharpe first (every pass is as certified as the next); DSR: the smallest p.
  const passed = results
    .filter((r) => r.passed)
    .sort((a, b) =>
      w.gate
        ? (b.sr ?? 0) - (a.sr ?? 0) || a.trader - b.trader
        : (a.pValue ?? 1) - (b.pValue ?? 1) || (b.sr ?? 0) - (a.sr ?? 0) || a.trader - b.trader,
    );
  // The recommendation reads only the trade and entry floors: configurations that differ only in
  // exits or session would be the same recommendation twice, so the best of them stands for all.
  const selected: CandidateResult[] = [];
  const seen = new Map<string, number>();
  for (const r of passed) {
    const c = r.config;
    const key = `${c.symbol}|${c.dte}|${c.shortDelta}|${c.width}|${c.warmthFloor}|${c.ivRankFloor}`;
    const twin = seen.get(key);
    if (twin !== undefined) r.reason += `; the same recommendation as trader ${twin}`;
    else if (selected.length >= p.top) r.reason += `; not in the top ${p.top}`;
    else {
      seen.set(key, r.trader);
      selected.push(r);
    }
  }
  // Out of sample: the selected set only, after selection is final.
  const M = d.months.length;
  let oos = 0;
  let positive = 0;
  for (const r of selected) {
    r.selected = true;
    let c = 0;
    for (let m = w.pair.isEnd; m < w.pair.oosEnd; m++) c += d.monthly[r.trader * M + m];
    r.oosPnlUsd = c / 100;
    oos += c;
    if (c > 0) positive++;
  }
  const sr0 = deflatedSharpe({ sr: 0, skew: 0, kurt: 3, t: 2, srVariance, nEff: trials.nEff }).sr0;
  return {
    index: w.pair.index,
    is: { ...w.pair.is, days: t },
    oos: w.pair.oos,
    gate: w.gate,
    trials,
    srVariance,
    sr0,
    sr0Annual: annualise(sr0),
    prefiltered: w.prefiltered,
    candidates: results,
    selected: selected.map((r) => r.trader),
    oosPnlUsd: oos / 100,
    oosPositive: positive,
  };
}

export function fmtP(p: number): string {
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2);
}

/**
 * Walk-forward promotion over a finished run. Each window selects on its in-sample months
 * (ranking, eligibility, deflated Sharpe ratio), then the selected set is scored on the
 * following out-of-sample months. The last window's selections that also made money out of
 * sample are promoted ("work in both periods", item I).
 */
export async function walkForward(
  d: RunData,
  p: PromoteParams,
  provider: SeriesProvider,
  log: (msg: string) => void = () => {},
): Promise<PromoteResult> {
  checkParams(p);
  const gate: PromoteResult['gate'] = d.groups ? 'group' : 'dsr';
  const base = { runId: d.runId, gate, params: p, months: d.months };
  const plan = planWalkForward(d, p);
  if (plan.windows.length === 0) {
    return {
      ...base,
      status: 'insufficient data',
      message: `insufficient data: the run has ${d.months.length} month(s); one window pair needs ${p.isMonths} in sample + ${p.oosMonths} out of sample`,
      minSharpeAnnual: null,
      windows: [],
      promoted: [],
      walkForward: { windows: 0, windowsWithSelection: 0, selected: 0, oosPnlUsd: 0, oosPositive: 0 },
    };
  }
  // Daily P&L at the precision the farm stores its sample (float32 cents), wherever it comes from,
  // so a candidate's statistics do not depend on whether it happened to be sampled.
  const sampleRow = new Map<number, number>();
  if (d.sample) for (const [k, id] of d.sample.ids.entries()) sampleRow.set(id, k);
  const D = d.days.length;
  const resim = new Map<number, CandidateSeries>();
  const fetch = async (ids: number[]) => {
    if (!ids.length) return;
    log(`re-simulating ${ids.length} candidate(s) to day ${plan.untilDay + 1} of ${D}`);
    for (const [id, s] of await provider(ids, plan.untilDay)) {
      resim.set(id, { daily: Float32Array.from(s.daily), trades: s.trades });
    }
  };
  const book: SeriesBook = {
    daily: (id) => {
      const k = sampleRow.get(id);
      if (k !== undefined) return d.sample!.daily.subarray(k * D, (k + 1) * D);
      const s = resim.get(id);
      if (!s) throw new Error(`no daily P&L for trader ${id}`);
      return s.daily;
    },
    trades: (id) => resim.get(id)?.trades ?? null,
  };
  // Candidates outside the daily sample are re-simulated for their daily P&L; sampled ones only
  // if their daily P&L is significant, for the trade-based eligibility (often nobody: no pass).
  await fetch(plan.union.filter((id) => !sampleRow.has(id)));
  const trials = plan.windows.map((w) => {
    log(
      `window ${w.pair.index + 1}/${plan.windows.length}: trials in sample ${w.pair.is.from} → ${w.pair.is.to}`,
    );
    return windowTrials(d, w, p);
  });
  let windows = plan.windows.map((w, i) => evaluateWindow(d, p, w, book, trials[i]));
  const pending = new Set<number>();
  for (const w of windows)
    for (const c of w.candidates) if (c.reason.startsWith('pending')) pending.add(c.trader);
  if (pending.size) {
    await fetch([...pending].sort((a, b) => a - b));
    windows = plan.windows.map((w, i) => evaluateWindow(d, p, w, book, trials[i]));
  }
  const last = windows[windows.length - 1];
  const promoted: PromotedConfig[] = last.candidates
    .filter((r) => r.selected && (r.oosPnlUsd ?? 0) > 0)
    .map((r, i) => ({ rank: i + 1, trader: r.trader, config: r.config, window: last.index, evidence: r }));
  for (const r of last.candidates)
    if (r.selected && !((r.oosPnlUsd ?? 0) > 0)) r.reason += '; lost money out of sample';
  const sel = windows.reduce((a, w) => a + w.selected.length, 0);
  return {
    ...base,
    status: 'ok',
    message: promoted.length
      ? `${promoted.length} configuration(s) promoted`
      : last.gate && !last.gate.passed.length
        ? `nothing promoted: no group passed the gate in the last window (80 % power needs a ${last.gate.book?.kind === 'split' ? 'book' : 'group'} Sharpe of ${last.gate.minSharpeAnnual.toFixed(2)}/yr)`
        : 'nothing promoted: no configuration passed in sample and made money out of sample',
    minSharpeAnnual: last.gate?.minSharpeAnnual ?? null,
    windows,
    promoted,
    walkForward: {
      windows: windows.length,
      windowsWithSelection: windows.filter((w) => w.selected.length > 0).length,
      selected: sel,
      oosPnlUsd: Math.round(windows.reduce((a, w) => a + w.oosPnlUsd * 100, 0)) / 100,
      oosPositive: windows.reduce((a, w) => a + w.oosPositive, 0),
    },
  };
}

/** Throws a RangeError naming the first bad parameter. */
export function checkParams(p: PromoteParams): void {
  const bad = (m: string) => {
    throw new RangeError(m);
  };
  if (!(p.alpha > 0 && p.alpha < 1)) bad(`alpha must be in (0, 1), got ${p.alpha}`);
  if (!(p.groupAlpha > 0 && p.groupAlpha < 1)) bad(`group alpha must be in (0, 1), got ${p.groupAlpha}`);
  if (!(p.meanBlock >= 1 && p.meanBlock <= 63)) bad(`mean block must be 1–63 days, got ${p.meanBlock}`);
  if (p.groupBook !== 'auto' && p.groupBook !== 'split' && p.groupBook !== 'whole')
    bad(`group book must be auto, split or whole, got ${p.groupBook}`);
  if (p.groupTest !== 'min-p' && p.groupTest !== 'holm')
    bad(`group test must be min-p or holm, got ${p.groupTest}`);
  if (!(Number.isInteger(p.isMonths) && p.isMonths >= 1)) bad('in-sample months must be a positive integer');
  if (!(Number.isInteger(p.oosMonths) && p.oosMonths >= 1))
    bad('out-of-sample months must be a positive integer');
  if (!(Number.isInteger(p.top) && p.top >= 1)) bad('top must be a positive integer');
  if (!(Number.isInteger(p.candidates) && p.candidates >= 1)) bad('candidates must be a positive integer');
  if (!(p.rho > -1 && p.rho < 1)) bad(`rho must be in (−1, 1), got ${p.rho}`);
  if (!(p.minTrades >= 0 && p.minDays >= 0)) bad('minimums must be ≥ 0');
}
