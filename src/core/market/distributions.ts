import type { MarketCalendar } from '../time/market-calendar.js';
import { daysBetween } from '../units.js';
import type { Distribution } from './port.js';

/** A fund whose last distribution is older than this has stopped paying. */
export const STALE_DAYS = 70;

/**
 * The distributions expected to go ex after `today` up to `expiry`, from what had gone ex by
 * `today` only (no look-ahead): BITO goes ex on the first trading day of each month, so one per
 * month after the last one seen, each at the mean yield of the last three times `price`. A fund
 * with no recent distribution (IBIT) pays none.
 */
export function expectedDistributions(
  past: readonly Distribution[],
  cal: MarketCalendar,
  today: string,
  expiry: string,
  price: number,
): { exDate: string; amount: number }[] {
  if (!past.length) return [];
  const last = past[past.length - 1];
  if (daysBetween(last.exDate, today) > STALE_DAYS) return [];
  const recent = past.slice(-3);
  const yieldFrac = recent.reduce((a, d) => a + d.yieldFrac, 0) / recent.length;
  const out: { exDate: string; amount: number }[] = [];
  let y = Number(last.exDate.slice(0, 4));
  let m = Number(last.exDate.slice(5, 7));
  for (;;) {
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    const first = `${y}-${String(m).padStart(2, '0')}-01`;
    if (first > expiry) return out;
    const exDate = cal.isTradingDay(first) ? first : cal.nextTradingDay(first);
    if (exDate > today && exDate <= expiry) out.push({ exDate, amount: yieldFrac * price });
  }
}
