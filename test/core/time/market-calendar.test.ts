import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../src/adapters/bundled/calendars.js';
import { ArgusError, CoverageError, UsageError } from '../../../src/core/errors.js';
import {
  addDays,
  etDate,
  etParts,
  etToUtcMs,
  formatEt,
  formatLocal,
  isCalendarDate,
  isoWeekday,
  MarketCalendar,
  parseCalendarCsv,
  parseMarketCalendarCsv,
} from '../../../src/core/time/market-calendar.js';

const Z = (iso: string) => Date.parse(iso);
const cal = loadMarketCalendar();

describe('date helpers', () => {
  it('steps calendar dates across month, leap-day and year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(isoWeekday('2026-11-26')).toBe(4);
    expect(isoWeekday('2026-03-08')).toBe(7);
    expect(isoWeekday('1970-01-01')).toBe(4);
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-1-5', '2026-13-01', 'tomorrow', '']) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });

  it('parses quoted CSV fields', () => {
    expect(parseCalendarCsv('a,b\r\n"x, ""y""",2\n')).toEqual([{ a: 'x, "y"', b: '2' }]);
    expect(() => parseCalendarCsv('a,b\n1\n')).toThrow(ArgusError);
  });
});

describe('ET conversions', () => {
  it('converts ET wall time to UTC on both sides of the 2026 DST switches', () => {
    expect(etToUtcMs('2026-03-06', '09:30')).toBe(Z('2026-03-06T14:30:00Z'));
    expect(etToUtcMs('2026-03-09', '09:30')).toBe(Z('2026-03-09T13:30:00Z'));
    expect(etToUtcMs('2026-10-30', '09:30')).toBe(Z('2026-10-30T13:30:00Z'));
    expect(etToUtcMs('2026-11-02', '09:30')).toBe(Z('2026-11-02T14:30:00Z'));
  });

  it('handles the switch days themselves', () => {
    // Spring forward, Sun 2026-03-08: 02:00 EST -> 03:00 EDT.
    expect(etToUtcMs('2026-03-08', '01:59')).toBe(Z('2026-03-08T06:59:00Z'));
    expect(etToUtcMs('2026-03-08', '03:00')).toBe(Z('2026-03-08T07:00:00Z'));
    expect(etToUtcMs('2026-03-08', '12:00')).toBe(Z('2026-03-08T16:00:00Z'));
    expect(() => etToUtcMs('2026-03-08', '02:30')).toThrow(UsageError);
    // Fall back, Sun 2026-11-01: 02:00 EDT -> 01:00 EST; 01:30 happens twice (second one taken).
    expect(etToUtcMs('2026-11-01', '00:30')).toBe(Z('2026-11-01T04:30:00Z'));
    expect(etToUtcMs('2026-11-01', '01:30')).toBe(Z('2026-11-01T06:30:00Z'));
    expect(etToUtcMs('2026-11-01', '12:00')).toBe(Z('2026-11-01T17:00:00Z'));
  });

  it('rejects malformed dates and times', () => {
    expect(() => etToUtcMs('2026-02-30', '09:30')).toThrow(UsageError);
    expect(() => etToUtcMs('2026-03-06', '9:30')).toThrow(UsageError);
    expect(() => etToUtcMs('2026-03-06', '24:00')).toThrow(UsageError);
  });

  it('gives ET parts, dates and formatted times', () => {
    expect(etParts(Z('2026-03-08T07:00:00Z'))).toEqual({
      date: '2026-03-08',
      hour: 3,
      minute: 0,
      weekday: 7,
      minuteOfDay: 180,
    });
    // 03:00 UTC on the 27th is still the evening of the 26th in New York.
    expect(etDate(Z('2026-11-27T03:00:00Z'))).toBe('2026-11-26');
    expect(formatEt(Z('2026-11-27T18:00:00Z'))).toBe('2026-11-27 13:00 ET');
    expect(formatEt(Z('2026-07-01T18:00:00Z'))).toBe('2026-07-01 14:00 ET');
    expect(formatLocal(Z('2026-11-27T18:00:00Z'), 'America/Chicago')).toBe('2026-11-27 12:00 CST');
    expect(formatLocal(Z('2026-11-27T18:00:00Z'), 'UTC')).toBe('2026-11-27 18:00 UTC');
    expect(() => formatLocal(0, 'Mars/Olympus')).toThrow(UsageError);
    expect(cal.formatEt(Z('2026-11-27T18:00:00Z'))).toBe('2026-11-27 13:00 ET');
  });
});

describe('MarketCalendar (bundled data)', () => {
  it('covers 2022-2028 and is parsed once', () => {
    expect(cal.coverage()).toEqual({ fromYear: 2022, toYear: 2028 });
    expect(loadMarketCalendar()).toBe(cal);
  });

  it('opens at 14:30Z before and 13:30Z after the March switch', () => {
    expect(cal.tradingDay('2026-03-06')).toEqual({
      date: '2026-03-06',
      openMs: Z('2026-03-06T14:30:00Z'),
      closeMs: Z('2026-03-06T21:00:00Z'),
      earlyClose: false,
      closeEt: '16:00',
    });
    expect(cal.tradingDay('2026-03-09')).toMatchObject({
      openMs: Z('2026-03-09T13:30:00Z'),
      closeMs: Z('2026-03-09T20:00:00Z'),
    });
  });

  it('opens at 13:30Z before and 14:30Z after the November switch', () => {
    expect(cal.tradingDay('2026-10-30')).toMatchObject({
      openMs: Z('2026-10-30T13:30:00Z'),
      closeMs: Z('2026-10-30T20:00:00Z'),
    });
    expect(cal.tradingDay('2026-11-02')).toMatchObject({
      openMs: Z('2026-11-02T14:30:00Z'),
      closeMs: Z('2026-11-02T21:00:00Z'),
    });
  });

  it('buckets sessions in ET around the March switch', () => {
    // Fri 2026-03-06, EST (UTC-5)
    expect(cal.sessionBucket(Z('2026-03-06T14:29:59Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-03-06T14:30:00Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-03-06T16:29:59Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-03-06T16:30:00Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-03-06T18:59:59Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-03-06T19:00:00Z'))).toBe('afternoon');
    expect(cal.sessionBucket(Z('2026-03-06T20:59:59Z'))).toBe('afternoon');
    expect(cal.sessionBucket(Z('2026-03-06T21:00:00Z'))).toBeNull();
    // Mon 2026-03-09, EDT (UTC-4): the same UTC hours now mean one hour later in New York.
    expect(cal.sessionBucket(Z('2026-03-09T13:29:00Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-03-09T13:30:00Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-03-09T15:30:00Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-03-09T18:00:00Z'))).toBe('afternoon');
    expect(cal.sessionBucket(Z('2026-03-09T20:00:00Z'))).toBeNull();
    // Weekend: no session at any hour.
    expect(cal.sessionBucket(Z('2026-03-07T15:00:00Z'))).toBeNull();
  });

  it('buckets sessions in ET around the November switch', () => {
    expect(cal.sessionBucket(Z('2026-10-30T13:30:00Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-10-30T18:00:00Z'))).toBe('afternoon');
    expect(cal.sessionBucket(Z('2026-10-30T20:00:00Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-11-02T13:30:00Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-11-02T14:30:00Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-11-02T18:00:00Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-11-02T20:30:00Z'))).toBe('afternoon');
  });

  it('reports status across the March switch weekend', () => {
    expect(cal.status(Z('2026-03-06T20:59:00Z'))).toEqual({
      phase: 'open',
      reason: 'regular session',
      lastCloseMs: Z('2026-03-05T21:00:00Z'),
      nextOpenMs: Z('2026-03-09T13:30:00Z'),
      nextCloseMs: Z('2026-03-06T21:00:00Z'),
    });
    expect(cal.status(Z('2026-03-06T21:00:00Z'))).toMatchObject({
      phase: 'post',
      lastCloseMs: Z('2026-03-06T21:00:00Z'),
    });
    expect(cal.status(Z('2026-03-07T15:00:00Z'))).toEqual({
      phase: 'closed',
      reason: 'weekend',
      lastCloseMs: Z('2026-03-06T21:00:00Z'),
      nextOpenMs: Z('2026-03-09T13:30:00Z'),
      nextCloseMs: Z('2026-03-09T20:00:00Z'),
    });
    expect(cal.status(Z('2026-03-09T13:00:00Z'))).toMatchObject({ phase: 'pre', reason: 'pre-market' });
    expect(cal.status(Z('2026-03-09T13:30:00Z')).phase).toBe('open');
    expect(cal.isOpen(Z('2026-03-09T13:29:59Z'))).toBe(false);
    expect(cal.isOpen(Z('2026-03-09T13:30:00Z'))).toBe(true);
  });

  it('reports status across the November switch weekend', () => {
    // 14:00Z Monday is 09:00 EST: before the open, which is 14:30Z now.
    expect(cal.status(Z('2026-11-02T14:00:00Z'))).toEqual({
      phase: 'pre',
      reason: 'pre-market',
      lastCloseMs: Z('2026-10-30T20:00:00Z'),
      nextOpenMs: Z('2026-11-02T14:30:00Z'),
      nextCloseMs: Z('2026-11-02T21:00:00Z'),
    });
    expect(cal.isOpen(Z('2026-11-02T14:00:00Z'))).toBe(false);
  });

  it('closes for Thanksgiving 2026 and closes early at 13:00 ET the day after', () => {
    expect(cal.closure('2026-11-26')).toEqual({
      date: '2026-11-26',
      name: 'Thanksgiving Day',
      type: 'closed',
    });
    expect(cal.tradingDay('2026-11-26')).toBeNull();
    expect(cal.isTradingDay('2026-11-26')).toBe(false);
    expect(cal.status(Z('2026-11-26T16:00:00Z'))).toEqual({
      phase: 'closed',
      reason: 'Thanksgiving Day',
      lastCloseMs: Z('2026-11-25T21:00:00Z'),
      nextOpenMs: Z('2026-11-27T14:30:00Z'),
      nextCloseMs: Z('2026-11-27T18:00:00Z'),
    });

    expect(cal.closure('2026-11-27')).toBeNull();
    expect(cal.tradingDay('2026-11-27')).toEqual({
      date: '2026-11-27',
      openMs: Z('2026-11-27T14:30:00Z'),
      closeMs: Z('2026-11-27T18:00:00Z'),
      earlyClose: true,
      closeEt: '13:00',
    });
    expect(cal.isOpen(Z('2026-11-27T17:59:59Z'))).toBe(true);
    expect(cal.isOpen(Z('2026-11-27T18:00:00Z'))).toBe(false);
    expect(cal.status(Z('2026-11-27T14:00:00Z'))).toMatchObject({
      phase: 'pre',
      reason: 'pre-market, early close 13:00 ET',
    });
    expect(cal.status(Z('2026-11-27T15:00:00Z'))).toMatchObject({
      phase: 'open',
      reason: 'early close 13:00 ET',
      nextCloseMs: Z('2026-11-27T18:00:00Z'),
    });
    expect(cal.status(Z('2026-11-27T18:30:00Z'))).toMatchObject({
      phase: 'post',
      reason: 'after the early close 13:00 ET',
      lastCloseMs: Z('2026-11-27T18:00:00Z'),
      nextOpenMs: Z('2026-11-30T14:30:00Z'),
    });
  });

  it('clips the buckets at a 13:00 close: midday ends at 13:00, no afternoon', () => {
    expect(cal.sessionBucket(Z('2026-11-27T16:29:00Z'))).toBe('morning');
    expect(cal.sessionBucket(Z('2026-11-27T16:30:00Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-11-27T17:59:59Z'))).toBe('midday');
    expect(cal.sessionBucket(Z('2026-11-27T18:00:00Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-11-27T19:00:00Z'))).toBeNull();
    expect(cal.sessionBucket(Z('2026-11-27T20:00:00Z'))).toBeNull();
  });

  it('knows the unscheduled 2025-01-09 closure (President Carter)', () => {
    const c = cal.closure('2025-01-09');
    expect(c?.type).toBe('closed');
    expect(c?.name).toMatch(/Carter/);
    expect(cal.tradingDays('2025-01-06', '2025-01-10')).toEqual([
      '2025-01-06',
      '2025-01-07',
      '2025-01-08',
      '2025-01-10',
    ]);
    expect(cal.nextTradingDay('2025-01-08')).toBe('2025-01-10');
  });

  it('finds the last close across a weekend and across holidays', () => {
    // Monday pre-market -> Friday's close.
    expect(cal.lastClose(Z('2026-03-09T12:00:00Z'))).toEqual({
      date: '2026-03-06',
      closeMs: Z('2026-03-06T21:00:00Z'),
    });
    // Tuesday after MLK Day -> the Friday before.
    expect(cal.lastClose(Z('2026-01-20T10:00:00Z'))).toEqual({
      date: '2026-01-16',
      closeMs: Z('2026-01-16T21:00:00Z'),
    });
    // Good Friday plus weekend -> Thursday's close (EDT).
    expect(cal.lastClose(Z('2026-04-06T13:00:00Z'))).toEqual({
      date: '2026-04-02',
      closeMs: Z('2026-04-02T20:00:00Z'),
    });
    // At the close instant the close counts; a millisecond before it does not.
    expect(cal.lastClose(Z('2026-01-16T21:00:00Z')).date).toBe('2026-01-16');
    expect(cal.lastClose(Z('2026-01-16T20:59:59.999Z')).date).toBe('2026-01-15');
    // After the early close on the day after Thanksgiving.
    expect(cal.lastClose(Z('2026-11-28T12:00:00Z'))).toEqual({
      date: '2026-11-27',
      closeMs: Z('2026-11-27T18:00:00Z'),
    });
  });

  it('finds next opens and closes', () => {
    expect(cal.nextOpen(Z('2026-04-02T21:00:00Z'))).toEqual({
      date: '2026-04-06',
      openMs: Z('2026-04-06T13:30:00Z'),
    });
    expect(cal.nextOpen(Z('2026-04-06T13:30:00Z')).date).toBe('2026-04-07');
    expect(cal.nextClose(Z('2026-04-06T13:30:00Z'))).toEqual({
      date: '2026-04-06',
      closeMs: Z('2026-04-06T20:00:00Z'),
    });
    expect(cal.nextClose(Z('2026-04-06T20:00:00Z')).date).toBe('2026-04-07');
  });

  it('steps trading days over weekends and holidays', () => {
    expect(cal.previousTradingDay('2026-04-06')).toBe('2026-04-02');
    expect(cal.nextTradingDay('2026-04-02')).toBe('2026-04-06');
    expect(cal.nextTradingDay('2026-12-31')).toBe('2027-01-04');
    expect(cal.tradingDays('2026-11-23', '2026-11-30')).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-27',
      '2026-11-30',
    ]);
    expect(cal.tradingDays('2026-11-26', '2026-11-26')).toEqual([]);
    expect(() => cal.tradingDays('2026-11-30', '2026-11-23')).toThrow(UsageError);
  });

  it('lists holidays and early closes in a range', () => {
    const days = cal.specialDays('2026-01-01', '2026-12-31');
    expect(days).toHaveLength(12);
    expect(days.filter((d) => d.type === 'early_close').map((d) => d.date)).toEqual([
      '2026-11-27',
      '2026-12-24',
    ]);
    expect(days[0]).toEqual({ date: '2026-01-01', type: 'closed', name: "New Year's Day", closeEt: null });
  });

  it('moves a Good Friday expiry to Thursday', () => {
    // 2026-04-03 is Good Friday; 2026-04-17 is April's third Friday (monthly).
    expect(cal.optionExpiries('2026-03-30', '2026-04-17')).toEqual([
      '2026-04-02',
      '2026-04-10',
      '2026-04-17',
    ]);
    // The range may end on the Thursday that takes the Friday expiry.
    expect(cal.optionExpiries('2026-03-30', '2026-04-02')).toEqual(['2026-04-02']);
    // 2025: Good Friday was the third Friday, so the monthly itself moved to Thursday 2025-04-17.
    expect(cal.optionExpiries('2025-04-14', '2025-04-18')).toEqual(['2025-04-17']);
  });

  it('lists weekly and monthly Friday expiries and holiday moves through the year', () => {
    expect(cal.optionExpiries('2026-02-01', '2026-02-28')).toEqual([
      '2026-02-06',
      '2026-02-13',
      '2026-02-20', // monthly (third Friday)
      '2026-02-27',
    ]);
    const june = cal.optionExpiries('2026-06-15', '2026-07-10');
    // Juneteenth (Fri 06-19) and Independence Day observed (Fri 07-03) move to Thursday.
    expect(june).toEqual(['2026-06-18', '2026-06-26', '2026-07-02', '2026-07-10']);
    // Christmas (Fri) moves to the early-close Thursday; New Year's Day 2027 (Fri) to 2026-12-31.
    expect(cal.optionExpiries('2026-12-21', '2027-01-08')).toEqual([
      '2026-12-24',
      '2026-12-31',
      '2027-01-08',
    ]);
  });

  it('adds Monday and Wednesday expiries from dailyFrom, skipping holidays', () => {
    expect(cal.optionExpiries('2026-03-30', '2026-04-10', { dailyFrom: '2026-04-01' })).toEqual([
      '2026-04-01',
      '2026-04-02',
      '2026-04-06',
      '2026-04-08',
      '2026-04-10',
    ]);
    // Memorial Day Monday has no expiry.
    expect(cal.optionExpiries('2026-05-25', '2026-05-29', { dailyFrom: '2026-01-01' })).toEqual([
      '2026-05-27',
      '2026-05-29',
    ]);
    expect(() => cal.optionExpiries('2026-05-25', '2026-05-29', { dailyFrom: 'soon' })).toThrow(UsageError);
  });

  it('builds hourly replay steps plus the close', () => {
    // Tuesday 2026-11-24 (EST): 10:00..15:00 and the 16:00 close.
    expect(cal.replaySteps('2026-11-24', '2026-11-24')).toEqual([
      Z('2026-11-24T15:00:00Z'),
      Z('2026-11-24T16:00:00Z'),
      Z('2026-11-24T17:00:00Z'),
      Z('2026-11-24T18:00:00Z'),
      Z('2026-11-24T19:00:00Z'),
      Z('2026-11-24T20:00:00Z'),
      Z('2026-11-24T21:00:00Z'),
    ]);
    // Early close: 10:00, 11:00, 12:00, then the 13:00 close.
    expect(cal.replaySteps('2026-11-27', '2026-11-27')).toEqual([
      Z('2026-11-27T15:00:00Z'),
      Z('2026-11-27T16:00:00Z'),
      Z('2026-11-27T17:00:00Z'),
      Z('2026-11-27T18:00:00Z'),
    ]);
    const week = cal.replaySteps('2026-11-25', '2026-11-30');
    expect(week).toHaveLength(7 + 4 + 7);
    expect([...week].sort((a, b) => a - b)).toEqual(week);
    // EDT day: 10:00 ET is 14:00Z.
    expect(cal.replaySteps('2026-07-01', '2026-07-01')[0]).toBe(Z('2026-07-01T14:00:00Z'));
  });

  it('2022–2023 from their own file: Juneteenth 2022 observed on Monday 06-20, 2022-11-25 closes at 13:00', () => {
    expect(cal.closure('2022-06-20')?.name).toMatch(/Juneteenth/);
    expect(cal.tradingDay('2022-11-25')?.closeMs).toBe(Z('2022-11-25T18:00:00Z'));
    // 2022-01-01 fell on a Saturday: nothing observed, Monday 2022-01-03 trades.
    expect(cal.isTradingDay('2022-01-03')).toBe(true);
    expect(cal.previousTradingDay('2024-01-02')).toBe('2023-12-29');
  });

  it('throws CoverageError for 2029 and 2021 instead of guessing', () => {
    const err = (() => {
      try {
        cal.closure('2029-01-02');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CoverageError);
    expect((err as CoverageError).message).toMatch(
      /^no NYSE holiday data for 2029: the bundled calendar covers 2022–2028;/,
    );
    expect((err as CoverageError).hint).toMatch(/NYSE/);
    expect((err as CoverageError).exitCode).toBe(3);
    expect(() => cal.isTradingDay('2029-01-06')).toThrow(CoverageError);
    expect(() => cal.isOpen(Z('2029-03-01T15:00:00Z'))).toThrow(CoverageError);
    expect(() => cal.tradingDays('2028-12-01', '2029-01-05')).toThrow(CoverageError);
    expect(() => cal.replaySteps('2029-01-02', '2029-01-02')).toThrow(CoverageError);
    // After the last 2028 close the next open lies in 2029.
    expect(() => cal.nextOpen(Z('2028-12-29T22:00:00Z'))).toThrow(/2029/);
    expect(() => cal.status(Z('2028-12-30T15:00:00Z'))).toThrow(CoverageError);
    // 2021 is known only on 2021-12-31 (a full session: New Year's Day 2022 fell on a Saturday)
    expect(cal.previousTradingDay('2022-01-03')).toBe('2021-12-31');
    expect(() => cal.previousTradingDay('2021-12-31')).toThrow(/2021/);
    expect(() => cal.isTradingDay('2021-11-25')).toThrow(CoverageError);
    // The last covered session still works.
    expect(cal.lastClose(Z('2028-12-29T22:00:00Z')).date).toBe('2028-12-29');
  });
});

describe('MarketCalendar construction', () => {
  it('derives coverage from the rows and refuses a year with no rows', () => {
    const rows = [
      { date: '2030-01-01', type: 'closed' as const, name: 'New Year' },
      { date: '2031-01-01', type: 'closed' as const, name: 'New Year' },
    ];
    expect(new MarketCalendar(rows).coverage()).toEqual({ fromYear: 2030, toYear: 2031 });
    expect(
      () =>
        new MarketCalendar([
          { date: '2030-01-01', type: 'closed', name: 'x' },
          { date: '2032-01-01', type: 'closed', name: 'x' },
        ]),
    ).toThrow(/no holidays listed for 2031/);
    expect(() => new MarketCalendar([])).toThrow(ArgusError);
    expect(() => new MarketCalendar([rows[0], rows[0]])).toThrow(/twice/);
    expect(() => new MarketCalendar([{ date: '2030-01-05', type: 'closed', name: 'x' }])).toThrow(/weekend/);
  });

  it('checks weekdays, types and times in the CSV', () => {
    const head = 'date,weekday,type,name,early_close_time_et\n';
    expect(parseMarketCalendarCsv(`${head}2026-11-27,Fri,early_close,Day after,13:00\n`)).toEqual([
      { date: '2026-11-27', type: 'early_close', name: 'Day after', closeEt: '13:00' },
    ]);
    expect(() => parseMarketCalendarCsv(`${head}2026-11-27,Thu,closed,x,\n`)).toThrow(/is a Fri/);
    expect(() => parseMarketCalendarCsv(`${head}2026-11-27,Fri,half,x,\n`)).toThrow(/unknown type/);
    expect(() => parseMarketCalendarCsv(`${head}2026-11-27,Fri,early_close,x,\n`)).toThrow(
      /early-close time/,
    );
  });
});

describe('expiryCloseMs: the instant time to maturity runs to', () => {
  it('13:00 ET on an early-close day, 16:00 ET on a regular one', () => {
    // Friday 2025-11-28 (after Thanksgiving) closes at 13:00 EST = 18:00 UTC.
    expect(new Date(cal.expiryCloseMs('2025-11-28')).toISOString()).toBe('2025-11-28T18:00:00.000Z');
    expect(new Date(cal.expiryCloseMs('2025-11-21')).toISOString()).toBe('2025-11-21T21:00:00.000Z');
  });
});
