import { UsageError } from '../core/errors.js';
import { type LoadedRun, loadRun } from '../core/judge/loaded-run.js';
import {
  checkParams,
  DEFAULT_PARAMS,
  type PromoteParams,
  type PromoteResult,
  walkForward,
} from '../core/judge/walk-forward.js';
import { type YearFigures, yearFigures } from '../core/judge/years.js';
import type { ProvenanceSpan } from '../core/market/provenance.js';
import type { RunRecord } from '../core/runs.js';
import type { Deps } from './deps.js';
import { type ResimDeps, resimulate } from './promote-resim.js';

export type PromoteDeps = Pick<Deps, 'clock' | 'runs' | 'farmResults' | 'promotions'> & ResimDeps;

export interface PromoteRequest extends Partial<Omit<PromoteParams, 'seed'>> {
  /** A run reference: latest, a run id or a unique prefix of one. */
  run: string;
  dryRun: boolean;
  /** Progress lines (window by window). */
  log?: (msg: string) => void;
}

export interface PromoteOutcome extends PromoteResult {
  dryRun: boolean;
  /** The evaluation's id when recorded (not a dry run, enough data). */
  evalId: string | null;
  source: 'replay' | 'sim';
  /** The run's provenance spans (null: not recorded). */
  spans: ProvenanceSpan[] | null;
  /** Each promoted trader's whole-run P&L, the part booked on each span's days, and its years. */
  promotedHistory: PromotedHistory[];
}

export interface PromotedHistory {
  trader: number;
  /** Realised plus open marked at the end. */
  totalUsd: number;
  /** By SPAN_KINDS; null: no such span for its fund, or not kept. */
  spanPnlUsd: (number | null)[];
  years: YearFigures[];
}

/** Loads the run, runs the walk-forward promotion and (unless a dry run) records it. */
export async function promoteRun(deps: PromoteDeps, req: PromoteRequest): Promise<PromoteOutcome> {
  const { run: ref, dryRun, log = () => {}, ...rest } = req;
  const loaded = loadBacktest(deps, ref);
  const run = loaded.run;
  if (!loaded.data.sample) {
    throw new UsageError(
      `run ${run.id} kept no daily-P&L sample`,
      'the trial count needs it: run the backtest again',
    );
  }
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  // The run's seed drives the sub-sample draws, so the same run always gives the same N_eff.
  const params: PromoteParams = { ...DEFAULT_PARAMS, ...defined, seed: run.seed ?? 1 } as PromoteParams;
  try {
    checkParams(params);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = await walkForward(
    loaded.data,
    params,
    (ids, untilDay) => resimulate(deps, { run: loaded, ids, untilDay }),
    log,
  );
  const evalId =
    !dryRun && result.status === 'ok' ? deps.promotions.record(result, deps.clock.nowMs()) : null;
  const fr = deps.farmResults.farmRun(run.id);
  const risk = deps.farmResults.yearlyRiskCents(run.id);
  const promotedHistory = result.promoted.flatMap((x): PromotedHistory[] => {
    const f = deps.farmResults.traderFigures(loaded.runNo, x.trader);
    if (!f) return [];
    return [
      {
        trader: x.trader,
        totalUsd: f.realizedUsd + f.openMtmUsd,
        spanPnlUsd: f.spanPnlUsd,
        years: yearFigures([x.trader], loaded.data.months, loaded.data.monthly, risk),
      },
    ];
  });
  return {
    ...result,
    dryRun,
    evalId,
    source: loaded.kind,
    spans: fr?.spansJson ? (JSON.parse(fr.spansJson) as ProvenanceSpan[]) : null,
    promotedHistory,
  };
}

/** A completed backtest by reference, loaded with what promotion needs. */
export function loadBacktest(deps: Pick<Deps, 'runs' | 'farmResults' | 'calendar'>, ref: string): LoadedRun {
  return loadRun(deps.farmResults, deps.calendar, backtestRecord(deps, ref));
}

/** `latest` = the newest replay or sim run, finished or not (an unfinished one is refused by name). */
function backtestRecord(deps: Pick<Deps, 'runs'>, ref: string): RunRecord {
  if (ref.trim().toLowerCase() === 'live')
    throw new UsageError(
      'promote judges a backtest: the live farm keeps no daily marked-to-market series to test, and its configurations are the ones being followed forward',
      'use --run latest or a backtest run id (`argus runs list`); `leaderboard --run live` shows the live farm',
    );
  const r = deps.runs.resolveRunRef(ref);
  if (r.kind === 'ambiguous') {
    throw new UsageError(
      `run ${ref} matches several runs`,
      `give more characters: ${r.ids.slice(0, 6).join(', ')}`,
    );
  }
  if (r.kind !== 'found') {
    throw new UsageError(
      ref === 'latest' ? 'no backtest run in this database' : `no run ${ref}`,
      'run `argus farm run --source replay` (or --source sim) first',
    );
  }
  const run = r.run;
  if (run.kind === 'live')
    throw new UsageError(`run ${run.id} is the live farm`, 'promote from a replay or sim backtest');
  if (run.status !== 'completed') {
    throw new UsageError(
      `run ${run.id} is ${run.status}, not completed`,
      `finish it with \`argus farm run --resume ${run.id}\``,
    );
  }
  return run;
}
