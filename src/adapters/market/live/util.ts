import { DateTime } from 'luxon';
import { z } from 'zod';
import { MS_PER_DAY } from '../../../core/units.js';

/** Bybit sends numbers as strings; an empty or non-numeric string is an error, never 0. */
export const numStr = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'expected a numeric string')
  .transform(Number);

export function utcDate(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('yyyy-MM-dd');
}

export function utcDateStartMs(date: string): number {
  return DateTime.fromISO(date, { zone: 'utc' }).toMillis();
}

export function startOfUtcDayMs(ms: number): number {
  return ms - (((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
}

/** Strips a trailing slash so `${base}/path` never doubles it. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

export function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const kept = notes.filter((n): n is string => !!n);
  return kept.length ? kept.join('; ') : undefined;
}
