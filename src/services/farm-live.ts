import { randomUUID } from 'node:crypto';
import { CheckpointFiles } from '../adapters/store/checkpoints.js';
import type { AppContext } from '../cli/context.js';
import { resolveEngine } from '../core/engine/resolve.js';
import { UsageError } from '../core/errors.js';
import { parseGrid } from '../core/farm/grid.js';
import { type ClosedTrade, FarmHost, type OpenedPosition } from '../core/farm/host.js';
import { farmKernels } from '../core/farm/kernels-gpujs.js';
import { MarketStepBuilder, SpreadRegistry } from '../core/farm/market-step.js';
import { EXIT_REASON_NAMES, type FarmRules } from '../core/farm/rules.js';
import { farmSettings } from '../core/farm/settings.js';
import { FarmState } from '../core/farm/state.js';
import type { EtfSymbol } from '../core/market/port.js';

export type LiveMode = 'full' | 'exits' | 'expire';

export interface LiveStepRequest {
  mode?: LiveMode;
  engine: 'auto' | 'gpu' | 'cpu' | 'js';
  gridFile?: string;
  /** Run even outside NYSE hours (farm exits). */
  force?: boolean;
  /** The market to step against; 'live' for users. Tests replay history through the same path. */
  sourceKind?: 'live' | 'replay' | 'sim';
}

export interface LiveStepResult {
  runId: string;
  mode: LiveMode;
  status: 'done' | 'market-closed';
  atMs: number;
  step: number;
  message: string;
  opened: {
    trader: number;
    symbol: string;
    expiry: string;
    shortStrike: number;
    longStrike: number;
    contracts: number;
    creditUsd: number;
  }[];
  closed: {
    trader: number;
    symbol: string;
    expiry: string;
    shortStrike: number;
    longStrike: number;
    reason: string;
    pnlUsd: number;
  }[];
  exitsBlocked: number;
  openPositions: number;
}

const MAX_ATTEMPTS = 3;

/** Months in live state: monthly P&L comes from the positions table, not a fixed-size array. */
const LIVE_MONTHS = 1;

/**
 * One live step. State is read, advanced and written under an optimistic version check (the
 * step counter): a concurrent run that got there first makes this one start again from the new
 * state, so two `farm exits` at once close each position exactly once.
 */
export async function farmLiveStep(ctx: AppContext, req: LiveStepRequest): Promise<LiveStepResult> {
  const mode = req.mode ?? 'full';
  const cal = ctx.calendar;
  const now = ctx.clock.nowMs();
  const store = ctx.store();
  const run = store.liveRun(ctx.appVersion);
  if (mode !== 'expire' && !cal.isOpen(now) && !req.force) {
    const next = cal.nextOpen(now);
    return {
      runId: run.id,
      mode,
      status: 'market-closed',
      atMs: now,
      step: 0,
      message: `market closed (next open ${cal.formatEt(next.openMs)})`,
      opened: [],
      closed: [],
      exitsBlocked: 0,
      openPositions: 0,
    };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptStep(ctx, req, mode, run.id, now);
    } catch (err) {
      if (err instanceof ConflictError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

class ConflictError extends Error {}

async function attemptStep(
  ctx: AppContext,
  req: LiveStepRequest,
  mode: LiveMode,
  runId: string,
  now: number,
): Promise<LiveStepResult> {
  const store = ctx.store();
  const db = store.db;
  const cal = ctx.calendar;
  const row = db
    .prepare('SELECT grid_json, grid_hash, rules_json, fill_json, steps_done FROM farm_runs WHERE run_id = ?')
    .get(runId) as
    | { grid_json: string; grid_hash: string; rules_json: string; fill_json: string; steps_done: number }
    | undefined;
  const settings = farmSettings(ctx.farmConfig);
  let grid = req.gridFile || !row ? ctx.grid(req.gridFile) : parseGrid(row.grid_json, 'live farm grid');
  if (row && grid.hash !== row.grid_hash) {
    throw new UsageError(
      'the live farm was started with another grid; its traders and positions belong to that grid',
      'drop --grid to keep the live grid, or start a new database with --db',
    );
  }
  if (row) grid = parseGrid(row.grid_json, 'live farm grid');
  const rules: FarmRules = row ? JSON.parse(row.rules_json) : settings.rules;
  const fill = row ? JSON.parse(row.fill_json) : settings.fill;
  const version = row?.steps_done ?? 0;
  const cp = db
    .prepare('SELECT file, bytes, sha256, registry_json FROM farm_checkpoints WHERE run_id = ?')
    .get(runId) as { file: string; bytes: number; sha256: string; registry_json: string } | undefined;
  const capitalCents = Math.round(rules.capitalUsd * 100);
  const files = new CheckpointFiles(db);
  const state = cp
    ? FarmState.deserialize(files.read(cp.file, cp.bytes, cp.sha256), capitalCents)
    : undefined;
  const registry = cp ? SpreadRegistry.fromJSON(JSON.parse(cp.registry_json)) : new SpreadRegistry();

  const opened: OpenedPosition[] = [];
  const closed: ClosedTrade[] = [];
  const kernels = farmKernels(resolveEngine(req.engine, { kernel: 'farmStep' }));
  const source = ctx.source(req.sourceKind ?? 'live', { atMs: now });
  try {
    const engine = new FarmHost(
      grid,
      rules,
      { months: LIVE_MONTHS, kernels, onOpen: (p) => opened.push(p), onClose: (t) => closed.push(t) },
      state,
    );
    const builder = new MarketStepBuilder({
      source,
      calendar: cal,
      economic: ctx.economic,
      grid,
      rules,
      fill,
      riskFreeRate: ctx.config.config.pricing.riskFreeRate,
      months: [cal.etDate(now).slice(0, 7)],
      registry,
      settlementPrice: async (symbol, date, closeMs) => {
        const recorded = recordedClose(ctx, symbol, date);
        if (recorded !== null || (req.sourceKind ?? 'live') === 'live') return recorded;
        const q = await source.etfQuote(symbol, closeMs);
        return q.status === 'ok' ? q.value.price : null;
      },
    });
    const open = engine.openSpreads();
    const { input } = await builder.build(version, now, open, {
      entries: mode === 'full',
      marks: mode === 'expire' ? 'expired' : 'all',
    });
    input.monthIndex = 0;
    // `farm exits` closes by triggers only; settlement is `argus expire`'s job.
    if (mode === 'exits') for (const m of input.marks.values()) m.expiresNow = false;
    const summary = engine.step(input);

    // Persist: positions opened and closed, the state checkpoint and the step counter, atomically.
    const insertPos = db.prepare(
      `INSERT INTO positions (id, run_id, trader_id, idempotency_key, symbol, expiry, short_strike, long_strike, contracts,
         credit_pips, entry_ms, pt_mid_pips, stop_mid_pips, arm_mid_pips, trail_gap_pips, low_mid_pips, last_mark_pips,
         max_loss_cents, delta_usd, vega_usd, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
    );
    const closePos = db.prepare(
      `UPDATE positions SET status = 'closed', exit_ms = ?, exit_reason = ?, exit_pips = ?, pnl_cents = ?, fees_cents = ?
       WHERE run_id = ? AND trader_id = ? AND symbol = ? AND expiry = ? AND short_strike = ? AND long_strike = ? AND status = 'open'`,
    );
    const s = engine.state.s;
    const cpFile = files.write(runId, version, engine.state.serializeParts());
    db.transaction(() => {
      const cur = db.prepare('SELECT steps_done FROM farm_runs WHERE run_id = ?').get(runId) as
        | { steps_done: number }
        | undefined;
      if ((cur?.steps_done ?? 0) !== version) throw new ConflictError('another farm step ran first');
      if (!row) {
        db.prepare(
          `INSERT INTO farm_runs (run_id, grid_json, grid_hash, rules_json, fill_json, traders, steps_total, months_json)
           VALUES (?, ?, ?, ?, ?, ?, 0, '[]')`,
        ).run(
          runId,
          JSON.stringify(grid.spec),
          grid.hash,
          JSON.stringify(rules),
          JSON.stringify(fill),
          grid.count,
        );
      }
      for (const t of closed) {
        const info = builder.registry.get(t.spreadId);
        const r = closePos.run(
          t.exitMs,
          EXIT_REASON_NAMES[t.reason],
          t.exitPips,
          t.pnlCents,
          t.feesCents,
          runId,
          t.trader,
          info.symbol,
          info.expiry,
          info.shortStrike,
          info.longStrike,
        );
        if (r.changes !== 1)
          throw new ConflictError(
            `position of trader ${t.trader} in ${info.expiry} ${info.shortStrike}/${info.longStrike} already closed`,
          );
      }
      for (const p of opened) {
        const info = builder.registry.get(p.spreadId);
        const k = p.trader * engine.state.slots + p.slot;
        insertPos.run(
          randomUUID(),
          runId,
          p.trader,
          `${runId}:${version}:${p.trader}`,
          info.symbol,
          info.expiry,
          info.shortStrike,
          info.longStrike,
          p.contracts,
          p.creditPips,
          p.tMs,
          s.ptMidPips[k],
          s.stopMidPips[k],
          s.armMidPips[k],
          s.trailGapPips[k],
          s.lowMidPips[k],
          s.lastMarkPips[k],
          s.maxLossCents[k],
          s.deltaUsd[k],
          s.vegaUsd[k],
        );
      }
      // The trailing stop's high-water mark lives with the position row too (#20).
      const hwm = db.prepare(
        `UPDATE positions SET low_mid_pips = ?, last_mark_pips = ? WHERE run_id = ? AND trader_id = ? AND symbol = ? AND expiry = ?
           AND short_strike = ? AND long_strike = ? AND status = 'open'`,
      );
      for (let k = 0; k < s.spread.length; k++) {
        if (s.spread[k] < 0) continue;
        const info = builder.registry.get(s.spread[k]);
        hwm.run(
          s.lowMidPips[k],
          s.lastMarkPips[k],
          runId,
          Math.floor(k / engine.state.slots),
          info.symbol,
          info.expiry,
          info.shortStrike,
          info.longStrike,
        );
      }
      db.prepare(
        `INSERT INTO farm_checkpoints (run_id, step, file, bytes, sha256, registry_json, totals_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)
         ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, file = excluded.file, bytes = excluded.bytes, sha256 = excluded.sha256,
           registry_json = excluded.registry_json, created_ms = excluded.created_ms`,
      ).run(runId, version, cpFile.file, cpFile.bytes, cpFile.sha256, JSON.stringify(builder.registry), now);
      db.prepare('UPDATE farm_runs SET steps_done = ? WHERE run_id = ?').run(version + 1, runId);
    }).immediate();
    files.prune(runId, version);

    const usd = (pips: number) => pips / 10_000;
    return {
      runId,
      mode,
      status: 'done',
      atMs: now,
      step: version,
      message: `${mode}: ${opened.length} opened, ${closed.length} closed${summary.exitsBlocked ? `, ${summary.exitsBlocked} exits waiting for a quote` : ''}`,
      opened: opened.map((p) => {
        const i = builder.registry.get(p.spreadId);
        return {
          trader: p.trader,
          symbol: i.symbol,
          expiry: i.expiry,
          shortStrike: i.shortStrike,
          longStrike: i.longStrike,
          contracts: p.contracts,
          creditUsd: usd(p.creditPips),
        };
      }),
      closed: closed.map((t) => {
        const i = builder.registry.get(t.spreadId);
        return {
          trader: t.trader,
          symbol: i.symbol,
          expiry: i.expiry,
          shortStrike: i.shortStrike,
          longStrike: i.longStrike,
          reason: EXIT_REASON_NAMES[t.reason],
          pnlUsd: t.pnlCents / 100,
        };
      }),
      exitsBlocked: summary.exitsBlocked,
      openPositions: summary.openPositions,
    };
  } finally {
    kernels.destroy();
    await source.close?.();
  }
}

/** An official close recorded by `argus gap snapshot` (#8), or null when none was recorded. */
export function recordedClose(ctx: AppContext, symbol: EtfSymbol, date: string): number | null {
  const row = ctx
    .store()
    .db.prepare('SELECT ibit_close, bito_close FROM gap_snapshots WHERE session_date = ?')
    .get(date) as { ibit_close: number; bito_close: number | null } | undefined;
  if (!row) return null;
  return symbol === 'IBIT' ? row.ibit_close : row.bito_close;
}
