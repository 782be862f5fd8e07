import type { EtfSymbol } from '../market/port.js';
import type { TraderConfig } from './grid.js';
/** One trader of a backtest re-simulated by the reference implementation: its trades, open positions and figures. */
export interface DrillSpread {
  symbol: EtfSymbol;
  expiry: string;
  shortStrike: number;
  longStrike: number;
}

export interface DrillTrade {
  entryMs: number;
  exitMs: number;
  spread: DrillSpread;
  reason: string;
  contracts: number;
  /** Per share, as filled at entry. */
  creditUsd: number;
  /** Per share: the closing debit, the assignment debit, or the settlement value at expiry. */
  exitUsd: number;
  /** After all fees. */
  pnlUsd: number;
  feesUsd: number;
  days: number;
}

export interface DrillOpenPosition {
  entryMs: number;
  spread: DrillSpread;
  contracts: number;
  creditUsd: number;
  /** The last mark (spread mid per share): open MtM, not realised. */
  markUsd: number;
  openMtmUsd: number;
}

/** What the farm stored for this trader (trader_stats), to hold the re-simulation against. */
export interface FarmFigures {
  trades: number;
  wins: number;
  realizedUsd: number;
  openMtmUsd: number;
  openPositions: number;
  maxDrawdownUsd: number;
  sharpe: number | null;
  sortino: number | null;
}

export interface DrillResult {
  runId: string;
  trader: number;
  config: TraderConfig;
  trades: DrillTrade[];
  open: DrillOpenPosition[];
  /** Marked-to-market equity at each NYSE close of the window. */
  equity: { tMs: number; date: string; equityUsd: number }[];
  capitalUsd: number;
  /** Closed and expired trades only. */
  realizedUsd: number;
  /** Open positions at the end, marked to market: not realised. */
  openMtmUsd: number;
  wins: number;
  /** Marked to market (null where no marked series exists: the live farm). */
  maxDrawdownUsd: number | null;
  sharpe: number | null;
  sortino: number | null;
  farm: FarmFigures | null;
  /** Each figure equal to the farm's (null: the farm has no figure for it). */
  agrees: {
    trades: boolean;
    realized: boolean;
    openMtm: boolean;
    maxDrawdown: boolean;
    sharpe: boolean;
    /** The daily P&L against the farm's daily sample, when this trader is in it. */
    dailyPnl: boolean | null;
  } | null;
  steps: number;
  elapsedMs: number;
}
