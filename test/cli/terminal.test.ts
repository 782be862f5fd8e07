import { afterEach, describe, expect, it } from 'vitest';
import { dashboardTerminal, outputWidth } from '../../src/cli/terminal.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('dashboardTerminal', () => {
  it('draws only with both ends on a terminal and CI unset', () => {
    expect(dashboardTerminal({}, tty, tty)).toBe('tty');
    expect(dashboardTerminal({}, pipe, tty)).toBe('plain');
    expect(dashboardTerminal({}, tty, pipe)).toBe('plain');
  });
  it('CI set (as Ink reads it) means plain blocks with a notice; CI=0 or false does not', () => {
    expect(dashboardTerminal({ CI: 'true' }, tty, tty)).toBe('ci');
    expect(dashboardTerminal({ CI: '' }, tty, tty)).toBe('ci');
    expect(dashboardTerminal({ CONTINUOUS_INTEGRATION: '1' }, tty, tty)).toBe('ci');
    expect(dashboardTerminal({ CI: '0' }, tty, tty)).toBe('tty');
    expect(dashboardTerminal({ CI: 'false' }, tty, tty)).toBe('tty');
    expect(dashboardTerminal({ CI: 'true' }, pipe, tty)).toBe('plain');
  });
});

describe('outputWidth', () => {
  const saved = process.env.COLUMNS;
  afterEach(() => {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  });
  it('COLUMNS wins; a pipe is unlimited', () => {
    process.env.COLUMNS = '72';
    expect(outputWidth({ isTTY: false } as NodeJS.WriteStream)).toBe(72);
    delete process.env.COLUMNS;
    expect(outputWidth({ isTTY: false } as NodeJS.WriteStream)).toBeUndefined();
    expect(outputWidth({ isTTY: true, columns: 90 } as NodeJS.WriteStream)).toBe(90);
  });
});
