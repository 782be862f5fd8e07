import { afterEach, describe, expect, it } from 'vitest';
import { setColor } from '../../../src/cli/render/style.js';
import { table, tableText } from '../../../src/cli/render/table.js';

afterEach(() => setColor(false));

describe('the one table style', () => {
  it('no borders or rules between rows; columns two spaces apart; no trailing spaces', () => {
    const t = table(['Strike', 'Bid'], ['right', 'right']);
    t.push(['41.00', '0.55'], ['42.00', '0.80']);
    // headers take their column's alignment
    expect(tableText(t)).toBe(['Strike   Bid', ' 41.00  0.55', ' 42.00  0.80'].join('\n'));
  });

  it('headers bold on a terminal, never red (cli-table3’s default)', () => {
    setColor(true);
    const t = table(['P&L']);
    t.push(['1']);
    const out = tableText(t);
    expect(out).toContain('\u001b[1mP&L\u001b[22m');
    expect(out).not.toContain('\u001b[31m');
  });
});
