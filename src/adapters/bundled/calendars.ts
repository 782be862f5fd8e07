import { readFileSync } from 'node:fs';
import { ArgusError, ExitCode } from '../../core/errors.js';
import {
  BUNDLED_COVERAGE,
  CPI_FILE,
  EconomicCalendar,
  type EconomicEvent,
  type EconomicEventOverride,
  FOMC_FILE,
  parseCpiCsv,
  parseFomcCsv,
} from '../../core/time/economic-calendar.js';
import { HOLIDAY_FILE, MarketCalendar, parseMarketCalendarCsv } from '../../core/time/market-calendar.js';
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
    const { path, text } = readCalendarFile(HOLIDAY_FILE);
    market = new MarketCalendar(parseMarketCalendarCsv(text, path), {
      source: `data/calendar/${HOLIDAY_FILE}`,
    });
  }
  return market;
}

let bundledEvents: EconomicEvent[] | undefined;

/** FOMC + CPI calendar from the bundled CSVs (parsed once per process) with optional config overrides. */
export function loadEconomicCalendar(overrides: readonly EconomicEventOverride[] = []): EconomicCalendar {
  if (!bundledEvents) {
    const fomc = readCalendarFile(FOMC_FILE);
    const cpi = readCalendarFile(CPI_FILE);
    bundledEvents = [...parseFomcCsv(fomc.text, fomc.path), ...parseCpiCsv(cpi.text, cpi.path)];
  }
  return new EconomicCalendar(bundledEvents, BUNDLED_COVERAGE, overrides);
}
