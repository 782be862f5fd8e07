import { DateTime } from 'luxon';
import { UsageError } from '../core/errors.js';

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
