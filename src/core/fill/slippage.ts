/**
 * Liquidity slippage: an extra fraction of the half-spread given up on top of the fill fraction f,
 *
 *   extra = volumeWeight / (1 + volume / volumeScale) + oiWeight / (1 + openInterest / oiScale),
 *
 * so it is largest (volumeWeight + oiWeight) on an untraded strike with no open interest, halves
 * each term at volume = volumeScale / OI = oiScale, and fades towards 0 on busy strikes. The caller
 * caps f + extra at 1 (the bid or the ask): a limit order is never filled beyond the quote.
 */

export interface SlippageParams {
  enabled: boolean;
  volumeWeight: number;
  /** Contracts traded today at which the volume term halves. */
  volumeScale: number;
  oiWeight: number;
  /** Open interest at which the OI term halves. */
  oiScale: number;
}

/**
 * Defaults from the bundled IBIT chains (OTM puts, < 2 months): median volume 24–162, median OI
 * 480–650. Scales of 50 / 250 put a median strike at +0.13 to +0.26 of the half-spread, an
 * untraded, empty strike at +0.5 (an ORATS-style f = 0.32 then becomes 0.82), a busy strike (volume 1,000,
 * OI 5,000) at +0.02.
 */
export const DEFAULT_SLIPPAGE: SlippageParams = {
  enabled: true,
  volumeWeight: 0.25,
  volumeScale: 50,
  oiWeight: 0.25,
  oiScale: 250,
};

export const NO_SLIPPAGE: SlippageParams = { ...DEFAULT_SLIPPAGE, enabled: false };

export function validateSlippage(s: SlippageParams): void {
  for (const k of ['volumeWeight', 'oiWeight'] as const)
    if (!(Number.isFinite(s[k]) && s[k] >= 0)) throw new RangeError(`slippage.${k} must be ≥ 0, got ${s[k]}`);
  for (const k of ['volumeScale', 'oiScale'] as const)
    if (!(Number.isFinite(s[k]) && s[k] > 0)) throw new RangeError(`slippage.${k} must be > 0, got ${s[k]}`);
}

/** Below half an hour of trading the day's pace is too noisy to scale up further. */
const MIN_ELAPSED = 1 / 13;

/**
 * A quote's volume so far today as the whole day's pace (volume / share of the session elapsed),
 * so a 10:00 fill and a 15:00 fill on the same day's activity pay the same slippage.
 */
export function dayPaceVolume(volume: number | null, sessionElapsedFrac: number): number | null {
  if (volume === null) return null;
  return volume / Math.min(1, Math.max(MIN_ELAPSED, sessionElapsedFrac));
}

/**
 * Extra fraction of the half-spread (uncapped; 0 when disabled). A null volume or OI counts as 0:
 * Yahoo leaves volume empty for a strike that has not traded today, so the worst case is the honest one.
 */
export function slippageFraction(
  volume: number | null,
  openInterest: number | null,
  s: SlippageParams,
): number {
  if (!s.enabled) return 0;
  const v = volume !== null && Number.isFinite(volume) && volume > 0 ? volume : 0;
  const oi = openInterest !== null && Number.isFinite(openInterest) && openInterest > 0 ? openInterest : 0;
  return s.volumeWeight / (1 + v / s.volumeScale) + s.oiWeight / (1 + oi / s.oiScale);
}
