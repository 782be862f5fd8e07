import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';

/**
 * The only source of wall time in Argus. Everything else receives a Clock, so tests drive time
 * with a ManualClock and loops/retries can be run without waiting.
 */
export interface Clock {
  /** Wall time, epoch milliseconds UTC. */
  nowMs(): number;
  /** Wall time as a luxon DateTime in UTC. */
  now(): DateTime;
  /** Monotonic milliseconds for measuring elapsed time (never goes back, unrelated to wall time). */
  monotonicMs(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
  now(): DateTime {
    return DateTime.fromMillis(Date.now(), { zone: 'utc' });
  }
  monotonicMs(): number {
    return performance.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Wall time pinned at one instant (ARGUS_FAKE_NOW), while elapsed time and sleeps stay real: a
 * retry's back-off, a rate limit or a wait for another process must still end.
 */
export class PinnedClock implements Clock {
  private readonly real = new SystemClock();
  private constructor(private readonly ms: number) {}

  static at(iso: string): PinnedClock {
    return new PinnedClock(ManualClock.at(iso).nowMs());
  }

  nowMs(): number {
    return this.ms;
  }
  now(): DateTime {
    return DateTime.fromMillis(this.ms, { zone: 'utc' });
  }
  monotonicMs(): number {
    return this.real.monotonicMs();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.real.sleep(ms, signal);
  }
}

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** A clock that moves only when told to, and never backwards. Sleepers wake as time passes them. */
export class ManualClock implements Clock {
  private ms: number;
  private mono = 0;
  private sleepers: Sleeper[] = [];

  constructor(startMs: number) {
    if (!Number.isFinite(startMs)) throw new Error(`ManualClock: invalid start time ${startMs}`);
    this.ms = startMs;
  }

  static at(iso: string): ManualClock {
    const dt = DateTime.fromISO(iso, { zone: 'utc' });
    if (!dt.isValid) throw new Error(`ManualClock: invalid ISO time "${iso}"`);
    return new ManualClock(dt.toMillis());
  }

  nowMs(): number {
    return this.ms;
  }
  now(): DateTime {
    return DateTime.fromMillis(this.ms, { zone: 'utc' });
  }
  monotonicMs(): number {
    return this.mono;
  }

  /** Move to an absolute time; refuses to go back. */
  set(ms: number): void {
    if (ms < this.ms) {
      throw new Error(
        `ManualClock cannot go back in time (from ${new Date(this.ms).toISOString()} to ${new Date(ms).toISOString()})`,
      );
    }
    this.advance(ms - this.ms);
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance needs a non-negative duration, got ${ms}`);
    this.ms += ms;
    this.mono += ms;
    const due = this.sleepers.filter((s) => s.wakeAt <= this.mono);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.mono);
    for (const s of due) s.resolve();
  }

  /** Number of pending sleepers (lets tests wait until a loop is parked). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        wakeAt: this.mono + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }
}

/** Epoch ms → ISO 8601 UTC ('2026-11-27T18:00:00.000Z'). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Market time that runs `speed` times faster than `base` from `startMs` (a replay or sim shown at
 * 600×: one wall second is ten market minutes). Sleeps are in market time.
 */
export class ScaledClock implements Clock {
  private mono0: number;

  constructor(
    private readonly base: Clock,
    private readonly startMs: number,
    readonly speed: number,
  ) {
    if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
    if (!Number.isFinite(startMs)) throw new RangeError(`ScaledClock: invalid start time ${startMs}`);
    this.mono0 = base.monotonicMs();
  }

  /** Market time starts again from the start now (when the first refresh begins, not at start-up). */
  anchor(): void {
    this.mono0 = this.base.monotonicMs();
  }

  nowMs(): number {
    return Math.floor(this.startMs + this.monotonicMs());
  }
  now(): DateTime {
    return DateTime.fromMillis(this.nowMs(), { zone: 'utc' });
  }
  monotonicMs(): number {
    return (this.base.monotonicMs() - this.mono0) * this.speed;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms / this.speed, signal);
  }
}
