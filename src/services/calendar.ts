import { parseDateArg } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import type {
  CalendarCoverage,
  CalendarEntries,
  CalendarEntry,
  CalendarEntryType,
} from '../core/time/calendar-entry.js';
import type { EconomicEventType, TypeCoverage } from '../core/time/economic-calendar.js';
import {
  addDays,
  etDate,
  formatEt,
  formatLocal,
  isoWeekday,
  localZoneName,
} from '../core/time/market-calendar.js';
import type { Deps } from './deps.js';

export type CalendarEntriesDeps = Pick<Deps, 'calendar' | 'economic'>;
export type CalendarDeps = Pick<Deps, 'clock' | 'calendar' | 'economic'>;

const ENTRY_TYPES: readonly CalendarEntryType[] = ['fomc', 'cpi', 'market'];
/**
 * Calendar entries (NYSE holidays/early closes, FOMC, CPI) between two ET dates, inclusive, sorted
 * by date then time (all-day closures first). Weekends are not entries. Market entries need the
 * NYSE holiday data for the whole range (else CoverageError); economic types outside their bundled
 * coverage give warnings and complete=false instead.
 */
export function calendarEntries(
  deps: CalendarEntriesDeps,
  opts: { fromDate: string; toDate: string; types: readonly CalendarEntryType[] },
): CalendarEntries {
  const fromDate = parseDateArg('from', opts.fromDate);
  const toDate = parseDateArg('to', opts.toDate);
  if (fromDate > toDate) {
    throw new UsageError(`--from ${fromDate} is after --to ${toDate}`, 'give the earlier date as --from');
  }
  const types: CalendarEntryType[] = [];
  for (const t of opts.types) {
    if (!ENTRY_TYPES.includes(t)) {
      throw new UsageError(`unknown calendar type "${t}"`, `use any of ${ENTRY_TYPES.join(', ')}`);
    }
    if (!types.includes(t)) types.push(t);
  }
  if (types.length === 0)
    throw new UsageError('no calendar types selected', `use any of ${ENTRY_TYPES.join(', ')}`);

  const entries: CalendarEntry[] = [];
  const coverage: CalendarCoverage[] = [];
  const warnings: string[] = [];

  if (types.includes('market')) {
    // specialDays throws CoverageError (naming the covered years) when the range leaves them.
    for (const day of deps.calendar.specialDays(fromDate, toDate)) {
      if (day.type === 'closed') {
        entries.push({
          date: day.date,
          timeMs: null,
          type: 'market',
          kind: 'closed',
          title: day.name,
          detail: 'NYSE closed',
        });
      } else {
        const closeEt = day.closeEt ?? '13:00';
        entries.push({
          date: day.date,
          timeMs: deps.calendar.etToUtcMs(day.date, closeEt),
          type: 'market',
          kind: 'early_close',
          title: day.name,
          detail: `NYSE closes early at ${closeEt} ET`,
        });
      }
    }
    const { fromYear, toYear } = deps.calendar.coverage();
    coverage.push({
      type: 'market',
      fromDate: `${fromYear}-01-01`,
      toDate: `${toYear}-12-31`,
      complete: true,
    });
  }

  const econTypes = types.filter((t): t is EconomicEventType => t !== 'market');
  if (econTypes.length > 0) {
    const fromMs = deps.calendar.etToUtcMs(fromDate, '00:00');
    const toMs = deps.calendar.etToUtcMs(addDays(toDate, 1), '00:00');
    const result = deps.economic.events(fromMs, toMs, econTypes);
    for (const e of result.events) {
      entries.push({
        date: e.date,
        timeMs: e.timeMs,
        type: e.type,
        kind: e.type,
        title: e.title,
        detail: e.detail,
      });
    }
    coverage.push(...result.coverage.map((c: TypeCoverage): CalendarCoverage => ({ ...c })));
    warnings.push(...result.warnings);
  }

  entries.sort(
    (a, b) =>
      (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
      (a.timeMs ?? Number.NEGATIVE_INFINITY) - (b.timeMs ?? Number.NEGATIVE_INFINITY) ||
      ENTRY_TYPES.indexOf(a.type) - ENTRY_TYPES.indexOf(b.type),
  );
  return { fromDate, toDate, entries, coverage, warnings };
}

/** A calendar entry with display fields for the CLI. */
export interface CalendarRow extends CalendarEntry {
  /** 'Mon'..'Sun' of the ET date. */
  weekday: string;
  /** 'HH:MM' ET, null for all-day closures. */
  timeEt: string | null;
  /** Local wall time ('HH:MM ZONE', with the date in front when it differs from the ET date). */
  timeLocal: string | null;
}

export interface CalendarResult extends CalendarEntries {
  entries: CalendarRow[];
  localZone: string;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DEFAULT_DAYS = 30;

export interface CalendarOptions {
  from?: string;
  to?: string;
  days?: number;
  types?: readonly CalendarEntryType[];
  /** Zone for timeLocal; defaults to the system zone. */
  zone?: string;
}

/**
 * The `calendar` command: --from defaults to today (ET), --to to the last of `days` (default 30)
 * days starting at --from; types default to all. Adds ET and local times.
 */
export function calendar(deps: CalendarDeps, opts: CalendarOptions): CalendarResult {
  const fromDate = opts.from === undefined ? etDate(deps.clock.nowMs()) : parseDateArg('from', opts.from);
  if (opts.to !== undefined && opts.days !== undefined)
    throw new UsageError('give either --to or --days, not both');
  const days = opts.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError(`--days must be a whole number >= 1, got ${days}`);
  const toDate = opts.to === undefined ? addDays(fromDate, days - 1) : parseDateArg('to', opts.to);
  const types = opts.types && opts.types.length > 0 ? opts.types : ENTRY_TYPES;
  const base = calendarEntries(deps, { fromDate, toDate, types });
  const localZone = opts.zone ?? localZoneName();
  const entries = base.entries.map((e): CalendarRow => {
    let timeLocal: string | null = null;
    if (e.timeMs !== null) {
      const local = formatLocal(e.timeMs, localZone);
      timeLocal = local.startsWith(e.date) ? local.slice(11) : local;
    }
    return {
      ...e,
      weekday: WEEKDAYS[isoWeekday(e.date) - 1],
      timeEt: e.timeMs === null ? null : formatEt(e.timeMs).slice(11, 16),
      timeLocal,
    };
  });
  return { ...base, entries, localZone };
}
