import type { DrillResult } from '../farm/resim.js';
import type { EtfSymbol } from '../market/port.js';
import type { MarketCalendar } from '../time/market-calendar.js';
import { MS_PER_DAY } from '../units.js';
import type { BoardRun } from './board-run.js';

/** A live farm position as the positions table keeps it. */
export interface LiveTraderPosition {
  symbol: EtfSymbol;
  expiry: string;
  short_strike: number;
  long_strike: number;
  contracts: number;
  credit_pips: number;
  entry_ms: number;
  last_mark_pips: number;
  status: 'open' | 'closed';
  exit_ms: number | null;
  exit_reason: string | null;
  exit_pips: number | null;
  pnl_cents: number | null;
  fees_cents: number | null;
}

/**
 * One live trader from its positions (a live market cannot be re-simulated). The curve is
 * realised equity at each exit day; open positions are marked at their last mark.
 */
export function liveTrader(
  b: BoardRun,
  cal: MarketCalendar,
  traderId: number,
  rows: readonly LiveTraderPosition[],
): DrillResult {
  const config = b.grid.config(traderId);
  const feeCents = Math.round(b.rules.feePerContractPerLegUsd * 100);
  const spread = (r: LiveTraderPosition) => ({
    symbol: r.symbol,
    expiry: r.expiry,
    shortStrike: r.short_strike,
    longStrike: r.long_strike,
  });
  const closed = rows
    .filter((r) => r.status === 'closed')
    .sort((a, c) => (a.exit_ms ?? 0) - (c.exit_ms ?? 0));
  const trades = closed.map((r) => ({
    entryMs: r.entry_ms,
    exitMs: r.exit_ms ?? r.entry_ms,
    spread: spread(r),
    reason: r.exit_reason ?? 'unknown',
    contracts: r.contracts,
    creditUsd: r.credit_pips / 10_000,
    exitUsd: (r.exit_pips ?? 0) / 10_000,
    pnlUsd: (r.pnl_cents ?? 0) / 100,
    feesUsd: (r.fees_cents ?? 0) / 100,
    days: ((r.exit_ms ?? r.entry_ms) - r.entry_ms) / MS_PER_DAY,
  }));
  const open = rows
    .filter((r) => r.status === 'open')
    .map((r) => ({
      entryMs: r.entry_ms,
      spread: spread(r),
      contracts: r.contracts,
      creditUsd: r.credit_pips / 10_000,
      markUsd: r.last_mark_pips / 10_000,
      openMtmUsd: ((r.credit_pips - r.last_mark_pips) * r.contracts - 2 * feeCents * r.contracts) / 100,
    }));
  let realizedCents = 0;
  const equity: DrillResult['equity'] = [];
  for (const r of closed) {
    realizedCents += r.pnl_cents ?? 0;
    const tMs = r.exit_ms ?? r.entry_ms;
    const date = cal.etDate(tMs);
    const point = { tMs, date, equityUsd: b.rules.capitalUsd + realizedCents / 100 };
    if (equity.length && equity[equity.length - 1].date === date) equity[equity.length - 1] = point;
    else equity.push(point);
  }
  return {
    runId: b.run.id,
    trader: traderId,
    config,
    trades,
    open,
    equity,
    capitalUsd: b.rules.capitalUsd,
    realizedUsd: realizedCents / 100,
    openMtmUsd: open.reduce((a, p) => a + Math.round(p.openMtmUsd * 100), 0) / 100,
    wins: trades.filter((t) => t.pnlUsd > 0).length,
    maxDrawdownUsd: null,
    sharpe: null,
    sortino: null,
    farm: null,
    agrees: null,
    steps: 0,
    elapsedMs: 0,
  };
}
