import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPromote } from '../../../src/cli/render/promote.js';
import { type PromoteOutcome, promoteRun } from '../../../src/services/promote.js';
import { type PromoteBacktest, promoteBacktest } from '../../support/promote-backtest.js';

let b: PromoteBacktest;
let r: PromoteOutcome;
beforeAll(async () => {
  b = await promoteBacktest();
  // Short windows and a loose α so that the 3-month replay promotes something: plumbing, not evidence.
  r = await promoteRun(b.ctx, {
    run: b.runId,
    isMonths: 1,
    oosMonths: 1,
    minDays: 0,
    minTrades: 1,
    minPnlUsd: 0,
    alpha: 0.9,
    top: 2,
    dryRun: true,
  });
}, 120_000);
afterAll(() => b.close());

describe('argus promote, printed', () => {
  it('the verdict comes first, then the last window with its five best candidates and how to see the rest', () => {
    const out = renderPromote(r, false).split('\n');
    const verdict = out.findIndex((l) => /^Promoted \d+ \(passed in sample/.test(l));
    const window = out.findIndex((l) => l.startsWith('Window '));
    expect(verdict).toBeGreaterThan(0);
    expect(window).toBeGreaterThan(verdict);
    expect(out.filter((l) => l.startsWith('Window '))).toEqual([expect.stringMatching(/^Window 2: /)]);
    const head = out.findIndex((l) => l.startsWith('Trader'));
    const rows = out.slice(head + 1).filter((l) => /^ *\d+ /.test(l));
    expect(rows.length).toBeLessThanOrEqual(5);
    const last = r.windows[r.windows.length - 1];
    if (last.candidates.length > 5)
      expect(out).toContain(`  … and ${last.candidates.length - 5} more candidates (--all)`);
    expect(out.at(-2)).toBe(
      'The last window only, the 5 best candidates; --all prints every window and candidate.',
    );
  });

  it('--all prints every window and every candidate', () => {
    const out = renderPromote(r, true);
    expect(out).toMatch(/^Window 1: /m);
    expect(out).toMatch(/^Window 2: /m);
    expect(out).not.toContain('more candidates (--all)');
  });
});
