import type { MarketCalendar, TradingDay } from '../../../core/time/market-calendar.js';

const memos = new WeakMap<MarketCalendar, MarketCalendar>();

/**
 * The same calendar with its per-date answers remembered. The sim asks the same few hundred
 * dates over and over (each chain lists ~170 expiries, each a time-zone conversion); the answers
 * never change, so they are computed once per calendar. Everything else delegates to `cal`.
 */
export function memoCalendar(cal: MarketCalendar): MarketCalendar {
  const hit = memos.get(cal);
  if (hit) return hit;
  const days = new Map<string, TradingDay | null>();
  const times = new Map<string, number>();
  const memo = Object.create(cal) as MarketCalendar;
  memo.tradingDay = (date: string): TradingDay | null => {
    let d = days.get(date);
    if (d === undefined) {
      d = cal.tradingDay(date);
      days.set(date, d);
    }
    return d;
  };
  memo.etToUtcMs = (date: string, hhmm: string): number => {
    const key = `${date} ${hhmm}`;
    let t = times.get(key);
    if (t === undefined) {
      t = cal.etToUtcMs(date, hhmm);
      times.set(key, t);
    }
    return t;
  };
  memos.set(cal, memo);
  memos.set(memo, memo);
  return memo;
}
