import type {
  BacktestStepRow,
  ExitRow,
  OpenedRow,
  OpenSpreadRow,
  PromotionRow,
  Reviews,
  TraderDayRow,
} from '../../core/review.js';
import type { Store } from './store.js';

interface PromotionDbRow {
  trader_id: number;
  run_id: string;
  config_json: string;
  active: number;
  rank: number;
  promoted_ms: number;
}

const toPromotion = (r: PromotionDbRow): PromotionRow => ({
  trader: r.trader_id,
  runId: r.run_id,
  rank: r.rank,
  active: r.active === 1,
  promotedMs: r.promoted_ms,
  config: JSON.parse(r.config_json) as Record<string, unknown>,
});

/** The reads of the daily review: the live run's positions, marks and rules, and promotions. */
export class SqliteReviews implements Reviews {
  constructor(private readonly store: Store) {}

  backtestSteps(runId: string): BacktestStepRow[] {
    const rows = this.db
      .prepare(
        'SELECT t_ms, opened, closed, realized_cents, open_positions, exits_json, open_mtm_cents FROM farm_steps WHERE run_id = ? ORDER BY step',
      )
      .all(runId) as {
      t_ms: number;
      opened: number;
      closed: number;
      realized_cents: number;
      open_positions: number;
      exits_json: string | null;
      open_mtm_cents: number | null;
    }[];
    return rows.map((r) => ({
      tMs: r.t_ms,
      opened: r.opened,
      closed: r.closed,
      realizedCents: r.realized_cents,
      openPositions: r.open_positions,
      exits: r.exits_json === null ? null : (JSON.parse(r.exits_json) as Record<string, number>),
      openMtmCents: r.open_mtm_cents,
    }));
  }

  private get db() {
    return this.store.db;
  }

  liveRunId(): string | null {
    const id = this.store.liveRunId();
    if (id && this.store.getRun(id)) return id;
    const row = this.db
      .prepare("SELECT id FROM runs WHERE kind = 'live' ORDER BY created_ms DESC, rowid DESC LIMIT 1")
      .get() as { id: string } | undefined;
    return row?.id ?? null;
  }

  openedBetween(runId: string, startMs: number, endMs: number): OpenedRow {
    const o = this.db
      .prepare(
        `SELECT count(*) AS n, coalesce(sum(contracts), 0) AS contracts, coalesce(sum(credit_pips * contracts), 0) AS credit,
           count(DISTINCT trader_id) AS traders
         FROM positions WHERE run_id = ? AND entry_ms >= ? AND entry_ms < ?`,
      )
      .get(runId, startMs, endMs) as { n: number; contracts: number; credit: number; traders: number };
    return { n: o.n, contracts: o.contracts, creditCents: o.credit, traders: o.traders };
  }

  exitsBetween(runId: string, startMs: number, endMs: number): ExitRow[] {
    const rows = this.db
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
    return rows.map((r) => ({ reason: r.reason, n: r.n, pnlCents: r.pnl, feesCents: r.fees, wins: r.wins }));
  }

  recordedFeeUsd(runId: string): number | null {
    const rules = this.db.prepare('SELECT rules_json FROM farm_runs WHERE run_id = ?').get(runId) as
      | { rules_json: string }
      | undefined;
    if (!rules) return null;
    const f = (JSON.parse(rules.rules_json) as { feePerContractPerLegUsd?: unknown }).feePerContractPerLegUsd;
    return typeof f === 'number' && Number.isFinite(f) ? f : null;
  }

  lastMarkMs(runId: string): number | null {
    const marked = this.db.prepare('SELECT created_ms FROM farm_checkpoints WHERE run_id = ?').get(runId) as
      | { created_ms: number }
      | undefined;
    return marked?.created_ms ?? null;
  }

  openSpreads(runId: string, endMs: number): OpenSpreadRow[] {
    const rows = this.db
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
    return rows.map((s) => ({
      symbol: s.symbol,
      expiry: s.expiry,
      shortStrike: s.shortStrike,
      longStrike: s.longStrike,
      n: s.n,
      contracts: s.contracts,
      creditCents: s.credit,
      grossCents: s.gross,
      maxLossCents: s.maxLoss,
    }));
  }

  closedSince(runId: string, endMs: number): number {
    const { since } = this.db
      .prepare(
        "SELECT count(*) AS since FROM positions WHERE run_id = ? AND status = 'closed' AND entry_ms < ? AND exit_ms >= ?",
      )
      .get(runId, endMs, endMs) as { since: number };
    return since;
  }

  traderDays(
    runId: string,
    startMs: number,
    endMs: number,
    order: 'best' | 'worst',
    limit: number,
  ): TraderDayRow[] {
    // Two fixed statements: the direction is never interpolated from input.
    const sql =
      order === 'best'
        ? `SELECT trader_id AS trader, count(*) AS trades, sum(pnl_cents > 0) AS wins, sum(pnl_cents) AS pnl
           FROM positions WHERE run_id = ? AND status = 'closed' AND exit_ms >= ? AND exit_ms < ?
           GROUP BY trader_id ORDER BY pnl DESC, trader_id LIMIT ?`
        : `SELECT trader_id AS trader, count(*) AS trades, sum(pnl_cents > 0) AS wins, sum(pnl_cents) AS pnl
           FROM positions WHERE run_id = ? AND status = 'closed' AND exit_ms >= ? AND exit_ms < ?
           GROUP BY trader_id ORDER BY pnl ASC, trader_id LIMIT ?`;
    const rows = this.db.prepare(sql).all(runId, startMs, endMs, limit) as {
      trader: number;
      trades: number;
      wins: number;
      pnl: number;
    }[];
    return rows.map((r) => ({ trader: r.trader, trades: r.trades, wins: r.wins, pnlCents: r.pnl }));
  }

  gridJson(runId: string): string | null {
    const row = this.db.prepare('SELECT grid_json FROM farm_runs WHERE run_id = ?').get(runId) as
      | { grid_json: string }
      | undefined;
    return row?.grid_json ?? null;
  }

  activePromotions(limit: number): PromotionRow[] {
    return (
      this.db
        .prepare(
          'SELECT trader_id, run_id, config_json, active, rank, promoted_ms FROM promotions WHERE active = 1 ORDER BY rank, trader_id LIMIT ?',
        )
        .all(limit) as PromotionDbRow[]
    ).map(toPromotion);
  }

  promotionsBetween(startMs: number, endMs: number, limit: number): PromotionRow[] {
    return (
      this.db
        .prepare(
          'SELECT trader_id, run_id, config_json, active, rank, promoted_ms FROM promotions WHERE promoted_ms >= ? AND promoted_ms < ? ORDER BY rank, trader_id LIMIT ?',
        )
        .all(startMs, endMs, limit) as PromotionDbRow[]
    ).map(toPromotion);
  }
}
