import { formatMoney } from '../../core/format.js';
import { fmtP } from '../../core/judge/walk-forward.js';
import type { HonestySummary, SeedResult } from '../../services/honesty.js';
import { stepDownName } from './promote.js';

/** One seed of the honesty test, on one line. */
export function renderHonestySeed(r: SeedResult): string {
  return (
    `${r.scenario} seed ${r.seed}: promoted ${r.promoted.length ? r.promoted.join(', ') : 'nothing'}; ` +
    `selections in ${r.windowsWithSelection}/${r.windows} windows (${r.selected}), out of sample ${formatMoney(r.oosPnlUsd)}; ` +
    (r.gate === 'group'
      ? `groups passed in ${r.groupWindows}/${r.windows} windows, min adjusted group p by window ${r.minGroupP.map(fmtP).join(' ')}, 80 % power at ${r.minSharpeAnnual?.toFixed(2)}/yr; `
      : '') +
    `min DSR p by window ${r.minP.map(fmtP).join(' ')}; N_eff ${r.nEff.map((n) => Math.round(n)).join(' ')}; ` +
    `naive leader made money out of sample in ${r.naive.positive}/${r.naive.windows}; ` +
    `farm ${(r.farmMs / 1000).toFixed(1)} s, promote ${(r.promoteMs / 1000).toFixed(1)} s`
  );
}

/** A scenario's verdict over its seeds. */
export function renderHonestySummary(s: HonestySummary): string {
  const rate = `windows with any selection ${s.windowsWithSelection} of ${s.windows} (${pct(s.selectionRate)}, 95 % upper bound ${pct(s.selectionRateUpper95)})`;
  const tail = `${s.settings.sim.model}, premium ${s.settings.sim.premium}, ${s.settings.window.from} → ${s.settings.window.to}, chain model ${s.chainModel}; ${(s.elapsedMs / 1000).toFixed(0)} s${s.cachedSeeds ? ` (${s.cachedSeeds} seeds from the cache)` : ''}`;
  return s.scenario !== 'power'
    ? `NULL (${s.scenario}): nothing promoted in ${s.nothingPromoted} of ${s.seeds} seeds (pass: ≥ ${Math.ceil(0.95 * s.seeds)}); ${rate}; ${tail}`
    : `POWER: selections made money out of sample in ${s.oosPositive} of ${s.seeds} seeds; ${rate}; ${tail}`;
}

/** A share as the study's tables print it: "3.7 %". */
function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** How a scenario's market reads in the table's first column. */
function marketLabel(s: HonestySummary): string {
  const { sim, flags } = s.settings;
  if (s.scenario !== 'power')
    return `fair null, ${sim.model === 'heston' ? 'Heston' : 'GBM'}, mid fills, no fees`;
  return `premium ${sim.premium}, Heston, f = ${flags['fill-f']}, fees $${flags.fee}`;
}

/**
 * The scenarios of one run as a Markdown table, the README's honesty table: per scenario the
 * windows that selected anything with their 95 % bound, the seeds that promoted, the seeds whose
 * selections made money out of sample, and beside it what no test at all would have done.
 */
export function renderHonestyMarkdown(summaries: HonestySummary[]): string {
  const head = [
    'market',
    'traders',
    'seeds',
    'windows selecting anything (95 % bound)',
    'seeds promoting something',
    'seeds whose selections made money out of sample',
    'untested in-sample leader made money out of sample (windows)',
    `80 %-power ${barOf(summaries)} Sharpe/yr`,
  ];
  const rows = summaries.map((s) => {
    const r = s.results;
    const naive = r.reduce((a, x) => a + x.naive.positive, 0);
    const naiveOf = r.reduce((a, x) => a + x.naive.windows, 0);
    const bars = r.flatMap((x) => (x.minSharpeAnnual === null ? [] : [x.minSharpeAnnual]));
    const lo = Math.min(...bars).toFixed(2);
    const hi = Math.max(...bars).toFixed(2);
    const bar = !bars.length ? '—' : lo === hi ? lo : `${lo}–${hi}`;
    return [
      marketLabel(s),
      r.length ? r[0].traders.toLocaleString('en-US') : '—',
      String(s.seeds),
      `${s.windowsWithSelection} of ${s.windows}: ${pct(s.selectionRate)} (${pct(s.selectionRateUpper95)})`,
      `${s.seeds - s.nothingPromoted} of ${s.seeds}`,
      `${s.oosPositive} of ${s.seeds}`,
      `${naive} of ${naiveOf}`,
      bar,
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const first = summaries[0];
  const p = first?.settings.params;
  const note = first
    ? `\n\nSimulated ${first.settings.window.from} → ${first.settings.window.to}, chain model ${first.chainModel}; ` +
      `${p.anchored ? 'anchored' : 'rolling'} windows of ${p.isMonths} months in sample and ${p.oosMonths} out, ` +
      `group gate at α = ${p.groupAlpha} on ${bookNote(p.groupBook)}, ${stepDownName(p.groupTest ?? 'holm')}, top ${p.top} per window; seeds ${seedRanges(first.results.map((x) => x.seed))}; ` +
      `compute ${minutes(summaries)} (farm and promotion of every seed, cached ones included).`
    : '';
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + note;
}

/** What the power bar is of: whole groups' books, split books, or either (auto on several grids). */
function barOf(summaries: HonestySummary[]): string {
  const kinds = new Set(
    summaries.flatMap((s) =>
      s.results.map((r) => r.book ?? (s.settings.params.groupBook === 'whole' ? 'whole' : 'split')),
    ),
  );
  if (kinds.size > 1) return 'book or group';
  return kinds.has('whole') ? 'group' : 'book';
}

/** The books the study's gate tested, for the table's note. */
function bookNote(book: string): string {
  const split =
    'split books (the best quarter of each group on the first half in sample, tested on the second)';
  if (book === 'whole') return 'whole groups';
  return book === 'auto'
    ? `${split} where the daily sample holds every trader, whole groups where it does not`
    : split;
}

/** The seeds' own farm and promotion time, summed over the scenarios. */
function minutes(summaries: HonestySummary[]): string {
  const ms = summaries.reduce((a, s) => a + s.results.reduce((b, r) => b + r.farmMs + r.promoteMs, 0), 0);
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** 1, 2, 3, 5 → "1–3, 5". */
export function seedRanges(seeds: number[]): string {
  const out: string[] = [];
  const xs = [...seeds].sort((a, b) => a - b);
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(j > i ? `${xs[i]}–${xs[j]}` : String(xs[i]));
    i = j + 1;
  }
  return out.join(', ') || 'none';
}
