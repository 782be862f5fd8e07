import { DateTime } from 'luxon';
import type { Clock } from '../../src/core/time/clock.js';

/**
 * A clock whose sleeps return at once and move time forward by the amount slept, recording each
 * one. Retry and rate-limit waits are then measured in clock time without real waiting.
 */
export class AutoClock implements Clock {
  readonly sleeps: number[] = [];
  private ms: number;
  private mono = 0;

  constructor(start: number | string) {
    this.ms = typeof start === 'number' ? start : DateTime.fromISO(start, { zone: 'utc' }).toMillis();
    if (!Number.isFinite(this.ms)) throw new Error(`AutoClock: bad start ${start}`);
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
  advance(ms: number): void {
    this.ms += ms;
    this.mono += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.advance(Math.max(0, ms));
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/** Polls until `pred` holds (real time; for events from real sockets). */
export async function waitFor(pred: () => boolean, what = 'condition', timeoutMs = 3_000): Promise<void> {
  const start = performance.now();
  while (!pred()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
