/** One line of the calendar: an NYSE closure or early close, an FOMC statement or a CPI release. */

export type CalendarEntryType = 'fomc' | 'cpi' | 'market';

export interface CalendarEntry {
  /** ET date. */
  date: string;
  /** Release or early-close instant; null for all-day closures. */
  timeMs: number | null;
  type: CalendarEntryType;
  kind: 'closed' | 'early_close' | 'fomc' | 'cpi';
  title: string;
  detail: string;
}

export interface CalendarCoverage {
  type: CalendarEntryType;
  fromDate: string;
  toDate: string;
  complete: boolean;
}

export interface CalendarEntries {
  fromDate: string;
  toDate: string;
  entries: CalendarEntry[];
  coverage: CalendarCoverage[];
  warnings: string[];
}
