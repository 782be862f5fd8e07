import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  ARGUS_DB: join(dir, 'a.db'),
  ARGUS_CONFIG: join(dir, 'none.json'),
  TZ: 'Europe/Berlin',
  ARGUS_FAKE_NOW: '2026-11-25T15:00:00Z',
};
const json = (args: string[]) => {
  const r = runCli([...args, '--json'], env);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('argus calendar', () => {
  it('lists Thanksgiving, the early close, the December FOMC and CPI, in ET and local time', () => {
    const r = runCli(['calendar', '--from', '2026-11-20', '--to', '2026-12-31'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2026-11-26.*Thanksgiving Day.*NYSE closed/);
    expect(r.stdout).toMatch(/2026-11-27.*13:00.*19:00 (CET|GMT\+1).*closes early at 13:00 ET/);
    expect(r.stdout).toMatch(/2026-12-09.*14:00.*FOMC statement.*2026-12-08\/09/);
    expect(r.stdout).toMatch(/2026-12-10.*08:30.*14:30 (CET|GMT\+1).*CPI/);
    const j = json(['calendar', '--from', '2026-11-20', '--to', '2026-12-31']);
    const kinds = j.entries.map((e: { date: string; kind: string }) => `${e.date} ${e.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        '2026-11-26 closed',
        '2026-11-27 early_close',
        '2026-12-09 fomc',
        '2026-12-10 cpi',
      ]),
    );
    const cpi = j.entries.find((e: { kind: string }) => e.kind === 'cpi');
    expect(cpi.timeMs).toBe(Date.parse('2026-12-10T13:30:00Z'));
  });

  it('warns when a window leaves the CPI data, and says so in --json coverage', () => {
    const j = json(['calendar', '--from', '2026-12-01', '--to', '2027-02-28', '--type', 'cpi']);
    expect(j.warnings.join(' ')).toMatch(/no CPI dates after 2026-12-31/);
    expect(j.coverage.find((c: { type: string }) => c.type === 'cpi').complete).toBe(false);
  });

  it('bad dates: a clear error and exit code 2', () => {
    const r = runCli(['calendar', '--from', '2026-02-30'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--from 2026-02-30 is not a calendar date/);
    const r2 = runCli(['calendar', '--from', '2026-12-31', '--to', '2026-12-01'], env);
    expect(r2.status).toBe(2);
  });
});

describe('argus config show', () => {
  it('prints each value with its origin and masks secrets', () => {
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ source: 'sim' }));
    const r = runCli(['config', 'show', '--json'], {
      ...env,
      ARGUS_CONFIG: cfg,
      ARGUS_TELEGRAM_TOKEN: '999:SECRET-TOKEN',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('SECRET');
    const j = JSON.parse(r.stdout);
    expect(j.settings.find((s: { setting: string }) => s.setting === 'source')).toMatchObject({
      value: 'sim',
      origin: `file:${cfg}`,
    });
  });

  it('a broken config file names the file and line, exit code 2', () => {
    const cfg = join(dir, 'broken.json');
    writeFileSync(cfg, '{\n  "source": "replay",\n  "farm": { "fillF": 2 }\n}\n');
    const r = runCli(['config', 'show'], { ...env, ARGUS_CONFIG: cfg });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${cfg}:3: invalid value for "farm.fillF"`);
  });
});

describe('market data commands on the replay', () => {
  const at = '2025-03-10T15:00:00Z';

  it('snapshot: values checked by hand against data/prices', () => {
    const j = json(['snapshot', '--source', 'replay', '--at', at]);
    expect(j.btc.value.priceUsd).toBe(79825.22);
    expect(j.dvol.value).toBeCloseTo(0.591, 10);
    // the trailing 24 h of 8-hour prints: 0.01 %, 0.003952 %, 0.001344 %
    expect(j.funding8h.value).toBeCloseTo((0.01 + 0.003952 + 0.001344) / 300, 12);
    expect(j.ibit.value.price).toBeCloseTo((79825.22 * 49.43000030517578) / 86975.18, 8);
    expect(j.market.phase).toBe('open');
  });

  it('snapshot outside the data: fields missing with their reason, still printed, and exit 3', () => {
    const r = runCli(['snapshot', '--source', 'replay', '--at', '2026-04-15T15:00:00Z', '--json'], env);
    expect(r.status).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.dvol.status).toBe('missing');
    expect(j.dvol.reason).toMatch(/outside coverage, data ends 2026-04-07/);
    expect(j.missing.map((m: string) => m.split(':')[0])).toEqual(['BTC', 'DVOL', 'IBIT']);
    expect(r.stderr).toMatch(/^Error: missing .*DVOL: outside coverage, data ends 2026-04-07/);
    const chain = runCli(['chain', 'IBIT', '--source', 'replay', '--at', '2026-04-15T15:00:00Z'], env);
    expect(chain.status).toBe(3);
    expect(chain.stderr).toMatch(/^Error: missing IBIT chain/);
  });

  it('snapshot on 2022-06-13 11:00 EDT: the 14:00Z BTC bar, the 06-12 DVOL close and the level moved beside it, IBIT derived', () => {
    const j = json(['snapshot', '--source', 'replay', '--at', '2022-06-13T15:00:00Z']);
    expect(j.btc.value.priceUsd).toBe(22802.31);
    expect(j.dvol.value).toBe(0.9399);
    expect(j.ivLevel.value.raw).toBe(0.9399);
    // BTC fell from 26,587.35 (the 06-12 23:00Z bar) to 22,802.31: the level rises
    expect(j.ivLevel.value.btcMove).toBeCloseTo(Math.log(22802.31 / 26587.35), 10);
    expect(j.ivLevel.value.adjusted).toBeCloseTo(
      0.9399 * Math.exp(j.ivLevel.value.fit.downBeta * j.ivLevel.value.btcMove),
      10,
    );
    expect(j.ivLevel.value.adjusted).toBeGreaterThan(1);
    // IBIT ≈ $13.1: BTC × 26.63 / 46,278.78, carried back 1.58 years at 0.25 %/yr
    const years =
      (Date.parse('2024-01-11T21:00:00Z') - Date.parse('2022-06-13T15:00:00Z')) / (365 * 86_400_000);
    expect(j.ibit.value.price).toBeCloseTo(22802.31 * (26.6299991607666 / 46278.78) * 1.0025 ** years, 8);
    expect(j.ibit.derived).toMatch(/^from BTC × the IBIT\/BTC ratio of its first close \(2024-01-11\)/);
    expect(j.btc.derived).toBeNull();
    const r = runCli(['snapshot', '--source', 'replay', '--at', '2022-06-13T15:00:00Z'], {
      ...env,
      COLUMNS: '200',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BTC .*\$22,802\.31 {2}-17\.93% 24h$/m);
    expect(r.stdout).toMatch(/^DVOL \(BTC 30d IV\) .*93\.99%$/m);
    expect(r.stdout).toMatch(/^IV level \(priced\) .*93\.99% raw → 10\d\.\d\d%/m);
    expect(r.stdout).toMatch(/^IBIT .*\$13\.17 .*DERIVED from BTC/m);
  });

  it('snapshot before 2022-03-24 labels the IV rank resting on fewer than 365 days of DVOL', () => {
    const j = json(['snapshot', '--source', 'replay', '--at', '2022-01-03T15:00:00Z']);
    expect(j.dvolHistory.value.days).toBe(285);
    expect(j.dvolHistory.value.shortHistory).toBe('IV rank rests on 285 of 365 days of DVOL');
    expect(
      json(['snapshot', '--source', 'replay', '--at', '2022-06-13T15:00:00Z']).dvolHistory.value.shortHistory,
    ).toBeNull();
    const sig = runCli(['signal', '--source', 'replay', '--at', '2022-01-04T15:00:00Z'], {
      ...env,
      COLUMNS: '200',
    });
    expect(sig.stdout).toMatch(/^IBIT \$27\.\d\d DERIVED from BTC/m);
    expect(sig.stdout).toMatch(/SHORT HISTORY: rests on 285 of 365 days of DVOL/);
  });

  it('chain: the listed expiry nearest 14 days, strikes on the $0.50 grid, bids below asks', () => {
    const j = json(['chain', 'IBIT', '--source', 'replay', '--at', at, '--dte', '14']);
    expect(j.status).toBe('ok');
    expect(j.expiry).toBe('2025-03-21');
    expect(j.expiries).toContain('2025-04-17'); // Good Friday 2025-04-18 moves the monthly to Thursday
    for (const r of j.rows) {
      expect((r.strike * 2) % 1).toBe(0);
      expect(r.bid).toBeLessThan(r.ask);
    }
  });

  it('chain check: a subcommand beside `argus chain SYMBOL`, on a bundled real chain', () => {
    const file = new URL(
      '../../data/options/ibit_chain_yahoo_2026-02-11_underlying37.735.csv',
      import.meta.url,
    ).pathname;
    const j = json(['chain', 'check', file, '--source', 'replay']);
    expect(j.chains[0].iv.dvolDay).toBe('2026-02-10');
    expect(j.summary.crossingCostRatio.shareAtLeast1).toBeGreaterThanOrEqual(0.9);
  });

  it('price: the American put reference value', () => {
    const j = json([
      'price',
      '--type',
      'put',
      '--spot',
      '36',
      '--strike',
      '40',
      '--rate',
      '0.06',
      '--vol',
      '0.2',
      '--years',
      '1',
      '--style',
      'american',
    ]);
    expect(Object.keys(j).slice(0, 2)).toEqual(['price', 'standardError']);
    expect(j.price).toBeCloseTo(4.4867, 3);
  });

  it('price: unsupported combinations are clear errors', () => {
    const r = runCli(
      [
        'price',
        '--type',
        'put',
        '--spot',
        '36',
        '--strike',
        '40',
        '--years',
        '1',
        '--style',
        'american',
        '--model',
        'heston',
        '--v0',
        '0.04',
        '--kappa',
        '1',
        '--theta',
        '0.04',
        '--xi',
        '0.3',
        '--rho',
        '-0.5',
      ],
      env,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/American options under heston are not supported/);
  });

  it('signal: the candidate credit is the short bid minus the long ask of the same chain (f = 1)', () => {
    const sig = json(['signal', '--source', 'replay', '--at', at, '--paths', '20000', '--engine', 'js']);
    const c = sig.candidates[0];
    expect(c.status).toBe('ok');
    const chain = json([
      'chain',
      'IBIT',
      '--source',
      'replay',
      '--at',
      at,
      '--expiry',
      c.expiry,
      '--strikes',
      '40',
    ]);
    const q = (k: number) => chain.rows.find((r: { strike: number }) => r.strike === k);
    expect(c.creditPerShare).toBeCloseTo(q(c.shortStrike).bid - q(c.longStrike).ask, 10);
    expect(c.filters.map((f: { filter: string }) => f.filter)).toContain('market hours (ET)');
    expect(c.outcomes.pop).toBeGreaterThan(0);
    expect(c.outcomes.popSE).toBeGreaterThan(0);
  });

  it('gap: BTC since the last close and the implied IBIT open, over a weekend', () => {
    const j = json(['gap', '--source', 'replay', '--at', '2025-03-09T18:00:00Z']);
    expect(j.status).toBe('ok');
    expect(j.sessionDate).toBe('2025-03-07');
    expect(j.btcAtClose).toBe(86975.18);
    expect(j.impliedIbitOpen).toBeCloseTo(j.ibitClose * (j.btcNow / j.btcAtClose), 10);
  });

  it('gap snapshot is idempotent per session', () => {
    const e = { ...env, ARGUS_DB: join(dir, 'gap.db') };
    const a = runCli(['gap', 'snapshot', '--source', 'replay', '--at', '2025-03-10T22:00:00Z', '--json'], e);
    expect(JSON.parse(a.stdout).status).toBe('recorded');
    const b = runCli(['gap', 'snapshot', '--source', 'replay', '--at', '2025-03-11T02:00:00Z', '--json'], e);
    const jb = JSON.parse(b.stdout);
    expect(jb.status).toBe('already-recorded');
    expect(jb.snapshot.ibitClose).toBeCloseTo(44.91, 6);
  });
});

describe('a 100-column terminal and a pipe', () => {
  const at = ['--source', 'replay', '--at', '2025-03-10T15:00:00Z'];
  const commands = [
    ['snapshot', ...at],
    ['chain', 'IBIT', ...at, '--right', 'both'],
    ['signal', ...at, '--paths', '1000', '--engine', 'js'],
    ['calendar', '--from', '2026-11-20', '--to', '2026-12-31'],
    [
      'price',
      'spread',
      '--spot',
      '45.37',
      '--short',
      '42',
      '--long',
      '40',
      '--vol',
      '0.65',
      '--days',
      '11',
      '--paths',
      '2000',
      '--engine',
      'js',
    ],
    ['monitor', '--once', ...at, '--paths', '1000', '--engine', 'js'],
    // A backtest, then what reads it (in order: they share the database).
    [
      'farm',
      'run',
      '--source',
      'replay',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-14',
      '--grid',
      join(ROOT, 'test/fixtures/grids/examples.json'),
      '--engine',
      'js',
    ],
    ['leaderboard'],
    ['leaderboard', '--by', 'dte'],
    ['leaderboard', '--trader', '9'],
    ['runs', 'list'],
    ['review', '--run', 'latest', '--date', '2025-03-12'],
    ['promote', '--dry-run'],
  ];
  it.each(commands.map((c) => [c.slice(0, 2).join(' '), c]))(
    '%s: no line longer than 100 (COLUMNS=100)',
    (_, args) => {
      const r = runCli(args as string[], { ...env, COLUMNS: '100' });
      expect(r.status, r.stderr).toBe(0);
      const long = r.stdout.split('\n').filter((l) => [...l].length > 100);
      expect(long).toEqual([]);
    },
  );

  it('leaderboard --trader --csv: a line per closed trade with raw numbers, in the order of --json', () => {
    const csv = runCli(['leaderboard', '--trader', '9', '--csv'], env);
    expect(csv.status, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('#,Entry (ET),Exit (ET),Spread,Reason,Qty,Credit,Exit,Fees,P&L,Days');
    const j = JSON.parse(runCli(['leaderboard', '--trader', '9', '--json'], env).stdout);
    const trades = j.trader.trades as { pnlUsd: number; contracts: number }[];
    expect(lines).toHaveLength(trades.length + 1);
    const first = lines[1].split(',');
    expect(first[0]).toBe('1');
    expect(Number(first[5])).toBe(trades[0].contracts);
    expect(Number(first[9])).toBe(trades[0].pnlUsd);
  });

  it('runs list through a pipe carries no escape codes even with colour allowed', () => {
    const r = runCli(['runs', 'list'], { ...env, NO_COLOR: '' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.includes('\u001b')).toBe(false);
  });
});

describe('--csv and --columns on tables', () => {
  it('calendar --csv: every column, quoted where a value has a comma', () => {
    const r = runCli(['calendar', '--from', '2026-11-20', '--to', '2026-12-10', '--csv'], {
      ...env,
      TZ: 'UTC',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'Date,Day,Time ET,Local (UTC),Type,Event,Detail',
      '2026-11-26,Thu,,,MARKET,Thanksgiving Day,NYSE closed',
      '2026-11-27,Fri,13:00,18:00 UTC,MARKET,Day after Thanksgiving,NYSE closes early at 13:00 ET',
      '2026-12-09,Wed,14:00,19:00 UTC,FOMC,FOMC statement,"meeting 2026-12-08/09, SEP, press conference 14:30 ET"',
      '2026-12-10,Thu,08:30,13:30 UTC,CPI,CPI release,CPI for 2026-11',
    ]);
  });

  it('calendar --columns picks and orders; a narrow terminal drops the least important', () => {
    const r = runCli(
      ['calendar', '--from', '2026-12-09', '--to', '2026-12-10', '--columns', 'event,date'],
      env,
    );
    expect(r.stdout.trim().split('\n').slice(1)).toEqual([
      'Event           Date',
      'FOMC statement  2026-12-09',
      'CPI release     2026-12-10',
    ]);
    const narrow = runCli(['calendar', '--from', '2026-12-09', '--to', '2026-12-10'], {
      ...env,
      COLUMNS: '60',
    });
    expect(narrow.stdout).toMatch(/left out to fit 60 columns: Detail/);
  });
});

describe('read commands create nothing', () => {
  it('leaderboard and runs list on a path with no database: exit 4 naming it, no file and no directory made', () => {
    const missing = join(dir, 'no-such-dir', 'x.db');
    for (const args of [['leaderboard'], ['runs', 'list']]) {
      const r = runCli([...args, '--db', missing], env);
      expect(r.status).toBe(4);
      expect(r.stderr).toContain(`no Argus database at ${missing}`);
    }
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('--source replay without --at', () => {
  it('snapshot, chain and signal refuse it with an instant that works, exit 2', () => {
    for (const args of [['snapshot'], ['chain', 'IBIT'], ['signal']]) {
      const r = runCli([...args, '--source', 'replay'], env);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('--source replay needs --at');
      expect(r.stderr).toContain('--at 2025-03-10T15:00:00Z');
    }
  });
});
