import type { Clock } from '../../../core/time/clock.js';

export interface RateLimit {
  /** Sustained requests per second. */
  ratePerSec: number;
  /** Requests allowed back to back after a quiet spell. */
  burst: number;
}

interface Bucket {
  limit: RateLimit;
  tokens: number;
  lastMs: number;
}

/**
 * A token bucket per host. A caller takes its token at once (the balance may go negative) and then
 * sleeps off the debt, so concurrent callers queue in order without a lock.
 */
export class RateLimiter {
  private readonly limits = new Map<string, RateLimit>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Sets a host's limit; when two providers share a host the stricter limit wins. */
  limit(host: string, limit: RateLimit): this {
    if (!(limit.ratePerSec > 0) || !(limit.burst >= 1)) {
      throw new Error(`rate limit for ${host} needs ratePerSec > 0 and burst >= 1`);
    }
    const prev = this.limits.get(host);
    if (!prev || limit.ratePerSec < prev.ratePerSec) this.limits.set(host, limit);
    return this;
  }

  /** Milliseconds the caller waited; 0 for hosts without a limit. */
  async acquire(host: string, signal?: AbortSignal): Promise<number> {
    const limit = this.limits.get(host);
    if (!limit) return 0;
    const now = this.clock.monotonicMs();
    let b = this.buckets.get(host);
    if (!b) {
      b = { limit, tokens: limit.burst, lastMs: now };
      this.buckets.set(host, b);
    }
    // Total elapsed milliseconds: the seed used timedelta.seconds, which wraps every minute.
    const elapsedMs = Math.max(0, now - b.lastMs);
    b.tokens = Math.min(limit.burst, b.tokens + (elapsedMs * limit.ratePerSec) / 1000);
    b.lastMs = now;
    b.tokens -= 1;
    if (b.tokens >= 0) return 0;
    const waitMs = Math.ceil((-b.tokens * 1000) / limit.ratePerSec);
    await this.clock.sleep(waitMs, signal);
    return waitMs;
  }
}
