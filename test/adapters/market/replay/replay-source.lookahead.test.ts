import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../../../src/adapters/bundled/chain-model.js';
import {
  type DailyBars,
  type History,
  loadHistory,
  type TimedSeries,
} from '../../../../src/adapters/market/replay/history.js';
import { ReplayMarketDataSource } from '../../../../src/adapters/market/replay/replay-source.js';
import { IBIT_FIRST_CLOSE } from '../../../../src/core/market/provenance.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../../../../src/core/units.js';

/**
 * No look-ahead: at each step, a replay over history cut at the step (every series holding only
 * what was known then) answers exactly as the replay over the whole history. The one exception by
 * construction is IBIT before it traded: its price is BTC × a disclosed constant (the ratio at its
 * first close), so those steps compare BTC and leave IBIT to the derived-price test.
 */
const cal = loadMarketCalendar();
const full = loadHistory();
const model = loadChainModel();

function cutTimed(s: TimedSeries, knownAt: (t: number) => number, atMs: number): TimedSeries {
  let n = 0;
  while (n < s.timeMs.length && knownAt(s.timeMs[n]) <= atMs) n++;
  return { timeMs: s.timeMs.slice(0, n), value: s.value.slice(0, n) };
}

function cutDaily(b: DailyBars, atMs: number): DailyBars {
  // a daily bar is known at its session's close (bars before the calendar's years: long past)
  const closeMs = (d: string) =>
    d < '2022' ? Date.parse(`${d}T21:00:00Z`) : (cal.tradingDay(d)?.closeMs ?? Number.POSITIVE_INFINITY);
  let n = 0;
  while (n < b.dates.length && closeMs(b.dates[n]) <= atMs) n++;
  return {
    dates: b.dates.slice(0, n),
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: b.volume.slice(0, n),
    dividends: b.dividends.slice(0, n),
  };
}

function cutHistory(h: History, atMs: number): History {
  const hb = h.btcHourly;
  let n = 0;
  while (n < hb.startMs.length && hb.startMs[n] + MS_PER_HOUR <= atMs) n++;
  const day = (t: number) => t + MS_PER_DAY;
  return {
    btcHourly: {
      startMs: hb.startMs.slice(0, n),
      open: hb.open.slice(0, n),
      high: hb.high.slice(0, n),
      low: hb.low.slice(0, n),
      close: hb.close.slice(0, n),
      volume: hb.volume.slice(0, n),
    },
    ibitDaily: cutDaily(h.ibitDaily, atMs),
    bitoDaily: cutDaily(h.bitoDaily, atMs),
    dvolDaily: cutTimed(h.dvolDaily, day, atMs),
    funding8h: cutTimed(h.funding8h, (t) => t, atMs),
    fundingDaily: cutTimed(h.fundingDaily!, day, atMs),
    btcDaily: cutTimed(h.btcDaily!, day, atMs),
    files: h.files,
  };
}

const et = (date: string, hhmm: string) => cal.etToUtcMs(date, hhmm);

// 10:00 ET and the close, in each year, on both sides of each DST switch, and across the change
// of funding source (the 8-hour file runs 2022-11-03 08:00Z → 2025-11-12 08:00Z).
const STEPS: [string, string][] = [
  ['2022-01-03', '10:00'],
  ['2022-03-11', '10:00'],
  ['2022-03-14', '10:00'],
  ['2022-06-13', '10:00'],
  ['2022-11-02', '10:00'],
  ['2022-11-03', '10:00'],
  ['2022-11-04', '10:00'],
  ['2022-11-04', '16:00'],
  ['2022-11-07', '10:00'],
  ['2023-03-10', '16:00'],
  ['2023-03-13', '10:00'],
  ['2023-11-03', '10:00'],
  ['2023-11-06', '10:00'],
  ['2024-01-11', '16:00'],
  ['2024-03-08', '10:00'],
  ['2024-03-11', '10:00'],
  ['2024-08-05', '10:00'],
  ['2024-11-01', '16:00'],
  ['2024-11-04', '10:00'],
  ['2025-03-07', '10:00'],
  ['2025-03-10', '10:00'],
  ['2025-10-31', '10:00'],
  ['2025-11-03', '10:00'],
  ['2025-11-12', '10:00'],
  ['2025-11-13', '10:00'],
  ['2026-02-12', '10:00'],
  ['2026-02-12', '16:00'],
];

describe('replay: no look-ahead in any series (history cut at the step answers the same)', () => {
  it.each(STEPS)('%s %s ET', async (date, hhmm) => {
    const t = et(date, hhmm);
    const whole = new ReplayMarketDataSource({
      calendar: cal,
      riskFreeRate: 0.04,
      history: full,
      chainModel: model,
    });
    const cut = new ReplayMarketDataSource({
      calendar: cal,
      riskFreeRate: 0.04,
      history: cutHistory(full, t),
      chainModel: model,
    });
    const both = async <T>(f: (s: ReplayMarketDataSource) => Promise<T> | T) => [
      await f(whole),
      await f(cut),
    ];
    for (const pair of [
      await both((s) => s.btcSpot(t)),
      await both((s) => s.btcBars(t, 24 * 8)),
      await both((s) => s.dvol(t)),
      await both((s) => s.dvolHistory(t, 366)),
      await both((s) => s.funding8h(t)),
      await both((s) => s.ivLevel(t)),
      await both((s) => s.etfQuote('BITO', t)),
    ])
      expect(pair[1]).toEqual(pair[0]);
    const f = await whole.funding8h(t);
    expect(f.status).toBe('ok');
    if (date >= IBIT_FIRST_CLOSE && !(date === IBIT_FIRST_CLOSE && hhmm < '16:00')) {
      const [a, b] = await both((s) => s.etfQuote('IBIT', t));
      expect(b).toEqual(a);
      const [ca, cb] = await both((s) => s.optionChain('IBIT', t, { expiries: undefined }));
      expect(cb).toEqual(ca);
    }
  });

  it('covers each year of the window and both funding sources', () => {
    expect(new Set(STEPS.map(([d]) => d.slice(0, 4)))).toEqual(
      new Set(['2022', '2023', '2024', '2025', '2026']),
    );
  });
});
