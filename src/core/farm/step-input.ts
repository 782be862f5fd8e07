/** What the market says at one step, shared by every trader (built once per step). */

/** Marks a debit that could not fill (a real debit may be ≤ 0 when quotes pay you to close). */
export const NO_FILL = -1_000_000_000;

export interface EntryCandidate {
  spreadId: number;
  /** Credit per share at the fill model, pips. */
  creditPips: number;
  /** Spread mid per share at entry, pips (the trailing stop's first mark). */
  midPips: number;
  /** Max loss per contract in cents = width − credit (pips per share = cents per contract). */
  maxLossCents: number;
  /** Position delta per contract in underlying dollars (a short put spread is long delta). */
  deltaUsd: number;
  /** Position vega per contract, dollars per vol point (negative: short vega). */
  vegaUsd: number;
}

export interface SpreadMark {
  /** Spread mid (short mid − long mid) per share, pips; −1 = could not mark. */
  midPips: number;
  /** Cost to close through the fill model, pips; NO_FILL = no fill (missing or stale quote). */
  closeDebitPips: number;
  noFillReason: string | null;
  /** The short was exercised early at the last close: settled now, at the next session's open. */
  assign: boolean;
  /** Strike − the open for the short's shares, less the long sold (or exercised) at the open. */
  assignDebitPips: number;
  /** Settles now: at the expiry close, or at the next open when only the short was in the money. */
  expiresNow: boolean;
  /** The spread's intrinsic value at the expiry close, or strike − the next open for a short delivered alone, pips. */
  settlePips: number;
  /** The spread's greeks per contract at this mark (as an entry's), for the caps; null = not known now. */
  greeks: { deltaUsd: number; vegaUsd: number } | null;
  /** Calendar days to expiry (for the DTE exit), and the expiry instant. */
  dteDays: number;
  expiryMs: number;
}

export type Regime = 'low' | 'normal' | 'elevated' | 'crisis';

export interface StepInput {
  step: number;
  tMs: number;
  /** Index of this step's month in the run's month list. */
  monthIndex: number;
  /** The daily close step: settle expiries, book daily marked-to-market P&L. */
  isClose: boolean;
  marketOpen: boolean;
  blackout: boolean;
  /** 1.0–10.0, or null when no component is available. */
  warmth: number | null;
  /** 0–100, or null with insufficient history. */
  ivRankPct: number | null;
  /** 0 none (outside the session), 1 morning, 2 midday, 3 afternoon. */
  sessionBucket: number;
  regime: Regime | null;
  /** Per symbol level of the grid: 1 when the symbol's chain is available this step. */
  symbolAvail: number[];
  /** By combo index (symbol, dte, delta, width levels); null = no candidate. */
  candidates: (EntryCandidate | null)[];
  /** By spread id, for every spread held open (and every candidate). */
  marks: Map<number, SpreadMark>;
}
