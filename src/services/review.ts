import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import type { GapView } from '../core/market/gap.js';
import type {
  BacktestDayReview,
  DailyReview,
  PromotionsView,
  ReviewGap,
  TraderDay,
  TraderDayRow,
} from '../core/review.js';
import { addDays } from '../core/time/market-calendar.js';
import { calendarEntries } from './calendar.js';
import type { Deps } from './deps.js';
import { type GapDeps, gap } from './gap.js';
import { resolveBoardRun } from './leaderboard.js';
import {
  deliverPending,
  enqueueReview,
  type NotifyDeps,
  type NotifyReport,
  requireTelegram,
} from './notify.js';
import { reviewText } from './notify-text.js';

export type DailyReviewDeps = Pick<
  Deps,
  'clock' | 'calendar' | 'economic' | 'farmConfig' | 'reviews' | 'outbox'
>;
export type ReviewDeps = DailyReviewDeps & GapDeps & NotifyDeps;

export interface DailyReviewOptions {
  /** ET date (default: today in New York). */
  date?: string;
  /** BTC's move since the last close as of an instant; omitted → gap reported as missing. */
  gap?: (atMs: number) => Promise<GapView>;
  /** Days of upcoming events listed (default 7). */
  eventDays?: number;
}

const TOP = 5;

/** `argus review`: the day's review, the gap from the default source, and with `notify` sent to Telegram. */
export async function review(
  deps: ReviewDeps,
  o: { date?: string; notify: boolean },
): Promise<DailyReview & { notify?: NotifyReport }> {
  if (o.notify) requireTelegram(deps.notifyConfig);
  const r = await dailyReview(deps, { date: o.date, gap: (atMs) => gap(deps, { atMs }) });
  if (!o.notify) return r;
  // Queued and sent while the store is open; anything undelivered waits in the outbox.
  const enqueued = [
    enqueueReview(
      deps,
      r.date,
      reviewText(r, (ms) => deps.calendar.formatEt(ms)),
    ),
  ];
  return { ...r, notify: { enqueued, delivery: await deliverPending(deps) } };
}

/** The daily review of the live farm (the seed's get_trade_activity_summary, done from the positions table). */
export async function dailyReview(
  deps: DailyReviewDeps,
  opts: DailyReviewOptions = {},
): Promise<DailyReview> {
  const cal = deps.calendar;
  const nowMs = deps.clock.nowMs();
  const today = cal.etDate(nowMs);
  const date = opts.date ?? today;
  if (date > today) throw new UsageError(`--date ${date} is in the future (today is ${today} ET)`);
  const startMs = cal.etToUtcMs(date, '00:00');
  const endMs = cal.etToUtcMs(addDays(date, 1), '00:00');
  const asOfMs = Math.min(nowMs, endMs - 1);
  const repo = deps.reviews;
  const runId = repo.liveRunId();

  const review: DailyReview = {
    date,
    asOfMs,
    liveRunId: runId,
    note: runId ? null : 'the live farm has not run yet (`argus farm run` during market hours)',
    opened: { trades: 0, contracts: 0, creditUsd: 0, traders: 0 },
    closed: {
      trades: 0,
      wins: 0,
      losses: 0,
      realizedUsd: 0,
      closedUsd: 0,
      expiredUsd: 0,
      feesUsd: 0,
      winRate: null,
    },
    exitsByReason: [],
    open: {
      positions: 0,
      contracts: 0,
      creditUsd: 0,
      unrealizedUsd: 0,
      maxLossUsd: 0,
      markedAtMs: null,
      closedSince: 0,
      bySpread: [],
    },
    traders: { best: [], worst: [] },
    promotions: readPromotions(deps, startMs, endMs),
    events: upcomingEvents(deps, asOfMs, opts.eventDays ?? 7),
    gap: await gapAt(opts.gap, asOfMs),
    notifications: deps.outbox.health(),
  };
  if (!runId) return review;

  const o = repo.openedBetween(runId, startMs, endMs);
  review.opened = { trades: o.n, contracts: o.contracts, creditUsd: o.creditCents / 100, traders: o.traders };

  const reasons = repo.exitsBetween(runId, startMs, endMs);
  const c = review.closed;
  // Sum in integer cents; dollars only at the end.
  let closedCents = 0;
  let expiredCents = 0;
  let feesCents = 0;
  for (const r of reasons) {
    c.trades += r.n;
    c.wins += r.wins;
    feesCents += r.feesCents ?? 0;
    if (r.reason === 'expiry') expiredCents += r.pnlCents;
    else closedCents += r.pnlCents;
    review.exitsByReason.push({ reason: r.reason, trades: r.n, pnlUsd: r.pnlCents / 100 });
  }
  c.losses = c.trades - c.wins;
  c.closedUsd = closedCents / 100;
  c.expiredUsd = expiredCents / 100;
  c.realizedUsd = (closedCents + expiredCents) / 100;
  c.feesUsd = feesCents / 100;
  c.winRate = c.trades ? c.wins / c.trades : null;

  review.open = openPositions(deps, runId, endMs);
  review.traders = bestAndWorst(deps, runId, startMs, endMs);
  return review;
}

function openPositions(deps: DailyReviewDeps, runId: string, endMs: number): DailyReview['open'] {
  const repo = deps.reviews;
  const feeUsd = repo.recordedFeeUsd(runId) ?? deps.farmConfig.feePerContractPerLegUsd;
  const entryFeeCents = Math.round(feeUsd * 100) * 2;
  const marked = repo.lastMarkMs(runId);
  // Still open now: the last mark applies. Open then but closed since: no mark of that day survives.
  const spreads = repo.openSpreads(runId, endMs);
  const since = repo.closedSince(runId, endMs);
  const out: DailyReview['open'] = {
    positions: 0,
    contracts: 0,
    creditUsd: 0,
    unrealizedUsd: 0,
    maxLossUsd: 0,
    markedAtMs: spreads.length ? marked : null,
    closedSince: since,
    bySpread: [],
  };
  let credit = 0;
  let unrealizedCents = 0;
  let maxLoss = 0;
  for (const s of spreads) {
    const cents = s.grossCents - entryFeeCents * s.contracts;
    const unrealized = cents / 100;
    out.positions += s.n;
    out.contracts += s.contracts;
    credit += s.creditCents;
    unrealizedCents += cents;
    maxLoss += s.maxLossCents;
    out.bySpread.push({
      symbol: s.symbol,
      expiry: s.expiry,
      shortStrike: s.shortStrike,
      longStrike: s.longStrike,
      positions: s.n,
      contracts: s.contracts,
      creditUsd: s.creditCents / 100,
      unrealizedUsd: unrealized,
    });
  }
  out.creditUsd = credit / 100;
  out.unrealizedUsd = unrealizedCents / 100;
  out.maxLossUsd = maxLoss / 100;
  return out;
}

function bestAndWorst(
  deps: DailyReviewDeps,
  runId: string,
  startMs: number,
  endMs: number,
): DailyReview['traders'] {
  const repo = deps.reviews;
  const best = repo.traderDays(runId, startMs, endMs, 'best', TOP);
  const worst = repo.traderDays(runId, startMs, endMs, 'worst', TOP);
  const grid = liveGrid(repo.gridJson(runId));
  const view = (r: TraderDayRow): TraderDay => ({
    trader: r.trader,
    trades: r.trades,
    wins: r.wins,
    realizedUsd: r.pnlCents / 100,
    config: traderConfig(grid, r.trader),
  });
  return { best: best.map(view), worst: worst.map(view) };
}

function liveGrid(json: string | null) {
  if (json === null) return null;
  try {
    return parseGrid(json, 'live farm grid');
  } catch {
    return null;
  }
}

function traderConfig(grid: ReturnType<typeof liveGrid>, trader: number): Record<string, unknown> | null {
  if (!grid) return null;
  try {
    return { ...grid.config(trader) };
  } catch {
    return null;
  }
}

/** Active promotions and those recorded on the reviewed day (migration 005's promotions table). */
export function readPromotions(deps: Pick<Deps, 'reviews'>, startMs: number, endMs: number): PromotionsView {
  const active = deps.reviews.activePromotions(20);
  const promotedOnDate = deps.reviews.promotionsBetween(startMs, endMs, 50);
  if (!active.length && !promotedOnDate.length)
    return { status: 'none', reason: 'no promotions yet (`argus promote` has not run)' };
  return { status: 'ok', active, promotedOnDate, note: null };
}

function upcomingEvents(deps: DailyReviewDeps, asOfMs: number, days: number): DailyReview['events'] {
  const from = deps.calendar.etDate(asOfMs);
  const to = addDays(from, days);
  try {
    const r = calendarEntries(deps, { fromDate: from, toDate: to, types: ['fomc', 'cpi', 'market'] });
    const entries = r.entries.filter((e) => (e.timeMs === null ? e.date > from : e.timeMs > asOfMs));
    return { entries, warnings: r.warnings };
  } catch (err) {
    return { entries: [], warnings: [(err as Error).message] };
  }
}

async function gapAt(view: DailyReviewOptions['gap'], atMs: number): Promise<ReviewGap> {
  if (!view) return { status: 'missing', atMs, reason: 'no market data source' };
  try {
    return await view(atMs);
  } catch (err) {
    // A provider outage (seed #24: Yahoo breaks often) costs the gap line, not the review.
    return { status: 'missing', atMs, reason: (err as Error).message };
  }
}

export type BacktestDayDeps = Pick<Deps, 'calendar' | 'reviews' | 'runs' | 'farmResults'>;

const SAMPLE_TOP = 5;

/**
 * `argus review --run REF [--date D]`: a backtest's day from what the run stored — each step's
 * trades, exits by reason and realised P&L, the book marked at the close — and the best and worst
 * traders of the day among the run's daily-P&L sample (no re-simulation; the sample says so).
 */
export function backtestDay(deps: BacktestDayDeps, o: { run: string; date?: string }): BacktestDayReview {
  const b = resolveBoardRun(deps, o.run);
  if (b.live)
    throw new UsageError('--run live: the live farm has its own review', 'run `argus review` without --run');
  const cal = deps.calendar;
  const steps = deps.reviews.backtestSteps(b.run.id);
  if (!steps.length) throw new UsageError(`run ${b.run.id} has no stored steps`);
  const from = cal.etDate(steps[0].tMs);
  const to = cal.etDate(steps[steps.length - 1].tMs);
  const date = o.date ?? to;
  const day = steps.filter((s) => cal.etDate(s.tMs) === date);
  if (!day.length)
    throw new UsageError(
      `run ${b.run.id.slice(0, 8)} has no step on ${date}`,
      `its window is ${from} → ${to} (NYSE days only)`,
    );
  const exits = new Map<string, number>();
  let known = true;
  for (const s of day) {
    if (!s.exits) known = false;
    for (const [k, v] of Object.entries(s.exits ?? {})) exits.set(k, (exits.get(k) ?? 0) + v);
  }
  const last = day[day.length - 1];
  const isClose = (t: number) => cal.tradingDay(cal.etDate(t))?.closeMs === t;
  const dayIndex = steps.filter((s) => isClose(s.tMs)).findIndex((s) => cal.etDate(s.tMs) === date);
  const sample = deps.farmResults.dailySample(b.run.id);
  let traders: BacktestDayReview['traders'] = null;
  if (sample && dayIndex >= 0 && dayIndex < sample.days) {
    const rows = Array.from(sample.ids, (trader, k) => ({
      trader,
      // The sample keeps cents.
      pnlUsd: sample.daily[k * sample.days + dayIndex] / 100,
    })).filter((r) => Number.isFinite(r.pnlUsd));
    rows.sort((x, y) => y.pnlUsd - x.pnlUsd || x.trader - y.trader);
    traders = {
      sampled: rows.length,
      of: b.grid.count,
      best: rows.slice(0, SAMPLE_TOP),
      worst: rows.slice(-SAMPLE_TOP).reverse(),
    };
  }
  return {
    runId: b.run.id,
    kind: b.run.kind,
    date,
    window: { from, to },
    steps: day.length,
    opened: day.reduce((a, s) => a + s.opened, 0),
    closed: day.reduce((a, s) => a + s.closed, 0),
    realizedUsd: day.reduce((a, s) => a + s.realizedCents, 0) / 100,
    exitsByReason: known
      ? [...exits].map(([reason, trades]) => ({ reason, trades })).sort((x, y) => y.trades - x.trades)
      : null,
    openPositions: last.openPositions,
    openMtmUsd: isClose(last.tMs) && last.openMtmCents !== null ? last.openMtmCents / 100 : null,
    traders,
  };
}
