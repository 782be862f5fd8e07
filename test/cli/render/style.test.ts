import { afterEach, describe, expect, it } from 'vitest';
import { colorWanted, paint, setColor, signColor } from '../../../src/cli/render/style.js';

afterEach(() => setColor(false));

describe('colour', () => {
  it('on a terminal by default; NO_COLOR, TERM=dumb and pipes turn it off; FORCE_COLOR and --color turn it on', () => {
    expect(colorWanted({}, true, undefined)).toBe(true);
    expect(colorWanted({}, false, undefined)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true, undefined)).toBe(false);
    expect(colorWanted({ TERM: 'dumb' }, true, undefined)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, false, undefined)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true, undefined)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true, undefined)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, false, true)).toBe(true); // --color
    expect(colorWanted({ FORCE_COLOR: '1' }, true, false)).toBe(false); // --no-color
  });

  it('gains green, losses red, zero plain — and nothing at all when colour is off', () => {
    expect(signColor(5, '$5.00')).toBe('$5.00');
    setColor(true);
    expect(signColor(5, '$5.00')).toBe('\u001b[32m$5.00\u001b[39m');
    expect(signColor(-5, '−$5.00')).toBe('\u001b[31m−$5.00\u001b[39m');
    expect(signColor(0, '$0.00')).toBe('$0.00');
    expect(paint.bold('Trader')).toBe('\u001b[1mTrader\u001b[22m');
  });
});
