import { UsageError } from '../core/errors.js';
import { farmSettings } from '../core/farm/settings.js';
import {
  type ChainCheck,
  type ChainCheckSummary,
  checkChain,
  ratioStats,
} from '../core/market/chain-check.js';
import {
  atmIv30FromDvol,
  CHAIN_MODEL_VERSION,
  dvolCloseAt,
  type ParsedChain,
} from '../core/market/chain-fit.js';
import type { MarketDataSource } from '../core/market/port.js';
import { isoUtc } from '../core/time/clock.js';
import { dayNumber, MS_PER_DAY } from '../core/units.js';
import type { Deps } from './deps.js';

export type ChainCheckDeps = Pick<
  Deps,
  | 'clock'
  | 'calendar'
  | 'source'
  | 'pricingConfig'
  | 'replayConfig'
  | 'farmConfig'
  | 'grid'
  | 'chainModel'
  | 'chainExport'
>;

export interface ChainCheckOptions {
  files: string[];
  /** The 30-day ATM IV to feed the model, vol points (instead of DVOL × the fitted level). */
  ivVp?: number;
  /** Where DVOL comes from (default: the bundled history when it covers the quote time, else live). */
  source?: 'replay' | 'live';
  gridFile?: string;
}

export interface ChainCheckEntry extends ChainCheck {
  /** What the model's 30-day ATM IV came from. */
  iv:
    | { from: 'dvol'; source: string; dvolDay: string; dvol: number; shiftVp: number }
    | { from: 'flag'; valueVp: number };
}

export interface ChainCheckResult {
  chainModel: string;
  /** The fitted IBIT-IV / DVOL level and its uncertainty. */
  ivLevel: { dvolRatio: number; standardError: number; sd: number; n: number; fittedOn: string[] };
  grid: string;
  chains: ChainCheckEntry[];
  /** Over every chain: the traded spreads pooled; ivBiasVp the mean of the chains' biases. */
  summary: ChainCheckSummary;
}

/** `argus chain check`: the synthetic chain against real chain exports. */
export async function chainCheck(deps: ChainCheckDeps, o: ChainCheckOptions): Promise<ChainCheckResult> {
  if (o.files.length === 0) throw new UsageError('no chain file given', 'argus chain check FILE.csv');
  const model = deps.chainModel();
  const grid = deps.grid(o.gridFile);
  const { rules } = farmSettings(deps.farmConfig);
  const chains: ChainCheckEntry[] = [];
  for (const file of o.files) {
    const chain = deps.chainExport(file);
    const iv =
      o.ivVp !== undefined ? ({ from: 'flag', valueVp: o.ivVp } as const) : await dvolFor(deps, chain, o);
    const atmIv30 =
      iv.from === 'flag' ? iv.valueVp / 100 : atmIv30FromDvol(model.ivLevel, iv.dvol, iv.shiftVp);
    if (!(atmIv30 > 0))
      throw new UsageError(
        `${file}: the IV fed to the model is ${(atmIv30 * 100).toFixed(1)} %`,
        'pass --iv above 0',
      );
    let check: ChainCheck;
    try {
      check = checkChain(model, chain, {
        calendar: deps.calendar,
        atmIv30,
        r: deps.pricingConfig.riskFreeRate,
        targets: grid.spec,
        minCreditUsd: rules.minCreditUsd,
      });
    } catch (err) {
      if (err instanceof RangeError)
        throw new UsageError(err.message, 'give a chain export with live expiries');
      throw err;
    }
    chains.push({ ...check, iv });
  }
  const spreads = chains.flatMap((c) => c.spreads);
  const lv = model.ivLevel;
  return {
    chainModel: CHAIN_MODEL_VERSION,
    ivLevel: {
      dvolRatio: lv.dvolRatio,
      standardError: lv.standardError,
      sd: lv.sd,
      n: lv.n,
      fittedOn: lv.days.map((d) => d.file),
    },
    grid: o.gridFile ?? 'default',
    chains,
    summary: {
      crossingCostRatio: ratioStats(spreads.map((s) => s.crossingCostRatio)),
      creditRatio: ratioStats(spreads.map((s) => s.creditRatio)),
      ivBiasVp: chains.reduce((s, c) => s + c.summary.ivBiasVp, 0) / chains.length,
    },
  };
}

/** The DVOL close a replay at the chain's quote time would see, from the bundled history or live. */
async function dvolFor(
  deps: ChainCheckDeps,
  chain: ParsedChain,
  o: ChainCheckOptions,
): Promise<ChainCheckEntry['iv']> {
  const quoteMs = chain.quoteTimeMs;
  const kinds = o.source ? [o.source] : (['replay', 'live'] as const);
  const reasons: string[] = [];
  for (const kind of kinds) {
    const source: MarketDataSource = await deps.source(kind, { atMs: quoteMs });
    try {
      // Live serves only the present: ask it for its recent closes and take the one before the quote.
      const atMs = kind === 'live' ? deps.clock.nowMs() : quoteMs;
      const days = Math.max(1, Math.ceil((atMs - quoteMs) / MS_PER_DAY) + 2);
      const h = await source.dvolHistory(atMs, days);
      if (h.status === 'missing') {
        reasons.push(`${kind}: ${h.reason}`);
        continue;
      }
      const closes = h.value.map((p) => ({ dayStartMs: dayNumber(p.date) * MS_PER_DAY, close: p.vol }));
      const d = dvolCloseAt(closes, quoteMs);
      if (!d) {
        reasons.push(`${kind}: no DVOL close before ${isoUtc(quoteMs)}`);
        continue;
      }
      return {
        from: 'dvol',
        source: h.source,
        dvolDay: isoUtc(d.dayStartMs).slice(0, 10),
        dvol: d.close,
        shiftVp: deps.replayConfig.ivShift,
      };
    } finally {
      await source.close?.();
    }
  }
  throw new UsageError(
    `${chain.file}: no DVOL for the quote time ${isoUtc(quoteMs)} (${reasons.join('; ')})`,
    'pass --iv <vol points> to give the 30-day ATM IV yourself',
  );
}
