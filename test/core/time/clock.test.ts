import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/time/clock.js';

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
