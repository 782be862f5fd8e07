import { MS_PER_HOUR } from '../units.js';

/** When the monitor's `--farm` drives the live farm: the README's cron lines, run from one process. */
export interface FarmSchedule {
  /** A full step (entries too) at least this often while the market is open. */
  fullEveryMs: number;
  /** Marks and exits at least this often while the market is open. */
  exitsEveryMs: number;
}

export const DEFAULT_FARM_SCHEDULE: FarmSchedule = {
  fullEveryMs: MS_PER_HOUR,
  exitsEveryMs: MS_PER_HOUR / 4,
};

export interface FarmClock {
  /** Market time of the last full step this monitor ran, null before the first. */
  fullMs: number | null;
  /** Market time of the last exits step. */
  exitsMs: number | null;
}

/**
 * The farm work due now. A new trade recommendation brings the full step forward (the traders see
 * the market the signal saw); otherwise full steps hourly and exits every quarter hour, and nothing
 * while the market is closed.
 */
export function farmWorkDue(
  nowMs: number,
  marketOpen: boolean,
  last: FarmClock,
  newTradeSignal: boolean,
  s: FarmSchedule = DEFAULT_FARM_SCHEDULE,
): 'full' | 'exits' | null {
  if (!marketOpen) return null;
  if (newTradeSignal || last.fullMs === null || nowMs - last.fullMs >= s.fullEveryMs) return 'full';
  const lastMark = Math.max(last.fullMs, last.exitsMs ?? -Infinity);
  return nowMs - lastMark >= s.exitsEveryMs ? 'exits' : null;
}
