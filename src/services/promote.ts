import { recordPromotion } from '../adapters/store/promotions.js';
import type { AppContext } from '../cli/context.js';
import { UsageError } from '../core/errors.js';
import {
  checkParams,
  DEFAULT_PARAMS,
  type PromoteParams,
  type PromoteResult,
  walkForward,
} from '../core/judge/walk-forward.js';
import { loadRun, resolveRun } from './promote-load.js';
import { resimulate } from './resim.js';

export interface PromoteRequest extends Partial<Omit<PromoteParams, 'seed'>> {
  /** Run id or 'latest'. */
  run: string;
  dryRun: boolean;
}

export interface PromoteOutcome extends PromoteResult {
  dryRun: boolean;
  /** The evaluation's id when recorded (not a dry run, enough data). */
  evalId: string | null;
  source: 'replay' | 'sim';
}

/** Loads the run, runs the walk-forward promotion and (unless a dry run) records it. */
export async function promoteRun(
  ctx: AppContext,
  req: PromoteRequest,
  log: (msg: string) => void = () => {},
): Promise<PromoteOutcome> {
  const { run: ref, dryRun, ...rest } = req;
  const store = ctx.store();
  const run = resolveRun(store, ref);
  const loaded = loadRun(store, ctx.calendar, run);
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
    (ids, until) => resimulate(ctx, loaded, ids, until),
    log,
  );
  const evalId = !dryRun && result.status === 'ok' ? recordPromotion(store, result, ctx.clock.nowMs()) : null;
  return { ...result, dryRun, evalId, source: loaded.kind };
}
