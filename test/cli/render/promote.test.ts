import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteCsv, renderPromote } from '../../../src/cli/render/promote.js';
import { wrapText } from '../../../src/cli/render/wrap.js';
import { type PromoteOutcome, promoteRun } from '../../../src/services/promote.js';
import { type PromoteBacktest, promoteBacktest } from '../../support/promote-backtest.js';

let b: PromoteBacktest;
let r: PromoteOutcome;
let gated: PromoteOutcome;
beforeAll(async () => {
  b = await promoteBacktest();
  gated = await promoteRun(b.ctx, { run: b.runId, isMonths: 1, oosMonths: 1, minDays: 0, dryRun: true });
  // The DSR gate (the run's group series dropped, as a run from before them), short windows and a
  // loose α so that the 3-month replay promotes something: plumbing, not evidence.
  b.ctx.store().db.prepare('DELETE FROM farm_series WHERE run_id = ?').run(b.runId);
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

  it('the group gate: the groups in step-down order with their statistics, what is certified, and the power', () => {
    const out = renderPromote(gated, false).split('\n');
    expect(out[0]).toMatch(
      /group gate at α 0\.05 on split books \(auto: the daily sample holds every trader; studentized stationary bootstrap, mean block 10 days, Holm across groups\)/,
    );
    expect(out).toContain(`${gated.message.charAt(0).toUpperCase()}${gated.message.slice(1)}`);
    const g = gated.windows.at(-1)!.gate!;
    const { chosenDays, testedDays } = g.book!;
    expect(out).toContain(
      `Certified: a group holds configurations with an edge — the best quarter of its sampled traders over the first ${chosenDays} days in sample made money on average over the last ${testedDays} (family-wise α 0.05). Not certified: the configuration picked inside it (best eligible in-sample Sharpe) — it is confirmed only out of sample.`,
    );
    expect(out).toContain(
      `  Groups: 0 of 8 passed (books chosen over ${chosenDays} days, tested over ${testedDays}); 80 % power at a book Sharpe of ${g.minSharpeAnnual.toFixed(2)}/yr`,
    );
    const head = out.findIndex((l) => l.startsWith('Group '));
    expect(out[head]).toMatch(
      /^Group +Book +Mean\/day +Sharpe\/yr +t +p \(NW\) +p \(boot\) +Resamples +Adj\. p +Verdict/,
    );
    const rows = out.slice(head + 1).filter((l) => /^IBIT \d+d Δ0\.\d+ \$\d/.test(l));
    expect(rows).toHaveLength(5);
    expect(out).toContain('  … and 3 more groups (--all)');
  });

  it('each promoted configuration with the per-trade evidence `promote --review` tests against', () => {
    const out = renderPromote(r, false).split('\n');
    const e = r.promoted[0].evidence;
    expect(e.isTradeT).toBeCloseTo(e.isTradeMeanUsd! / (e.isTradeSdUsd! / Math.sqrt(e.isClosedTrades!)), 9);
    const line = out.find((l) => l.startsWith(`  1. trader ${r.promoted[0].trader}: `))!;
    expect(line).toMatch(/; in sample per trade −?\$\d+\.\d\d ± \$\d+\.\d\d \(t -?\d+\.\d\d\)$/);
    expect(line).toContain(`(t ${e.isTradeT!.toFixed(2)})`);
  });

  it('--all prints every window and every candidate', () => {
    const out = renderPromote(r, true);
    expect(out).toMatch(/^Window 1: /m);
    expect(out).toMatch(/^Window 2: /m);
    expect(out).not.toContain('more candidates (--all)');
  });

  it('at 100 columns the tables fit (columns dropped and named, verdicts wrapped in their cell); prose wraps', () => {
    for (const o of [r, gated]) {
      const out = renderPromote(o, true, { width: 100 });
      // Table lines fit by themselves; the command wraps only prose (wrapText) and leaves them whole.
      const tableLines = out.split('\n').filter((l) => /^(Group|Trader) {2}/.test(l) || /^ *\d+ {2}/.test(l));
      expect(tableLines.length).toBeGreaterThan(0);
      for (const line of tableLines) expect([...line].length, line).toBeLessThanOrEqual(100);
      expect(
        wrapText(out, 100)
          .split('\n')
          .filter((l) => [...l].length > 100),
      ).toEqual([]);
    }
    expect(renderPromote(r, true, { width: 100 })).toMatch(/left out to fit 100 columns: [^;]*Kurt/);
  });

  it('--csv: every candidate of every window, the whole reason, raw numbers', () => {
    const lines = promoteCsv(r).split('\n');
    expect(lines[0]).toBe(
      'Window,Trader,IS P&L,Realised,Trades,Days,Sharpe/yr,Skew,Kurt,DSR,p,OOS P&L,Verdict',
    );
    expect(lines).toHaveLength(1 + r.windows.reduce((n, w) => n + w.candidates.length, 0));
    const c = r.windows[0].candidates[0];
    expect(lines[1].startsWith(`1,${c.trader},${c.isPnlUsd},`)).toBe(true);
  });
});
