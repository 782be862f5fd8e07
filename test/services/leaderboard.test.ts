import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBoard, renderGroups } from '../../src/cli/render/leaderboard.js';
import { UsageError } from '../../src/core/errors.js';
import { DIMENSIONS, Grid, type GridSpec } from '../../src/core/farm/grid.js';
import type { BoardRun } from '../../src/core/judge/board-run.js';
import { SORT_KEYS, SORTS, type SortKey } from '../../src/core/judge/ranking.js';
import { groupBy, leaderboard, resolveBoardRun } from '../../src/services/leaderboard.js';
import { backtestFixture, type Fixture, TEST_GRID } from '../support/leaderboard-fixture.js';

interface Stat {
  trader_id: number;
  realized_cents: number;
  open_mtm_cents: number;
  open_positions: number;
  trades: number;
  wins: number;
  gross_profit_cents: number;
  gross_loss_cents: number;
  days_in_trade: number;
  max_drawdown_cents: number;
  sharpe: number | null;
  sortino: number | null;
  win_rate: number | null;
  profit_factor: number | null;
}

let fx: Fixture;
let stats: Stat[];
let b: BoardRun;
const grid = new Grid(TEST_GRID as GridSpec);
const dim = (d: string) => DIMENSIONS.indexOf(d as 'dte');

beforeAll(async () => {
  fx = await backtestFixture();
  stats = fx.ctx.store().db.prepare('SELECT * FROM trader_stats ORDER BY trader_id').all() as Stat[];
  b = resolveBoardRun(fx.ctx);
});
afterAll(() => fx?.cleanup());

/** The ranked value of each sort key, recomputed here in plain JS from trader_stats. */
function key(k: SortKey, s: Stat): number | null {
  switch (k) {
    case 'pnl':
      return s.realized_cents;
    case 'total':
      return s.realized_cents + s.open_mtm_cents;
    case 'win-rate':
      return s.win_rate;
    case 'profit-factor':
      return s.profit_factor ?? (s.gross_profit_cents > 0 ? Number.POSITIVE_INFINITY : null);
    case 'drawdown':
      return s.max_drawdown_cents;
    case 'sharpe':
      return s.sharpe;
    case 'sortino':
      return s.sortino;
    case 'trades':
      return s.trades;
    case 'avg-days':
      return s.trades > 0 ? s.days_in_trade / s.trades : null;
  }
}

/** Best first, ties to higher realised then lower id; --reverse is the same list read from the bottom. */
function expected(k: SortKey, reverse: boolean, keep: (s: Stat) => boolean, minTrades = 1): Stat[] {
  const desc = SORTS[k].desc;
  const ranked = stats
    .filter((s) => s.trades >= minTrades && key(k, s) !== null && keep(s))
    .sort((a, c) => {
      const x = key(k, a) as number;
      const y = key(k, c) as number;
      if (x !== y) return desc ? y - x : x - y;
      return c.realized_cents - a.realized_cents || a.trader_id - c.trader_id;
    });
  return reverse ? ranked.reverse() : ranked;
}

describe('leaderboard ranking', () => {
  it('the fixture run traded', () => {
    expect(stats.length).toBe(grid.count);
    expect(stats.filter((s) => s.trades > 0).length).toBeGreaterThan(50);
  });

  for (const k of SORT_KEYS) {
    for (const reverse of [false, true]) {
      it(`--sort ${k}${reverse ? ' --reverse' : ''} ranks as recomputed from trader_stats`, () => {
        const r = leaderboard(fx.ctx, b, { sort: k, reverse, limit: 25 });
        const want = expected(k, reverse, () => true);
        expect(r.matching).toBe(want.length);
        expect(r.rows.map((x) => x.trader)).toEqual(want.slice(0, 25).map((s) => s.trader_id));
        expect(r.rows.map((x) => x.rank)).toEqual(r.rows.map((_, i) => i + 1));
      });
    }
  }

  it('defaults: realised P&L, best first, 20 rows, traders with at least one closed trade', () => {
    const r = leaderboard(fx.ctx, b);
    expect(r.sort).toMatchObject({ key: 'pnl', order: 'desc' });
    expect(r.minTrades).toBe(1);
    expect(r.rows.length).toBe(20);
    expect(r.rows.every((x) => x.trades >= 1)).toBe(true);
    for (let i = 1; i < r.rows.length; i++)
      expect(r.rows[i - 1].realizedUsd).toBeGreaterThanOrEqual(r.rows[i].realizedUsd);
  });

  it('sort names are forgiving (realised, pf, win_rate) and map to the same ranking', () => {
    const a = leaderboard(fx.ctx, b, { sort: 'realised' });
    expect(a.sort.key).toBe('pnl');
    expect(leaderboard(fx.ctx, b, { sort: 'PF' }).sort.key).toBe('profit-factor');
    expect(leaderboard(fx.ctx, b, { sort: 'win_rate' }).sort.key).toBe('win-rate');
  });

  it('--where filters on config dimensions; counts equal a recount from trader_stats', () => {
    const r = leaderboard(fx.ctx, b, {
      where: 'dte=14,session=morning',
      sort: 'sharpe',
      limit: 1000,
    });
    const keep = (s: Stat) =>
      grid.config(s.trader_id).dte === 14 && grid.config(s.trader_id).session === 'morning';
    const want = expected('sharpe', false, keep);
    expect(r.where).toBe('dte=14, session=morning');
    expect(r.matching).toBe(want.length);
    expect(r.rows.map((x) => x.trader)).toEqual(want.map((s) => s.trader_id));
    expect(r.rows.every((x) => x.config.dte === 14 && x.config.session === 'morning')).toBe(true);
  });

  it('--where: a|b and a repeated dimension mean either value; units and case are accepted', () => {
    const a = leaderboard(fx.ctx, b, {
      where: ['dte=7|21', 'width=$3', 'session=MORNING'],
      limit: 1000,
    });
    const c = leaderboard(fx.ctx, b, { where: 'dte=7,dte=21,width=3,session=morning', limit: 1000 });
    expect(a.rows).toEqual(c.rows);
    const keep = (s: Stat) => {
      const g = grid.config(s.trader_id);
      return (g.dte === 7 || g.dte === 21) && g.width === 3 && g.session === 'morning';
    };
    expect(a.matching).toBe(expected('pnl', false, keep).length);
    expect(leaderboard(fx.ctx, b, { where: 'trail=off,pt=50%,stop=3x', limit: 1 }).where).toBe(
      'trailingStopPct=0, profitTargetPct=50, stopLossX=3',
    );
  });

  it('--min-trades keeps traders with at least that many closed trades (0 includes non-traders)', () => {
    const counts = stats.map((s) => s.trades).sort((x, y) => x - y);
    const n = counts[Math.floor(counts.length * 0.7)];
    const r = leaderboard(fx.ctx, b, { minTrades: n, limit: 100_000 });
    expect(r.matching).toBe(stats.filter((s) => s.trades >= n).length);
    expect(r.rows.every((x) => x.trades >= n)).toBe(true);
    expect(leaderboard(fx.ctx, b, { minTrades: 0, limit: 1 }).matching).toBe(grid.count);
  });

  it('realised and open MtM are separate figures, straight from trader_stats', () => {
    const r = leaderboard(fx.ctx, b, { limit: 100_000 });
    for (const x of r.rows) {
      const s = stats[x.trader];
      expect(x.realizedUsd).toBe(s.realized_cents / 100);
      expect(x.openMtmUsd).toBe(s.open_mtm_cents / 100);
      expect(x.openPositions).toBe(s.open_positions);
      expect(x.trades).toBe(s.trades);
      expect(x.winRate).toBe(s.win_rate);
      expect(x.config).toEqual(grid.config(x.trader));
    }
    expect(r.rows.some((x) => x.openPositions > 0)).toBe(true);
    expect(r.notes.join(' ')).toMatch(
      /Realised = closed and expired trades.*marked to market \(not realised\)/,
    );
    const text = renderBoard(leaderboard(fx.ctx, b, { limit: 5 }));
    expect(text).toMatch(/Open MtM/);
    expect(text).toMatch(/not realised/);
  });

  it('every view carries the run provenance: source, window, synthetic chains, fill, fees, seed, engine, version', () => {
    const r = leaderboard(fx.ctx, b, { limit: 1 });
    const p = r.run.provenance;
    expect(p).toContain('replayed real prices');
    expect(p).toContain('2025-03-03 → 2025-03-21');
    expect(p).toContain('synthetic chains');
    expect(p).toContain('fill at bid/ask');
    expect(p).toContain('fees $0.65/contract/leg');
    expect(p).toContain('seed 3');
    expect(p).toContain('engine js');
    expect(p).toContain('argus 0.0.0-test');
    expect(p).toContain(fx.backtest.runId);
    expect(r.run).toMatchObject({
      source: 'replay',
      window: { from: '2025-03-03', to: '2025-03-21' },
      syntheticChains: true,
    });
    expect(renderBoard(r)).toContain(`Data: ${p}`);
    expect(groupBy(fx.ctx, b, 'dte').run.provenance).toBe(p);
  });

  it('an empty result says so', () => {
    const r = leaderboard(fx.ctx, b, { minTrades: 1_000_000 });
    expect(r.rows).toEqual([]);
    expect(renderBoard(r)).toContain('No trader matches.');
  });
});

describe('leaderboard --by DIM', () => {
  function recount(d: string, keep: (s: Stat) => boolean = () => true) {
    const values = TEST_GRID[d as keyof typeof TEST_GRID] as (string | number)[];
    return values.map((value, lv) => {
      const g = stats.filter((s) => grid.level(s.trader_id, dim(d)) === lv && keep(s));
      const realized = g.map((s) => s.realized_cents).sort((x, y) => x - y);
      const n = realized.length;
      const med = n
        ? (n % 2 ? realized[(n - 1) / 2] : (realized[n / 2 - 1] + realized[n / 2]) / 2) / 100
        : null;
      const sharpes = g.map((s) => s.sharpe).filter((x): x is number => x !== null);
      const trades = g.reduce((a, s) => a + s.trades, 0);
      return {
        value,
        traders: n,
        traded: g.filter((s) => s.trades > 0).length,
        trades,
        winRate: trades ? g.reduce((a, s) => a + s.wins, 0) / trades : null,
        mean: n ? g.reduce((a, s) => a + s.realized_cents, 0) / n / 100 : null,
        median: med,
        meanSharpe: sharpes.length ? sharpes.reduce((a, x) => a + x, 0) / sharpes.length : null,
        meanOpen: n ? g.reduce((a, s) => a + s.open_mtm_cents, 0) / n / 100 : null,
      };
    });
  }

  function check(r: ReturnType<typeof groupBy>, want: ReturnType<typeof recount>) {
    expect(r.groups.map((g) => g.value)).toEqual(want.map((w) => w.value));
    r.groups.forEach((g, i) => {
      const w = want[i];
      expect(g.traders).toBe(w.traders);
      expect(g.traded).toBe(w.traded);
      expect(g.trades).toBe(w.trades);
      expect(g.winRate).toBeCloseTo(w.winRate ?? Number.NaN, 12);
      if (w.mean === null) expect(g.meanRealizedUsd).toBeNull();
      else expect(g.meanRealizedUsd).toBeCloseTo(w.mean, 9);
      expect(g.medianRealizedUsd).toBe(w.median);
      if (w.meanSharpe === null) expect(g.meanSharpe).toBeNull();
      else expect(g.meanSharpe).toBeCloseTo(w.meanSharpe, 9);
      if (w.meanOpen !== null) expect(g.meanOpenMtmUsd).toBeCloseTo(w.meanOpen, 9);
    });
  }

  for (const d of ['dte', 'session', 'width', 'trailingStopPct']) {
    it(`--by ${d}: traders, traded share, trades, win rate, mean/median realised, mean Sharpe equal a recount`, () => {
      const r = groupBy(fx.ctx, b, d);
      expect(r.dimension).toBe(d);
      check(r, recount(d));
      expect(r.groups.reduce((a, g) => a + g.traders, 0)).toBe(grid.count);
    });
  }

  it('--by honours --where and --min-trades', () => {
    const r = groupBy(fx.ctx, b, 'delta', { where: 'session=morning', minTrades: 2 });
    expect(r.dimension).toBe('shortDelta');
    check(
      r,
      recount('shortDelta', (s) => grid.config(s.trader_id).session === 'morning' && s.trades >= 2),
    );
    const means = r.groups.map((g) => g.meanRealizedUsd as number);
    expect(r.meanRealizedRangeUsd).toBeCloseTo(Math.max(...means) - Math.min(...means), 9);
    const text = renderGroups(r);
    expect(text).toContain('By shortDelta');
    expect(text).toContain('Where: session=morning');
  });
});

describe('bad input names itself and lists the valid choices', () => {
  const usage = (f: () => unknown): UsageError => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return err as UsageError;
    }
    throw new Error('expected a UsageError');
  };

  it('unknown sort key', () => {
    const e = usage(() => leaderboard(fx.ctx, b, { sort: 'luck' }));
    expect(e.message).toContain('"luck"');
    expect(e.hint).toBe(`valid sort keys: ${SORT_KEYS.join(', ')}`);
    expect(e.exitCode).toBe(2);
  });

  it('unknown dimension, in --where and --by', () => {
    const e = usage(() => leaderboard(fx.ctx, b, { where: 'colour=red' }));
    expect(e.message).toContain('"colour"');
    for (const d of DIMENSIONS) expect(e.hint).toContain(d);
    const e2 = usage(() => groupBy(fx.ctx, b, 'dte; DROP TABLE runs'));
    expect(e2.message).toContain('"dte; DROP TABLE runs"');
  });

  it('a value the run grid does not have', () => {
    const e = usage(() => leaderboard(fx.ctx, b, { where: 'dte=10' }));
    expect(e.message).toContain('dte has no value "10"');
    expect(e.hint).toBe('valid dte values: 7, 14, 21');
    const e2 = usage(() => leaderboard(fx.ctx, b, { where: 'session=evening' }));
    expect(e2.hint).toBe('valid session values: any, morning');
  });

  it('malformed --where and out-of-range counts', () => {
    expect(usage(() => leaderboard(fx.ctx, b, { where: 'dte' })).message).toContain('not dimension=value');
    expect(usage(() => leaderboard(fx.ctx, b, { limit: 0 })).message).toContain('--limit');
    expect(usage(() => leaderboard(fx.ctx, b, { minTrades: -1 })).message).toContain('--min-trades');
  });
});

describe('run selection', () => {
  it('--run: the latest completed backtest by default, a unique id prefix, or a clear error', async () => {
    const ctx = fx.newContext();
    expect(resolveBoardRun(ctx).run.id).toBe(fx.backtest.runId);
    expect(resolveBoardRun(ctx, fx.backtest.runId.slice(0, 8)).run.id).toBe(fx.backtest.runId);
    expect(() => resolveBoardRun(ctx, 'ffffffff')).toThrow(/no farm run ffffffff/);
    expect(() => resolveBoardRun(ctx, "x' OR 1=1 --")).toThrow(UsageError);
    expect(() => resolveBoardRun(ctx, 'live')).toThrow(/live farm has not run yet/);
  });

  it('an unfinished backtest is skipped by default and refused by id, with the resume hint', async () => {
    const { farmBacktest } = await import('../../src/services/farm-run.js');
    const ctx = fx.newContext();
    const stopped = await farmBacktest(ctx, {
      source: 'replay',
      from: '2025-03-03',
      to: '2025-03-07',
      gridFile: fx.gridFile,
      engine: 'js',
      seed: 1,
      stopAfterSteps: 3,
    });
    expect(stopped.status).toBe('stopped');
    expect(resolveBoardRun(ctx).run.id).toBe(fx.backtest.runId);
    try {
      resolveBoardRun(ctx, stopped.runId);
      throw new Error('expected a UsageError');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain('is running');
      expect((err as UsageError).hint).toContain(`--resume ${stopped.runId}`);
    }
  });
});
