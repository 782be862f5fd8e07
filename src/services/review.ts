import type { Store } from '../adapters/store/store.js';
import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import { formatMoney, formatPct } from '../core/format.js';
import type { EconomicCalendar } from '../core/time/economic-calendar.js';
import { addDays, type MarketCalendar } from '../core/time/market-calendar.js';
import { type CalendarEntry, calendarEntries } from './calendar.js';
import type { GapView } from './gap.js';

export interface ReviewDeps {
  store: Store;
  market: MarketCalendar;
  economic: EconomicCalendar;
  nowMs: number;
  /** Fee used for open marks when the live farm recorded none. */
  feePerContractPerLegUsd: number;
  /** BTC's move since the last close as of an instant; omitted → gap reported as missing. */
  gap?: (atMs: number) => Promise<GapView>;
  /** Days of upcoming events listed (default 7). */
  eventDays?: number;
}

export interface TraderDay {
  trader: number;
  trades: number;
  wins: number;
  realizedUsd: number;
  /** The trader's grid configuration, when the live grid is readable. */
  config: Record<string, unknown> | null;
}

export interface OpenSpread {
  symbol: string;
  expiry: string;
  shortStrike: number;
  longStrike: number;
  positions: number;
  contracts: number;
  creditUsd: number;
  unrealizedUsd: number;
}

export interface PromotionRow {
  trader: number;
  runId: string;
  rank: number | null;
  active: boolean | null;
  promotedMs: number | null;
  config: Record<string, unknown> | null;
}

export type PromotionsView =
  | { status: 'ok'; promotedOnDate: PromotionRow[] | null; active: PromotionRow[]; note: string | null }
  | { status: 'none' | 'unavailable'; reason: string };

export type ReviewGap = GapView | { status: 'missing'; atMs: number; reason: string };

export interface DailyReview {
  /** ET date reviewed. */
  date: string;
  /** End of the day, or now when reviewing today: marks, events and gap are as of this instant. */
  asOfMs: number;
  liveRunId: string | null;
  note: string | null;
  opened: { trades: number; contracts: number; creditUsd: number; traders: number };
  closed: {
    trades: number;
    wins: number;
    losses: number;
    /** Closed by an exit rule plus settled at expiry, after all fees. */
    realizedUsd: number;
    closedUsd: number;
    expiredUsd: number;
    feesUsd: number;
    winRate: number | null;
  };
  exitsByReason: { reason: string; trades: number; pnlUsd: number }[];
  /**
   * Positions open at the end of the day, marked to market at the live farm's last mark (seed #21:
   * the old summary counted the entry credit as open P&L). Entry fees are included, exit fees not.
   */
  open: {
    positions: number;
    contracts: number;
    creditUsd: number;
    unrealizedUsd: number;
    maxLossUsd: number;
    markedAtMs: number | null;
    /** Open at the end of the day but closed since: their mark on that day was not kept. */
    closedSince: number;
    bySpread: OpenSpread[];
  };
  traders: { best: TraderDay[]; worst: TraderDay[] };
  promotions: PromotionsView;
  events: { entries: CalendarEntry[]; warnings: string[] };
  gap: ReviewGap;
  /** Outbox state, so a failed notification is seen here too. */
  notifications: {
    pending: number;
    failed: number;
    lastFailed: { id: number; kind: string; reason: string }[];
  } | null;
}

const LIVE_RUN_KEY = 'live_run_id';
const TOP = 5;

/** The daily review of the live farm (the seed's get_trade_activity_summary, done from the positions table). */
export async function dailyReview(deps: ReviewDeps, opts: { date?: string } = {}): Promise<DailyReview> {
  const cal = deps.market;
  const today = cal.etDate(deps.nowMs);
  const date = opts.date ?? today;
  if (date > today) throw new UsageError(`--date ${date} is in the future (today is ${today} ET)`);
  const startMs = cal.etToUtcMs(date, '00:00');
  const endMs = cal.etToUtcMs(addDays(date, 1), '00:00');
  const asOfMs = Math.min(deps.nowMs, endMs - 1);
  const db = deps.store.db;
  const runId = liveRunId(deps.store);

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
    promotions: readPromotions(deps.store, startMs, endMs),
    events: upcomingEvents(deps, asOfMs),
    gap: await gapAt(deps, asOfMs),
    notifications: outboxCounts(deps.store),
  };
  if (!runId) return review;

  const o = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(contracts), 0) AS contracts, coalesce(sum(credit_pips * contracts), 0) AS credit,
         count(DISTINCT trader_id) AS traders
       FROM positions WHERE run_id = ? AND entry_ms >= ? AND entry_ms < ?`,
    )
    .get(runId, startMs, endMs) as { n: number; contracts: number; credit: number; traders: number };
  review.opened = { trades: o.n, contracts: o.contracts, creditUsd: o.credit / 100, traders: o.traders };

  const reasons = db
    .prepare(
      `SELECT coalesce(exit_reason, 'unknown') AS reason, count(*) AS n, sum(pnl_cents) AS pnl, sum(fees_cents) AS fees,
         sum(pnl_cents > 0) AS wins
       FROM positions WHERE run_id = ? AND status = 'closed' AND exit_ms >= ? AND exit_ms < ?
       GROUP BY reason ORDER BY n DESC, reason`,
    )
    .all(runId, startMs, endMs) as {
    reason: string;
    n: number;
    pnl: number;
    fees: number | null;
    wins: number;
  }[];
  const c = review.closed;
  // Sum in integer cents; dollars only at the end.
  let closedCents = 0;
  let expiredCents = 0;
  let feesCents = 0;
  for (const r of reasons) {
    c.trades += r.n;
    c.wins += r.wins;
    feesCents += r.fees ?? 0;
    if (r.reason === 'expiry') expiredCents += r.pnl;
    else closedCents += r.pnl;
    review.exitsByReason.push({ reason: r.reason, trades: r.n, pnlUsd: r.pnl / 100 });
  }
  c.losses = c.trades - c.wins;
  c.closedUsd = closedCents / 100;
  c.expiredUsd = expiredCents / 100;
  c.realizedUsd = (closedCents + expiredCents) / 100;
  c.feesUsd = feesCents / 100;
  c.winRate = c.trades ? c.wins / c.trades : null;

  review.open = openPositions(deps, runId, endMs);
  review.traders = bestAndWorst(deps.store, runId, startMs, endMs);
  return review;
}

function liveRunId(store: Store): string | null {
  const id = store.getSetting<string>(LIVE_RUN_KEY);
  if (id && store.getRun(id)) return id;
  const row = store.db
    .prepare("SELECT id FROM runs WHERE kind = 'live' ORDER BY created_ms DESC, rowid DESC LIMIT 1")
    .get() as { id: string } | undefined;
  return row?.id ?? null;
}

function openPositions(deps: ReviewDeps, runId: string, endMs: number): DailyReview['open'] {
  const db = deps.store.db;
  const rules = db.prepare('SELECT rules_json FROM farm_runs WHERE run_id = ?').get(runId) as
    | { rules_json: string }
    | undefined;
  let feeUsd = deps.feePerContractPerLegUsd;
  if (rules) {
    const f = (JSON.parse(rules.rules_json) as { feePerContractPerLegUsd?: unknown }).feePerContractPerLegUsd;
    if (typeof f === 'number' && Number.isFinite(f)) feeUsd = f;
  }
  const entryFeeCents = Math.round(feeUsd * 100) * 2;
  const marked = db.prepare('SELECT created_ms FROM farm_checkpoints WHERE run_id = ?').get(runId) as
    | { created_ms: number }
    | undefined;
  // Still open now: the last mark applies. Open then but closed since: no mark of that day survives.
  const spreads = db
    .prepare(
      `SELECT symbol, expiry, short_strike AS shortStrike, long_strike AS longStrike, count(*) AS n,
         sum(contracts) AS contracts, sum(credit_pips * contracts) AS credit,
         sum((credit_pips - last_mark_pips) * contracts) AS gross, sum(max_loss_cents) AS maxLoss
       FROM positions WHERE run_id = ? AND status = 'open' AND entry_ms < ?
       GROUP BY symbol, expiry, short_strike, long_strike ORDER BY contracts DESC, expiry, short_strike`,
    )
    .all(runId, endMs) as {
    symbol: string;
    expiry: string;
    shortStrike: number;
    longStrike: number;
    n: number;
    contracts: number;
    credit: number;
    gross: number;
    maxLoss: number;
  }[];
  const { since } = db
    .prepare(
      "SELECT count(*) AS since FROM positions WHERE run_id = ? AND status = 'closed' AND entry_ms < ? AND exit_ms >= ?",
    )
    .get(runId, endMs, endMs) as { since: number };
  const out: DailyReview['open'] = {
    positions: 0,
    contracts: 0,
    creditUsd: 0,
    unrealizedUsd: 0,
    maxLossUsd: 0,
    markedAtMs: spreads.length ? (marked?.created_ms ?? null) : null,
    closedSince: since,
    bySpread: [],
  };
  let credit = 0;
  let unrealizedCents = 0;
  let maxLoss = 0;
  for (const s of spreads) {
    const cents = s.gross - entryFeeCents * s.contracts;
    const unrealized = cents / 100;
    out.positions += s.n;
    out.contracts += s.contracts;
    credit += s.credit;
    unrealizedCents += cents;
    maxLoss += s.maxLoss;
    out.bySpread.push({
      symbol: s.symbol,
      expiry: s.expiry,
      shortStrike: s.shortStrike,
      longStrike: s.longStrike,
      positions: s.n,
      contracts: s.contracts,
      creditUsd: s.credit / 100,
      unrealizedUsd: unrealized,
    });
  }
  out.creditUsd = credit / 100;
  out.unrealizedUsd = unrealizedCents / 100;
  out.maxLossUsd = maxLoss / 100;
  return out;
}

function bestAndWorst(store: Store, runId: string, startMs: number, endMs: number): DailyReview['traders'] {
  const db = store.db;
  const sql = (order: 'DESC' | 'ASC') =>
    `SELECT trader_id AS trader, count(*) AS trades, sum(pnl_cents > 0) AS wins, sum(pnl_cents) AS pnl
     FROM positions WHERE run_id = ? AND status = 'closed' AND exit_ms >= ? AND exit_ms < ?
     GROUP BY trader_id ORDER BY pnl ${order}, trader_id LIMIT ${TOP}`;
  type Row = { trader: number; trades: number; wins: number; pnl: number };
  const best = db.prepare(sql('DESC')).all(runId, startMs, endMs) as Row[];
  const worst = db.prepare(sql('ASC')).all(runId, startMs, endMs) as Row[];
  const grid = liveGrid(store, runId);
  const view = (r: Row): TraderDay => ({
    trader: r.trader,
    trades: r.trades,
    wins: r.wins,
    realizedUsd: r.pnl / 100,
    config: traderConfig(grid, r.trader),
  });
  return { best: best.map(view), worst: worst.map(view) };
}

function liveGrid(store: Store, runId: string) {
  const row = store.db.prepare('SELECT grid_json FROM farm_runs WHERE run_id = ?').get(runId) as
    | { grid_json: string }
    | undefined;
  if (!row) return null;
  try {
    return parseGrid(row.grid_json, 'live farm grid');
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
export function readPromotions(store: Store, startMs: number, endMs: number): PromotionsView {
  type Row = {
    trader_id: number;
    run_id: string;
    config_json: string;
    active: number;
    rank: number;
    promoted_ms: number;
  };
  const toRow = (r: Row): PromotionRow => ({
    trader: r.trader_id,
    runId: r.run_id,
    rank: r.rank,
    active: r.active === 1,
    promotedMs: r.promoted_ms,
    config: JSON.parse(r.config_json) as Record<string, unknown>,
  });
  const active = (
    store.db
      .prepare(
        'SELECT trader_id, run_id, config_json, active, rank, promoted_ms FROM promotions WHERE active = 1 ORDER BY rank, trader_id LIMIT 20',
      )
      .all() as Row[]
  ).map(toRow);
  const promotedOnDate = (
    store.db
      .prepare(
        'SELECT trader_id, run_id, config_json, active, rank, promoted_ms FROM promotions WHERE promoted_ms >= ? AND promoted_ms < ? ORDER BY rank, trader_id LIMIT 50',
      )
      .all(startMs, endMs) as Row[]
  ).map(toRow);
  if (!active.length && !promotedOnDate.length)
    return { status: 'none', reason: 'no promotions yet (`argus promote` has not run)' };
  return { status: 'ok', active, promotedOnDate, note: null };
}

function upcomingEvents(deps: ReviewDeps, asOfMs: number): DailyReview['events'] {
  const from = deps.market.etDate(asOfMs);
  const to = addDays(from, deps.eventDays ?? 7);
  try {
    const r = calendarEntries(
      { fromDate: from, toDate: to, types: ['fomc', 'cpi', 'market'] },
      { market: deps.market, economic: deps.economic },
    );
    const entries = r.entries.filter((e) => (e.timeMs === null ? e.date > from : e.timeMs > asOfMs));
    return { entries, warnings: r.warnings };
  } catch (err) {
    return { entries: [], warnings: [(err as Error).message] };
  }
}

async function gapAt(deps: ReviewDeps, atMs: number): Promise<ReviewGap> {
  if (!deps.gap) return { status: 'missing', atMs, reason: 'no market data source' };
  try {
    return await deps.gap(atMs);
  } catch (err) {
    // A provider outage (seed #24: Yahoo breaks often) costs the gap line, not the review.
    return { status: 'missing', atMs, reason: (err as Error).message };
  }
}

function outboxCounts(store: Store): DailyReview['notifications'] {
  const has = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!has) return null;
  const r = store.db
    .prepare(
      "SELECT coalesce(sum(status IN ('pending', 'sending')), 0) AS pending, coalesce(sum(status = 'failed'), 0) AS failed FROM outbox",
    )
    .get() as { pending: number; failed: number };
  const lastFailed = store.db
    .prepare(
      "SELECT id, kind, coalesce(last_error, '') AS reason FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT 3",
    )
    .all() as { id: number; kind: string; reason: string }[];
  return { pending: r.pending, failed: r.failed, lastFailed };
}

/** Compact plain text of the review, for Telegram (no tables: chat fonts are proportional). */
export function reviewText(r: DailyReview, fmtTime: (ms: number) => string): string {
  const lines = [`Argus — daily review ${r.date} (as of ${fmtTime(r.asOfMs)})`];
  if (r.note) lines.push(`Note: ${r.note}`);
  const c = r.closed;
  lines.push(
    `Opened ${r.opened.trades} (${r.opened.contracts} contracts, ${formatMoney(r.opened.creditUsd)} credit, ${r.opened.traders} traders)`,
  );
  lines.push(
    `Closed ${c.trades}: realised ${formatMoney(c.realizedUsd)} (exits ${formatMoney(c.closedUsd)}, expiries ${formatMoney(c.expiredUsd)}); wins ${c.wins}, losses ${c.losses}${c.winRate === null ? '' : ` (${formatPct(c.winRate, 0)})`}`,
  );
  if (r.exitsByReason.length) {
    lines.push(
      `Exits: ${r.exitsByReason.map((e) => `${e.reason} ${e.trades} (${formatMoney(e.pnlUsd)})`).join(', ')}`,
    );
  }
  const op = r.open;
  lines.push(
    `Open ${op.positions} (${op.contracts} contracts): unrealised ${formatMoney(op.unrealizedUsd)} marked ${op.markedAtMs === null ? 'never' : fmtTime(op.markedAtMs)}; credit ${formatMoney(op.creditUsd)}, max loss ${formatMoney(op.maxLossUsd)}${op.closedSince ? `; ${op.closedSince} more closed since` : ''}`,
  );
  const trader = (t: TraderDay) => `#${t.trader} ${formatMoney(t.realizedUsd)} (${t.trades})`;
  if (r.traders.best.length) lines.push(`Best: ${r.traders.best.slice(0, 3).map(trader).join(', ')}`);
  if (r.traders.worst.length) lines.push(`Worst: ${r.traders.worst.slice(0, 3).map(trader).join(', ')}`);
  const p = r.promotions;
  if (p.status === 'ok') {
    const today = p.promotedOnDate ?? [];
    lines.push(
      `Promotions: ${today.length ? today.map((x) => `#${x.trader}`).join(', ') : 'none today'}; ${p.active.length} active`,
    );
  }
  if (r.events.entries.length) {
    lines.push(
      `Upcoming: ${r.events.entries
        .slice(0, 6)
        .map((e) => `${e.title} ${e.timeMs === null ? e.date : fmtTime(e.timeMs)}`)
        .join('; ')}`,
    );
  } else lines.push('Upcoming: no FOMC, CPI or market closures in the next 7 days');
  const g = r.gap;
  if (g.status === 'ok') {
    lines.push(
      `Gap: BTC ${formatPct(g.btcMoveFrac, 2, true)} since the ${g.sessionDate} close; implied IBIT open ${formatMoney(g.impliedIbitOpen)} vs close ${formatMoney(g.ibitClose)}`,
    );
  } else lines.push(`Gap: unknown (${g.reason})`);
  const n = r.notifications;
  if (n?.failed) {
    lines.push(
      `Notifications failed: ${n.failed}; latest ${n.lastFailed.map((f) => `#${f.id} ${f.kind}: ${f.reason}`).join('; ')}`,
    );
  }
  return lines.join('\n');
}
