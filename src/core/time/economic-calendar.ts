import { CoverageError, UsageError } from '../errors.js';
import {
  addDays,
  calendarDataError,
  etDate,
  etToUtcMs,
  formatEt,
  isCalendarDate,
  parseCalendarCsv,
} from './market-calendar.js';

export type EconomicEventType = 'fomc' | 'cpi';

export interface EconomicEvent {
  /** '<type>-<ET date>', e.g. 'fomc-2026-12-09'; at most one event per type and day. */
  id: string;
  type: EconomicEventType;
  /** ET date of the release. */
  date: string;
  /** Release instant: CPI 08:30 ET, FOMC statement 14:00 ET. */
  timeMs: number;
  title: string;
  detail: string;
  source: 'bundled' | 'config';
}

/** A user-config entry (calendar.events): adds an event, replaces the bundled one that day, or removes it. */
export interface EconomicEventOverride {
  type: EconomicEventType;
  date: string;
  /** ET wall time 'HH:MM'; defaults to the type's usual time. */
  time?: string;
  title?: string;
  remove?: boolean;
}

/** Dates for which a type's bundled list is complete, plus why it stops there. */
export interface TypeCoverageSpec {
  type: EconomicEventType;
  fromDate: string;
  toDate: string;
  /** Completes "no CPI dates after 2026-12-31 (...)". */
  afterReason: string;
  beforeReason: string;
}

export interface TypeCoverage {
  type: EconomicEventType;
  fromDate: string;
  toDate: string;
  /** True when the requested window lies inside the bundled coverage. */
  complete: boolean;
}

export interface EventsResult {
  events: EconomicEvent[];
  coverage: TypeCoverage[];
  warnings: string[];
}

const TYPES: readonly EconomicEventType[] = ['fomc', 'cpi'];
const LABEL: Record<EconomicEventType, string> = { fomc: 'FOMC', cpi: 'CPI' };
const DEFAULT_TIME: Record<EconomicEventType, string> = { fomc: '14:00', cpi: '08:30' };
const DEFAULT_TITLE: Record<EconomicEventType, string> = { fomc: 'FOMC statement', cpi: 'CPI release' };
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The bundled FOMC and CPI files (data/calendar/), oldest first; the years meet without overlap. */
export const FOMC_FILES = ['fomc_meetings_2022-2024.csv', 'fomc_meetings_2025-2028.csv'] as const;
export const CPI_FILES = [
  'bls_cpi_release_dates_2022-2024.csv',
  'bls_cpi_release_dates_2025-2026.csv',
] as const;

/** Coverage of the bundled files. */
export const BUNDLED_COVERAGE: readonly TypeCoverageSpec[] = [
  {
    type: 'fomc',
    fromDate: '2022-01-01',
    // The Fed's 2025-09-05 release lists meetings through January 2028 only; the rest of 2028 is unannounced.
    toDate: '2028-01-31',
    afterReason: 'the Fed has announced meetings only through January 2028',
    beforeReason: 'the bundled FOMC schedule starts in 2022',
  },
  {
    type: 'cpi',
    fromDate: '2022-01-01',
    // BLS publishes one year at a time; the 2027 schedule was not available when the data was bundled.
    toDate: '2026-12-31',
    afterReason: 'BLS has not published 2027',
    beforeReason: 'the bundled CPI schedule starts in 2022',
  },
];

function requireDate(value: string | undefined, where: string): string {
  if (!value || !isCalendarDate(value)) throw calendarDataError(`${where}: bad date "${value ?? ''}"`);
  return value;
}

function requireTime(value: string | undefined, where: string): string {
  if (!value || !TIME_RE.test(value)) throw calendarDataError(`${where}: bad time "${value ?? ''}"`);
  return value;
}

// 'meeting 2026-12-08/09', or with the month when the meeting spans two months.
function meetingSpan(start: string, end: string): string {
  if (start.slice(0, 7) === end.slice(0, 7)) return `${start}/${end.slice(8)}`;
  if (start.slice(0, 4) === end.slice(0, 4)) return `${start}/${end.slice(5)}`;
  return `${start}/${end}`;
}

/** FOMC decisions from the bundled meetings CSV; the decision day is the statement day. */
export function parseFomcCsv(text: string, source: string = FOMC_FILES[0]): EconomicEvent[] {
  return parseCalendarCsv(text, source).map((r, i) => {
    const where = `${source}: line ${i + 2}`;
    const start = requireDate(r.meeting_start, where);
    const date = requireDate(r.decision_day, where);
    const time = requireTime(r.statement_time_et, where);
    const parts = [`meeting ${meetingSpan(start, date)}`];
    // sep_by_convention: the Fed marks SEP meetings (Mar/Jun/Sep/Dec) only in its later calendar.
    if (r.sep_by_convention === 'yes') parts.push('SEP');
    if (r.press_conference_time_et)
      parts.push(`press conference ${requireTime(r.press_conference_time_et, where)} ET`);
    return {
      id: `fomc-${date}`,
      type: 'fomc',
      date,
      timeMs: etToUtcMs(date, time),
      title: 'FOMC statement',
      detail: parts.join(', '),
      source: 'bundled',
    };
  });
}

/** CPI releases from the bundled BLS CSV: actual release dates; unpublished months are skipped. */
export function parseCpiCsv(text: string, source: string = CPI_FILES[0]): EconomicEvent[] {
  const out: EconomicEvent[] = [];
  parseCalendarCsv(text, source).forEach((r, i) => {
    const where = `${source}: line ${i + 2}`;
    const month = r.reference_month ?? '';
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw calendarDataError(`${where}: bad reference month "${month}"`);
    // October 2025 was never collected (shutdown): status 'not published', no release date.
    if (/not published|cancel/i.test(r.status ?? '') || !r.release_date) return;
    const date = requireDate(r.release_date, where);
    const time = requireTime(r.release_time_et, where);
    const planned = r.originally_scheduled_release_date;
    const moved = planned && planned !== date ? `, rescheduled from ${requireDate(planned, where)}` : '';
    out.push({
      id: `cpi-${date}`,
      type: 'cpi',
      date,
      timeMs: etToUtcMs(date, time),
      title: 'CPI release',
      detail: `CPI for ${month}${moved}`,
      source: 'bundled',
    });
  });
  return out;
}

const byTime = (a: EconomicEvent, b: EconomicEvent) => a.timeMs - b.timeMs || (a.type < b.type ? -1 : 1);

/**
 * FOMC and CPI dates with per-type coverage. Config overrides may add, replace or remove events;
 * config events are always listed, even outside the bundled coverage, but never extend it: a
 * window past the bundled dates still reports complete=false and a warning.
 */
export class EconomicCalendar {
  private readonly all: EconomicEvent[];
  private readonly coverageSpec: Map<EconomicEventType, TypeCoverageSpec>;
  private readonly overrideWarnings: { date: string; type: EconomicEventType; text: string }[] = [];

  constructor(
    bundled: readonly EconomicEvent[],
    coverage: readonly TypeCoverageSpec[] = BUNDLED_COVERAGE,
    overrides: readonly EconomicEventOverride[] = [],
  ) {
    this.coverageSpec = new Map(coverage.map((c) => [c.type, c]));
    for (const t of TYPES)
      if (!this.coverageSpec.has(t)) throw calendarDataError(`no coverage given for ${LABEL[t]}`);
    const byId = new Map<string, EconomicEvent>();
    for (const e of bundled) {
      if (byId.has(e.id)) throw calendarDataError(`two bundled ${LABEL[e.type]} events on ${e.date}`);
      byId.set(e.id, e);
    }
    this.applyOverrides(byId, overrides);
    this.all = [...byId.values()].sort(byTime);
  }

  /** Events with fromMs <= timeMs < toMs, with coverage and gap warnings per requested type. */
  events(fromMs: number, toMs: number, types: readonly EconomicEventType[] = TYPES): EventsResult {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs))
      throw new UsageError('event window needs finite instants');
    if (toMs < fromMs)
      throw new UsageError(`event window ends (${formatEt(toMs)}) before it starts (${formatEt(fromMs)})`);
    const wanted = this.checkTypes(types);
    const firstDate = etDate(fromMs);
    const lastDate = etDate(Math.max(fromMs, toMs - 1));
    const events = this.all.filter((e) => wanted.includes(e.type) && e.timeMs >= fromMs && e.timeMs < toMs);
    const coverage: TypeCoverage[] = [];
    const warnings: string[] = [];
    for (const type of wanted) {
      const spec = this.coverageSpec.get(type) as TypeCoverageSpec;
      const before = firstDate < spec.fromDate;
      const after = lastDate > spec.toDate;
      coverage.push({ type, fromDate: spec.fromDate, toDate: spec.toDate, complete: !before && !after });
      const fromConfig = (pred: (d: string) => boolean) =>
        events.some((e) => e.type === type && e.source === 'config' && pred(e.date));
      if (before)
        warnings.push(
          gapWarning(
            type,
            'before',
            spec,
            fromConfig((d) => d < spec.fromDate),
          ),
        );
      if (after)
        warnings.push(
          gapWarning(
            type,
            'after',
            spec,
            fromConfig((d) => d > spec.toDate),
          ),
        );
    }
    for (const w of this.overrideWarnings) {
      if (wanted.includes(w.type) && w.date >= firstDate && w.date <= lastDate) warnings.push(w.text);
    }
    return { events, coverage, warnings };
  }

  /** Events on one ET date (whole day), in the same form as events(). */
  eventsOnDate(date: string, types: readonly EconomicEventType[] = TYPES): EventsResult {
    if (!isCalendarDate(date))
      throw new UsageError(`invalid date "${date}": expected a real date as YYYY-MM-DD`);
    return this.events(etToUtcMs(date, '00:00'), etToUtcMs(addDays(date, 1), '00:00'), types);
  }

  /**
   * The first event strictly after `ms` (of `type`, or of any type). Throws CoverageError when an
   * unlisted event could come first, i.e. the search runs past a type's bundled coverage; config
   * events are trusted as listed.
   */
  nextEvent(ms: number, type?: EconomicEventType): EconomicEvent {
    if (!Number.isFinite(ms)) throw new UsageError(`invalid instant ${ms}: expected epoch milliseconds`);
    const wanted = this.checkTypes(type ? [type] : TYPES);
    let best: EconomicEvent | undefined;
    // Earliest instant from which some type's list is unknown, and which edge of its coverage that is.
    let gapAt = Number.POSITIVE_INFINITY;
    let gap: { spec: TypeCoverageSpec; side: 'before' | 'after' } | undefined;
    for (const t of wanted) {
      const spec = this.coverageSpec.get(t) as TypeCoverageSpec;
      const next = this.all.find((e) => e.type === t && e.timeMs > ms);
      if (next && (!best || byTime(next, best) < 0)) best = next;
      if (next?.source === 'config') continue;
      const knownFrom = etToUtcMs(spec.fromDate, '00:00');
      const knownUntil = etToUtcMs(addDays(spec.toDate, 1), '00:00');
      if (ms < knownFrom) {
        if (ms < gapAt) [gapAt, gap] = [ms, { spec, side: 'before' }];
      } else if (!next || next.timeMs >= knownUntil) {
        if (Math.max(ms, knownUntil) < gapAt)
          [gapAt, gap] = [Math.max(ms, knownUntil), { spec, side: 'after' }];
      }
    }
    if (best && best.timeMs < gapAt) return best;
    const g = gap as { spec: TypeCoverageSpec; side: 'before' | 'after' };
    const edge = g.side === 'after' ? g.spec.toDate : g.spec.fromDate;
    const reason = g.side === 'after' ? g.spec.afterReason : g.spec.beforeReason;
    throw new CoverageError(
      `no ${LABEL[g.spec.type]} dates ${g.side} ${edge} (${reason}): cannot tell the next event after ${formatEt(ms)}`,
      'add them under calendar.events in your config',
    );
  }

  private checkTypes(types: readonly string[]): EconomicEventType[] {
    const out: EconomicEventType[] = [];
    for (const t of types) {
      if (!TYPES.includes(t as EconomicEventType)) {
        throw new UsageError(`unknown event type "${t}": expected one of ${TYPES.join(', ')}`);
      }
      if (!out.includes(t as EconomicEventType)) out.push(t as EconomicEventType);
    }
    return out;
  }

  private applyOverrides(
    byId: Map<string, EconomicEvent>,
    overrides: readonly EconomicEventOverride[],
  ): void {
    const seen = new Set<string>();
    overrides.forEach((o, i) => {
      const where = `calendar.events[${i}]`;
      if (!TYPES.includes(o.type)) {
        throw new UsageError(`${where}: unknown type "${o.type}"`, `use one of ${TYPES.join(', ')}`);
      }
      if (!isCalendarDate(o.date)) {
        throw new UsageError(`${where}: invalid date "${o.date}"`, 'write the ET date as YYYY-MM-DD');
      }
      if (o.time !== undefined && !TIME_RE.test(o.time)) {
        throw new UsageError(`${where}: invalid time "${o.time}"`, 'write the ET time as HH:MM (24-hour)');
      }
      const id = `${o.type}-${o.date}`;
      // Two entries for one type and day would make the result depend on their order.
      if (seen.has(id)) throw new UsageError(`${where}: a second ${LABEL[o.type]} entry for ${o.date}`);
      seen.add(id);
      const old = byId.get(id);
      if (o.remove) {
        if (old) byId.delete(id);
        else {
          this.overrideWarnings.push({
            date: o.date,
            type: o.type,
            text: `${where} removes ${LABEL[o.type]} on ${o.date}, but no such event is bundled`,
          });
        }
        return;
      }
      const time = o.time ?? DEFAULT_TIME[o.type];
      const replaced = old ? `; replaces the bundled ${formatEt(old.timeMs)} (${old.detail})` : '';
      byId.set(id, {
        id,
        type: o.type,
        date: o.date,
        timeMs: etToUtcMs(o.date, time),
        title: o.title ?? old?.title ?? DEFAULT_TITLE[o.type],
        detail: `from config${replaced}`,
        source: 'config',
      });
    });
  }
}

function gapWarning(
  type: EconomicEventType,
  side: 'before' | 'after',
  spec: TypeCoverageSpec,
  configListed: boolean,
): string {
  const edge = side === 'after' ? spec.toDate : spec.fromDate;
  const reason = side === 'after' ? spec.afterReason : spec.beforeReason;
  const label = LABEL[type];
  return configListed
    ? `no bundled ${label} dates ${side} ${edge} (${reason}): only the ${label} events from your config are listed there`
    : `no ${label} dates ${side} ${edge} (${reason}): add them under calendar.events in your config`;
}
