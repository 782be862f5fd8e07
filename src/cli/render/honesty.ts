import { formatMoney } from '../../core/format.js';
import { fmtP } from '../../core/judge/walk-forward.js';
import type { HonestySummary, SeedResult } from '../../services/honesty.js';

/** One seed of the honesty test, on one line. */
export function renderHonestySeed(r: SeedResult): string {
  return (
    `${r.scenario} seed ${r.seed}: promoted ${r.promoted.length ? r.promoted.join(', ') : 'nothing'}; ` +
    `selections in ${r.windowsWithSelection}/${r.windows} windows (${r.selected}), out of sample ${formatMoney(r.oosPnlUsd)}; ` +
    `min p by window ${r.minP.map(fmtP).join(' ')}; N_eff ${r.nEff.map((n) => Math.round(n)).join(' ')}; ` +
    `naive leader made money out of sample in ${r.naive.positive}/${r.naive.windows}; ` +
    `farm ${(r.farmMs / 1000).toFixed(1)} s, promote ${(r.promoteMs / 1000).toFixed(1)} s`
  );
}

/** A scenario's verdict over its seeds. */
export function renderHonestySummary(s: HonestySummary): string {
  return s.scenario === 'null'
    ? `NULL: nothing promoted in ${s.nothingPromoted} of ${s.seeds} seeds (pass: ≥ ${Math.ceil(0.95 * s.seeds)}); windows with any selection ${s.windowsWithSelection} of ${s.windows}`
    : `POWER: selections made money out of sample in ${s.oosPositive} of ${s.seeds} seeds; windows with any selection ${s.windowsWithSelection} of ${s.windows}`;
}
