import { DateTime } from 'luxon';
import { UsageError } from './errors.js';
import { daysInMonth } from './time/market-calendar.js';

// Values a user types (dates, instants, numbers), checked once with errors that name the flag.
// cli/flags.ts builds oclif flags on them; services that take the same values as options use them too.

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = 'January February March April May June July August September October November December'.split(
  ' ',
);

/** Validates a CLI date flag: strict YYYY-MM-DD naming a real date, else a UsageError naming the flag. */
export function parseDateArg(name: string, value: string): string {
  const flag = name.startsWith('-') ? name : `--${name}`;
  const m = DATE_SHAPE.exec(value);
  if (!m) {
    throw new UsageError(
      `${flag} expects a date as YYYY-MM-DD, got "${value}"`,
      `for example ${flag} 2026-03-09`,
    );
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) {
    throw new UsageError(
      `${flag} ${value} is not a calendar date: there is no month ${m[2]}`,
      'write it as YYYY-MM-DD',
    );
  }
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    throw new UsageError(
      `${flag} ${value} is not a calendar date: ${MONTHS[month - 1]} ${year} has ${last} days`,
      'write it as YYYY-MM-DD',
    );
  }
  return value;
}

/**
 * A user-supplied instant (`--at`): ISO 8601 with an explicit zone (Z or ±HH:MM). A bare local
 * time is refused — 10:00 in New York and 10:00 UTC are five hours apart.
 */
export function parseInstant(flag: string, value: string): number {
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    throw new UsageError(
      `--${flag} "${value}" has no time zone`,
      `write an ISO instant with its zone, e.g. 2025-03-10T15:00:00Z or 2025-03-10T11:00:00-04:00`,
    );
  }
  const dt = DateTime.fromISO(value.trim(), { setZone: true });
  if (!dt.isValid) {
    throw new UsageError(
      `--${flag} "${value}" is not a valid ISO instant (${dt.invalidExplanation ?? dt.invalidReason})`,
      'e.g. 2025-03-10T15:00:00Z',
    );
  }
  return dt.toMillis();
}

/** A finite number, within bounds when given. */
export function parseNumberArg(
  flag: string,
  value: string,
  bounds: { min?: number; max?: number } = {},
): number {
  const name = flag.startsWith('-') ? flag : `--${flag}`;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} "${value}" is not a number`);
  if (bounds.min !== undefined && n < bounds.min)
    throw new UsageError(`${name} ${value} is below the minimum ${bounds.min}`);
  if (bounds.max !== undefined && n > bounds.max)
    throw new UsageError(`${name} ${value} is above the maximum ${bounds.max}`);
  return n;
}

/** `--shard I/N`: shard I of N (1 ≤ I ≤ N), else a UsageError naming the value and the form. */
export function parseShardArg(flag: string, value: string): { index: number; of: number } {
  const name = flag.startsWith('-') ? flag : `--${flag}`;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : Number.NaN;
  const of = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(of))
    throw new UsageError(
      `${name} expects I/N (shard I of N), got "${value}"`,
      `for example ${name} 1/4 … ${name} 4/4, one process each`,
    );
  if (of < 1 || index < 1 || index > of)
    throw new UsageError(
      `${name} ${value} names no shard: I/N needs 1 ≤ I ≤ N`,
      of < 1 ? 'N is the number of shards, at least 1' : `the shards of ${of} are 1/${of} … ${of}/${of}`,
    );
  return { index, of };
}
