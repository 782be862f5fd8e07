import { readFileSync } from 'node:fs';
import type { Distribution } from '../../../core/market/port.js';
import { isoUtc } from '../../../core/time/clock.js';
import { bundledFile } from '../../bundled/files.js';

/**
 * The bundled real history, parsed once into typed arrays. Units are normalised here, at the
 * boundary, once: DVOL 55.2 → 0.552, the 8-hour Binance funding file in percent → fraction, the
 * daily funding file already in fractions (× 1).
 */
export interface HourlySeries {
  startMs: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface DailyBars {
  /** US/Eastern trading dates, YYYY-MM-DD, ascending. */
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  dividends: Float64Array;
}

export interface TimedSeries {
  /** For DVOL: the UTC day start of each daily close; for funding: the funding time. */
  timeMs: Float64Array;
  value: Float64Array;
}

export interface History {
  btcHourly: HourlySeries;
  ibitDaily: DailyBars;
  bitoDaily: DailyBars;
  /** Daily DVOL closes as fractions, keyed by UTC day start (known at day start + 24 h). */
  dvolDaily: TimedSeries;
  /** Funding per 8 h as a fraction, keyed by funding time. */
  funding8h: TimedSeries;
  /** The UTC day's mean 8-hour funding as a fraction, keyed by UTC day start (known at day start + 24 h); replay only. */
  fundingDaily?: TimedSeries;
  /** BTC daily closes at 24:00 UTC, keyed by UTC day start (the IV level's fit); replay only. */
  btcDaily?: TimedSeries;
  files: Record<string, string>;
}

export const HISTORY_FILES = {
  btcHourly: 'prices/btc_usd_1h_cryptocompare_2022-01-01_to_2026-03-05.csv',
  ibitDaily: 'prices/ibit_1d_yahoo_raw_ohlcv_2024-01-11_to_2026-05-01.csv',
  bitoDaily: 'prices/bito_1d_yahoo_raw_ohlcv_2021-10-20_to_2026-05-01.csv',
  dvolDaily: 'prices/deribit_btc_dvol_1d_ohlc_2021-03-24_to_2026-04-06.csv',
  funding8h: 'prices/binance_btcusdt_perp_funding_rate_8h_pct_2022-11_to_2025-11.json',
  fundingDaily: 'prices/binance_btcusdt_funding_1d_mean_2019-09-10_to_2026-02-12.csv',
  btcDaily: 'prices/btc_usd_1d_yahoo_2014-09-17_to_2026-06-05.csv',
} as const;

let cached: History | null = null;

export function loadHistory(): History {
  cached ??= {
    btcHourly: parseHourly(
      readFileSync(bundledFile(HISTORY_FILES.btcHourly), 'utf8'),
      HISTORY_FILES.btcHourly,
    ),
    ibitDaily: parseDaily(
      readFileSync(bundledFile(HISTORY_FILES.ibitDaily), 'utf8'),
      HISTORY_FILES.ibitDaily,
    ),
    bitoDaily: parseDaily(
      readFileSync(bundledFile(HISTORY_FILES.bitoDaily), 'utf8'),
      HISTORY_FILES.bitoDaily,
    ),
    dvolDaily: parseDvolDaily(
      readFileSync(bundledFile(HISTORY_FILES.dvolDaily), 'utf8'),
      HISTORY_FILES.dvolDaily,
    ),
    funding8h: parsePairs(
      readFileSync(bundledFile(HISTORY_FILES.funding8h), 'utf8'),
      HISTORY_FILES.funding8h,
      0.01,
    ),
    fundingDaily: parseDayColumn(
      readFileSync(bundledFile(HISTORY_FILES.fundingDaily), 'utf8'),
      HISTORY_FILES.fundingDaily,
      'date',
      'funding_mean',
      1,
    ),
    btcDaily: parseDayColumn(
      readFileSync(bundledFile(HISTORY_FILES.btcDaily), 'utf8'),
      HISTORY_FILES.btcDaily,
      'Date',
      'Close',
      1,
    ),
    files: { ...HISTORY_FILES },
  };
  return cached;
}

function num(s: string, file: string, line: number, col: string): number {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw new Error(`${file}:${line}: bad ${col} value "${s}"`);
  return v;
}

export function parseHourly(text: string, file: string): HourlySeries {
  const rows = text.trim().split('\n');
  const n = rows.length - 1;
  const out: HourlySeries = {
    startMs: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = rows[i + 1].split(',');
    // '2022-01-01 00:00:00+00:00' is ISO with a space; Date.parse needs the 'T'.
    const t = Date.parse(c[0].replace(' ', 'T'));
    if (!Number.isFinite(t)) throw new Error(`${file}:${i + 2}: bad datetime "${c[0]}"`);
    if (i > 0 && t <= out.startMs[i - 1]) throw new Error(`${file}:${i + 2}: times not ascending`);
    out.startMs[i] = t;
    out.open[i] = num(c[1], file, i + 2, 'open');
    out.high[i] = num(c[2], file, i + 2, 'high');
    out.low[i] = num(c[3], file, i + 2, 'low');
    out.close[i] = num(c[4], file, i + 2, 'close');
    out.volume[i] = num(c[5], file, i + 2, 'volume');
  }
  return out;
}

export function parseDaily(text: string, file: string): DailyBars {
  const rows = text.trim().split('\n');
  const head = rows[0].split(',');
  const idx = (name: string) => {
    const k = head.indexOf(name);
    if (k < 0) throw new Error(`${file}: missing column ${name}`);
    return k;
  };
  const [iD, iO, iH, iL, iC, iV] = ['Date', 'Open', 'High', 'Low', 'Close', 'Volume'].map(idx);
  const iDiv = head.indexOf('Dividends');
  const n = rows.length - 1;
  const out: DailyBars = {
    dates: [],
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    dividends: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = rows[i + 1].split(',');
    const date = c[iD].slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${file}:${i + 2}: bad date "${c[iD]}"`);
    out.dates.push(date);
    out.open[i] = num(c[iO], file, i + 2, 'Open');
    out.high[i] = num(c[iH], file, i + 2, 'High');
    out.low[i] = num(c[iL], file, i + 2, 'Low');
    out.close[i] = num(c[iC], file, i + 2, 'Close');
    out.volume[i] = num(c[iV], file, i + 2, 'Volume');
    out.dividends[i] = iDiv >= 0 && c[iDiv] !== '' ? num(c[iDiv], file, i + 2, 'Dividends') : 0;
  }
  return out;
}

/** Deribit DVOL daily bars `date,symbol,open,high,low,close` (any row order): the closes, ascending, as fractions. */
export function parseDvolDaily(text: string, file: string): TimedSeries {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const iD = header.indexOf('date');
  const iC = header.indexOf('close');
  if (iD < 0 || iC < 0) throw new Error(`${file}: missing column ${iD < 0 ? 'date' : 'close'}`);
  const rows = lines.slice(1).map((line, i) => {
    const c = line.split(',');
    const t = Date.parse(`${c[iD]}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c[iD]) || !Number.isFinite(t))
      throw new Error(`${file}:${i + 2}: bad date "${c[iD]}"`);
    return { t, close: num(c[iC], file, i + 2, 'close') };
  });
  rows.sort((a, b) => a.t - b.t);
  const out: TimedSeries = { timeMs: new Float64Array(rows.length), value: new Float64Array(rows.length) };
  rows.forEach((r, i) => {
    if (i > 0 && r.t === rows[i - 1].t) throw new Error(`${file}: two rows for ${isoUtc(r.t).slice(0, 10)}`);
    out.timeMs[i] = r.t;
    out.value[i] = r.close / 100;
  });
  return out;
}

/** One value column of a daily CSV keyed by a UTC date column (ascending), times `scale`. */
export function parseDayColumn(
  text: string,
  file: string,
  dateCol: string,
  valueCol: string,
  scale: number,
): TimedSeries {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const iD = header.indexOf(dateCol);
  const iV = header.indexOf(valueCol);
  if (iD < 0 || iV < 0) throw new Error(`${file}: missing column ${iD < 0 ? dateCol : valueCol}`);
  const n = lines.length - 1;
  const out: TimedSeries = { timeMs: new Float64Array(n), value: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const c = lines[i + 1].split(',');
    const t = Date.parse(`${c[iD]}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c[iD]) || !Number.isFinite(t))
      throw new Error(`${file}:${i + 2}: bad date "${c[iD]}"`);
    if (i > 0 && t <= out.timeMs[i - 1]) throw new Error(`${file}:${i + 2}: dates not ascending`);
    out.timeMs[i] = t;
    out.value[i] = num(c[iV], file, i + 2, valueCol) * scale;
  }
  return out;
}

export function parsePairs(text: string, file: string, scale: number): TimedSeries {
  const raw = JSON.parse(text) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${file}: expected an array of [time_ms, value]`);
  const n = raw.length;
  const out: TimedSeries = { timeMs: new Float64Array(n), value: new Float64Array(n) };
  raw.forEach((pair, i) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') {
      throw new Error(`${file}: element ${i} is not [time_ms, value]`);
    }
    out.timeMs[i] = pair[0];
    out.value[i] = pair[1] * scale;
  });
  return out;
}

/** Index of the last element ≤ x in an ascending array (numbers or ISO date strings), or -1. */
export function lastAtOrBefore<T extends number | string>(arr: ArrayLike<T>, x: T): number {
  let lo = 0;
  let hi = arr.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** The same search over ascending YYYY-MM-DD strings. */
export const lastDateAtOrBefore = (arr: string[], x: string): number => lastAtOrBefore(arr, x);

/** The cash distributions in daily bars gone ex on or before `date`, oldest first. */
export function distributionsOf(bars: DailyBars, date: string): Distribution[] {
  const end = lastDateAtOrBefore(bars.dates, date);
  const out: Distribution[] = [];
  for (let i = 1; i <= end; i++) {
    const amount = bars.dividends[i];
    if (amount > 0) out.push({ exDate: bars.dates[i], amount, yieldFrac: amount / bars.close[i - 1] });
  }
  return out;
}
