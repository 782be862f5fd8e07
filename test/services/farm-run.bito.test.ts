/** A BITO grid on the replay: BITO's own bars, distributions and strikes; data/grids/bito.json as shipped. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGrid } from '../../src/adapters/bundled/grids.js';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmBacktest } from '../../src/services/farm-run.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-bito-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a BITO grid', () => {
  it('data/grids/bito.json: BITO only, dollar widths for a $9–$34 fund beside 5 % and 10 %', () => {
    const g = loadGrid(new URL('../../data/grids/bito.json', import.meta.url).pathname);
    expect(g.spec.symbol).toEqual(['BITO']);
    expect(g.spec.width).toEqual([0.5, 1, 2, '5%', '10%']);
    // 3 × 3 × 3 × 5 × 5 × 5 × 3 × 3 × 2 × 2
    expect(g.count).toBe(121_500);
  });

  it('replays across an ex-date (2024-03-01) on BITO’s chain, with no IBIT span', async () => {
    const gridFile = join(dir, 'bito-small.json');
    writeFileSync(
      gridFile,
      JSON.stringify({
        symbol: ['BITO'],
        warmthFloor: [4],
        ivRankFloor: [0],
        session: ['any'],
        dte: [7, 30],
        shortDelta: [0.15, 0.3],
        width: [1, '10%'],
        profitTargetPct: [50],
        stopLossX: [2],
        trailingStopPct: [0],
        sizePct: [5],
      }),
    );
    const ctx = new AppContext({
      dataDir: dir,
      configDir: dir,
      env: {},
      flags: { db: join(dir, 'argus.db') },
      appVersion: '0.0.0-test',
      clock: ManualClock.at('2026-01-05T15:00:00Z'),
    });
    try {
      const r = await farmBacktest(ctx, {
        source: 'replay',
        from: '2024-02-26',
        to: '2024-03-08',
        gridFile,
        engine: 'js',
        seed: 1,
      });
      expect(r.status).toBe('completed');
      expect(r.summary.opened).toBeGreaterThan(0);
      expect(r.summary.spans).toEqual([]);
      const spreads = ctx
        .store()
        .db.prepare('SELECT count(*) AS n FROM trader_stats WHERE trades > 0')
        .get() as { n: number };
      expect(spreads.n).toBeGreaterThan(0);
    } finally {
      ctx.close();
    }
  }, 120_000);
});
