import { describe, expect, it } from 'vitest';
import {
  INITIAL_VIEW,
  type Key,
  onKey,
  PANELS,
  type ViewState,
} from '../../../src/core/monitor/view-state.js';

const press = (v: ViewState, ...keys: Key[]) => keys.reduce(onKey, v);
const ch = (char: string): Key => ({ kind: 'char', char });

describe('dashboard keys', () => {
  it('q and Ctrl-C quit; r asks for a refresh each time; p toggles pause', () => {
    expect(onKey(INITIAL_VIEW, ch('q')).quitting).toBe(true);
    expect(onKey(INITIAL_VIEW, { kind: 'interrupt' }).quitting).toBe(true);
    expect(press(INITIAL_VIEW, ch('r'), ch('r')).refreshRequests).toBe(2);
    expect(onKey(INITIAL_VIEW, ch('p')).paused).toBe(true);
    expect(press(INITIAL_VIEW, ch('p'), ch('p')).paused).toBe(false);
  });

  it('tab and arrows walk the panels in order and wrap; shift-tab and left go back', () => {
    expect(INITIAL_VIEW.focus).toBe('recommendation');
    expect(onKey(INITIAL_VIEW, { kind: 'tab', shift: false }).focus).toBe('farm');
    expect(press(INITIAL_VIEW, { kind: 'tab', shift: false }, { kind: 'arrow', dir: 'right' }).focus).toBe(
      'health',
    );
    // health is last: next wraps to market
    expect(press(INITIAL_VIEW, ...Array<Key>(3).fill({ kind: 'arrow', dir: 'down' })).focus).toBe('market');
    expect(onKey(INITIAL_VIEW, { kind: 'tab', shift: true }).focus).toBe('gap');
    expect(onKey({ ...INITIAL_VIEW, focus: 'market' }, { kind: 'arrow', dir: 'left' }).focus).toBe('health');
    expect(PANELS).toHaveLength(9);
  });

  it('? opens the help, esc or ? closes it; other keys change nothing', () => {
    const open = onKey(INITIAL_VIEW, ch('?'));
    expect(open.help).toBe(true);
    expect(onKey(open, { kind: 'escape' }).help).toBe(false);
    expect(onKey(open, ch('?')).help).toBe(false);
    expect(onKey(INITIAL_VIEW, ch('x'))).toBe(INITIAL_VIEW);
    expect(onKey(INITIAL_VIEW, { kind: 'escape' })).toBe(INITIAL_VIEW);
  });
});
