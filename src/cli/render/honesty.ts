import { formatMoney } from '../../core/format.js';
import { fmtP } from '../../core/judge/walk-forward.js';
import type { HonestySummary, SeedResult } from '../../services/honesty.js';

/** One seed of the honesty test, on one line. */
export function renderHonestySeed(r: SeedResult): string {
  return (
    `${r.scenario} seed ${r.seed}: promoted ${r.promoted.length ? r.promoted.join(', ') : 'nothing'}; ` +
    `selections in ${r.windowsWithSelection}/${r.windows} windows (${r.selected}), out of sample ${formatMoney(r.oosPnlUsd)}; ` +
    (r.gate === 'group'
      ? `groups passed in ${r.groupWindows}/${r.windows} windows, min Holm p by window ${r.minGroupP.map(fmtP).join(' ')}, 80 % power at ${r.minSharpeAnnual?.toFixed(2)}/yr; `
      : '') +
    `min DSR p by window ${r.minP.map(fmtP).join(' ')}; N_eff ${r.nEff.map((n) => Math.round(n)).join(' ')}; ` +
    `naive leader made money out of sample in ${r.naive.positive}/${r.naive.windows}; ` +
    `farm ${(r.farmMs / 1000).toFixed(1)} s, promote ${(r.promoteMs / 1000).toFixed(1)} s`
  );
}

/** A scenario's verdict over its seeds. */
export function renderHonestySummary(s: HonestySummary): string {
  const rate = `windows with any selection ${s.windowsWithSelection} of ${s.windows} (${(100 * s.selectionRate).toFixed(1)} %, 95 % upper bound ${(100 * s.selectionRateUpper95).toFixed(1)} %)`;
  const tail = `${s.settings.sim.model}, premium ${s.settings.sim.premium}, ${s.settings.window.from} → ${s.settings.window.to}, chain model ${s.chainModel}; ${(s.elapsedMs / 1000).toFixed(0)} s${s.cachedSeeds ? ` (${s.cachedSeeds} seeds from the cache)` : ''}`;
  return s.scenario !== 'power'
    ? `NULL (${s.scenario}): nothing promoted in ${s.nothingPromoted} of ${s.seeds} seeds (pass: ≥ ${Math.ceil(0.95 * s.seeds)}); ${rate}; ${tail}`
    : `POWER: selections made money out of sample in ${s.oosPositive} of ${s.seeds} seeds; ${rate}; ${tail}`;
}
