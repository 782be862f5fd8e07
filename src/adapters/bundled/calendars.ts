import { readFileSync } from 'node:fs';
import { ArgusError, ExitCode } from '../../core/errors.js';
import {
  BUNDLED_COVERAGE,
  CPI_FILES,
  EconomicCalendar,
  type EconomicEvent,
  type EconomicEventOverride,
  FOMC_FILES,
  parseCpiCsv,
  parseFomcCsv,
} from '../../core/time/economic-calendar.js';
import { HOLIDAY_FILES, MarketCalendar, parseMarketCalendarCsv } from '../../core/time/market-calendar.js';
import { bundledFile } from './files.js';

/** Reads a bundled calendar file as text, turning I/O failures into a data error. */
function readCalendarFile(file: string): { path: string; text: string } {
  const path = bundledFile('calendar', file);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new ArgusError(`cannot read the bundled calendar ${path}`, {
      exitCode: ExitCode.Data,
      hint: 'reinstall Argus; the data/ directory ships with the package',
      cause: err,
    });
  }
}

let market: MarketCalendar | undefined;

/** The NYSE calendar from the bundled CSV, parsed once per process. */
export function loadMarketCalendar(): MarketCalendar {
  if (!market) {
    const rows = HOLIDAY_FILES.flatMap((file) => {
      const { path, text } = readCalendarFile(file);
      return parseMarketCalendarCsv(text, path);
    });
    market = new MarketCalendar(rows, {
      source: HOLIDAY_FILES.map((f) => `data/calendar/${f}`).join(' + '),
    });
  }
  return market;
}

let bundledEvents: EconomicEvent[] | undefined;

/** FOMC + CPI calendar from the bundled CSVs (parsed once per process) with optional config overrides. */
export function loadEconomicCalendar(overrides: readonly EconomicEventOverride[] = []): EconomicCalendar {
  if (!bundledEvents) {
    const read = (files: readonly string[], parse: (text: string, path: string) => EconomicEvent[]) =>
      files.flatMap((file) => {
        const { path, text } = readCalendarFile(file);
        return parse(text, path);
      });
    bundledEvents = [...read(FOMC_FILES, parseFomcCsv), ...read(CPI_FILES, parseCpiCsv)];
  }
  return new EconomicCalendar(bundledEvents, BUNDLED_COVERAGE, overrides);
}
