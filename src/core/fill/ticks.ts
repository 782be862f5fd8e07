/**
 * Option price ticks. IBIT (Penny Program): $0.01 below $3.00, $0.05 at and above. Checked against
 * the two bundled Yahoo chains (data/options, 4,500 rows, 9,000 bid/ask prices): every price ≥ $3.00
 * is a multiple of $0.05 (2,399 + 2,468 of them, no exception), while prices below $3.00 use pennies
 * (e.g. 2.96 × 3.00, 2.99 × 3.05, 2.46 × 2.78). The tick belongs to each price, not to the quote.
 */

export interface TickSchedule {
  /** Prices at or above this (USD) use `atOrAbove`. */
  threshold: number;
  below: number;
  atOrAbove: number;
}

export const IBIT_TICKS: TickSchedule = { threshold: 3, below: 0.01, atOrAbove: 0.05 };

// Prices are handled in cents so that 2.46 stays 2.46; the tolerance absorbs float noise such as
// 2.62 - 0.16 = 2.4599999999999995 without ever moving a price by a visible amount.
const CENT_EPS = 1e-6;

function toCents(usd: number): number {
  return Math.round(usd * 100);
}

/** Is `price` on the schedule's grid (within float noise)? */
export function onTick(price: number, s: TickSchedule = IBIT_TICKS): boolean {
  const cents = price * 100;
  const tick = toCents(price + 1e-9 >= s.threshold ? s.atOrAbove : s.below);
  const n = cents / tick;
  return Math.abs(n - Math.round(n)) < CENT_EPS;
}

/**
 * Rounds to a valid tick: 'down' for a price the trader receives, 'up' for one they pay, so the
 * rounding never favours the trader. The tick is chosen by the price's own band.
 */
export function roundToTick(price: number, dir: 'down' | 'up', s: TickSchedule = IBIT_TICKS): number {
  if (!Number.isFinite(price) || price < 0) throw new RangeError(`roundToTick: bad price ${price}`);
  const cents = price * 100;
  const thr = toCents(s.threshold);
  const lo = toCents(s.below);
  const hi = toCents(s.atOrAbove);
  if (dir === 'down') {
    // Below the threshold the penny grid applies; at/above it the coarse grid (which contains the threshold).
    const tick = cents + CENT_EPS >= thr ? hi : lo;
    return (Math.floor((cents + CENT_EPS) / tick) * tick) / 100;
  }
  const tick = cents - CENT_EPS > thr ? hi : lo;
  // A penny ceiling just under the threshold may land on it (2.991 → 3.00), which is on both grids.
  return (Math.ceil((cents - CENT_EPS) / tick) * tick) / 100;
}
