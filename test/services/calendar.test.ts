import { describe, expect, it } from 'vitest';
import { loadEconomicCalendar, loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import { CoverageError, UsageError } from '../../src/core/errors.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { calendar, calendarEntries } from '../../src/services/calendar.js';

const Z = (iso: string) => Date.parse(iso);
const deps = { calendar: loadMarketCalendar(), economic: loadEconomicCalendar() };
const at = (nowMs: number) => ({ ...deps, clock: new ManualClock(nowMs) });

describe('calendarEntries', () => {
  it('lists holidays, early closes, FOMC and CPI in order', () => {
    const r = calendarEntries(deps, {
      fromDate: '2026-11-20',
      toDate: '2026-12-31',
      types: ['fomc', 'cpi', 'market'],
    });
    expect(r.fromDate).toBe('2026-11-20');
    expect(r.toDate).toBe('2026-12-31');
    expect(r.entries.map((e) => [e.date, e.kind, e.timeMs])).toEqual([
      ['2026-11-26', 'closed', null],
      ['2026-11-27', 'early_close', Z('2026-11-27T18:00:00Z')],
      ['2026-12-09', 'fomc', Z('2026-12-09T19:00:00Z')],
      ['2026-12-10', 'cpi', Z('2026-12-10T13:30:00Z')],
      ['2026-12-24', 'early_close', Z('2026-12-24T18:00:00Z')],
      ['2026-12-25', 'closed', null],
    ]);
    expect(r.entries[0]).toEqual({
      date: '2026-11-26',
      timeMs: null,
      type: 'market',
      kind: 'closed',
      title: 'Thanksgiving Day',
      detail: 'NYSE closed',
    });
    expect(r.entries[1].detail).toBe('NYSE closes early at 13:00 ET');
    expect(r.entries[2]).toMatchObject({
      type: 'fomc',
      detail: 'meeting 2026-12-08/09, SEP, press conference 14:30 ET',
    });
    expect(r.entries[3]).toMatchObject({ type: 'cpi', detail: 'CPI for 2026-11' });
    expect(r.warnings).toEqual([]);
    expect(r.coverage.map((c) => [c.type, c.complete])).toEqual([
      ['market', true],
      ['fomc', true],
      ['cpi', true],
    ]);
  });

  it('filters by type and never lists weekends', () => {
    const market = calendarEntries(deps, { fromDate: '2026-03-01', toDate: '2026-04-30', types: ['market'] });
    expect(market.entries.map((e) => e.date)).toEqual(['2026-04-03']);
    const cpi = calendarEntries(deps, { fromDate: '2026-03-01', toDate: '2026-04-30', types: ['cpi'] });
    expect(cpi.entries.map((e) => e.date)).toEqual(['2026-03-11', '2026-04-10']);
    expect(cpi.coverage.map((c) => c.type)).toEqual(['cpi']);
  });

  it('includes both ends of the range (ET dates)', () => {
    const r = calendarEntries(deps, { fromDate: '2026-12-09', toDate: '2026-12-10', types: ['fomc', 'cpi'] });
    expect(r.entries.map((e) => e.kind)).toEqual(['fomc', 'cpi']);
  });

  it('sorts by date, then time with all-day closures first', () => {
    const economic = loadEconomicCalendar([
      { type: 'fomc', date: '2026-11-26', time: '10:00', title: 'test meeting' },
      { type: 'cpi', date: '2026-11-27' },
    ]);
    const r = calendarEntries(
      { calendar: deps.calendar, economic },
      { fromDate: '2026-11-26', toDate: '2026-11-27', types: ['market', 'cpi', 'fomc'] },
    );
    expect(r.entries.map((e) => `${e.date} ${e.kind}`)).toEqual([
      '2026-11-26 closed',
      '2026-11-26 fomc',
      '2026-11-27 cpi',
      '2026-11-27 early_close',
    ]);
  });

  it('warns, and marks coverage incomplete, for CPI dates in 2027', () => {
    const r = calendarEntries(deps, {
      fromDate: '2026-12-01',
      toDate: '2027-01-31',
      types: ['cpi', 'fomc', 'market'],
    });
    expect(r.entries.filter((e) => e.type === 'cpi').map((e) => e.date)).toEqual(['2026-12-10']);
    expect(r.entries.filter((e) => e.type === 'fomc').map((e) => e.date)).toEqual([
      '2026-12-09',
      '2027-01-27',
    ]);
    expect(r.warnings).toEqual([
      'no CPI dates after 2026-12-31 (BLS has not published 2027): add them under calendar.events in your config',
    ]);
    expect(r.coverage.find((c) => c.type === 'cpi')).toEqual({
      type: 'cpi',
      fromDate: '2022-01-01',
      toDate: '2026-12-31',
      complete: false,
    });
  });

  it('rejects reversed ranges, bad dates and unknown types', () => {
    expect(() =>
      calendarEntries(deps, { fromDate: '2026-12-31', toDate: '2026-12-01', types: ['market'] }),
    ).toThrow(UsageError);
    expect(() =>
      calendarEntries(deps, { fromDate: '2026-02-30', toDate: '2026-03-01', types: ['market'] }),
    ).toThrow(/--from/);
    expect(() => calendarEntries(deps, { fromDate: '2026-01-01', toDate: '2026-03-01', types: [] })).toThrow(
      UsageError,
    );
    expect(() =>
      calendarEntries(deps, { fromDate: '2026-01-01', toDate: '2026-03-01', types: ['nfp' as 'cpi'] }),
    ).toThrow(UsageError);
  });

  it('throws CoverageError naming the covered years outside the NYSE data', () => {
    expect(() =>
      calendarEntries(deps, { fromDate: '2028-12-01', toDate: '2029-01-31', types: ['market'] }),
    ).toThrow(CoverageError);
    expect(() =>
      calendarEntries(deps, { fromDate: '2021-12-01', toDate: '2022-01-31', types: ['fomc', 'market'] }),
    ).toThrow(/covers 2022–2028/);
    // Economic types alone only warn.
    const r = calendarEntries(deps, { fromDate: '2029-01-01', toDate: '2029-01-31', types: ['cpi'] });
    expect(r.entries).toEqual([]);
    expect(r.warnings[0]).toMatch(/^no CPI dates after 2026-12-31/);
  });
});

describe('calendar', () => {
  it('defaults to 30 days from today in ET and adds display fields', () => {
    // 03:00Z on 2026-11-27 is still 2026-11-26 in New York.
    const r = calendar(at(Z('2026-11-27T03:00:00Z')), { zone: 'UTC' });
    expect(r.fromDate).toBe('2026-11-26');
    expect(r.toDate).toBe('2026-12-25');
    expect(r.localZone).toBe('UTC');
    const fomc = r.entries.find((e) => e.kind === 'fomc');
    expect(fomc).toMatchObject({ weekday: 'Wed', timeEt: '14:00', timeLocal: '19:00 UTC' });
    expect(r.entries[0]).toMatchObject({ kind: 'closed', weekday: 'Thu', timeEt: null, timeLocal: null });
  });

  it('honours --to, --days and types, and shows the local date when it differs', () => {
    const r = calendar(at(0), { from: '2026-12-09', days: 2, types: ['fomc', 'cpi'], zone: 'Asia/Tokyo' });
    expect(r.toDate).toBe('2026-12-10');
    expect(r.entries.map((e) => e.timeLocal)).toEqual(['2026-12-10 04:00 GMT+9', '22:30 GMT+9']);
    expect(calendar(at(0), { from: '2026-12-09', to: '2026-12-09' }).entries).toHaveLength(1);
    expect(() => calendar(at(0), { from: '2026-12-09', days: 0 })).toThrow(UsageError);
  });
});
