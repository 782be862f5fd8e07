import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { type BacktestResult, farmBacktest } from '../../src/services/farm-run.js';

/** A small grid: every dimension that varies has 2–3 values, so filters and groups have something to split. */
export const TEST_GRID = {
  symbol: ['IBIT'],
  warmthFloor: [4, 6],
  ivRankFloor: [0, 50],
  session: ['any', 'morning'],
  dte: [7, 14, 21],
  shortDelta: [0.15, 0.3],
  width: [1, 3],
  profitTargetPct: [50],
  stopLossX: [1, 3],
  trailingStopPct: [0, 25],
  sizePct: [5],
};

export const TEST_WINDOW = { from: '2025-03-03', to: '2025-03-21' } as const;

export interface Fixture {
  dir: string;
  dbPath: string;
  gridFile: string;
  ctx: AppContext;
  backtest: BacktestResult;
  /** A fresh context on the same database (as a new command invocation would have). */
  newContext(): AppContext;
  cleanup(): void;
}

/** A real SQLite file in a temp dir holding one small replay backtest (about a second). */
export async function backtestFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'argus-lb-'));
  const dbPath = join(dir, 'argus.db');
  const gridFile = join(dir, 'grid.json');
  writeFileSync(gridFile, JSON.stringify(TEST_GRID));
  const contexts: AppContext[] = [];
  const newContext = () => {
    const c = new AppContext({
      dataDir: dir,
      configDir: dir,
      env: {},
      flags: { db: dbPath },
      appVersion: '0.0.0-test',
      clock: ManualClock.at('2026-01-05T15:00:00Z'),
    });
    contexts.push(c);
    return c;
  };
  const ctx = newContext();
  const backtest = await farmBacktest(ctx, {
    source: 'replay',
    ...TEST_WINDOW,
    gridFile,
    engine: 'js',
    seed: 3,
  });
  return {
    dir,
    dbPath,
    gridFile,
    ctx,
    backtest,
    newContext,
    cleanup: () => {
      for (const c of contexts) c.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
