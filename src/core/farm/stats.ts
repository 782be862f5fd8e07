import type { FarmHost } from './host.js';

const ANNUAL = Math.sqrt(252);

/** Sharpe and Sortino of daily marked-to-market P&L over NYSE days, annualised with √252. */
export function sharpeSortino(
  n: number,
  sum: number,
  sumSq: number,
  downSq: number,
): { sharpe: number | null; sortino: number | null } {
  if (n < 2) return { sharpe: null, sortino: null };
  const mean = sum / n;
  const variance = (sumSq - n * mean * mean) / (n - 1);
  const sd = variance > 0 ? Math.sqrt(variance) : 0;
  const dd = Math.sqrt(downSq / n);
  return { sharpe: sd > 0 ? (mean / sd) * ANNUAL : null, sortino: dd > 0 ? (mean / dd) * ANNUAL : null };
}

/** trader_stats' columns after run_no, in the order of traderStatRow(); the last two by SPAN_KINDS. */
export const STAT_FIELDS = [
  'trader_id',
  'realized_cents',
  'open_mtm_cents',
  'open_positions',
  'trades',
  'wins',
  'gross_profit_cents',
  'gross_loss_cents',
  'fees_cents',
  'days_in_trade',
  'first_trade_ms',
  'last_trade_ms',
  'max_drawdown_cents',
  'max_drawdown_frac',
  'daily_n',
  'daily_sum',
  'daily_sum_sq',
  'daily_down_sq',
  'sharpe',
  'sortino',
  'win_rate',
  'profit_factor',
  'no_stop_share',
  'span_derived_cents',
  'span_no_options_cents',
] as const;

/** The row of the host's trader i for trader_stats, in STAT_FIELDS order (its grid trader id first). */
export function traderStatRow(host: FarmHost, i: number): (number | null)[] {
  const t = host.state.t;
  const days = host.state.days;
  const { sharpe, sortino } = sharpeSortino(days, t.dailySum[i], t.dailySumSq[i], t.dailyDownSq[i]);
  const trades = t.trades[i];
  return [
    host.firstTrader + i,
    Math.round(t.realizedCents[i]),
    Math.round(t.openMtmCents[i]),
    t.openCount[i],
    trades,
    t.wins[i],
    Math.round(t.grossProfitCents[i]),
    Math.round(t.grossLossCents[i]),
    Math.round(t.feesCents[i]),
    t.daysInTrade[i],
    Number.isNaN(t.firstTradeMs[i]) ? null : t.firstTradeMs[i],
    Number.isNaN(t.lastTradeMs[i]) ? null : t.lastTradeMs[i],
    Math.round(t.maxDrawdownCents[i]),
    t.maxDrawdownFrac[i],
    days,
    t.dailySum[i],
    t.dailySumSq[i],
    t.dailyDownSq[i],
    sharpe,
    sortino,
    trades > 0 ? t.wins[i] / trades : null,
    t.grossLossCents[i] > 0 ? t.grossProfitCents[i] / t.grossLossCents[i] : null,
    t.entries[i] > 0 ? t.noStopEntries[i] / t.entries[i] : null,
    ...host.spanPnlCents(i).map((c) => (c === null ? null : Math.round(c))),
  ];
}

/** Every trader's row, one at a time: 432k rows held at once would be the run's peak memory. */
export function* traderStatRows(host: FarmHost): Generator<(number | null)[]> {
  for (let i = 0; i < host.state.traders; i++) yield traderStatRow(host, i);
}
