import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledFile } from '../../../src/adapters/bundled/files.js';
import ChainCheck from '../../../src/commands/chain/check.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-chain-check-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  ARGUS_DB: join(dir, 'a.db'),
  ARGUS_CONFIG: join(dir, 'none.json'),
  ARGUS_FAKE_NOW: '2026-11-25T15:00:00Z',
};
const FILES = [
  bundledFile('options', 'ibit_chain_yahoo_2026-02-11_underlying37.735.csv'),
  bundledFile('options', 'ibit_chain_yahoo_2026-02-12a_underlying38.150.csv'),
];

describe('argus chain check on the two bundled real chains', () => {
  it('--json: a summary with the crossing-cost and credit ratios and the IV bias, and one entry per chain', async () => {
    const { result, error } = await runCommand(ChainCheck, [...FILES, '--source', 'replay', '--json'], env);
    expect(error).toBeNull();
    const r = result as {
      chainModel: string;
      summary: Record<string, unknown>;
      chains: { summary: Record<string, number>; iv: { dvolDay: string } }[];
    };
    expect(r.chainModel).toBe('chain-model-2');
    const stats = {
      n: expect.any(Number),
      median: expect.any(Number),
      p10: expect.any(Number),
      p90: expect.any(Number),
      shareAtLeast1: expect.any(Number),
    };
    expect(r.summary).toEqual({ crossingCostRatio: stats, creditRatio: stats, ivBiasVp: expect.any(Number) });
    expect(r.chains.map((c) => c.iv.dvolDay)).toEqual(['2026-02-10', '2026-02-11']);
    const ratio = r.summary.crossingCostRatio as { median: number; shareAtLeast1: number; n: number };
    expect(ratio.n).toBe(
      r.chains.reduce((s, c) => s + (c.summary.crossingCostRatio as unknown as { n: number }).n, 0),
    );
    expect(ratio.median).toBeGreaterThanOrEqual(1);
    expect(ratio.shareAtLeast1).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(r.summary.ivBiasVp as number)).toBeLessThan(2);
  });

  it('text: the fitted level with its standard error, each day’s IV bias and the ratios', async () => {
    const { out, error } = await runCommand(ChainCheck, [...FILES, '--source', 'replay'], env);
    expect(error).toBeNull();
    expect(out).toMatch(/IV level: IBIT 30-day ATM IV = DVOL × 1\.013 ± 0\.023 \(standard error/);
    expect(out).toMatch(/ATM 30-day IV: model 55\.5\d%, real 56\.81%: bias −1\.2\d vp/);
    expect(out).toMatch(
      /ATM 30-day IV bias, mean [+−]0\.0\d vp \(2026-02-11 −1\.2\d vp, 2026-02-12 \+1\.2\d vp\)/,
    );
    expect(out).toMatch(
      /Crossing cost \(mid − credit at f = 1\), model \/ real: median 1\.\d\d, p10 \d\.\d\d/,
    );
  });
});
