import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SqlitePromotions } from '../../src/adapters/store/promotions.js';
import type { Store } from '../../src/adapters/store/store.js';
import { parseGrid, type TraderConfig } from '../../src/core/farm/grid.js';
import { DEFAULT_RULES } from '../../src/core/farm/rules.js';
import {
  type CandidateResult,
  DEFAULT_PARAMS,
  type PromotedConfig,
} from '../../src/core/judge/walk-forward.js';
import { MS_PER_DAY } from '../../src/core/units.js';

const SMALL = new URL('../fixtures/grids/small.json', import.meta.url).pathname;

/** The backtest's grid (test/fixtures/grids/small.json, 128 traders). */
export const backtestGrid = parseGrid(readFileSync(SMALL, 'utf8'), 'small.json');

/**
 * The live farm's grid: small.json with warmth [4, 6, 8], DTE [7, 14, 21] and no 0.3 delta, so the
 * same configuration has another id there (strides: trail 1, width 2, delta 4, DTE 8, session 24,
 * IV rank 48, warmth 96).
 */
export const liveGrid = parseGrid(
  JSON.stringify({
    ...JSON.parse(readFileSync(SMALL, 'utf8')),
    warmthFloor: [4, 6, 8],
    dte: [7, 14, 21],
    shortDelta: [0.15, 0.2],
  }),
  'live.json',
);

/** Promoted at 2026-01-05 21:30 UTC (after that day's close); reviewed 60 days later. */
export const PROMOTED_MS = Date.parse('2026-01-05T21:30:00Z');
export const REVIEW_AT = '2026-03-06T21:30:00Z';

/** In sample: $1.00 a trade, sd $3.00, t 2 → the shrunk edge is 1 − 1/4 of it, $0.75. */
export const PER_TRADE = { isTradeMeanUsd: 1, isTradeSdUsd: 3, isTradeT: 2 };

export function evidence(
  c: TraderConfig,
  perTrade: Partial<CandidateResult> | null = PER_TRADE,
): CandidateResult {
  const e: CandidateResult = {
    trader: c.id,
    config: c,
    isPnlUsd: 40,
    isRealisedUsd: 40,
    isClosedTrades: 40,
    isTradeMeanUsd: null,
    isTradeSdUsd: null,
    isTradeT: null,
    daysSinceFirstTrade: 180,
    group: 0,
    groupPAdjusted: 0.01,
    sr: 0.1,
    srAnnual: 1.6,
    skew: 0,
    kurt: 3,
    t: 126,
    dsr: 0.9,
    pValue: 0.1,
    eligible: true,
    passed: true,
    selected: true,
    reason: 'passed',
    oosPnlUsd: 10,
    ...perTrade,
  };
  if (perTrade === null) {
    // A promotion recorded before the per-trade figures existed.
    const old = e as Partial<CandidateResult>;
    delete old.isTradeMeanUsd;
    delete old.isTradeSdUsd;
    delete old.isTradeT;
  }
  return e;
}

export function insertFarmRun(
  store: Store,
  runId: string,
  grid = backtestGrid,
  rules: object = DEFAULT_RULES,
  fill: object = { f: 0.32 },
): void {
  store.db
    .prepare(
      `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json, steps_done)
       VALUES (?, ?, ?, ?, ?, ?, 0, '[]', 0)`,
    )
    .run(
      runId,
      JSON.stringify(grid.spec),
      grid.hash,
      JSON.stringify(rules),
      JSON.stringify(fill),
      grid.count,
    );
}

/** A live position of `trader`, closed `exitDay` days after the promotion (negative: before) with this P&L, or open. */
export function insertPosition(
  store: Store,
  runId: string,
  trader: number,
  exitDay: number | null,
  pnlCents: number | null,
): void {
  const exitMs = exitDay === null ? null : PROMOTED_MS + exitDay * MS_PER_DAY;
  store.db
    .prepare(
      `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts,
         credit_pips, entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips,
         max_loss_cents, delta_usd, vega_usd, status, exit_ms, exit_reason, exit_pips, pnl_cents, fees_cents)
       VALUES (?, ?, ?, ?, 'IBIT', '2026-03-20', 48, 46, 1, 4000, ?, 0, 0, -1, -1, 0, 4000, 16000, 0, 0, ?, ?, ?, 0, ?, ?)`,
    )
    .run(
      randomUUID(),
      runId,
      trader,
      randomUUID(),
      (exitMs ?? PROMOTED_MS + 30 * MS_PER_DAY) - 5 * MS_PER_DAY,
      exitMs === null ? 'open' : 'closed',
      exitMs,
      exitMs === null ? null : 'profit_target',
      pnlCents,
      exitMs === null ? null : 260,
    );
}

/** Records one evaluation of `runId` promoting these configurations (rank order) at PROMOTED_MS. */
export function recordPromotions(store: Store, runId: string, promoted: CandidateResult[]): void {
  new SqlitePromotions(store.db).record(
    {
      runId,
      status: 'ok',
      message: `${promoted.length} configuration(s) promoted`,
      gate: 'group',
      minSharpeAnnual: null,
      params: DEFAULT_PARAMS,
      months: [],
      windows: [],
      promoted: promoted.map(
        (e, i): PromotedConfig => ({
          rank: i + 1,
          trader: e.trader,
          config: e.config,
          window: 0,
          evidence: e,
        }),
      ),
      walkForward: { windows: 0, windowsWithSelection: 0, selected: 0, oosPnlUsd: 0, oosPositive: 0 },
    },
    PROMOTED_MS,
  );
}

/**
 * The worked example: five promotions from a backtest, followed on a live farm with another grid.
 * Each forward trade x (cents) adds −75·(x − 37.5)/90,000 to the log LR; Wald's bounds at α 5 %,
 * β 20 % are ln 16 = 2.7726 and ln(0.2/0.95) = −1.5581.
 *   A (backtest 74 → live 114): twelve −$3 trades, +0.28125 each: demoted at trade 10 (2.8125).
 *      A +$20 trade closed the day before the promotion would keep it at once if it were read.
 *   B (49 → 73): twelve +$2 trades, −0.135417 each, then two −$3: kept at trade 12 (−1.625).
 *   C (112 → 168): −$3, +$2, +$1: 0.28125 − 0.135417 − 0.052083 = 0.09375, keep following.
 *   D (4): delta 0.3, which the live grid lacks: not followed.
 *   E (2 → 2): promoted before the per-trade figures were recorded: no evidence.
 * The live trader 74 (another configuration there) wins $50 five times: matching by id would read it.
 */
export function workedExample(store: Store): { backtestId: string; liveId: string } {
  const backtest = store.createRun({
    kind: 'replay',
    command: 'farm run',
    appVersion: 'test',
    provenance: {},
  });
  insertFarmRun(store, backtest.id);
  const liveId = store.liveRun('test').id;
  insertFarmRun(store, liveId, liveGrid);
  const c = (id: number) => backtestGrid.config(id);
  recordPromotions(store, backtest.id, [
    evidence(c(74)),
    evidence(c(49)),
    evidence(c(112)),
    evidence(c(4)),
    evidence(c(2), null),
  ]);
  insertPosition(store, liveId, 114, -1, 2000);
  for (let k = 1; k <= 12; k++) insertPosition(store, liveId, 114, k, -300);
  insertPosition(store, liveId, 114, null, null);
  for (let k = 1; k <= 12; k++) insertPosition(store, liveId, 73, k, 200);
  insertPosition(store, liveId, 73, 13, -300);
  insertPosition(store, liveId, 73, 14, -300);
  insertPosition(store, liveId, 168, 3, 100);
  insertPosition(store, liveId, 168, 1, -300);
  insertPosition(store, liveId, 168, 2, 200);
  for (let k = 1; k <= 5; k++) insertPosition(store, liveId, 74, k, 5000);
  return { backtestId: backtest.id, liveId };
}
