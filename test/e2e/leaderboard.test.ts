import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { backtestFixture, type Fixture } from '../support/leaderboard-fixture.js';

// Runs the built CLI (dist/): build first with `npx tsc -p tsconfig.json`.
let fx: Fixture;
let env: Record<string, string>;
beforeAll(async () => {
  fx = await backtestFixture();
  fx.ctx.close();
  const config = join(fx.dir, 'config.json');
  writeFileSync(config, '{}');
  env = { ARGUS_CONFIG: config };
});
afterAll(() => fx?.cleanup());

const cli = (...args: string[]) => runCli(['leaderboard', '--db', fx.dbPath, ...args], env);

describe('argus leaderboard (subprocess)', () => {
  it('--json: the ranking with provenance, realised and open MtM apart', () => {
    const r = cli('--json', '--limit', '5');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.view).toBe('leaderboard');
    expect(j.run.id).toBe(fx.backtest.runId);
    expect(j.run.provenance).toContain('synthetic chains');
    expect(j.rows).toHaveLength(5);
    expect(j.rows[0]).toHaveProperty('realizedUsd');
    expect(j.rows[0]).toHaveProperty('openMtmUsd');
    expect(j.rows[0].realizedUsd).toBe(fx.backtest.top[0].realizedUsd);
  });

  it('human output: a table, the data line, the realised/MtM note', () => {
    const r = cli('--where', 'dte=14', '--sort', 'sharpe', '--limit', '3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Leaderboard — top 3 of/);
    expect(r.stdout).toContain('Data: replayed real prices');
    expect(r.stdout).toContain('Where: dte=14');
    expect(r.stdout).toContain('marked to market (not realised)');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(/Realised +Open MtM \(n\) +Total +Max DD/);
    // 2025-03-03 → 03-21: 19 days × 252/365 ≈ 13 NYSE days, too short to annualise
    expect(r.stdout).toContain('* The run covers 13 NYSE days');
    expect(r.stdout).toMatch(/\d\.\d\d\* /);
    expect(r.stdout).toMatch(
      /These are the best of [\d,]+ configurations .* `argus promote` tests which edges are real\./,
    );
  });

  it('on a terminal (FORCE_COLOR=1): P&L green or red, headers bold and never red; NO_COLOR wins', () => {
    const r = runCli(['leaderboard', '--db', fx.dbPath, '--limit', '20'], {
      ...env,
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('\u001b[1mTrader\u001b[22m');
    const esc = '\u001b';
    expect(r.stdout).toMatch(new RegExp(`${esc}\\[3[12]m−?\\$[\\d,]+\\.\\d\\d${esc}\\[39m`));
    expect(r.stdout).not.toMatch(new RegExp(`${esc}\\[31m[A-Z][a-z]`)); // no red words (headers)
    const plain = runCli(['leaderboard', '--db', fx.dbPath], { ...env, NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
    const flag = runCli(['leaderboard', '--db', fx.dbPath, '--no-color'], {
      ...env,
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });
    expect(flag.stdout).not.toContain('\u001b[');
  });

  it('--by dte --json and --trader ID --json (re-simulation agrees with the farm)', () => {
    const sorted = JSON.parse(cli('--sort', 'total', '--json', '--limit', '50').stdout);
    expect(sorted.sort.label).toBe('total P&L (realised + open marked)');
    const totals = sorted.rows.map((x: { totalUsd: number; realizedUsd: number; openMtmUsd: number }) => {
      expect(x.totalUsd).toBeCloseTo(x.realizedUsd + x.openMtmUsd, 9);
      return x.totalUsd;
    });
    expect(totals).toEqual([...totals].sort((a: number, b: number) => b - a));
    const bars = cli('--by', 'dte');
    expect(bars.stdout.split('\n').filter((l) => /^(7|14|21) .*│/.test(l))).toHaveLength(3);
    const by = cli('--by', 'dte', '--json');
    expect(by.status, by.stderr).toBe(0);
    expect(JSON.parse(by.stdout).groups.map((g: { value: number }) => g.value)).toEqual([7, 14, 21]);
    const id = fx.backtest.top[0].trader;
    const tr = cli('--trader', String(id), '--json');
    expect(tr.status, tr.stderr).toBe(0);
    const t = JSON.parse(tr.stdout);
    expect(t.view).toBe('trader');
    expect(t.trader.agrees).toMatchObject({
      trades: true,
      realized: true,
      openMtm: true,
      maxDrawdown: true,
      sharpe: true,
    });
    const human = cli('--trader', String(id));
    expect(human.stdout).toContain('matches the farm');
    expect(human.stdout).toMatch(/[\u2800-\u28ff]/);
  });

  it('bad input: exit code 2 and a message naming it, with the valid choices', () => {
    const r = cli('--sort', 'luck');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown sort key "luck"');
    expect(r.stderr).toContain('pnl, total, win-rate, profit-factor');
    const w = cli('--where', 'dte=10');
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('valid dte values: 7, 14, 21');
    const j = cli('--by', 'colour', '--json');
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout).error.message).toContain('unknown dimension "colour"');
  });
});
