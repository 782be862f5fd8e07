import type { GroupLabel } from '../farm/groups.js';
import { normInv } from '../pricing/bs.js';
import {
  bootstrapMeanTest,
  hacTest,
  jointBootstrap,
  minDetectableSharpe,
  resamplesFor,
  stepDownMinP,
  tStat,
} from './bootstrap.js';
import type { GroupBookKind } from './group-book.js';
import { annualise } from './stats.js';

/**
 * The group gate: is any (symbol, DTE, delta, width) group's book (group-book.ts) positive on
 * average in sample? One studentized bootstrap test per group, step-down across groups at
 * family-wise level α, so a window of a fair market selects anything with probability at most α.
 * What it certifies is the group's book; the configuration picked inside a passing group is not
 * certified (it is confirmed only out of sample).
 *
 * Two step-downs. `holm` (the default): a bootstrap per group against Holm's thresholds α/(m − k),
 * which assume nothing about how groups move together. `min-p` (Romano–Wolf, balanced): one joint
 * bootstrap of every group, each group's p against the resampled smallest p over the groups not
 * yet passed; its bar is lower where groups move together, but it spends all of α on the
 * bootstrap's far tail, which is too light on short-put books (a calm window cannot resample the
 * loss it never saw): on the fair GBM null it selected in more than α of the windows
 * (docs/judge-study.md). Kept to reproduce that study, not as a default.
 */
export type GroupTest = 'min-p' | 'holm';

export const GROUP_TESTS: readonly GroupTest[] = ['holm', 'min-p'];

export interface GateParams {
  alpha: number;
  /** Mean block length of the stationary bootstrap, in days (also the Newey–West lag). */
  meanBlock: number;
  seed: number;
  test: GroupTest;
}

/** Groups whose asymptotic p is within this factor of their Holm threshold are bootstrapped. */
export const SCREEN_FACTOR = 4;

export interface GroupVerdict {
  group: number;
  label: GroupLabel;
  /** Mean daily P&L of one of the group's traders (the equal-weight book), USD. */
  meanUsd: number;
  sharpeAnnual: number | null;
  t: number | null;
  pAsymptotic: number | null;
  /** The bootstrap's p, when the group reached the confirmation step; its resamples. */
  pBootstrap: number | null;
  resamples: number;
  /** Step-down adjusted p (min-p or Holm). */
  pAdjusted: number;
  passed: boolean;
  reason: string;
  /** The split book: the group's sampled traders and the ones the book held (absent: the whole group). */
  book?: { sampled: number; chosen: number[] };
}

export interface GateResult {
  test: GroupTest;
  alpha: number;
  meanBlock: number;
  days: number;
  groups: GroupVerdict[];
  passed: number[];
  /**
   * The smallest book Sharpe per year this window would certify with 80 % power (one edge group):
   * from Holm's first threshold α/m, or from the min-p step-down's own first-step bar.
   */
  minSharpeAnnual: number;
  /** What was tested per group: days choosing the books (split) and days testing them (`days`). */
  book?: { kind: GroupBookKind; chosenDays: number; testedDays: number };
}

export interface GateInput {
  /** Each group's in-sample daily P&L, equal-weight (cents per trader). */
  series: Float64Array[];
  labels: GroupLabel[];
  /** Separates windows' bootstrap draws (the window index). */
  substream: number;
}

/**
 * Holm's step-down with asymptotic p-values (Newey–West) to order the groups and the studentized
 * stationary bootstrap to confirm: the k-th group in that order (k = 0, 1, …) is bootstrapped with
 * 40·(m − k)/α resamples when its asymptotic p is within SCREEN_FACTOR of α/(m − k), and passes
 * when the bootstrap p is at most α/(m − k); the first failure stops the chain. Whatever the order,
 * the first true null reached faces a threshold of at most α/m₀, so the family-wise error stays α.
 */
export function groupGate(inp: GateInput, p: GateParams): GateResult {
  return p.test === 'min-p' ? minPGate(inp, p) : holmGate(inp, p);
}

interface GroupRow {
  g: number;
  meanUsd: number;
  t: number | null;
  sr: number | null;
  pAsym: number | null;
}

/** Each group's mean, t, Sharpe and asymptotic (Newey–West) p. */
function groupRows(inp: GateInput, p: GateParams): GroupRow[] {
  return inp.series.map((x, g) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    const t = tStat(x);
    const hac = hacTest(x, p.meanBlock);
    return {
      g,
      meanUsd: x.length ? s / x.length / 100 : 0,
      t,
      sr: t === null ? null : annualise(t / Math.sqrt(x.length)),
      pAsym: hac === null || t === null ? null : hac.p,
    };
  });
}

function holmGate(inp: GateInput, p: GateParams): GateResult {
  const m = inp.series.length;
  const days = m ? inp.series[0].length : 0;
  const rows = groupRows(inp, p);
  const order = rows.map((r) => r.g).sort((a, b) => (rows[a].pAsym ?? 2) - (rows[b].pAsym ?? 2) || a - b);
  const verdicts: GroupVerdict[] = new Array(m);
  let open = true;
  let run = 0;
  order.forEach((g, k) => {
    const r = rows[g];
    const thr = p.alpha / (m - k);
    let pBoot: number | null = null;
    let resamples = 0;
    let reason: string;
    if (r.pAsym === null) reason = 'failed: no P&L variance in sample';
    else if (!open) reason = 'failed: Holm stopped at a group before it';
    else if (r.pAsym > SCREEN_FACTOR * thr)
      reason = `failed: asymptotic p ${fmt(r.pAsym)} > ${SCREEN_FACTOR} × Holm threshold ${fmt(thr)}`;
    else {
      resamples = resamplesFor(m - k, p.alpha);
      pBoot = bootstrapMeanTest(inp.series[g], {
        resamples,
        meanBlock: p.meanBlock,
        seed: p.seed,
        substream: inp.substream * 65_536 + g,
      })!.p;
      reason =
        pBoot <= thr
          ? `passed: bootstrap p ${fmt(pBoot)} ≤ Holm threshold ${fmt(thr)}`
          : `failed: bootstrap p ${fmt(pBoot)} > Holm threshold ${fmt(thr)}`;
    }
    const used = pBoot ?? r.pAsym ?? 1;
    run = Math.max(run, Math.min(1, (m - k) * used));
    const passed = open && pBoot !== null && pBoot <= thr;
    if (!passed) open = false;
    verdicts[g] = {
      group: g,
      label: inp.labels[g],
      meanUsd: r.meanUsd,
      sharpeAnnual: r.sr,
      t: r.t,
      pAsymptotic: r.pAsym,
      pBootstrap: pBoot,
      resamples,
      pAdjusted: run,
      passed,
      reason,
    };
  });
  return {
    test: 'holm',
    alpha: p.alpha,
    meanBlock: p.meanBlock,
    days,
    groups: verdicts,
    passed: verdicts.filter((v) => v.passed).map((v) => v.group),
    minSharpeAnnual: minDetectableSharpe(days, m, p.alpha),
  };
}

/**
 * Romano–Wolf's balanced step-down (stepDownMinP) on one joint studentized stationary bootstrap
 * with 40·m/α resamples (as many as Holm's first group gets, to resolve a bar near α/m), the same
 * blocks for every group: a group passes when its adjusted p is at most α. Its 80 %-power bar uses
 * the step-down's own first-step p in place of Holm's α/m.
 */
function minPGate(inp: GateInput, p: GateParams): GateResult {
  const m = inp.series.length;
  const days = m ? inp.series[0].length : 0;
  const rows = groupRows(inp, p);
  const resamples = resamplesFor(m, p.alpha);
  const jb = jointBootstrap(inp.series, {
    resamples,
    meanBlock: p.meanBlock,
    seed: p.seed,
    substream: inp.substream,
  });
  const sd = stepDownMinP(jb, p.alpha);
  const live = jb.t.filter((t) => t !== null).length;
  const verdicts: GroupVerdict[] = rows.map((r) => {
    const pAdj = sd.adjusted[r.g];
    const passed = pAdj !== null && pAdj <= p.alpha;
    const reason =
      pAdj === null
        ? 'failed: no P&L variance in sample'
        : `${passed ? 'passed' : 'failed'}: step-down p ${fmt(pAdj)} ${passed ? '≤' : '>'} α ${p.alpha} (min-p over ${live} groups)`;
    return {
      group: r.g,
      label: inp.labels[r.g],
      meanUsd: r.meanUsd,
      sharpeAnnual: r.sr,
      t: r.t,
      pAsymptotic: r.pAsym,
      pBootstrap: sd.p[r.g],
      resamples: r.t === null ? 0 : resamples,
      pAdjusted: pAdj ?? 1,
      passed,
      reason,
    };
  });
  return {
    test: 'min-p',
    alpha: p.alpha,
    meanBlock: p.meanBlock,
    days,
    groups: verdicts,
    passed: verdicts.filter((v) => v.passed).map((v) => v.group),
    minSharpeAnnual:
      sd.bar === null || days < 2
        ? minDetectableSharpe(days, m, p.alpha)
        : ((normInv(1 - sd.bar) + normInv(0.8)) / Math.sqrt(days)) * Math.sqrt(252),
  };
}

function fmt(p: number): string {
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2);
}
