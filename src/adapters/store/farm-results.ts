import type { FarmSummary } from '../../core/farm/ports.js';
import type { DailySample, FarmFigures } from '../../core/farm/resim.js';
import type { BoardRun } from '../../core/judge/board-run.js';
import type { DimensionFilter } from '../../core/judge/dimensions.js';
import type { LiveTraderPosition } from '../../core/judge/live-trader.js';
import type { FarmResults, FarmRunRecord, GroupSeries, RankQuery } from '../../core/judge/ports.js';
import { type LevelStats, liveLevelStats, type TraderStatRow } from '../../core/judge/ranking.js';
import { f32, f64, i32 } from './blobs.js';
import type { Db } from './db.js';
import { LEVEL_EXPR, orderBy, registerMedian, SORT_EXPR, whereTerms } from './leaderboard-sql.js';

const STAT_COLUMNS = `trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins, gross_profit_cents,
  gross_loss_cents, fees_cents, days_in_trade, max_drawdown_cents, max_drawdown_frac, sharpe, sortino, win_rate, profit_factor,
  no_stop_share, span_derived_cents, span_no_options_cents`;

/**
 * The live farm's per-trader figures from its positions: closed trades are realised, open ones
 * marked at their last mark (the engine's formula: credit − mark, less the entry legs' fees).
 * Exposes trader_stats' column names so the same fixed fragments rank it.
 */
const LIVE_SOURCE = `(
  SELECT trader_id,
    total(CASE WHEN status = 'closed' THEN pnl_cents END) AS realized_cents,
    total(CASE WHEN status = 'open' THEN (credit_pips - last_mark_pips) * contracts - 2 * ? * contracts END) AS open_mtm_cents,
    count(CASE WHEN status = 'open' THEN 1 END) AS open_positions,
    count(CASE WHEN status = 'closed' THEN 1 END) AS trades,
    count(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN 1 END) AS wins,
    total(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN pnl_cents END) AS gross_profit_cents,
    total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) AS gross_loss_cents,
    total(CASE WHEN status = 'closed' THEN fees_cents END) AS fees_cents,
    total(CASE WHEN status = 'closed' THEN (exit_ms - entry_ms) / 86400000.0 END) AS days_in_trade,
    NULL AS max_drawdown_cents, NULL AS max_drawdown_frac, NULL AS sharpe, NULL AS sortino,
    CASE WHEN count(CASE WHEN status = 'closed' THEN 1 END) > 0
      THEN count(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN 1 END) * 1.0 / count(CASE WHEN status = 'closed' THEN 1 END) END AS win_rate,
    CASE WHEN total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) > 0
      THEN total(CASE WHEN status = 'closed' AND pnl_cents > 0 THEN pnl_cents END)
        / total(CASE WHEN status = 'closed' AND pnl_cents <= 0 THEN -pnl_cents END) END AS profit_factor,
    avg(CASE WHEN stop_mid_pips * contracts >= max_loss_cents + credit_pips * contracts THEN 1.0 ELSE 0.0 END) AS no_stop_share,
    NULL AS span_derived_cents, NULL AS span_no_options_cents
  FROM positions WHERE run_id = ? GROUP BY trader_id
)`;

/** FROM … WHERE for the run's per-trader rows (farm: trader_stats; live: positions aggregated). */
function source(b: BoardRun): { sql: string; params: (number | string)[] } {
  if (b.live) {
    return {
      sql: `FROM ${LIVE_SOURCE} WHERE 1 = 1`,
      params: [Math.round(b.rules.feePerContractPerLegUsd * 100), b.run.id],
    };
  }
  return { sql: 'FROM trader_stats WHERE run_no = ?', params: [b.runNo] };
}

/** Reads of farm_runs, trader_stats, farm_blobs and positions for the leaderboard, drill-down and promotion. */
export class SqliteFarmResults implements FarmResults {
  constructor(private readonly db: Db) {}

  farmRun(runId: string): FarmRunRecord | null {
    const r = this.db
      .prepare(
        'SELECT run_no, grid_json, rules_json, fill_json, months_json, traders, steps_total, spans_json FROM farm_runs WHERE run_id = ?',
      )
      .get(runId) as
      | {
          run_no: number;
          grid_json: string;
          rules_json: string;
          fill_json: string;
          months_json: string;
          traders: number;
          steps_total: number;
          spans_json: string | null;
        }
      | undefined;
    if (!r) return null;
    return {
      runNo: r.run_no,
      gridJson: r.grid_json,
      rulesJson: r.rules_json,
      fillJson: r.fill_json,
      monthsJson: r.months_json,
      traders: r.traders,
      stepsTotal: r.steps_total,
      spansJson: r.spans_json,
    };
  }

  rankTraders(b: BoardRun, q: RankQuery): { rows: TraderStatRow[]; matching: number } {
    const src = source(b);
    const w = whereTerms(b.grid, q.filters, q.minTrades);
    const notNull = q.sort.nullable ? ` AND ${SORT_EXPR[q.sort.key]} IS NOT NULL` : '';
    const cond = `${src.sql}${w.sql}${notNull}`;
    const params = [...src.params, ...w.params];
    // Every fragment comes from the fixed tables in leaderboard-sql.ts; user values are bound parameters.
    const rows = this.db
      .prepare(`SELECT ${STAT_COLUMNS} ${cond} ${orderBy(q.sort, q.reverse)} LIMIT ?`)
      .all(...params, q.limit) as TraderStatRow[];
    // Without a nullable sort key every term is in the trades index: the count reads only that range.
    const wc = q.sort.nullable ? w : whereTerms(b.grid, q.filters, q.minTrades, true);
    const matching = (
      this.db
        .prepare(`SELECT count(*) AS n ${src.sql}${wc.sql}${notNull}`)
        .get(...src.params, ...wc.params) as {
        n: number;
      }
    ).n;
    return { rows, matching };
  }

  levelStats(
    b: BoardRun,
    index: number,
    filters: readonly DimensionFilter[],
    minTrades: number,
  ): LevelStats[] {
    const w = whereTerms(b.grid, filters, minTrades);
    if (b.live) {
      // Positions keep no row for a trader that never traded: the levels are summed in core.
      const src = source(b);
      const rows = this.db
        .prepare(
          `SELECT trader_id, realized_cents, open_mtm_cents, open_positions, trades, wins ${src.sql}${w.sql}`,
        )
        .all(...src.params, ...w.params) as TraderStatRow[];
      return liveLevelStats(b.grid, index, rows, filters, minTrades);
    }
    // One SQL pass over trader_stats grouped by the dimension digit.
    registerMedian(this.db);
    return this.db
      .prepare(
        `SELECT ${LEVEL_EXPR} AS lv, count(*) AS traders, count(nullif(trades, 0)) AS traded, total(trades) AS trades,
           total(wins) AS wins, avg(realized_cents) AS mean_realized, argus_median(realized_cents) AS median_realized,
           avg(sharpe) AS mean_sharpe, count(sharpe) AS sharpe_n, avg(open_mtm_cents) AS mean_open_mtm,
           total(open_positions) AS open_positions
         FROM trader_stats WHERE run_no = ?${w.sql} GROUP BY lv`,
      )
      .all(b.grid.strides[index], b.grid.sizes[index], b.runNo, ...w.params) as LevelStats[];
  }

  livePositions(runId: string, traderId: number): LiveTraderPosition[] {
    return this.db
      .prepare(
        `SELECT symbol, expiry, short_strike, long_strike, contracts, credit_pips, entry_ms, last_mark_pips, status,
           exit_ms, exit_reason, exit_pips, pnl_cents, fees_cents
         FROM positions WHERE run_id = ? AND trader_id = ? ORDER BY entry_ms, id`,
      )
      .all(runId, traderId) as LiveTraderPosition[];
  }

  traderFigures(runNo: number, traderId: number): FarmFigures | null {
    const r = this.db
      .prepare(
        `SELECT trades, wins, realized_cents, open_mtm_cents, open_positions, max_drawdown_cents, sharpe, sortino,
           span_derived_cents, span_no_options_cents
         FROM trader_stats WHERE run_no = ? AND trader_id = ?`,
      )
      .get(runNo, traderId) as
      | {
          trades: number;
          wins: number;
          realized_cents: number;
          open_mtm_cents: number;
          open_positions: number;
          max_drawdown_cents: number;
          sharpe: number | null;
          sortino: number | null;
          span_derived_cents: number | null;
          span_no_options_cents: number | null;
        }
      | undefined;
    if (!r) return null;
    return {
      trades: r.trades,
      wins: r.wins,
      realizedUsd: r.realized_cents / 100,
      openMtmUsd: r.open_mtm_cents / 100,
      openPositions: r.open_positions,
      maxDrawdownUsd: r.max_drawdown_cents / 100,
      sharpe: r.sharpe,
      sortino: r.sortino,
      spanPnlUsd: [r.span_derived_cents, r.span_no_options_cents].map((c) => (c === null ? null : c / 100)),
    };
  }

  monthlyCents(runId: string): Int32Array | null {
    const b = this.blob(runId, 'monthly_cents');
    return b ? i32(b.data) : null;
  }

  dailySample(runId: string): DailySample | null {
    const sample = this.blob(runId, 'daily_sample');
    const ids = this.blob(runId, 'daily_sample_ids');
    if (!sample || !ids) return null;
    return {
      ids: i32(ids.data),
      daily: f32(sample.data),
      days: (JSON.parse(sample.meta_json) as { days: number }).days,
    };
  }

  groupSeries(runId: string): GroupSeries | null {
    const sumSq = this.series(runId, 'monthly_sumsq');
    const daily = this.series(runId, 'group_daily');
    if (!sumSq || !daily) return null;
    const meta = JSON.parse(daily.meta_json) as { days: number; groups: number };
    return {
      monthlySumSq: f32(sumSq.data),
      groupDaily: f64(daily.data),
      days: meta.days,
      groups: meta.groups,
    };
  }

  private series(runId: string, name: string): { meta_json: string; data: Buffer } | null {
    const row = this.db
      .prepare('SELECT meta_json, data FROM farm_series WHERE run_id = ? AND name = ?')
      .get(runId, name) as { meta_json: string; data: Buffer } | undefined;
    return row ?? null;
  }

  firstTradeMs(runNo: number, traders: number): Float64Array {
    const out = new Float64Array(traders).fill(Number.NaN);
    const rows = this.db
      .prepare(
        'SELECT trader_id, first_trade_ms FROM trader_stats WHERE run_no = ? AND first_trade_ms IS NOT NULL',
      )
      .raw()
      .iterate(runNo) as IterableIterator<[number, number]>;
    for (const [id, ms] of rows) out[id] = ms;
    return out;
  }

  yearlyRiskCents(runId: string): { years: string[]; data: Float64Array } | null {
    const row = this.db
      .prepare("SELECT meta_json, data FROM farm_series WHERE run_id = ? AND name = 'yearly_risk_cents'")
      .get(runId) as { meta_json: string; data: Buffer } | undefined;
    if (!row) return null;
    const b = row.data;
    return {
      years: (JSON.parse(row.meta_json) as { years: string[] }).years,
      data: new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
    };
  }

  runSummary(runId: string): FarmSummary | null {
    const row = this.db.prepare('SELECT summary_json FROM farm_runs WHERE run_id = ?').get(runId) as
      | { summary_json: string | null }
      | undefined;
    return row?.summary_json ? (JSON.parse(row.summary_json) as FarmSummary) : null;
  }

  private blob(runId: string, name: string): { meta_json: string; data: Buffer } | null {
    const row = this.db
      .prepare('SELECT meta_json, data FROM farm_blobs WHERE run_id = ? AND name = ?')
      .get(runId, name) as { meta_json: string; data: Buffer } | undefined;
    return row ?? null;
  }
}
