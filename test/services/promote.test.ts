import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/context.js';
import { minDetectableSharpe } from '../../src/core/judge/bootstrap.js';
import { promoteRun } from '../../src/services/promote.js';
import { type PromoteBacktest, promoteBacktest } from '../support/promote-backtest.js';

let b: PromoteBacktest;
let ctx: AppContext;
let runId = '';

beforeAll(async () => {
  b = await promoteBacktest();
  ({ ctx, runId } = b);
}, 120_000);
afterAll(() => b.close());

describe('argus promote on a recorded run', () => {
  it('too short for the default windows: insufficient data, nothing recorded', async () => {
    const r = await promoteRun(ctx, { run: 'latest', dryRun: false });
    expect(r.status).toBe('insufficient data');
    expect(r.evalId).toBeNull();
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
  });

  it('takes a run reference: latest, the id or a unique prefix of it', async () => {
    const r = await promoteRun(ctx, { run: runId.slice(0, 8), dryRun: true });
    expect(r.runId).toBe(runId);
    await expect(promoteRun(ctx, { run: 'live', dryRun: true })).rejects.toThrow(
      /^promotion is from a backtest: the live farm already trades every configuration/,
    );
  });

  it('refuses bad parameters as a usage error', async () => {
    await expect(promoteRun(ctx, { run: runId, dryRun: true, alpha: 1.5 })).rejects.toThrow(
      /alpha must be in \(0, 1\)/,
    );
    await expect(promoteRun(ctx, { run: 'no-such-run', dryRun: true })).rejects.toThrow(/no run no-such-run/);
  });

  it('the group gate: every group of this 3-month replay lost, so nothing passes, and the verdict says what it could have seen', async () => {
    const r = await promoteRun(ctx, { run: runId, isMonths: 1, oosMonths: 1, minDays: 0, dryRun: true });
    expect(r.gate).toBe('group');
    const last = r.windows[r.windows.length - 1];
    expect(last.gate!.groups).toHaveLength(8);
    expect(last.gate!.passed).toEqual([]);
    expect(last.candidates).toEqual([]);
    // Split books: chosen over the first ⌊T/2⌋ days in sample, tested over the rest; the bar is
    // 8 groups over the tested days: (z(1 − 0.05/8) + z(0.8))/√T·√252.
    const tested = last.is.days - Math.floor(last.is.days / 2);
    expect(last.gate!.book).toEqual({ kind: 'split', chosenDays: last.is.days - tested, testedDays: tested });
    expect(last.gate!.days).toBe(tested);
    expect(r.minSharpeAnnual).toBeCloseTo(minDetectableSharpe(tested, 8, 0.05), 12);
    expect(r.message).toMatch(
      /^nothing promoted: no group passed the gate in the last window \(80 % power needs a book Sharpe of \d+\.\d\d\/yr\)$/,
    );
    // Seeded: the same run gives the same verdict.
    const again = await promoteRun(ctx, { run: runId, isMonths: 1, oosMonths: 1, minDays: 0, dryRun: true });
    expect(again.windows.map((w) => w.gate)).toEqual(r.windows.map((w) => w.gate));
    // The min-p step-down (a study option): its bar lies between one test's and Holm's for 8 groups,
    // these groups moving together.
    const minP = await promoteRun(ctx, {
      run: runId,
      isMonths: 1,
      oosMonths: 1,
      minDays: 0,
      dryRun: true,
      groupTest: 'min-p',
    });
    const g = minP.windows.at(-1)!.gate!;
    expect(g.test).toBe('min-p');
    expect(minP.minSharpeAnnual).toBeLessThan(minDetectableSharpe(tested, 8, 0.05));
    expect(minP.minSharpeAnnual).toBeGreaterThan(minDetectableSharpe(tested, 1, 0.05));
  });

  it('records evaluations, trial counts and promotions; the recommendation reads the active set', async () => {
    // A run from before the group series (they are dropped here) is gated by the deflated Sharpe ratio;
    // short windows and a loose α so that this 3-month replay promotes something: plumbing, not evidence.
    ctx.store().db.prepare('DELETE FROM farm_series WHERE run_id = ?').run(runId);
    const req = {
      run: runId,
      isMonths: 1,
      oosMonths: 1,
      minDays: 0,
      minTrades: 1,
      minPnlUsd: 0,
      alpha: 0.9,
      top: 2,
    };
    const dry = await promoteRun(ctx, { ...req, dryRun: true });
    expect(dry.status).toBe('ok');
    expect(dry.gate).toBe('dsr');
    expect(dry.windows).toHaveLength(2);
    expect(dry.evalId).toBeNull();
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
    const r = await promoteRun(ctx, { ...req, dryRun: false });
    expect(r.promoted.map((p) => p.trader)).toEqual(dry.promoted.map((p) => p.trader));
    expect(r.promoted.length).toBeGreaterThan(0);
    const configs = ctx.promotions.promotedConfigs();
    expect(configs).toHaveLength(r.promoted.length);
    expect(configs[0].label).toMatch(
      new RegExp(`^promoted trader ${r.promoted[0].trader} \\(run ${runId.slice(0, 8)}…, DSR p `),
    );
    expect(configs[0].dte).toBe(r.promoted[0].config.dte);
    // The per-trade evidence `promote --review` needs is recorded with each promotion.
    const stored = ctx
      .store()
      .db.prepare('SELECT evidence_json FROM promotions WHERE active = 1 ORDER BY rank')
      .all() as { evidence_json: string }[];
    const e = JSON.parse(stored[0].evidence_json);
    expect(e.isTradeMeanUsd).toBe(r.promoted[0].evidence.isTradeMeanUsd);
    expect(e.isTradeSdUsd).toBeGreaterThan(0);
    expect(e.isTradeT).toBeCloseTo(e.isTradeMeanUsd / (e.isTradeSdUsd / Math.sqrt(e.isClosedTrades)), 9);
    expect(ctx.promotions.active().map((p) => p.evidence.isTradeT)).toEqual(
      r.promoted.map((p) => p.evidence.isTradeT),
    );
    const trials = ctx.promotions.trialCounts(runId);
    expect(trials.map((t) => [t.isFrom, t.isTo])).toEqual([
      ['2025-03', '2025-03'],
      ['2025-04', '2025-04'],
    ]);
    expect(trials[0].sampleSize).toBe(128);
    // A strict re-evaluation promotes nothing and retires the earlier promotions.
    const strict = await promoteRun(ctx, { ...req, alpha: 1e-12, dryRun: false });
    expect(strict.promoted).toEqual([]);
    expect(ctx.promotions.promotedConfigs()).toEqual([]);
    const n = ctx
      .store()
      .db.prepare('SELECT count(*) AS n FROM promotion_evals WHERE run_id = ?')
      .get(runId) as { n: number };
    expect(n.n).toBe(2);
  }, 120_000);
});
