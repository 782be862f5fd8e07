/**
 * Following a promoted configuration forward: Wald's sequential probability ratio test on its
 * closed trades' P&L, "the edge it was promoted for" against "no edge". The edge is not the
 * in-sample mean, which the winner's curse inflates, but that mean shrunk toward zero by its own
 * evidence: μ₀ = mean · max(0, 1 − 1/t²) (the positive-part James–Stein factor for one estimate
 * with t = mean / standard error). Wald's bounds fix the error rates: a configuration whose true
 * mean is μ₀ is demoted with probability at most about α/(1 − β), and one with no edge is kept
 * with probability at most about β/(1 − α).
 */
export interface ReviewInput {
  /** Forward closed trades' P&L, oldest first (cents). */
  trades: readonly number[];
  /** In-sample mean and standard deviation per trade (cents), and the mean's t. */
  isMean: number;
  isSd: number;
  isT: number;
  /** False-demotion rate α and missed-demotion rate β. */
  alpha: number;
  beta: number;
}

export interface ReviewVerdict {
  status: 'demote' | 'keep' | 'continue';
  /** The shrunk expectation tested against zero (cents per trade). */
  shrunkMean: number;
  /** Log-likelihood ratio of "no edge" over "the shrunk edge", and Wald's bounds. */
  llr: number;
  demoteAt: number;
  keepAt: number;
  /** Trades read until the decision (all of them when none was reached). */
  trades: number;
  reason: string;
}

/** Per-trade evidence of a sample of closed trades: mean, sample sd and the mean's t (null: fewer than 2 trades, or no spread). */
export interface TradeStats {
  mean: number;
  sd: number;
  t: number;
}

/** What a promotion records so its review never guesses: the in-sample trades' mean, sd (n − 1) and t = mean/(sd/√n). */
export function tradeStats(pnls: readonly number[]): TradeStats | null {
  const n = pnls.length;
  if (n < 2) return null;
  let sum = 0;
  for (const x of pnls) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of pnls) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return null;
  return { mean, sd, t: mean / (sd / Math.sqrt(n)) };
}

/** The in-sample mean shrunk toward zero by its own t: mean · max(0, 1 − 1/t²). */
export function shrunkMean(mean: number, t: number): number {
  return mean * Math.max(0, 1 - 1 / (t * t));
}

/**
 * Wald's approximation of the average number of forward trades the test reads before it decides,
 * when the configuration has no edge and when it has the shrunk edge: each trade moves the log LR
 * by ±μ₀²/(2σ²) on average. It ignores the overshoot of the bounds, so real averages run somewhat
 * higher. What a review can see: a small shrunk edge (an in-sample t near 1) takes thousands of
 * trades. Null when nothing is left to test (the review demotes at once).
 */
export function expectedTrades(r: Omit<ReviewInput, 'trades'>): { noEdge: number; edge: number } | null {
  const mu0 = shrunkMean(r.isMean, r.isT);
  if (!(mu0 > 0) || !(r.isSd > 0)) return null;
  const a = Math.log((1 - r.beta) / r.alpha);
  const b = Math.log(r.beta / (1 - r.alpha));
  const drift = (mu0 * mu0) / (2 * r.isSd * r.isSd);
  return {
    noEdge: ((1 - r.beta) * a + r.beta * b) / drift,
    edge: -(r.alpha * a + (1 - r.alpha) * b) / drift,
  };
}

export function reviewForward(r: ReviewInput): ReviewVerdict {
  const mu0 = shrunkMean(r.isMean, r.isT);
  const demoteAt = Math.log((1 - r.beta) / r.alpha);
  const keepAt = Math.log(r.beta / (1 - r.alpha));
  const base = { shrunkMean: mu0, demoteAt, keepAt };
  if (!(mu0 > 0) || !(r.isSd > 0))
    return {
      ...base,
      status: 'demote',
      llr: Number.POSITIVE_INFINITY,
      trades: 0,
      reason: `no edge left to defend: the in-sample mean shrunk by its t (${r.isT.toFixed(2)}) is ${(mu0 / 100).toFixed(2)} USD a trade`,
    };
  const v = r.isSd * r.isSd;
  let llr = 0;
  for (let n = 0; n < r.trades.length; n++) {
    // Normal likelihoods with the in-sample sd: log f(x | 0) − log f(x | μ₀).
    llr += (-mu0 * (r.trades[n] - mu0 / 2)) / v;
    if (llr >= demoteAt)
      return {
        ...base,
        status: 'demote',
        llr,
        trades: n + 1,
        reason: `after ${n + 1} forward trades the evidence for no edge reached Wald's bound (log LR ${llr.toFixed(3)} ≥ ${demoteAt.toFixed(3)}; false demotion ≤ ${((100 * r.alpha) / (1 - r.beta)).toFixed(1)} %)`,
      };
    if (llr <= keepAt)
      return {
        ...base,
        status: 'keep',
        llr,
        trades: n + 1,
        reason: `after ${n + 1} forward trades the edge of ${(mu0 / 100).toFixed(2)} USD a trade is confirmed (log LR ${llr.toFixed(3)} ≤ ${keepAt.toFixed(3)})`,
      };
  }
  return {
    ...base,
    status: 'continue',
    llr,
    trades: r.trades.length,
    reason: `${r.trades.length} forward trades, log LR ${llr.toFixed(3)} between ${keepAt.toFixed(3)} and ${demoteAt.toFixed(3)}: keep following`,
  };
}
