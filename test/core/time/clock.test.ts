import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock } from '../../../src/core/time/clock.js';

const T0 = Date.parse('2026-03-06T14:30:00Z');

describe('ManualClock', () => {
  it('starts at the given instant and reports it in UTC', () => {
    const c = ManualClock.at('2026-03-06T14:30:00Z');
    expect(c.nowMs()).toBe(T0);
    expect(c.now().toISO()).toBe('2026-03-06T14:30:00.000Z');
    expect(() => ManualClock.at('not a time')).toThrow(/invalid ISO/);
    expect(() => new ManualClock(Number.NaN)).toThrow(/invalid start/);
  });

  it('moves forward with advance and set, and refuses to go back', () => {
    const c = new ManualClock(T0);
    c.advance(60_000);
    expect(c.nowMs()).toBe(T0 + 60_000);
    c.set(T0 + 120_000);
    expect(c.nowMs()).toBe(T0 + 120_000);
    expect(() => c.set(T0)).toThrow(/cannot go back/);
    expect(() => c.advance(-1)).toThrow(/non-negative/);
    expect(() => c.advance(Number.NaN)).toThrow(/non-negative/);
    expect(c.nowMs()).toBe(T0 + 120_000);
  });

  it('has a monotonic counter that starts at 0 and only grows with elapsed time', () => {
    const c = new ManualClock(T0);
    expect(c.monotonicMs()).toBe(0);
    c.advance(5);
    const a = c.monotonicMs();
    c.set(T0 + 5);
    expect(c.monotonicMs()).toBe(a);
    c.set(T0 + 1_005);
    expect(c.monotonicMs()).toBe(1_005);
    expect(c.monotonicMs()).toBeGreaterThanOrEqual(a);
  });

  it('wakes a sleeper only once time has passed its deadline', async () => {
    const c = new ManualClock(T0);
    let woke = false;
    const p = c.sleep(1_000).then(() => {
      woke = true;
    });
    expect(c.pendingSleeps).toBe(1);
    c.advance(999);
    await Promise.resolve();
    expect(woke).toBe(false);
    expect(c.pendingSleeps).toBe(1);
    c.advance(1);
    await p;
    expect(woke).toBe(true);
    expect(c.pendingSleeps).toBe(0);
  });

  it('wakes several sleepers in one jump and resolves non-positive sleeps at once', async () => {
    const c = new ManualClock(T0);
    const order: number[] = [];
    const a = c.sleep(100).then(() => order.push(100));
    const b = c.sleep(50).then(() => order.push(50));
    c.set(T0 + 1_000);
    await Promise.all([a, b]);
    expect(order.sort((x, y) => x - y)).toEqual([50, 100]);
    await expect(c.sleep(0)).resolves.toBeUndefined();
    await expect(c.sleep(-5)).resolves.toBeUndefined();
    expect(c.pendingSleeps).toBe(0);
  });

  it('rejects a sleep with the abort reason and forgets the sleeper', async () => {
    const c = new ManualClock(T0);
    const ac = new AbortController();
    const p = c.sleep(10_000, ac.signal);
    expect(c.pendingSleeps).toBe(1);
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(c.pendingSleeps).toBe(0);
    c.advance(20_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const c = new ManualClock(T0);
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await expect(c.sleep(10, ac.signal)).rejects.toThrow('already');
    expect(c.pendingSleeps).toBe(0);
  });
});

describe('ScaledClock', () => {
  it('runs `speed` market ms per base ms from its start, and sleeps in market time', async () => {
    const base = ManualClock.at('2026-12-05T10:00:00Z');
    const start = Date.UTC(2025, 2, 10, 14, 0);
    const c = new ScaledClock(base, start, 600);
    expect(c.nowMs()).toBe(start);
    base.advance(1_000);
    // one wall second at 600× is ten market minutes
    expect(c.nowMs()).toBe(start + 600_000);
    expect(c.now().toISO()).toBe('2025-03-10T14:10:00.000Z');
    let woke = false;
    const p = c.sleep(60_000).then(() => {
      woke = true;
    });
    base.advance(99);
    await Promise.resolve();
    expect(woke).toBe(false);
    base.advance(1);
    await p;
    expect(woke).toBe(true);
  });

  it('refuses a speed that is not a positive number', () => {
    const base = ManualClock.at('2026-12-05T10:00:00Z');
    expect(() => new ScaledClock(base, 0, 0)).toThrow('speed must be > 0, got 0');
    expect(() => new ScaledClock(base, 0, Number.NaN)).toThrow('speed must be > 0');
  });
});

describe('ScaledClock.anchor', () => {
  it('restarts market time from the start, whatever time start-up took', () => {
    const base = ManualClock.at('2026-12-05T10:00:00Z');
    const c = new ScaledClock(base, 1_000_000, 600);
    base.advance(2_000);
    expect(c.nowMs()).toBe(1_000_000 + 1_200_000);
    c.anchor();
    expect(c.nowMs()).toBe(1_000_000);
    base.advance(10);
    expect(c.nowMs()).toBe(1_006_000);
  });
});
