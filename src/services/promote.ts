import { UsageError } from '../core/errors.js';
import { canonicalJson, type Grid, parseGrid, type TraderConfig } from '../core/farm/grid.js';
import { type LoadedRun, loadRun } from '../core/judge/loaded-run.js';
import type { ActivePromotion, PromotionReviewRecord } from '../core/judge/ports.js';
import { expectedTrades, type ReviewVerdict, reviewForward } from '../core/judge/review.js';
import {
  checkParams,
  DEFAULT_PARAMS,
  type PromoteParams,
  type PromoteResult,
  walkForward,
} from '../core/judge/walk-forward.js';
import { type YearFigures, yearFigures } from '../core/judge/years.js';
import type { ProvenanceSpan } from '../core/market/provenance.js';
import type { RunRecord } from '../core/runs.js';
import type { Deps } from './deps.js';
import { type ResimDeps, resimulate } from './promote-resim.js';

// `promote --run live`: the gate over the live farm's booked sessions.
export { type LiveGateResult, liveGate } from './live-gate.js';

export type PromoteDeps = Pick<Deps, 'clock' | 'runs' | 'farmResults' | 'promotions'> & ResimDeps;

export interface PromoteRequest extends Partial<Omit<PromoteParams, 'seed'>> {
  /** A run reference: latest, a run id or a unique prefix of one. */
  run: string;
  dryRun: boolean;
  /** Progress lines (window by window). */
  log?: (msg: string) => void;
}

export interface PromoteOutcome extends PromoteResult {
  dryRun: boolean;
  /** The evaluation's id when recorded (not a dry run, enough data). */
  evalId: string | null;
  source: 'replay' | 'sim';
  /** The run's provenance spans (null: not recorded). */
  spans: ProvenanceSpan[] | null;
  /** Each promoted trader's whole-run P&L, the part booked on each span's days, and its years. */
  promotedHistory: PromotedHistory[];
}

export interface PromotedHistory {
  trader: number;
  /** Realised plus open marked at the end. */
  totalUsd: number;
  /** By SPAN_KINDS; null: no such span for its fund, or not kept. */
  spanPnlUsd: (number | null)[];
  years: YearFigures[];
}

/** Loads the run, runs the walk-forward promotion and (unless a dry run) records it. */
export async function promoteRun(deps: PromoteDeps, req: PromoteRequest): Promise<PromoteOutcome> {
  const { run: ref, dryRun, log = () => {}, ...rest } = req;
  const loaded = loadBacktest(deps, ref);
  const run = loaded.run;
  if (!loaded.data.sample) {
    throw new UsageError(
      `run ${run.id} kept no daily-P&L sample`,
      'the trial count needs it: run the backtest again',
    );
  }
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  // The run's seed drives the sub-sample draws, so the same run always gives the same N_eff.
  const params: PromoteParams = { ...DEFAULT_PARAMS, ...defined, seed: run.seed ?? 1 } as PromoteParams;
  try {
    checkParams(params);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = await walkForward(
    loaded.data,
    params,
    (ids, untilDay) => resimulate(deps, { run: loaded, ids, untilDay }),
    log,
  );
  const evalId =
    !dryRun && result.status === 'ok' ? deps.promotions.record(result, deps.clock.nowMs()) : null;
  const fr = deps.farmResults.farmRun(run.id);
  const risk = deps.farmResults.yearlyRiskCents(run.id);
  const promotedHistory = result.promoted.flatMap((x): PromotedHistory[] => {
    const f = deps.farmResults.traderFigures(loaded.runNo, x.trader);
    if (!f) return [];
    return [
      {
        trader: x.trader,
        totalUsd: f.realizedUsd + f.openMtmUsd,
        spanPnlUsd: f.spanPnlUsd,
        years: yearFigures([x.trader], loaded.data.months, loaded.data.monthly, risk),
      },
    ];
  });
  return {
    ...result,
    dryRun,
    evalId,
    source: loaded.kind,
    spans: fr?.spansJson ? (JSON.parse(fr.spansJson) as ProvenanceSpan[]) : null,
    promotedHistory,
  };
}

/** A completed backtest by reference, loaded with what promotion needs. */
export function loadBacktest(deps: Pick<Deps, 'runs' | 'farmResults' | 'calendar'>, ref: string): LoadedRun {
  return loadRun(deps.farmResults, deps.calendar, backtestRecord(deps, ref));
}

/** `latest` = the newest replay or sim run, finished or not (an unfinished one is refused by name). */
function backtestRecord(deps: Pick<Deps, 'runs'>, ref: string): RunRecord {
  if (ref.trim().toLowerCase() === 'live')
    throw new UsageError(
      'promotion is from a backtest: the live farm already trades every configuration, and its configurations are the ones being followed forward',
      "use --run latest or a backtest run id (`argus runs list`); `argus promote --run live` runs the group gate over the live farm's booked sessions",
    );
  const r = deps.runs.resolveRunRef(ref);
  if (r.kind === 'ambiguous') {
    throw new UsageError(
      `run ${ref} matches several runs`,
      `give more characters: ${r.ids.slice(0, 6).join(', ')}`,
    );
  }
  if (r.kind !== 'found') {
    throw new UsageError(
      ref === 'latest' ? 'no backtest run in this database' : `no run ${ref}`,
      'run `argus farm run --source replay` (or --source sim) first',
    );
  }
  const run = r.run;
  if (run.kind === 'live')
    throw new UsageError(`run ${run.id} is the live farm`, 'promote from a replay or sim backtest');
  const shard = (run.provenance as { shard?: { index: number; of: number } }).shard;
  // The group gate's groups and the trial count are the whole grid's: a shard holds part of each.
  if (shard)
    throw new UsageError(
      `run ${run.id} is shard ${shard.index}/${shard.of} of a run split with --shard: the judge needs the whole grid`,
      'combine the shards first (`argus farm merge OUT.db SHARD.db...`), then `argus promote --db OUT.db`',
    );
  if (run.status !== 'completed') {
    throw new UsageError(
      `run ${run.id} is ${run.status}, not completed`,
      `finish it with \`argus farm run --resume ${run.id}\``,
    );
  }
  return run;
}

// `argus promote --review`: following the promotions forward.

export type PromoteReviewDeps = Pick<Deps, 'clock' | 'runs' | 'farmResults' | 'promotions'>;

export interface PromoteReviewRequest {
  /** Wald's error rates: α the false-demotion rate, β the rate of keeping a configuration with no edge. */
  alpha: number;
  beta: number;
  /** Test and report; record nothing. */
  dryRun: boolean;
}

export const REVIEW_DEFAULTS = { alpha: 0.05, beta: 0.2 } as const;

/**
 * demote / keep / continue: the test's verdict. `no evidence`: promoted without the per-trade
 * figures the test needs. `not followed`: the live farm does not trade this configuration as it
 * was tested (no live farm, not in its grid, other rules or fills).
 */
export type ReviewStatus = 'demote' | 'keep' | 'continue' | 'no evidence' | 'not followed';

export interface PromotionReview {
  id: number;
  rank: number;
  /** The backtest it was promoted from, and its trader id there. */
  runId: string;
  trader: number;
  config: TraderConfig;
  promotedMs: number;
  /** The live farm's run and the trader with the same configuration in its grid (null: not followed). */
  live: { runId: string; trader: number } | null;
  status: ReviewStatus;
  /** Trades the live trader closed after the promotion, their P&L, and how many the test read before deciding. */
  forwardTrades: number;
  forwardPnlUsd: number;
  tradesRead: number;
  /** The in-sample per-trade mean and sd (USD) and t recorded at promotion (null: not recorded). */
  isTradeMeanUsd: number | null;
  isTradeSdUsd: number | null;
  isTradeT: number | null;
  /** The expectation tested: the in-sample mean shrunk by its t (USD a trade). */
  shrunkMeanUsd: number | null;
  /** Log-likelihood ratio of no edge over the shrunk edge (null: not tested, or no edge left to test). */
  llr: number | null;
  /**
   * What the review can see: the forward trades the test reads on average before deciding, with no
   * edge and with the shrunk edge (Wald's approximation; null: no evidence, or nothing left to test).
   */
  tradesNeeded: { noEdge: number; edge: number } | null;
  reason: string;
  /** Demoted by this review (never on a dry run). */
  demoted: boolean;
}

export interface PromoteReviewResult {
  atMs: number;
  alpha: number;
  beta: number;
  /** Wald's bounds on the log LR: demote at or above, keep at or below. */
  demoteAt: number;
  keepAt: number;
  /** The error rates they give: a configuration with the shrunk edge demoted, one with none kept (at most, about). */
  falseDemotionMax: number;
  missedDemotionMax: number;
  liveRunId: string | null;
  dryRun: boolean;
  reviews: PromotionReview[];
  demoted: number;
  message: string;
}

/** How the live farm trades, read once per review. */
interface LiveFarm {
  runId: string;
  grid: Grid;
  rules: Record<string, unknown>;
  fill: Record<string, unknown>;
}

/**
 * `argus promote --review`: each active promotion's forward trades on the live farm (the trader
 * with the same configuration, closed after the promotion) tested with Wald's SPRT against the
 * in-sample per-trade mean shrunk by its t; those the test rejects are demoted, with the reason,
 * all in one transaction. The recommendation then stops using them (it reads active promotions).
 */
export function promoteReview(deps: PromoteReviewDeps, req: PromoteReviewRequest): PromoteReviewResult {
  const { alpha, beta, dryRun } = req;
  if (!(alpha > 0 && alpha < 1)) throw rateError(`the false-demotion rate α must be in (0, 1), got ${alpha}`);
  if (!(beta > 0 && beta < 1)) throw rateError(`the missed-demotion rate β must be in (0, 1), got ${beta}`);
  if (!(alpha + beta < 1))
    throw rateError(`α + β must be below 1 for Wald's test to have two bounds, got ${alpha} + ${beta}`);
  const atMs = deps.clock.nowMs();
  const live = liveFarm(deps);
  const runRules = new Map<
    string,
    { rules: Record<string, unknown>; fill: Record<string, unknown> } | null
  >();
  const reviews = deps.promotions.active().map((p) => {
    if (!runRules.has(p.runId)) runRules.set(p.runId, farmSettings(deps, p.runId));
    return reviewOne(deps, p, live, runRules.get(p.runId) ?? null, alpha, beta);
  });
  const records: PromotionReviewRecord[] = reviews.map((r) => ({
    id: r.id,
    demote: r.status === 'demote',
    reason: r.reason,
    verdict: { atMs, alpha, beta, ...verdictOf(r) },
  }));
  if (!dryRun && records.length) deps.promotions.demote(records, atMs);
  for (const r of reviews) r.demoted = !dryRun && r.status === 'demote';
  const count = (s: ReviewStatus) => reviews.filter((r) => r.status === s).length;
  const demoted = count('demote');
  const parts = [
    `${demoted} ${dryRun ? 'would be demoted' : 'demoted'}`,
    `${count('keep')} kept`,
    `${count('continue')} still followed`,
    ...(count('no evidence') ? [`${count('no evidence')} without the evidence to test`] : []),
    ...(count('not followed') ? [`${count('not followed')} not followed by the live farm`] : []),
  ];
  return {
    atMs,
    alpha,
    beta,
    demoteAt: Math.log((1 - beta) / alpha),
    keepAt: Math.log(beta / (1 - alpha)),
    falseDemotionMax: alpha / (1 - beta),
    missedDemotionMax: beta / (1 - alpha),
    liveRunId: live?.runId ?? null,
    dryRun,
    reviews,
    demoted: dryRun ? 0 : demoted,
    message: reviews.length
      ? `${reviews.length} active promotion(s) reviewed: ${parts.join(', ')}`
      : 'no active promotion to review (`argus promote` records them)',
  };
}

function rateError(msg: string): UsageError {
  return new UsageError(msg, 'the defaults are α 0.05 and β 0.2 (--alpha-demote, --beta)');
}

function liveFarm(deps: PromoteReviewDeps): LiveFarm | null {
  const r = deps.runs.resolveRunRef('live');
  if (r.kind !== 'found') return null;
  const rec = deps.farmResults.farmRun(r.run.id);
  if (!rec) return null;
  return {
    runId: r.run.id,
    grid: parseGrid(rec.gridJson, 'live farm grid'),
    rules: JSON.parse(rec.rulesJson),
    fill: JSON.parse(rec.fillJson),
  };
}

function farmSettings(
  deps: PromoteReviewDeps,
  runId: string,
): { rules: Record<string, unknown>; fill: Record<string, unknown> } | null {
  const rec = deps.farmResults.farmRun(runId);
  return rec ? { rules: JSON.parse(rec.rulesJson), fill: JSON.parse(rec.fillJson) } : null;
}

/** Top-level settings whose values differ (either side missing counts). */
function differing(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function reviewOne(
  deps: PromoteReviewDeps,
  p: ActivePromotion,
  live: LiveFarm | null,
  backtest: { rules: Record<string, unknown>; fill: Record<string, unknown> } | null,
  alpha: number,
  beta: number,
): PromotionReview {
  const e = p.evidence;
  const base: PromotionReview = {
    id: p.id,
    rank: p.rank,
    runId: p.runId,
    trader: p.trader,
    config: p.config,
    promotedMs: p.promotedMs,
    live: null,
    status: 'no evidence',
    forwardTrades: 0,
    forwardPnlUsd: 0,
    tradesRead: 0,
    isTradeMeanUsd: null,
    isTradeSdUsd: null,
    isTradeT: null,
    shrunkMeanUsd: null,
    llr: null,
    tradesNeeded: null,
    reason: '',
    demoted: false,
  };
  if (!('isTradeSdUsd' in e))
    return {
      ...base,
      reason:
        'promoted before the per-trade mean, sd and t were recorded: it cannot be reviewed (run `argus promote` again to promote with them)',
    };
  if (!finite(e.isTradeMeanUsd) || !finite(e.isTradeSdUsd) || !finite(e.isTradeT))
    return {
      ...base,
      reason: `its ${e.isClosedTrades ?? 'unknown number of'} in-sample closed trades gave no per-trade spread (fewer than two, or all equal): nothing to test against`,
    };
  const input = { isMean: e.isTradeMeanUsd * 100, isSd: e.isTradeSdUsd * 100, isT: e.isTradeT, alpha, beta };
  const evidence = {
    isTradeMeanUsd: e.isTradeMeanUsd,
    isTradeSdUsd: e.isTradeSdUsd,
    isTradeT: e.isTradeT,
    tradesNeeded: expectedTrades(input),
  };
  const test = (trades: number[]): ReviewVerdict => reviewForward({ ...input, trades });
  const tested = (v: ReviewVerdict) => ({
    status: v.status,
    tradesRead: v.trades,
    shrunkMeanUsd: v.shrunkMean / 100,
    llr: Number.isFinite(v.llr) ? v.llr : null,
    reason: v.reason,
  });
  // No edge left after shrinking needs no forward trade to say so.
  const upfront = test([]);
  if (upfront.status === 'demote') return { ...base, ...evidence, ...tested(upfront) };
  const notFollowed = (why: string): PromotionReview => ({
    ...base,
    ...evidence,
    shrunkMeanUsd: upfront.shrunkMean / 100,
    status: 'not followed',
    reason: why,
  });
  if (!live)
    return notFollowed(
      'no live farm to follow it: run `argus farm run --source live` (and `argus farm exits`) from cron',
    );
  const found = live.grid.idOf(p.config);
  if ('missing' in found)
    return notFollowed(
      `the live farm's grid has no ${found.missing} ${JSON.stringify(p.config[found.missing])}: it does not trade this configuration`,
    );
  const liveRef = { runId: live.runId, trader: found.id };
  if (!backtest)
    return { ...notFollowed(`run ${p.runId} has no farm record to compare rules with`), live: liveRef };
  const changed = [
    ...differing(backtest.rules, live.rules).map((k) => `rules.${k}`),
    ...differing(backtest.fill, live.fill).map((k) => `fill.${k}`),
  ];
  if (changed.length)
    return {
      ...notFollowed(
        `the live farm trades with other settings than run ${p.runId.slice(0, 8)}… (${changed.join(', ')}): its trades are not the promoted configuration's`,
      ),
      live: liveRef,
    };
  const forward = deps.farmResults
    .livePositions(live.runId, found.id)
    .filter(
      (x) => x.status === 'closed' && x.exit_ms !== null && x.pnl_cents !== null && x.exit_ms > p.promotedMs,
    )
    .sort((a, b) => a.exit_ms! - b.exit_ms!);
  const pnls = forward.map((x) => x.pnl_cents!);
  return {
    ...base,
    ...evidence,
    live: liveRef,
    forwardTrades: pnls.length,
    forwardPnlUsd: pnls.reduce((a, x) => a + x, 0) / 100,
    ...tested(test(pnls)),
  };
}

/** What a review keeps as the promotion's last verdict. */
function verdictOf(r: PromotionReview) {
  return {
    status: r.status,
    live: r.live,
    forwardTrades: r.forwardTrades,
    tradesRead: r.tradesRead,
    shrunkMeanUsd: r.shrunkMeanUsd,
    llr: r.llr,
    reason: r.reason,
  };
}
