/**
 * Event blackouts for the farm: no new entries around scheduled macro releases. Pure: the caller
 * gives the US/Eastern wall time (from the one Clock) and the events of that ET date.
 *
 * Windows are [fromMinute, toMinute) in minutes after ET midnight.
 *  - CPI (08:30 ET, before the open): blocked until 10:30 — the first hour of trading reprices the
 *    print and option quotes are at their widest.
 *  - FOMC (statement 14:00 ET, press conference 14:30): blocked 13:00–15:30 — positioning into the
 *    statement and the press-conference whipsaw.
 */

export interface EtWallTime {
  /** ET calendar date, YYYY-MM-DD. */
  etDate: string;
  /** Minutes after ET midnight, [0, 1440). */
  minuteOfDay: number;
}

/** Structural subset of the economic calendar's events. */
export interface DatedEvent {
  type: string;
  date: string;
  id?: string;
}

export interface BlackoutWindow {
  fromMinute: number;
  toMinute: number;
}

export const DEFAULT_CPI_BLACKOUT: BlackoutWindow = { fromMinute: 0, toMinute: 10 * 60 + 30 };
export const DEFAULT_FOMC_BLACKOUT: BlackoutWindow = { fromMinute: 13 * 60, toMinute: 15 * 60 + 30 };

export type Blackout = { blackout: false } | { blackout: true; reason: string; event: DatedEvent };

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function check(now: EtWallTime, w: BlackoutWindow): void {
  if (!(Number.isInteger(now.minuteOfDay) && now.minuteOfDay >= 0 && now.minuteOfDay < 1440))
    throw new RangeError(`minuteOfDay must be an integer in [0, 1440), got ${now.minuteOfDay}`);
  if (!(w.fromMinute >= 0 && w.toMinute <= 1440 && w.fromMinute <= w.toMinute))
    throw new RangeError(`bad blackout window ${w.fromMinute}–${w.toMinute}`);
}

function windowed(
  type: string,
  label: string,
  now: EtWallTime,
  events: readonly DatedEvent[],
  w: BlackoutWindow,
): Blackout {
  check(now, w);
  const ev = events.find((e) => e.type === type && e.date === now.etDate);
  if (!ev || now.minuteOfDay < w.fromMinute || now.minuteOfDay >= w.toMinute) return { blackout: false };
  return {
    blackout: true,
    event: ev,
    reason: `${label} day: no entries ${hhmm(w.fromMinute)}–${hhmm(w.toMinute)} ET`,
  };
}

/** CPI release day, before 10:30 ET by default. */
export function cpiBlackout(
  now: EtWallTime,
  events: readonly DatedEvent[],
  w: BlackoutWindow = DEFAULT_CPI_BLACKOUT,
): Blackout {
  return windowed('cpi', 'CPI', now, events, w);
}

/** FOMC statement day, 13:00–15:30 ET by default. */
export function fomcBlackout(
  now: EtWallTime,
  events: readonly DatedEvent[],
  w: BlackoutWindow = DEFAULT_FOMC_BLACKOUT,
): Blackout {
  return windowed('fomc', 'FOMC', now, events, w);
}

/** Either blackout; CPI is checked first. */
export function eventBlackout(
  now: EtWallTime,
  events: readonly DatedEvent[],
  w: { cpi?: BlackoutWindow; fomc?: BlackoutWindow } = {},
): Blackout {
  const c = cpiBlackout(now, events, w.cpi);
  return c.blackout ? c : fomcBlackout(now, events, w.fomc);
}
