import { DateTime, SystemZone } from 'luxon';
import { parseCsvRecords } from '../csv.js';
import { ArgusError, CoverageError, ExitCode, UsageError } from '../errors.js';
import { dayNumber } from '../units.js';

/** The exchange time zone. All America/New_York conversions in Argus go through this module. */
export const ET_ZONE = 'America/New_York';

/** The bundled NYSE closures and early closes (data/calendar/), oldest first; one file per span of years. */
export const HOLIDAY_FILES = [
  'nyse_sessions_before_2022.csv',
  'nyse_holidays_early_closes_2022-2023.csv',
  'nyse_holidays_early_closes_2024-2028.csv',
] as const;
const OPEN_ET = '09:30';
const REGULAR_CLOSE_ET = '16:00';
// Session buckets in ET minutes of the day; the afternoon ends at the day's close.
const MIDDAY_FROM = 11 * 60 + 30;
const AFTERNOON_FROM = 14 * 60;
const REPLAY_HOURS = [10, 11, 12, 13, 14, 15];
// Fixed so digits and zone abbreviations do not depend on the user's locale.
const FORMAT_LOCALE = 'en-US';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

// ---------------------------------------------------------------------------------------------
// Calendar-date helpers (plain YYYY-MM-DD strings, no time zone involved)
// ---------------------------------------------------------------------------------------------

/** Days in a month of the proleptic Gregorian calendar (month 1..12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a strict YYYY-MM-DD string that names a real calendar date. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

/** Throws a UsageError unless `value` is a real YYYY-MM-DD date. */
export function assertCalendarDate(value: string, what = 'date'): void {
  if (!isCalendarDate(value)) {
    throw new UsageError(`invalid ${what} "${value}": expected a real date as YYYY-MM-DD`);
  }
}

// Day numbers (days since 1970-01-01, units.dayNumber) make date stepping exact and independent of any zone.
function fromDayNumber(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The date `n` days after (or before, if negative) a YYYY-MM-DD date. */
export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

/** ISO weekday of a YYYY-MM-DD date: 1 = Monday .. 7 = Sunday. */
export function isoWeekday(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

// ---------------------------------------------------------------------------------------------
// Eastern Time conversions
// ---------------------------------------------------------------------------------------------

export interface EtParts {
  date: string;
  hour: number;
  minute: number;
  /** 1 = Monday .. 7 = Sunday */
  weekday: number;
  minuteOfDay: number;
}

function etDateTime(ms: number): DateTime {
  if (!Number.isFinite(ms)) throw new UsageError(`invalid instant ${ms}: expected epoch milliseconds`);
  return DateTime.fromMillis(ms, { zone: ET_ZONE, locale: FORMAT_LOCALE });
}

// Time-zone arithmetic is the farm's hottest non-kernel cost; the answers never change, so keep them.
const CACHE_LIMIT = 200_000;
const etDateCache = new Map<number, string>();
const etToUtcCache = new Map<string, number>();

function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= CACHE_LIMIT) m.clear();
  m.set(k, v);
  return v;
}

/** The ET calendar date (YYYY-MM-DD) of an instant. */
export function etDate(ms: number): string {
  return etDateCache.get(ms) ?? remember(etDateCache, ms, etDateTime(ms).toFormat('yyyy-MM-dd'));
}

/** ET wall-clock fields of an instant. */
export function etParts(ms: number): EtParts {
  const dt = etDateTime(ms);
  return {
    date: dt.toFormat('yyyy-MM-dd'),
    hour: dt.hour,
    minute: dt.minute,
    weekday: dt.weekday,
    minuteOfDay: dt.hour * 60 + dt.minute,
  };
}

/**
 * UTC epoch ms of an ET wall-clock time. A time skipped by the spring-forward switch throws; an
 * ambiguous fall-back time (01:00–01:59) resolves to the second occurrence (EST), as luxon does.
 */
export function etToUtcMs(date: string, hhmm: string): number {
  const key = `${date}|${hhmm}`;
  const hit = etToUtcCache.get(key);
  if (hit !== undefined) return hit;
  return remember(etToUtcCache, key, etToUtcMsUncached(date, hhmm));
}

function etToUtcMsUncached(date: string, hhmm: string): number {
  assertCalendarDate(date);
  const t = TIME_RE.exec(hhmm);
  if (!t) throw new UsageError(`invalid ET time "${hhmm}": expected HH:MM (24-hour)`);
  const hour = Number(t[1]);
  const minute = Number(t[2]);
  const dt = DateTime.fromObject(
    {
      year: Number(date.slice(0, 4)),
      month: Number(date.slice(5, 7)),
      day: Number(date.slice(8, 10)),
      hour,
      minute,
    },
    { zone: ET_ZONE },
  );
  if (dt.hour !== hour || dt.minute !== minute) {
    throw new UsageError(
      `${date} ${hhmm} does not exist in New York: clocks skip that hour for daylight saving`,
    );
  }
  return dt.toMillis();
}

/** An instant as ET wall time, e.g. '2026-11-27 13:00 ET'. */
export function formatEt(ms: number): string {
  return etDateTime(ms).toFormat("yyyy-MM-dd HH:mm 'ET'");
}

/** An instant in another IANA zone (default: the system zone), e.g. '2026-11-27 12:00 CST'. */
export function formatLocal(ms: number, zone?: string): string {
  if (!Number.isFinite(ms)) throw new UsageError(`invalid instant ${ms}: expected epoch milliseconds`);
  const dt = DateTime.fromMillis(ms, { zone: zone ?? 'local', locale: FORMAT_LOCALE });
  if (!dt.isValid)
    throw new UsageError(`unknown time zone "${zone}"`, 'use an IANA name such as Europe/Berlin');
  // Intl may lack a short name for some zones; fall back to the numeric offset.
  const short: string | null = dt.offsetNameShort;
  return `${dt.toFormat('yyyy-MM-dd HH:mm')} ${short ?? dt.toFormat('ZZ')}`;
}

/** IANA name of the system time zone (what formatLocal uses by default). */
export function localZoneName(): string {
  return SystemZone.instance.name;
}

// ---------------------------------------------------------------------------------------------
// Bundled calendar files
// ---------------------------------------------------------------------------------------------

/** The error for a damaged bundled calendar file. */
export function calendarDataError(message: string): ArgusError {
  return new ArgusError(message, {
    exitCode: ExitCode.Data,
    hint: 'the bundled calendar data is damaged; see data/SOURCES.md for how it was compiled',
  });
}

/** A calendar CSV as records keyed by its header; a malformed file is a data error naming `source`. */
export function parseCalendarCsv(text: string, source = 'csv'): Record<string, string>[] {
  return parseCsvRecords(text, (m) => calendarDataError(`${source}: ${m}`));
}

// ---------------------------------------------------------------------------------------------
// Market calendar
// ---------------------------------------------------------------------------------------------

/**
 * One NYSE special day: a full closure, a 13:00 ET early close, or a `session` — a date outside
 * the covered years known to be a regular session (the replay's first morning looks back to it).
 */
export interface MarketCalendarRow {
  date: string;
  type: 'closed' | 'early_close' | 'session';
  name: string;
  /** ET close time on early-close days, 'HH:MM'. */
  closeEt?: string;
}

export interface Closure {
  date: string;
  name: string;
  type: 'closed' | 'weekend';
}

export interface TradingDay {
  date: string;
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
  closeEt: string;
}

/** The exchange's session phase at an instant (also what an ETF quote reports). */
export type MarketPhase = 'pre' | 'open' | 'post' | 'closed';

export interface MarketStatus {
  phase: MarketPhase;
  reason: string;
  lastCloseMs: number;
  nextOpenMs: number;
  nextCloseMs: number;
}

export type SessionBucket = 'morning' | 'midday' | 'afternoon';

/** A holiday or early close as listed in the calendar data. */
export interface SpecialDay {
  date: string;
  type: 'closed' | 'early_close';
  name: string;
  /** ET close on early-close days, null on closed days. */
  closeEt: string | null;
}

const WEEKDAY_ABBR = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Parses the bundled NYSE holiday CSV, checking every date, type, close time and weekday. */
export function parseMarketCalendarCsv(text: string, source: string = HOLIDAY_FILES[0]): MarketCalendarRow[] {
  return parseCalendarCsv(text, source).map((r, i) => {
    const where = `${source}: line ${i + 2}`;
    const date = r.date ?? '';
    if (!isCalendarDate(date)) throw calendarDataError(`${where}: bad date "${date}"`);
    if (r.weekday !== undefined && r.weekday !== WEEKDAY_ABBR[isoWeekday(date) - 1]) {
      throw calendarDataError(
        `${where}: ${date} is a ${WEEKDAY_ABBR[isoWeekday(date) - 1]}, the file says ${r.weekday}`,
      );
    }
    if (r.type === 'closed') return { date, type: 'closed', name: r.name };
    if (r.type === 'session') return { date, type: 'session', name: r.name };
    if (r.type === 'early_close') {
      const closeEt = r.early_close_time_et ?? '';
      if (!TIME_RE.test(closeEt)) throw calendarDataError(`${where}: bad early-close time "${closeEt}"`);
      return { date, type: 'early_close', name: r.name, closeEt };
    }
    throw calendarDataError(`${where}: unknown type "${r.type}"`);
  });
}

/**
 * NYSE trading days, hours and sessions. Built from holiday rows; the covered years are those from
 * the first to the last row's year, and every holiday-dependent query outside them throws.
 */
export class MarketCalendar {
  private readonly rows = new Map<string, MarketCalendarRow>();
  private readonly fromYear: number;
  private readonly toYear: number;
  private readonly source: string;

  constructor(rows: readonly MarketCalendarRow[], opts: { source?: string } = {}) {
    this.source = opts.source ?? HOLIDAY_FILES.join(' + ');
    if (rows.length === 0) throw calendarDataError(`${this.source}: no holiday rows`);
    for (const row of rows) {
      if (!isCalendarDate(row.date)) throw calendarDataError(`${this.source}: bad date "${row.date}"`);
      if (isoWeekday(row.date) > 5) throw calendarDataError(`${this.source}: ${row.date} is a weekend day`);
      if (row.type === 'early_close' && !TIME_RE.test(row.closeEt ?? '')) {
        throw calendarDataError(`${this.source}: early close on ${row.date} has no HH:MM close time`);
      }
      if (this.rows.has(row.date)) throw calendarDataError(`${this.source}: ${row.date} is listed twice`);
      this.rows.set(row.date, row);
    }
    // A `session` row vouches for its own date only; the covered years are the holiday rows'.
    const years = [...this.rows.values()]
      .filter((r) => r.type !== 'session')
      .map((r) => Number(r.date.slice(0, 4)));
    if (years.length === 0) throw calendarDataError(`${this.source}: no holiday rows`);
    this.fromYear = Math.min(...years);
    this.toYear = Math.max(...years);
    // A year without any row would silently look like a year without holidays.
    for (let y = this.fromYear; y <= this.toYear; y++) {
      if (!years.includes(y)) throw calendarDataError(`${this.source}: no holidays listed for ${y}`);
    }
  }

  /** Years with holiday data, inclusive. */
  coverage(): { fromYear: number; toYear: number } {
    return { fromYear: this.fromYear, toYear: this.toYear };
  }

  /** ET date (YYYY-MM-DD) of an instant. */
  etDate(ms: number): string {
    return etDate(ms);
  }

  /** ET wall-clock fields of an instant (weekday 1 = Mon .. 7 = Sun). */
  etParts(ms: number): EtParts {
    return etParts(ms);
  }

  /** UTC epoch ms of an ET date and HH:MM wall time. */
  etToUtcMs(date: string, hhmm: string): number {
    return etToUtcMs(date, hhmm);
  }

  /** '2026-11-27 13:00 ET'. */
  formatEt(ms: number): string {
    return formatEt(ms);
  }

  /** The instant in `zone` (default: the system zone) with its zone abbreviation. */
  formatLocal(ms: number, zone?: string): string {
    return formatLocal(ms, zone);
  }

  /** Why the exchange is closed all day on `date`, or null on a trading day. */
  closure(date: string): Closure | null {
    this.assertCovered(date);
    const row = this.rows.get(date);
    if (row?.type === 'closed') return { date, name: row.name, type: 'closed' };
    if (isoWeekday(date) > 5) return { date, name: 'weekend', type: 'weekend' };
    return null;
  }

  /** Open/close instants of a trading day, or null if the exchange is closed that day. */
  tradingDay(date: string): TradingDay | null {
    const hit = this.dayCache.get(date);
    if (hit !== undefined) return hit;
    return remember(this.dayCache, date, this.tradingDayUncached(date));
  }

  private readonly dayCache = new Map<string, TradingDay | null>();

  private tradingDayUncached(date: string): TradingDay | null {
    if (this.closure(date)) return null;
    const row = this.rows.get(date);
    const closeEt = row?.type === 'early_close' && row.closeEt ? row.closeEt : REGULAR_CLOSE_ET;
    return {
      date,
      openMs: etToUtcMs(date, OPEN_ET),
      closeMs: etToUtcMs(date, closeEt),
      earlyClose: closeEt !== REGULAR_CLOSE_ET,
      closeEt,
    };
  }

  /**
   * When an expiry's options stop trading: that session's close, 13:00 ET on an early-close day
   * (16:00 on a date the exchange is closed). Time to maturity is measured to it.
   */
  expiryCloseMs(expiry: string): number {
    return this.tradingDay(expiry)?.closeMs ?? etToUtcMs(expiry, REGULAR_CLOSE_ET);
  }

  /**
   * Share of `ms`'s session elapsed (to a 13:00 close on an early-close day); 1 outside a session,
   * where a chain shows the last session's full volume.
   */
  sessionElapsedFrac(ms: number): number {
    const day = this.tradingDay(etDate(ms));
    if (!day || ms <= day.openMs || ms >= day.closeMs) return 1;
    return (ms - day.openMs) / (day.closeMs - day.openMs);
  }

  /** True if the exchange trades on `date`. */
  isTradingDay(date: string): boolean {
    return this.closure(date) === null;
  }

  /** True inside the regular session [open, close). */
  isOpen(ms: number): boolean {
    const day = this.tradingDay(etDate(ms));
    return day !== null && ms >= day.openMs && ms < day.closeMs;
  }

  /** Phase of the market at `ms` with the surrounding closes and opens. */
  status(ms: number): MarketStatus {
    const date = etDate(ms);
    const around = {
      lastCloseMs: this.lastClose(ms).closeMs,
      nextOpenMs: this.nextOpen(ms).openMs,
      nextCloseMs: this.nextClose(ms).closeMs,
    };
    const closed = this.closure(date);
    if (closed) return { phase: 'closed', reason: closed.name, ...around };
    const day = this.tradingDay(date) as TradingDay;
    const early = day.earlyClose ? `early close ${day.closeEt} ET` : null;
    if (ms < day.openMs)
      return { phase: 'pre', reason: early ? `pre-market, ${early}` : 'pre-market', ...around };
    if (ms < day.closeMs) return { phase: 'open', reason: early ?? 'regular session', ...around };
    return { phase: 'post', reason: early ? `after the ${early}` : 'after the close', ...around };
  }

  /** Session bucket of `ms` (morning/midday/afternoon, clipped at the close), null outside the session. */
  sessionBucket(ms: number): SessionBucket | null {
    const parts = etParts(ms);
    const day = this.tradingDay(parts.date);
    if (!day || ms < day.openMs || ms >= day.closeMs) return null;
    if (parts.minuteOfDay < MIDDAY_FROM) return 'morning';
    if (parts.minuteOfDay < AFTERNOON_FROM) return 'midday';
    return 'afternoon';
  }

  /** Most recent official close at or before `ms`. */
  lastClose(ms: number): { date: string; closeMs: number } {
    const today = this.tradingDay(etDate(ms));
    if (today && today.closeMs <= ms) return { date: today.date, closeMs: today.closeMs };
    const prev = this.tradingDay(this.previousTradingDay(etDate(ms))) as TradingDay;
    return { date: prev.date, closeMs: prev.closeMs };
  }

  /** First regular open strictly after `ms`. */
  nextOpen(ms: number): { date: string; openMs: number } {
    const today = this.tradingDay(etDate(ms));
    if (today && today.openMs > ms) return { date: today.date, openMs: today.openMs };
    const next = this.tradingDay(this.nextTradingDay(etDate(ms))) as TradingDay;
    return { date: next.date, openMs: next.openMs };
  }

  /** First official close strictly after `ms` (the current session's close while open). */
  nextClose(ms: number): { date: string; closeMs: number } {
    const today = this.tradingDay(etDate(ms));
    if (today && today.closeMs > ms) return { date: today.date, closeMs: today.closeMs };
    const next = this.tradingDay(this.nextTradingDay(etDate(ms))) as TradingDay;
    return { date: next.date, closeMs: next.closeMs };
  }

  /** The trading day before `date` (which need not be a trading day itself). */
  previousTradingDay(date: string): string {
    this.assertCovered(date);
    let d = addDays(date, -1);
    while (!this.isTradingDay(d)) d = addDays(d, -1);
    return d;
  }

  /** The trading day after `date` (which need not be a trading day itself). */
  nextTradingDay(date: string): string {
    this.assertCovered(date);
    let d = addDays(date, 1);
    while (!this.isTradingDay(d)) d = addDays(d, 1);
    return d;
  }

  /** Trading days from `fromDate` to `toDate`, inclusive. */
  tradingDays(fromDate: string, toDate: string): string[] {
    this.assertRange(fromDate, toDate);
    const out: string[] = [];
    for (let d = fromDate; d <= toDate; d = addDays(d, 1)) if (this.isTradingDay(d)) out.push(d);
    return out;
  }

  /** Holidays and early closes listed between the two dates, inclusive. */
  specialDays(fromDate: string, toDate: string): SpecialDay[] {
    this.assertRange(fromDate, toDate);
    return [...this.rows.values()]
      .filter((r) => r.date >= fromDate && r.date <= toDate)
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .flatMap((r) =>
        r.type === 'session'
          ? []
          : [{ date: r.date, type: r.type, name: r.name, closeEt: r.closeEt ?? null }],
      );
  }

  /**
   * Listed equity-option expiries in the range: every Friday (the monthly is the third Friday); a
   * Friday holiday moves the expiry to the previous trading day. From `dailyFrom` on, Mondays and
   * Wednesdays expire too (a holiday Monday/Wednesday is skipped, not moved).
   */
  optionExpiries(fromDate: string, toDate: string, opts: { dailyFrom?: string } = {}): string[] {
    if (opts.dailyFrom !== undefined) assertCalendarDate(opts.dailyFrom, 'dailyFrom');
    const dailyFrom = opts.dailyFrom;
    const out: string[] = [];
    for (const d of this.tradingDays(fromDate, toDate)) {
      const wd = isoWeekday(d);
      if (wd === 5 || this.takesFridayExpiry(d, wd)) out.push(d);
      else if (dailyFrom !== undefined && d >= dailyFrom && (wd === 1 || wd === 3)) out.push(d);
    }
    return out;
  }

  /** Replay instants: 10:00..15:00 ET before each trading day's close, then the close, ascending. */
  replaySteps(fromDate: string, toDate: string): number[] {
    const out: number[] = [];
    for (const date of this.tradingDays(fromDate, toDate)) {
      const day = this.tradingDay(date) as TradingDay;
      for (const h of REPLAY_HOURS) {
        const t = etToUtcMs(date, `${String(h).padStart(2, '0')}:00`);
        if (t < day.closeMs) out.push(t);
      }
      out.push(day.closeMs);
    }
    return out;
  }

  // A Mon–Thu trading day takes the Friday expiry when every day from it to that Friday is closed.
  private takesFridayExpiry(date: string, weekday: number): boolean {
    if (weekday > 4) return false;
    for (let k = 1; k <= 5 - weekday; k++) if (this.isTradingDay(addDays(date, k))) return false;
    return true;
  }

  private assertRange(fromDate: string, toDate: string): void {
    assertCalendarDate(fromDate, 'from date');
    assertCalendarDate(toDate, 'to date');
    if (fromDate > toDate) throw new UsageError(`the range starts ${fromDate}, after its end ${toDate}`);
    this.assertCovered(fromDate);
    this.assertCovered(toDate);
  }

  private assertCovered(date: string): void {
    assertCalendarDate(date);
    const year = Number(date.slice(0, 4));
    if (year >= this.fromYear && year <= this.toYear) return;
    if (this.rows.get(date)?.type === 'session') return;
    const span = `${this.fromYear}–${this.toYear}`;
    throw new CoverageError(
      `no NYSE holiday data for ${year}: the bundled calendar covers ${span}; ` +
        `trading days, holidays and early closes in ${year} are unknown (asked about ${date})`,
      `use dates within ${span}, or add the ${year} NYSE holidays and early closes to ${this.source} ` +
        '(from the NYSE holiday press release; see data/SOURCES.md)',
    );
  }
}
