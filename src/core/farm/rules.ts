/**
 * The farm's fixed rules (everything that is not a grid dimension). Recorded with every run.
 * Money is in cents, option prices in pips ($0.0001 per share, so pips × contracts = cents).
 */
export interface FarmRules {
  capitalUsd: number;
  feePerContractPerLegUsd: number;
  maxOpenPositions: number;
  /** Max loss of open BTC-product positions (IBIT + BITO) as a fraction of equity (the BTC exposure limit). */
  btcExposureFrac: number;
  /** |net delta| in underlying dollars as a fraction of equity (F). */
  deltaCapFrac: number;
  /** Vega in dollars per vol point as a fraction of equity (F). */
  vegaCapFrac: number;
  /** Regime size multipliers (E). */
  regimeSize: { low: number; normal: number; elevated: number; crisis: number };
  /** Warmth sizing clamp (E): size × clamp((warmth − floor)/(10 − floor), min, 1). */
  warmthSizeMin: number;
  /** Event blackouts, ET minutes of the day. */
  cpiBlackoutUntilMin: number;
  fomcBlackoutFromMin: number;
  fomcBlackoutToMin: number;
  /** Close when this many calendar days remain (null = hold to expiry). */
  dteExitDays: number | null;
  /** Theta capture (G): null = off; else close when profit ≥ factor × the expected decay to date. */
  thetaCaptureFactor: number | null;
  /** Smallest credit per share worth selling: below it the ticks and fees eat the trade. */
  minCreditUsd: number;
  /** Drawdown breaker (J). */
  breakerDrawdownFrac: number;
  breakerPauseHours: number;
  monthlyDrawdownFrac: number;
  monthlySizeMult: number;
}

export const DEFAULT_RULES: FarmRules = {
  capitalUsd: 100_000,
  feePerContractPerLegUsd: 0.65,
  maxOpenPositions: 3,
  btcExposureFrac: 0.3,
  deltaCapFrac: 0.25,
  vegaCapFrac: 0.01,
  regimeSize: { low: 1, normal: 1, elevated: 0.5, crisis: 0 },
  warmthSizeMin: 0.25,
  cpiBlackoutUntilMin: 10 * 60 + 30,
  fomcBlackoutFromMin: 13 * 60,
  fomcBlackoutToMin: 15 * 60 + 30,
  dteExitDays: null,
  thetaCaptureFactor: null,
  minCreditUsd: 0.05,
  breakerDrawdownFrac: 0.1,
  breakerPauseHours: 24,
  monthlyDrawdownFrac: 0.15,
  monthlySizeMult: 0.5,
};

export const MAX_SLOTS = 8;

/** Exit reasons, in the order they are checked. */
export const EXIT_REASON = {
  none: 0,
  assignment: 1,
  stop: 2,
  profitTarget: 3,
  trailingStop: 4,
  dte: 5,
  thetaCapture: 6,
  expiry: 7,
} as const;
export type ExitReason = (typeof EXIT_REASON)[keyof typeof EXIT_REASON];
export const EXIT_REASON_NAMES = [
  'none',
  'assignment',
  'stop',
  'profit_target',
  'trailing_stop',
  'dte',
  'theta_capture',
  'expiry',
] as const;

/** Entry skip reasons. 0 = enter. Codes below 16 come from the kernel, the rest from the host. */
export const SKIP = {
  enter: 0,
  marketClosed: 1,
  blackout: 2,
  warmth: 3,
  ivRank: 4,
  session: 5,
  regime: 6,
  breaker: 7,
  noCandidate: 8,
  maxOpen: 9,
  duplicate: 10,
  symbol: 11,
  zeroContracts: 16,
  exposureCap: 17,
  deltaCap: 18,
  vegaCap: 19,
} as const;
export const SKIP_NAMES: Record<number, string> = {
  1: 'market closed',
  2: 'event blackout',
  3: 'warmth below floor',
  4: 'IV rank below floor',
  5: 'outside session window',
  6: 'regime (crisis: size 0)',
  7: 'drawdown breaker',
  8: 'no candidate spread',
  9: 'max open positions',
  10: 'already holds this spread',
  11: 'no data for symbol',
  16: 'size rounds to zero contracts',
  17: 'BTC exposure cap',
  18: 'delta cap',
  19: 'vega cap',
};
