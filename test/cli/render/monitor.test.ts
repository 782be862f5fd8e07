import { describe, expect, it } from 'vitest';
import { sparkline } from '../../../src/cli/render/chart.js';
import {
  countdown,
  gauge,
  lineText,
  monitorPanels,
  renderMonitorBlock,
} from '../../../src/cli/render/monitor.js';
import type { MonitorState } from '../../../src/core/monitor/state.js';
import { formatEt } from '../../../src/core/time/market-calendar.js';
import closedFixture from '../../fixtures/monitor/replay-2025-03-08-closed.json' with { type: 'json' };
import openFixture from '../../fixtures/monitor/replay-2025-03-10.json' with { type: 'json' };

const open = openFixture as unknown as MonitorState;
const closed = closedFixture as unknown as MonitorState;
const ctx = (s: MonitorState, extra = {}) => ({ nowMs: s.atMs, formatEt, ...extra });
const panel = (s: MonitorState, id: string, extra = {}) =>
  monitorPanels(s, ctx(s, extra))
    .find((p) => p.id === id)!
    .lines.map(lineText);

describe('monitor pictures', () => {
  it('countdown: seconds, minutes, hours and minutes, days and hours', () => {
    expect(countdown(45_000)).toBe('45s');
    expect(countdown(12 * 60_000 + 5_000)).toBe('12m');
    expect(countdown(3 * 3600_000 + 7 * 60_000)).toBe('3h 07m');
    expect(countdown(50 * 3600_000)).toBe('2d 2h');
    expect(countdown(-5)).toBe('0s');
  });

  it('sparkline: lowest ▁, highest █, in between by rank of the range', () => {
    expect(sparkline([50, 60, 70])).toBe('▁▅█');
    expect(sparkline([55, 55])).toBe('▄▄');
    expect(sparkline([])).toBe('');
  });

  it('gauge: 6.4 on 1–10 fills 6 of 10 cells', () => {
    expect(gauge(6.4, 1, 10)).toBe('██████░░░░');
    expect(gauge(12, 1, 10, 4)).toBe('████');
  });
});

describe('monitor panels on a recorded replay refresh (2025-03-10 15:00 ET)', () => {
  it('market: prices, change against the previous close, the countdown to the close', () => {
    expect(panel(open, 'market')).toEqual([
      'BTC   $77,615.78  -6.12% 24h',
      'IBIT  $44.11  -10.76% vs $49.43',
      'BITO  $17.30  -10.76% vs $19.39',
      'NYSE  open · closes in 59m (16:00 ET)',
      'Now   2025-03-10 15:00 ET',
    ]);
  });

  it('an IBIT price derived from BTC (before 2024-01-11) says so', () => {
    const derived = {
      ...open,
      market: { ...open.market, ibit: { ...open.market.ibit, derived: 'from BTC × the IBIT/BTC ratio' } },
    } as MonitorState;
    expect(panel(derived, 'market')[1]).toBe(
      'IBIT  $44.11  -10.76% vs $49.43 DERIVED from BTC × the IBIT/BTC ratio',
    );
  });

  it('a BTC tick newer than the refresh replaces its price; the countdown runs with the clock', () => {
    const lines = panel(open, 'market', {
      nowMs: open.atMs + 30 * 60_000,
      tick: { priceUsd: 78_000.5, change24hFrac: -0.05, atMs: open.atMs + 1_000 },
    });
    expect(lines[0]).toBe('BTC   $78,000.50  -5.00% 24h');
    expect(lines[3]).toBe('NYSE  open · closes in 29m (16:00 ET)');
  });

  it('warmth: the score is 1 + the points shown; details when focused', () => {
    const w = panel(open, 'warmth');
    // 6.19 on 1–10 is 5.77 of 10 cells: 6
    expect(w[0]).toBe('6.2 / 10 ██████░░░░  1 + 5.2 points');
    expect(w).toHaveLength(6);
    expect(w[5]).toBe('  … 4 more (focus for all)');
    const all = panel(open, 'warmth', { focus: 'warmth' });
    expect(all).toHaveLength(9);
    expect(all[1]).toBe('  regime         +1.35  regime normal');
  });

  it('recommendation: no trade with the failing filter and the best spread with its numbers', () => {
    expect(panel(open, 'recommendation')).toEqual([
      'NO TRADE — 1 of 9 filters fail',
      '  ✗ expected value > 0 after fees',
      '      −$21.03 ± 0.46 per contract',
      'Best spread IBIT 2025-03-21 40/38 put',
      'Credit $0.22/sh · $20.70/contract after fees',
      'Max loss −$179.30  PoP 75.1% (heston-jump)',
      'EV −$21.03 ± $0.46 /contract',
      'Assignment low',
    ]);
  });

  it('farm: open positions marked, today, total, the last step', () => {
    expect(panel(open, 'farm')).toEqual([
      'Open 112 positions · 1,304 contracts',
      'Open P&L −$11,446.20 marked 14:38 ET',
      'Today opened 112 · closed 0 · realised $0.00',
      'Total realised $0.00',
      'Promoted none (signal uses its default config)',
      'Last step 14:38 ET: 0 closed ',
    ]);
  });

  it('gap in session is the BTC-implied IBIT; calendar lists the next events with countdowns', () => {
    expect(panel(open, 'gap')[0]).toBe('BTC since the 2025-03-07 close -10.76%');
    expect(panel(open, 'gap').slice(2)).toEqual([
      'BTC-implied IBIT $44.11 (close $49.43)',
      '  close from the source, at 15:00 ET',
    ]);
    expect(panel(open, 'calendar')).toEqual([
      'No entry blackout now',
      'CPI  2025-03-12 08:30 ET  in 1d 17h',
      // 15:00:00.104 ET to 14:00 ET nine days on: 8 d 22 h 59 m 59.9 s, shown floored
      'FOMC 2025-03-19 14:00 ET  in 8d 22h',
      'CPI  2025-04-10 08:30 ET  in 30d 17h',
    ]);
  });
});

describe('monitor panels on a weekend (2025-03-08 10:00 ET)', () => {
  it('the market is closed with the countdown to Monday’s open; the gap is the implied open; the farm explains itself', () => {
    expect(panel(closed, 'market').slice(3, 5)).toEqual([
      // Saturday 10:00 to Monday 09:30 ET is 47.5 wall hours, but the clocks spring forward on Sunday 9 March: 46.5 h
      'NYSE  closed · opens in 1d 22h (2025-03-10 09:30 ET)',
      '      weekend',
    ]);
    expect(panel(closed, 'gap')[2]).toBe('Implied IBIT open $49.07 (close $49.43)');
    expect(panel(closed, 'farm')).toEqual([
      'the live farm has not run yet (`argus farm run` during market hours)',
    ]);
    expect(panel(closed, 'recommendation').slice(0, 5)).toEqual([
      'NO TRADE — 2 of 9 filters fail',
      '  ✗ market hours (ET)',
      '      closed: weekend',
      '  ✗ expected value > 0 after fees',
      '      −$31.02 ± 0.47 per contract',
    ]);
  });

  it('the plain block has every panel, no escape codes, and the problems last', () => {
    const text = renderMonitorBlock({ ...closed, problems: ['snapshot not stored: disk full'] }, ctx(closed));
    for (const t of [
      'Market',
      'Volatility',
      'Funding & momentum',
      'Warmth',
      'Calendar',
      'Gap risk',
      'Recommendation',
      'Farm (live)',
      'Data health',
    ])
      expect(text).toContain(`## ${t}\n`);
    expect(text.includes('\u001b')).toBe(false);
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['## Problems', '- snapshot not stored: disk full']);
    expect(text.split('\n')[0]).toBe(
      'Argus monitor · replay 1× · 2025-03-08 10:00 ET · refresh #1 at 2025-03-08 10:00 ET',
    );
  });
});
