import { ProviderError, type ProviderName } from './provider-error.js';

/**
 * The bands a provider's value must fall in to be believed. Wide on purpose: they catch changed
 * units and garbage (1e308, ×1e6), not markets that merely moved a lot.
 */
export const PLAUSIBLE = {
  btcUsd: { what: 'BTC price', min: 1_000, max: 10_000_000, unit: 'USD' },
  etfUsd: { what: 'ETF price', min: 0.5, max: 10_000, unit: 'USD' },
  strikeUsd: { what: 'strike', min: 0.01, max: 100_000, unit: 'USD' },
  /** Bybit's price24hPcnt, a fraction: BTC has never lost all or gained tenfold in a day. */
  change24hFrac: { what: '24 h change', min: -0.99, max: 10, unit: '(fraction)' },
  /** Funding for one interval; exchanges cap it at a few percent. */
  fundingRate: { what: 'funding rate', min: -0.1, max: 0.1, unit: '(fraction per interval)' },
  /** An option's implied volatility as a fraction: 2000 % is past any quoted market. */
  ivFrac: { what: 'implied volatility', min: 0, max: 20, unit: '(fraction)' },
  /** Volume and open interest: counts of contracts. */
  contracts: { what: 'contract count', min: 0, max: 1e9, unit: 'contracts' },
  /** Expiries and quote times in epoch seconds: this century. */
  epochSec: { what: 'time', min: 946_684_800, max: 4_102_444_800, unit: 's since 1970' },
} as const;

export type Band = (typeof PLAUSIBLE)[keyof typeof PLAUSIBLE];

export interface FieldAt {
  provider: ProviderName;
  endpoint: string;
  fieldPath: string;
}

/** Like inBand, for a value a provider may leave out. */
export function inBandOrNull(value: number | null | undefined, band: Band, at: FieldAt): number | null {
  return value === null || value === undefined ? null : inBand(value, band, at);
}

/** The value, or a ProviderError naming provider, endpoint and field when it lies outside the band. */
export function inBand(value: number, band: Band, at: FieldAt): number {
  if (value >= band.min && value <= band.max) return value;
  throw new ProviderError(
    { ...at, kind: 'implausible' },
    `${band.what} ${value} at ${at.fieldPath} is outside the plausible ${band.min}–${band.max} ${band.unit}`,
  );
}

/**
 * An option is never worth more than what exercise could pay: a put its strike, a call the
 * underlying. A bid, ask or last above that (with a cent of slack) is not a price.
 */
export function optionPrice(
  value: number | null,
  right: 'put' | 'call',
  strike: number,
  underlying: number,
  at: FieldAt,
): number | null {
  if (value === null) return null;
  const cap = (right === 'put' ? strike : underlying) + 0.01;
  if (value >= 0 && value <= cap) return value;
  const name = at.fieldPath.split('.').at(-1);
  throw new ProviderError(
    { ...at, kind: 'implausible' },
    value < 0
      ? `${name} ${value} at ${at.fieldPath} is negative`
      : `${name} ${value} at ${at.fieldPath} is more than the contract can be worth (${right} ${strike}, underlying ${underlying})`,
  );
}
