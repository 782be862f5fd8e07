import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Promote from '../../src/commands/promote.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { openStore } from '../support/notify.js';
import { REVIEW_AT, workedExample } from '../support/promote-review.js';
import { runCommand } from '../support/run-command.js';

let dir: string;
let liveId: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-promote-review-cmd-'));
  const store = openStore(join(dir, 'argus.db'), ManualClock.at(REVIEW_AT));
  ({ liveId } = workedExample(store));
  store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[], columns = '200') =>
  runCommand(Promote, argv, {
    ARGUS_CONFIG: join(dir, 'none.json'),
    ARGUS_DB: join(dir, 'argus.db'),
    ARGUS_FAKE_NOW: REVIEW_AT,
    COLUMNS: columns,
  });

describe('argus promote --review (command)', () => {
  it('--json: the result as the service returns it, one entry per active promotion', async () => {
    const { result, out, error } = await run(['--review', '--json']);
    expect(error).toBeNull();
    const parsed = JSON.parse(out);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(result)));
    expect(Object.keys(parsed).sort()).toEqual(
      [
        'alpha',
        'atMs',
        'beta',
        'demoteAt',
        'demoted',
        'dryRun',
        'falseDemotionMax',
        'keepAt',
        'liveRunId',
        'message',
        'missedDemotionMax',
        'reviews',
      ].sort(),
    );
    expect(parsed).toMatchObject({ alpha: 0.05, beta: 0.2, liveRunId: liveId, dryRun: false, demoted: 1 });
    expect(Object.keys(parsed.reviews[0]).sort()).toEqual(
      [
        'config',
        'demoted',
        'forwardPnlUsd',
        'forwardTrades',
        'id',
        'isTradeMeanUsd',
        'isTradeSdUsd',
        'isTradeT',
        'live',
        'llr',
        'promotedMs',
        'rank',
        'reason',
        'runId',
        'shrunkMeanUsd',
        'status',
        'trader',
        'tradesNeeded',
        'tradesRead',
      ].sort(),
    );
    expect(
      parsed.reviews.map((r: { status: string; tradesRead: number }) => [r.status, r.tradesRead]),
    ).toEqual([
      ['demote', 10],
      ['keep', 12],
      ['continue', 3],
      ['not followed', 0],
      ['no evidence', 0],
    ]);
    // Recorded: a second review no longer sees the demoted one.
    const again = await run(['--review', '--json']);
    expect(JSON.parse(again.out).reviews).toHaveLength(4);
  });

  it('text: the rates and bounds, a row per promotion with its reason, the verdict', async () => {
    const { out, error } = await run(['--review', '--dry-run', '--alpha-demote', '0.01', '--beta', '0.1']);
    expect(error).toBeNull();
    expect(out).toMatch(
      /^Review of the active promotions at 2026-03-06 16:30 ET \(dry run: nothing recorded\)/,
    );
    // ln(0.9/0.01) = 4.4998, ln(0.1/0.99) = −2.2925; 0.01/0.9 = 1.11 %, 0.1/0.99 = 10.10 %.
    expect(out).toContain('α 1.0%, β 10.0%: demote at log LR ≥ 4.500');
    expect(out).toContain('keep at ≤ -2.293');
    expect(out).toContain('probability ≤ 1.11%');
    expect(out).toContain('probability ≤ 10.10%');
    // A: 12 trades × 0.28125 = 3.375 < 4.500: keep following at these rates.
    // Needs at these rates: (0.9·ln 90 + 0.1·ln(0.1/0.99))/0.03125 = 122.3 trades.
    expect(out).toMatch(
      /\n\s+1\s+74\s+114\s.*\s12\/12\s+−\$36\.00\s.*\s\$0\.75\s+3\.375\s+≈122\s+following\s/,
    );
    // B: 12 × −0.135417 + 2 × 0.28125 = −1.0625, above −2.293: following too.
    expect(out).toMatch(/\n\s+2\s+49\s+73\s.*\s14\/14\s+\$18\.00\s.*\s-1\.063\s+≈122\s+following\s/);
    expect(out).toContain("the live farm's grid has no shortDelta 0.3");
    expect(out).toContain('  1. trader 74: IBIT 21 DTE');
    expect(out).toMatch(/5 active promotion\(s\) reviewed: 0 would be demoted, 0 kept, 3 still followed, /);
  });

  it('at 100 columns no line is longer: the reasons wrap in their cell, the prose wraps', async () => {
    const { out, error } = await run(['--review', '--dry-run'], '100');
    expect(error).toBeNull();
    expect(out.split('\n').filter((l) => [...l].length > 100)).toEqual([]);
    expect(out).toMatch(/^\s+1\s+74\s/m);
  });

  it('--alpha-demote without --review is refused; a bad rate names itself (exit 2)', async () => {
    const alone = await run(['--alpha-demote', '0.01', '--json']);
    expect(JSON.parse(alone.out).error).toMatchObject({
      message: expect.stringMatching(/--review/),
      exitCode: 2,
    });
    const bad = await run(['--review', '--alpha-demote', '0.7', '--beta', '0.5', '--json']);
    expect(JSON.parse(bad.out).error).toMatchObject({
      message: "α + β must be below 1 for Wald's test to have two bounds, got 0.7 + 0.5",
      exitCode: 2,
    });
  });
});
