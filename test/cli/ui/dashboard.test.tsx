import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { setColor } from '../../../src/cli/render/style.js';
import { columnsFor, Dashboard } from '../../../src/cli/ui/dashboard.js';
import type { MonitorState } from '../../../src/core/monitor/state.js';
import { INITIAL_VIEW } from '../../../src/core/monitor/view-state.js';
import { formatEt } from '../../../src/core/time/market-calendar.js';
import fixture from '../../fixtures/monitor/replay-2025-03-10.json' with { type: 'json' };

const state = fixture as unknown as MonitorState;
const ctx = { nowMs: state.atMs, formatEt };
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
const plain = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

function frame(
  width: number,
  view = INITIAL_VIEW,
  s: MonitorState | null = state,
  problem: string | null = null,
) {
  const r = render(<Dashboard state={s} view={view} ctx={ctx} width={width} problem={problem} />);
  const out = plain(r.lastFrame());
  r.unmount();
  return out;
}

describe('the dashboard view', () => {
  it('one column under 90, two under 150, three from 150', () => {
    expect([80, 89, 90, 149, 150, 200].map(columnsFor)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  for (const width of [80, 100, 160]) {
    it(`at ${width} columns every panel is drawn and no line is wider than the terminal`, () => {
      const out = frame(width);
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
        expect(out).toContain(t);
      for (const line of out.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
      expect(out).toContain('$77,615.78');
      expect(out.split('\n').at(-1)).toBe('q quit · r refresh · p pause · tab/arrows move · ? help');
    });
  }

  it('the focused panel shows its details (every filter of the recommendation)', () => {
    const focused = frame(160, { ...INITIAL_VIEW, focus: 'recommendation' });
    const other = frame(160, { ...INITIAL_VIEW, focus: 'market' });
    expect(focused).toContain('✓ PoP ≥ 60%');
    expect(other).not.toContain('✓ PoP ≥ 60%');
  });

  it('paused shows in the header; problems are listed; help replaces the panels', () => {
    expect(frame(160, { ...INITIAL_VIEW, paused: true }).split('\n')[0]).toMatch(/PAUSED$/);
    expect(frame(160, INITIAL_VIEW, { ...state, problems: ['farm step failed: disk full'] })).toContain(
      '! farm step failed: disk full',
    );
    const help = frame(100, { ...INITIAL_VIEW, help: true });
    expect(help).toContain('Keys');
    expect(help).toContain('pause / resume refreshing');
    expect(help).not.toContain('Recommendation');
  });

  it('before the first refresh it says so, with the last problem', () => {
    const out = frame(100, INITIAL_VIEW, null, 'deribit: HTTP 503');
    expect(out).toContain('Argus monitor: first refresh…');
    expect(out).toContain('deribit: HTTP 503');
  });
});

describe('the dashboard and the colour rule', () => {
  const level = chalk.level;
  afterEach(() => {
    chalk.level = level;
    setColor(false);
  });
  const raw = () => {
    const r = render(<Dashboard state={state} view={INITIAL_VIEW} ctx={ctx} width={160} problem={null} />);
    const out = r.lastFrame() ?? '';
    r.unmount();
    return out;
  };
  it('colour on: gains green, losses red, the focused border cyan', () => {
    chalk.level = 1;
    setColor(true);
    const out = raw();
    expect(out).toContain('\u001b[32m');
    expect(out).toContain('\u001b[36m');
  });
  it('colour off (NO_COLOR, --no-color, a pipe): no colour or style codes even where chalk would draw them', () => {
    chalk.level = 1;
    setColor(false);
    expect(raw()).not.toMatch(new RegExp(`${'\u001b'}\\[`));
  });
});
