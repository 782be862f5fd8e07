import { describe, expect, it } from 'vitest';
import { cpiBlackout, eventBlackout, fomcBlackout } from '../../../src/core/conditions/blackout.js';

const events = [
  { type: 'cpi', date: '2026-03-11', id: 'cpi-2026-03-11' },
  { type: 'fomc', date: '2026-03-18', id: 'fomc-2026-03-18' },
];
const at = (etDate: string, hh: number, mm: number) => ({ etDate, minuteOfDay: hh * 60 + mm });

describe('cpiBlackout', () => {
  it('blocks a CPI day until 10:30 ET', () => {
    expect(cpiBlackout(at('2026-03-11', 9, 30), events)).toMatchObject({ blackout: true, event: events[0] });
    expect(cpiBlackout(at('2026-03-11', 10, 29), events).blackout).toBe(true);
    expect(cpiBlackout(at('2026-03-11', 10, 30), events).blackout).toBe(false);
    expect(cpiBlackout(at('2026-03-12', 9, 30), events).blackout).toBe(false);
  });
  it('has a configurable window and a readable reason', () => {
    const b = cpiBlackout(at('2026-03-11', 10, 45), events, { fromMinute: 0, toMinute: 11 * 60 });
    expect(b).toMatchObject({ blackout: true, reason: 'CPI day: no entries 00:00–11:00 ET' });
  });
});

describe('fomcBlackout', () => {
  it('blocks 13:00–15:30 ET on a statement day', () => {
    expect(fomcBlackout(at('2026-03-18', 12, 59), events).blackout).toBe(false);
    expect(fomcBlackout(at('2026-03-18', 13, 0), events).blackout).toBe(true);
    expect(fomcBlackout(at('2026-03-18', 14, 0), events)).toMatchObject({
      blackout: true,
      reason: 'FOMC day: no entries 13:00–15:30 ET',
    });
    expect(fomcBlackout(at('2026-03-18', 15, 30), events).blackout).toBe(false);
    expect(fomcBlackout(at('2026-03-11', 14, 0), events).blackout).toBe(false);
  });
  it('rejects a bad wall time', () => {
    expect(() => fomcBlackout({ etDate: '2026-03-18', minuteOfDay: 1440 }, events)).toThrow(RangeError);
  });
});

describe('eventBlackout', () => {
  it('combines both', () => {
    expect(eventBlackout(at('2026-03-11', 9, 0), events).blackout).toBe(true);
    expect(eventBlackout(at('2026-03-18', 14, 0), events).blackout).toBe(true);
    expect(eventBlackout(at('2026-03-18', 10, 0), events).blackout).toBe(false);
    expect(
      eventBlackout(at('2026-03-18', 14, 0), events, { fomc: { fromMinute: 0, toMinute: 60 } }).blackout,
    ).toBe(false);
  });
});
