import { addDays, type MarketCalendar } from '../time/market-calendar.js';
import { daysBetween, MS_PER_DAY, MS_PER_YEAR } from '../units.js';

export interface ListedExpiry {
  expiry: string;
  /** Years (ACT/365) from the quote time to the 16:00 ET expiry close. */
  T: number;
  /** Calendar days from the quote's ET date to the expiry. */
  dte: number;
}

/**
 * IBIT's listing pattern as seen in the real chains (2026-02-11/12): weeklies for about seven
 * weeks, monthlies (third-Friday week) for about four months, and the January LEAPS of the next
 * two years; Monday/Wednesday expiries only from `dailyFrom` on. Expiries beyond the calendar's
 * coverage are left out rather than guessed.
 */
export function listedExpiries(
  cal: MarketCalendar,
  atMs: number,
  opts: { dailyFrom?: string | null; firstListed?: string } = {},
): ListedExpiry[] {
  const today = cal.etDate(atMs);
  const key = `${today}|${opts.dailyFrom ?? ''}`;
  let day = dayCache.get(key);
  if (!day) {
    if (dayCache.size > 5000) dayCache.clear();
    day = listedOn(cal, today, opts.dailyFrom ?? null);
    dayCache.set(key, day);
  }
  const out: ListedExpiry[] = [];
  for (const e of day)
    if (e.closeMs > atMs) out.push({ expiry: e.expiry, T: (e.closeMs - atMs) / MS_PER_YEAR, dte: e.dte });
  return out;
}

// The listing depends only on the ET date, so it is computed once per day.
const dayCache = new Map<string, { expiry: string; closeMs: number; dte: number }[]>();

function listedOn(
  cal: MarketCalendar,
  today: string,
  dailyFrom: string | null,
): { expiry: string; closeMs: number; dte: number }[] {
  const lastCovered = `${cal.coverage().toYear}-12-31`;
  const horizon = (days: number) => minDate(addDays(today, days), lastCovered);
  const all = cal.optionExpiries(today, horizon(800), dailyFrom ? { dailyFrom } : {});
  const out: { expiry: string; closeMs: number; dte: number }[] = [];
  const thisYear = Number(today.slice(0, 4));
  for (const e of all) {
    const close = cal.tradingDay(e);
    if (!close) continue;
    const closeMs = close.closeMs;
    const dte = daysBetween(today, e);
    const monthly = isMonthly(e);
    const yr = Number(e.slice(0, 4));
    const leaps =
      monthly && e.slice(5, 7) === '01' && (yr === thisYear + 1 || yr === thisYear + 2) && dte > 120;
    if (dte <= 50 || (monthly && dte <= 120) || leaps) {
      out.push({ expiry: e, closeMs, dte });
    }
  }
  return out;
}

/** Monthly = the expiry falls in the week of the month's third Friday. */
export function isMonthly(date: string): boolean {
  const d = new Date(`${date}T12:00:00Z`);
  const wd = d.getUTCDay(); // 0 Sun..6 Sat
  const friday = new Date(d.getTime() + (5 - wd) * MS_PER_DAY);
  const dom = friday.getUTCDate();
  return dom >= 15 && dom <= 21;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
