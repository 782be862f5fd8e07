import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEconomicCalendar } from '../../../src/adapters/bundled/calendars.js';
import { bundledFile } from '../../../src/adapters/bundled/files.js';
import { parseCsvRecords } from '../../../src/core/csv.js';
import { CoverageError, UsageError } from '../../../src/core/errors.js';
import {
  BUNDLED_COVERAGE,
  EconomicCalendar,
  parseCpiCsv,
  parseFomcCsv,
} from '../../../src/core/time/economic-calendar.js';

const Z = (iso: string) => Date.parse(iso);
const cal = loadEconomicCalendar();
const all = cal.events(Z('2024-01-01T00:00:00Z'), Z('2029-01-01T00:00:00Z'));
const byId = (id: string) => all.events.find((e) => e.id === id);

describe('bundled FOMC dates', () => {
  it('lists all 33 meetings from 2024 with the statement at 14:00 ET on the decision day', () => {
    const fomc = all.events.filter((e) => e.type === 'fomc');
    // 8 in 2024 (from the 2022–2024 file) + 25 (2025 – January 2028)
    expect(fomc).toHaveLength(33);
    expect(fomc[0].date).toBe('2024-01-31');
    expect(fomc[8].date).toBe('2025-01-29');
    expect(fomc[fomc.length - 1].date).toBe('2028-01-26');
  });

  it('has the 2026-12-08/09 meeting with its statement at 19:00Z', () => {
    expect(byId('fomc-2026-12-09')).toEqual({
      id: 'fomc-2026-12-09',
      type: 'fomc',
      date: '2026-12-09',
      timeMs: Z('2026-12-09T19:00:00Z'),
      title: 'FOMC statement',
      detail: 'meeting 2026-12-08/09, SEP, press conference 14:30 ET',
      source: 'bundled',
    });
    expect(byId('fomc-2026-01-28')?.detail).toBe('meeting 2026-01-27/28, press conference 14:30 ET');
    // Summer meeting: 14:00 EDT.
    expect(byId('fomc-2026-07-29')?.timeMs).toBe(Z('2026-07-29T18:00:00Z'));
  });
});

describe('bundled CPI dates', () => {
  it('releases at 08:30 ET: 2026-12-10 is 13:30Z', () => {
    expect(byId('cpi-2026-12-10')).toMatchObject({
      type: 'cpi',
      date: '2026-12-10',
      timeMs: Z('2026-12-10T13:30:00Z'),
      title: 'CPI release',
      detail: 'CPI for 2026-11',
      source: 'bundled',
    });
    // 12 releases in 2024 + 23: reference months 2024-12..2026-11 minus the never-published October 2025.
    expect(all.events.filter((e) => e.type === 'cpi')).toHaveLength(35);
  });

  it('follows the 2025 shutdown changes', () => {
    const q4 = cal.events(Z('2025-10-01T04:00:00Z'), Z('2026-01-01T05:00:00Z'), ['cpi']).events;
    expect(q4.map((e) => [e.date, e.detail])).toEqual([
      ['2025-10-24', 'CPI for 2025-09, rescheduled from 2025-10-15'],
      ['2025-12-18', 'CPI for 2025-11, rescheduled from 2025-12-10'],
    ]);
    // Still EDT on 2025-10-24.
    expect(q4[0].timeMs).toBe(Z('2025-10-24T12:30:00Z'));
    expect(q4[1].timeMs).toBe(Z('2025-12-18T13:30:00Z'));
    // Nothing on the original dates, and no October 2025 CPI at all.
    expect(byId('cpi-2025-10-15')).toBeUndefined();
    expect(byId('cpi-2025-11-13')).toBeUndefined();
    expect(byId('cpi-2025-12-10')).toBeUndefined();
    expect(all.events.some((e) => e.detail.startsWith('CPI for 2025-10'))).toBe(false);
    // 2025-12-10 keeps its FOMC decision.
    expect(cal.eventsOnDate('2025-12-10').events.map((e) => e.id)).toEqual(['fomc-2025-12-10']);
  });

  it('skips unpublished months in the CSV by status or missing release date', () => {
    const head =
      'reference_month,originally_scheduled_release_date,release_date,release_time_et,weekday,status,sources,note\n';
    const rows = parseCpiCsv(
      `${head}2025-10,2025-11-13,,08:30,Thu,not published,S1,\n2027-01,,2027-02-10,08:30,Wed,cancelled,S9,\n2027-02,,2027-03-10,08:30,Wed,scheduled,S9,\n`,
    );
    expect(rows.map((r) => r.id)).toEqual(['cpi-2027-03-10']);
  });
});

describe('2022–2024 dates', () => {
  it('has the 2022 meetings and releases, and 2024-11-07 (a Thursday) at 14:00 EST', () => {
    const y2022 = cal.events(Z('2022-01-01T05:00:00Z'), Z('2023-01-01T05:00:00Z'));
    expect(y2022.events.filter((e) => e.type === 'fomc')).toHaveLength(8);
    expect(y2022.events.filter((e) => e.type === 'cpi')).toHaveLength(12);
    expect(y2022.warnings).toEqual([]);
    // 2022-06-15: 14:00 EDT; the 2022-06-10 CPI at 08:30 EDT
    expect(cal.eventsOnDate('2022-06-15').events.map((e) => [e.id, e.timeMs])).toEqual([
      ['fomc-2022-06-15', Z('2022-06-15T18:00:00Z')],
    ]);
    expect(cal.eventsOnDate('2022-06-10').events[0].timeMs).toBe(Z('2022-06-10T12:30:00Z'));
    expect(cal.eventsOnDate('2024-11-07').events[0].timeMs).toBe(Z('2024-11-07T19:00:00Z'));
  });

  it('the two files meet: December 2024 CPI (2024-12-11) then January 2025 (2025-01-15)', () => {
    expect(cal.nextEvent(Z('2024-12-12T00:00:00Z'), 'cpi').id).toBe('cpi-2025-01-15');
    expect(cal.nextEvent(Z('2024-12-19T00:00:00Z'), 'fomc').id).toBe('fomc-2025-01-29');
  });
});

describe('coverage and warnings', () => {
  it('reports the bundled coverage per type', () => {
    const r = cal.events(Z('2026-01-01T05:00:00Z'), Z('2026-02-01T05:00:00Z'));
    expect(r.coverage).toEqual([
      { type: 'fomc', fromDate: '2022-01-01', toDate: '2028-01-31', complete: true },
      { type: 'cpi', fromDate: '2022-01-01', toDate: '2026-12-31', complete: true },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('warns instead of inventing CPI dates in 2027', () => {
    const r = cal.events(Z('2026-12-01T05:00:00Z'), Z('2027-02-01T05:00:00Z'));
    expect(r.events.map((e) => e.id)).toEqual(['fomc-2026-12-09', 'cpi-2026-12-10', 'fomc-2027-01-27']);
    expect(r.coverage.find((c) => c.type === 'cpi')?.complete).toBe(false);
    expect(r.coverage.find((c) => c.type === 'fomc')?.complete).toBe(true);
    expect(r.warnings).toEqual([
      'no CPI dates after 2026-12-31 (BLS has not published 2027): add them under calendar.events in your config',
    ]);
  });

  it('warns past the last announced FOMC meeting and before 2022', () => {
    const late = cal.events(Z('2028-01-01T05:00:00Z'), Z('2028-03-01T05:00:00Z'), ['fomc']);
    expect(late.events.map((e) => e.id)).toEqual(['fomc-2028-01-26']);
    expect(late.coverage).toEqual([
      { type: 'fomc', fromDate: '2022-01-01', toDate: '2028-01-31', complete: false },
    ]);
    expect(late.warnings[0]).toMatch(/^no FOMC dates after 2028-01-31/);
    const early = cal.events(Z('2021-12-01T05:00:00Z'), Z('2022-02-01T05:00:00Z'), ['cpi']);
    expect(early.events.map((e) => e.id)).toEqual(['cpi-2022-01-12']);
    expect(early.warnings).toEqual([
      'no CPI dates before 2022-01-01 (the bundled CPI schedule starts in 2022): add them under calendar.events in your config',
    ]);
  });

  it('treats the window as [from, to)', () => {
    const t = Z('2026-12-10T13:30:00Z');
    expect(cal.events(t, t + 1, ['cpi']).events).toHaveLength(1);
    expect(cal.events(t - 1, t, ['cpi']).events).toHaveLength(0);
    expect(() => cal.events(t, t - 1)).toThrow(UsageError);
    expect(() => cal.events(t, t + 1, ['nfp' as 'cpi'])).toThrow(UsageError);
  });

  it('gives events on one ET date with coverage', () => {
    expect(cal.eventsOnDate('2026-12-09').events.map((e) => e.id)).toEqual(['fomc-2026-12-09']);
    const r = cal.eventsOnDate('2027-03-17');
    expect(r.events.map((e) => e.id)).toEqual(['fomc-2027-03-17']);
    expect(r.coverage.find((c) => c.type === 'cpi')?.complete).toBe(false);
    expect(r.warnings).toHaveLength(1);
    expect(() => cal.eventsOnDate('2026-02-30')).toThrow(UsageError);
  });
});

describe('nextEvent', () => {
  it('finds the next event strictly after an instant', () => {
    const t = Z('2026-12-01T00:00:00Z');
    expect(cal.nextEvent(t).id).toBe('fomc-2026-12-09');
    expect(cal.nextEvent(t, 'cpi').id).toBe('cpi-2026-12-10');
    expect(cal.nextEvent(Z('2026-12-09T19:00:00Z'), 'fomc').id).toBe('fomc-2027-01-27');
    expect(cal.nextEvent(Z('2026-12-15T00:00:00Z'), 'fomc').id).toBe('fomc-2027-01-27');
  });

  it('throws CoverageError when an unlisted event could come first', () => {
    expect(() => cal.nextEvent(Z('2026-12-15T00:00:00Z'), 'cpi')).toThrow(CoverageError);
    // The next FOMC (2027-01-27) is known, but a January 2027 CPI may come before it.
    expect(() => cal.nextEvent(Z('2026-12-15T00:00:00Z'))).toThrow(/no CPI dates after 2026-12-31/);
    expect(() => cal.nextEvent(Z('2028-01-27T00:00:00Z'), 'fomc')).toThrow(CoverageError);
    expect(() => cal.nextEvent(Z('2021-06-01T00:00:00Z'), 'cpi')).toThrow(/before 2022-01-01/);
  });

  it('trusts config events past the bundled coverage', () => {
    const c = loadEconomicCalendar([{ type: 'cpi', date: '2027-01-13' }]);
    expect(c.nextEvent(Z('2026-12-15T00:00:00Z')).id).toBe('cpi-2027-01-13');
  });
});

describe('config overrides', () => {
  it('adds an event (default time, source config) without extending coverage', () => {
    const c = loadEconomicCalendar([{ type: 'cpi', date: '2027-01-13' }]);
    const r = c.events(Z('2027-01-01T05:00:00Z'), Z('2027-02-01T05:00:00Z'), ['cpi']);
    expect(r.events).toEqual([
      {
        id: 'cpi-2027-01-13',
        type: 'cpi',
        date: '2027-01-13',
        timeMs: Z('2027-01-13T13:30:00Z'),
        title: 'CPI release',
        detail: 'from config',
        source: 'config',
      },
    ]);
    expect(r.coverage).toEqual([
      { type: 'cpi', fromDate: '2022-01-01', toDate: '2026-12-31', complete: false },
    ]);
    expect(r.warnings).toEqual([
      'no bundled CPI dates after 2026-12-31 (BLS has not published 2027): only the CPI events from your config are listed there',
    ]);
  });

  it('replaces the bundled event of that type on that date', () => {
    const c = loadEconomicCalendar([
      { type: 'fomc', date: '2026-12-09', time: '14:30', title: 'FOMC (moved)' },
    ]);
    const [e] = c.eventsOnDate('2026-12-09').events;
    expect(e).toMatchObject({
      id: 'fomc-2026-12-09',
      timeMs: Z('2026-12-09T19:30:00Z'),
      title: 'FOMC (moved)',
      source: 'config',
    });
    expect(e.detail).toMatch(/^from config; replaces the bundled 2026-12-09 14:00 ET/);
    expect(c.eventsOnDate('2026-12-09').events).toHaveLength(1);
    // The bundled calendar itself is untouched.
    expect(cal.eventsOnDate('2026-12-09').events[0].source).toBe('bundled');
  });

  it('removes a bundled event, and warns about removing one that does not exist', () => {
    const c = loadEconomicCalendar([
      { type: 'cpi', date: '2026-12-10', remove: true },
      { type: 'cpi', date: '2026-12-11', remove: true },
    ]);
    const r = c.events(Z('2026-12-01T05:00:00Z'), Z('2026-12-31T05:00:00Z'), ['cpi']);
    expect(r.events).toEqual([]);
    expect(r.warnings).toEqual([
      'calendar.events[1] removes CPI on 2026-12-11, but no such event is bundled',
    ]);
  });

  it('rejects bad override entries with UsageError', () => {
    expect(() => loadEconomicCalendar([{ type: 'cpi', date: '2027-02-30' }])).toThrow(/calendar.events\[0\]/);
    expect(() => loadEconomicCalendar([{ type: 'cpi', date: '2027-01-13', time: '8:30' }])).toThrow(
      UsageError,
    );
    expect(() => loadEconomicCalendar([{ type: 'nfp' as 'cpi', date: '2027-01-13' }])).toThrow(UsageError);
    expect(() =>
      loadEconomicCalendar([
        { type: 'cpi', date: '2027-01-13' },
        { type: 'cpi', date: '2027-01-13', time: '09:00' },
      ]),
    ).toThrow(/second CPI entry/);
  });
});

describe('EconomicCalendar from rows', () => {
  it('works with parsed CSV text and explicit coverage', () => {
    const fomc = parseFomcCsv(
      'year,meeting_start,decision_day,statement_time_et,press_conference_time_et,sep_by_convention,status,source\n' +
        '2027,2027-04-30,2027-05-01,14:00,14:30,no,tentative,x\n',
    );
    expect(fomc[0].detail).toBe('meeting 2027-04-30/05-01, press conference 14:30 ET');
    const c = new EconomicCalendar(fomc, BUNDLED_COVERAGE);
    expect(c.eventsOnDate('2027-05-01').events[0].timeMs).toBe(Z('2027-05-01T18:00:00Z'));
    expect(() => new EconomicCalendar([...fomc, ...fomc])).toThrow(/two bundled/);
  });
});

describe('bundled data cross-check', () => {
  it('agrees with the independent hermes-x 2026 list on every CPI and FOMC date', () => {
    const text = readFileSync(
      bundledFile('calendar', 'hermes-x__EVENT_CALENDAR_CPI_FOMC_NFP_2026.csv'),
      'utf8',
    );
    const theirs = parseCsvRecords(text)
      .filter((r) => r.event_type === 'CPI' || r.event_type === 'FOMC')
      .map((r) => `${r.event_type.toLowerCase()}-${r.event_date}`)
      .sort();
    const ours = all.events
      .filter((e) => e.date.startsWith('2026-'))
      .map((e) => e.id)
      .sort();
    expect(ours).toEqual(theirs);
  });
});
