import { groupName } from '../../core/farm/groups.js';
import { formatMoney } from '../../core/format.js';
import type { GateResult, GroupTest } from '../../core/judge/group-gate.js';
import { type CandidateResult, fmtP, type WindowResult } from '../../core/judge/walk-forward.js';
import { type ProvenanceSpan, SPAN_KINDS } from '../../core/market/provenance.js';
import type { LiveGateResult } from '../../services/live-gate.js';
import type { PromotedHistory, PromoteOutcome } from '../../services/promote.js';
import { yearCell } from './leaderboard.js';
import { spanShare, spanText } from './provenance.js';
import { type Column, columnsTable, csvTable, type TableView } from './table.js';
import { traderConfigPhrase } from './trader-config.js';

/** What `promote --review` will test the forward trades against: the in-sample mean per trade, its sd and t. */
function perTrade(e: CandidateResult): string {
  if (e.isTradeMeanUsd === null || e.isTradeSdUsd === null || e.isTradeT === null) return '';
  return `; in sample per trade ${formatMoney(e.isTradeMeanUsd)} ± ${formatMoney(e.isTradeSdUsd)} (t ${e.isTradeT.toFixed(2)})`;
}

/** Candidates shown per window without --all. */
const BEST_FEW = 5;

/** `argus promote --run live`: the gate over the live farm's booked sessions, every group shown. */
export function renderLiveGate(r: LiveGateResult, view: TableView = {}): string {
  const p = r.params;
  const g = r.gate;
  if (!g || !r.window)
    return [
      `Live farm ${r.runId}: ${r.booked.sessions} session${r.booked.sessions === 1 ? '' : 's'} booked${r.booked.from ? ` (${r.booked.from})` : ''}; the group gate needs at least two.`,
      '`argus expire`, run after each close (the Cron section of the README has its line), books the day.',
    ].join('\n');
  const lines = [
    `Live farm ${r.runId}: ${r.booked.sessions} sessions booked by \`argus expire\` (${r.booked.from} → ${r.booked.to}).`,
    `Group gate over the last ${p.isMonths} months' sessions, ${r.window.from} → ${r.window.to} (${r.window.sessions} sessions): α ${p.groupAlpha}, studentized stationary bootstrap with mean block ${p.meanBlock} days, ${stepDownName(p.groupTest)}.`,
  ];
  if (r.missing.length)
    lines.push(
      `Not booked on their own night: ${r.missing.length} session${r.missing.length === 1 ? '' : 's'} (${r.missing.slice(0, 3).join(', ')}${r.missing.length > 3 ? ', …' : ''}); each one's P&L is in the next booked session.`,
    );
  lines.push(
    g.passed.length
      ? `Certified on live fills: ${g.passed.map((k) => groupName(g.groups[k].label)).join('; ')}. The configurations inside a group are not certified one by one.`
      : `No group certified: over ${g.days} sessions with ${g.groups.length} groups, a group Sharpe of ${g.minSharpeAnnual.toFixed(2)}/yr is certified with 80 % power; this record shows no group edge above about that.`,
    'Nothing is promoted from the live farm: it already trades every configuration (`argus promote` promotes from backtests).',
    groupTable(g, Number.POSITIVE_INFINITY, view),
  );
  return lines.join('\n');
}

/** The books the gate tested, as the settings line names them, and the parenthesis it opens (saying why, when `auto` chose). */
function bookName(kind: string, asked: string): string {
  const name = kind === 'split' ? 'split books' : 'whole groups';
  if (asked !== 'auto') return `${name} (`;
  return `${name} (auto: the daily sample holds ${kind === 'split' ? 'every trader' : 'a fraction of the traders'}; `;
}

/** The step-down across groups, as the settings line names it. */
export function stepDownName(test: GroupTest): string {
  return test === 'holm'
    ? 'Holm across groups'
    : 'Romano–Wolf min-p step-down across groups (one joint bootstrap)';
}

/** `argus promote`: the settings, the verdict, then the evidence (the last window's best few, or everything with --all). */
export function renderPromote(r: PromoteOutcome, all: boolean, view: TableView = {}): string {
  const p = r.params;
  const scheme = p.anchored ? 'anchored at the run’s start' : `${p.isMonths} months`;
  const lines = [
    r.gate === 'group'
      ? `Run ${r.runId} (${r.source}, ${r.months[0]} → ${r.months[r.months.length - 1]}): walk-forward ${scheme} in sample, ${p.oosMonths} out; group gate at α ${p.groupAlpha} on ${bookName(r.windows.at(-1)?.gate?.book?.kind ?? p.groupBook, p.groupBook)}studentized stationary bootstrap, mean block ${p.meanBlock} days, ${stepDownName(p.groupTest)}); deflated Sharpe ratio at α ${p.alpha} as a second opinion`
      : `Run ${r.runId} (${r.source}, ${r.months[0]} → ${r.months[r.months.length - 1]}): walk-forward ${scheme} in sample, ${p.oosMonths} out; deflated Sharpe ratio at α ${p.alpha} (the run predates group series: run the backtest again for the group gate)`,
  ];
  if (r.status !== 'ok') {
    lines.push(r.message);
    return lines.join('\n');
  }
  lines.push(
    `Eligible: ≥ ${p.minTrades} trades closed in sample, ≥ ${formatMoney(p.minPnlUsd)} realised in sample, ≥ ${p.minDays} days since the first trade; ${p.candidates} re-simulated per window`,
  );
  const last = r.windows[r.windows.length - 1];
  const wf = r.walkForward;
  // The verdict first, then the evidence: the windows and the best candidates, all of them with --all.
  if (r.promoted.length) {
    lines.push(
      `\nPromoted ${r.promoted.length} (passed in sample ${last.is.from} → ${last.is.to}, made money ${last.oos.from} → ${last.oos.to}):`,
    );
    for (const x of r.promoted) {
      lines.push(
        `  ${x.rank}. trader ${x.trader}: ${traderConfigPhrase(x.config)} — p ${fmtP(x.evidence.pValue ?? 1)}, out of sample ${formatMoney(x.evidence.oosPnlUsd ?? 0)}${perTrade(x.evidence)}`,
      );
      const h = r.promotedHistory.find((p) => p.trader === x.trader);
      if (h) lines.push(...promotedHistoryLines(h, r.spans));
    }
  } else lines.push(`\n${r.message.charAt(0).toUpperCase()}${r.message.slice(1)}`);
  lines.push(
    `Walk-forward: selections in ${wf.windowsWithSelection} of ${wf.windows} windows, ${wf.selected} in all; out of sample ${formatMoney(wf.oosPnlUsd)}, ${wf.oosPositive} of ${wf.selected} made money`,
  );
  if (last.gate) {
    const book = last.gate.book;
    const split = book?.kind === 'split';
    lines.push(
      split
        ? `Certified: a group holds configurations with an edge — the best quarter of its sampled traders over the first ${book.chosenDays} days in sample made money on average over the last ${book.testedDays} (family-wise α ${p.groupAlpha}). Not certified: the configuration picked inside it (best eligible in-sample Sharpe) — it is confirmed only out of sample.`
        : `Certified: a group's mean daily P&L > 0 (family-wise α ${p.groupAlpha}). Not certified: the configuration picked inside it (best eligible in-sample Sharpe) — it is confirmed only out of sample.`,
      `Power: over ${last.gate.days} days with ${last.gate.groups.length} groups, a ${split ? 'book' : 'group'} Sharpe of ${last.gate.minSharpeAnnual.toFixed(2)}/yr is certified with 80 % power; "nothing promoted" means no ${split ? 'book of any group shows an edge' : 'group edge'} above about that.`,
    );
  }
  for (const w of r.windows) {
    if (!all && w !== last) continue;
    lines.push(`\n${windowLine(w)}`);
    if (w.gate)
      lines.push(groupTable(w.gate, all ? Number.POSITIVE_INFINITY : BEST_FEW, { width: view.width }));
    lines.push(candidateTable(w, all ? Number.POSITIVE_INFINITY : BEST_FEW, view));
  }
  if (!all)
    lines.push(
      `\n${r.windows.length > 1 ? 'The last window only, the' : 'The'} ${BEST_FEW} best candidates; --all prints every window and candidate.`,
    );
  if (r.dryRun) lines.push('Dry run: nothing recorded.');
  else if (r.promoted.length)
    lines.push(
      `Recorded (evaluation ${r.evalId}); \`argus signal\` now gives one recommendation per promoted configuration.`,
    );
  else
    lines.push(
      `Recorded (evaluation ${r.evalId}); earlier promotions are retired and \`argus signal\` uses its default.`,
    );
  return lines.join('\n');
}

/** A promoted trader's whole run: each year (P&L, return on max loss) and the part from each provenance span. */
export function promotedHistoryLines(h: PromotedHistory, spans: ProvenanceSpan[] | null): string[] {
  const lines = [
    `     whole run ${formatMoney(h.totalUsd, 0)}; by year: ${h.years.map((y) => `${y.year} ${yearCell(y)}`).join(' · ')}`,
  ];
  for (const s of spans ?? []) {
    const v = h.spanPnlUsd[SPAN_KINDS.indexOf(s.kind)];
    if (v !== null && v !== undefined) lines.push(`     while ${spanText(s)}: ${spanShare(v, h.totalUsd)}`);
  }
  return lines;
}

function windowLine(w: WindowResult): string {
  const t = w.trials;
  const scale =
    t.exponent === null
      ? `the sample is the grid`
      : `scaled ×(N/n)^${t.exponent.toFixed(2)} to ${t.gridActive.toLocaleString('en-US')} active in the grid`;
  return (
    `Window ${w.index + 1}: in sample ${w.is.from} → ${w.is.to} (${w.is.days} days), out of sample ${w.oos.from} → ${w.oos.to}\n` +
    `  trials: N_eff ${Math.round(t.nEff).toLocaleString('en-US')} (${t.clusters} clusters at ρ ${t.rho} among ${t.sampleActive} active of ${t.sampleSize} sampled; ${scale}); ` +
    `Var[SR] ${w.srVariance.toExponential(2)}/day², benchmark SR₀ ${w.sr0Annual.toFixed(2)}/yr\n` +
    `  ${w.candidates.length} candidates of ${w.prefiltered.toLocaleString('en-US')} pre-filtered, ${w.candidates.filter((c) => c.eligible !== false).length} eligible, ` +
    `${w.candidates.filter((c) => c.passed).length} passed; selected ${w.selected.length ? w.selected.join(', ') : 'none'}` +
    (w.selected.length
      ? `; out of sample ${formatMoney(w.oosPnlUsd)} (${w.oosPositive} of ${w.selected.length} made money)`
      : '')
  );
}

type Group = NonNullable<WindowResult['gate']>['groups'][number];
type Candidate = WindowResult['candidates'][number] & { window: number };

const GROUP_COLUMNS: Column<Group>[] = [
  { head: 'Group', cell: (v) => groupName(v.label), align: 'left', priority: 1 },
  {
    head: 'Book',
    cell: (v) => (v.book ? `${v.book.chosen.length} of ${v.book.sampled}` : 'all'),
    priority: 3,
    csv: (v) => (v.book ? v.book.chosen.join(' ') : 'all'),
  },
  { head: 'Mean/day', cell: (v) => formatMoney(v.meanUsd, 2), priority: 2, csv: (v) => v.meanUsd },
  {
    head: 'Sharpe/yr',
    cell: (v) => (v.sharpeAnnual === null ? '—' : v.sharpeAnnual.toFixed(2)),
    priority: 2,
    csv: (v) => v.sharpeAnnual,
  },
  { head: 't', cell: (v) => (v.t === null ? '—' : v.t.toFixed(2)), priority: 3, csv: (v) => v.t },
  {
    head: 'p (NW)',
    cell: (v) => (v.pAsymptotic === null ? '—' : fmtP(v.pAsymptotic)),
    priority: 4,
    csv: (v) => v.pAsymptotic,
  },
  {
    head: 'p (boot)',
    cell: (v) => (v.pBootstrap === null ? '—' : fmtP(v.pBootstrap)),
    priority: 3,
    csv: (v) => v.pBootstrap,
  },
  {
    head: 'Resamples',
    cell: (v) => (v.resamples ? v.resamples.toLocaleString('en-US') : '—'),
    priority: 5,
    csv: (v) => v.resamples,
  },
  { head: 'Adj. p', cell: (v) => fmtP(v.pAdjusted), priority: 1, csv: (v) => v.pAdjusted },
  { head: 'Verdict', cell: (v) => v.reason, align: 'left', priority: 1, wrap: true },
];

const CANDIDATE_COLUMNS: Column<Candidate>[] = [
  { head: 'Trader', cell: (c) => String(c.trader), priority: 1, csv: (c) => c.trader },
  { head: 'IS P&L', cell: (c) => formatMoney(c.isPnlUsd, 0), priority: 1, csv: (c) => c.isPnlUsd },
  {
    head: 'Realised',
    cell: (c) => (c.isRealisedUsd === null ? '—' : formatMoney(c.isRealisedUsd, 0)),
    priority: 4,
    csv: (c) => c.isRealisedUsd,
  },
  { head: 'Trades', cell: (c) => String(c.isClosedTrades ?? '—'), priority: 3, csv: (c) => c.isClosedTrades },
  {
    head: 'Days',
    cell: (c) => String(c.daysSinceFirstTrade),
    priority: 5,
    csv: (c) => c.daysSinceFirstTrade,
  },
  {
    head: 'Sharpe/yr',
    cell: (c) => (c.srAnnual === null ? '—' : c.srAnnual.toFixed(2)),
    priority: 2,
    csv: (c) => c.srAnnual,
  },
  { head: 'Skew', cell: (c) => c.skew.toFixed(2), priority: 5, csv: (c) => c.skew },
  { head: 'Kurt', cell: (c) => c.kurt.toFixed(1), priority: 5, csv: (c) => c.kurt },
  { head: 'DSR', cell: (c) => (c.dsr === null ? '—' : c.dsr.toFixed(4)), priority: 3, csv: (c) => c.dsr },
  { head: 'p', cell: (c) => (c.pValue === null ? '—' : fmtP(c.pValue)), priority: 2, csv: (c) => c.pValue },
  {
    head: 'OOS P&L',
    cell: (c) => (c.oosPnlUsd === null ? '—' : formatMoney(c.oosPnlUsd, 0)),
    priority: 1,
    csv: (c) => c.oosPnlUsd,
  },
  {
    head: 'Verdict',
    // The benchmark is on the window's line; --csv and --json keep the full sentence.
    cell: (c) => c.reason.replace(/ \(Sharpe .* zero-edge trials shows\)/, '').replace(/ \(DSR [^)]*\)/, ''),
    align: 'left',
    priority: 1,
    csv: (c) => c.reason,
    wrap: true,
  },
];

/** --csv: every candidate of every window, raw numbers and the whole reason. */
export function promoteCsv(r: PromoteOutcome): string {
  const rows =
    r.status === 'ok'
      ? r.windows.flatMap((w) => w.candidates.map((c) => ({ ...c, window: w.index + 1 })))
      : [];
  return csvTable(
    [
      { head: 'Window', cell: (c: Candidate) => String(c.window), priority: 1, csv: (c) => c.window },
      ...CANDIDATE_COLUMNS,
    ],
    rows,
  );
}

function groupTable(g: GateResult, limit: number, view: TableView): string {
  // The step-down's order: adjusted p, then the asymptotic p.
  const shown = [...g.groups]
    .sort(
      (a, b) => a.pAdjusted - b.pAdjusted || (a.pAsymptotic ?? 2) - (b.pAsymptotic ?? 2) || a.group - b.group,
    )
    .slice(0, limit);
  const split =
    g.book?.kind === 'split'
      ? ` (books chosen over ${g.book.chosenDays} days, tested over ${g.book.testedDays})`
      : '';
  const head = `  Groups: ${g.passed.length} of ${g.groups.length} passed${split}; 80 % power at a ${split ? 'book' : 'group'} Sharpe of ${g.minSharpeAnnual.toFixed(2)}/yr`;
  const more = g.groups.length - shown.length;
  return `${head}\n${columnsTable(GROUP_COLUMNS, shown, view)}${more > 0 ? `\n  … and ${more} more groups (--all)` : ''}`;
}

function candidateTable(w: WindowResult, limit: number, view: TableView): string {
  if (!w.candidates.length) return '  (no candidates)';
  // Passed first, then by deflated Sharpe: the ones that came closest.
  const shown = [...w.candidates]
    .sort((a, b) => Number(b.passed) - Number(a.passed) || (b.dsr ?? -1) - (a.dsr ?? -1))
    .slice(0, limit)
    .map((c) => ({ ...c, window: w.index + 1 }));
  const more = w.candidates.length - shown.length;
  const out = columnsTable(CANDIDATE_COLUMNS, shown, view);
  return more > 0 ? `${out}\n  … and ${more} more candidates (--all)` : out;
}
