import { formatMoney, formatPct } from '../../core/format.js';
import type { CheckedSpread, RatioStats } from '../../core/market/chain-check.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { ChainCheckEntry, ChainCheckResult } from '../../services/chain-check.js';
import { table, tableText } from './table.js';

const vp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)} vp`;
const usd = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const pct = (x: number | null) => (x === null ? '—' : formatPct(x, 1));

function ratios(label: string, s: RatioStats): string {
  if (s.n === 0) return `${label}: no traded spreads`;
  return (
    `${label}: median ${s.median.toFixed(2)}, p10 ${s.p10.toFixed(2)}, p90 ${s.p90.toFixed(2)}, ` +
    `≥ 1 for ${formatPct(s.shareAtLeast1, 1)} of ${s.n} spreads`
  );
}

function ivLine(c: ChainCheckEntry, r: ChainCheckResult): string {
  const iv = `30-day ATM IV ${formatPct(c.model.atmIv30, 2)}`;
  if (c.iv.from === 'flag') return `Model fed ${iv} (--iv), r ${formatPct(c.model.r, 2)}`;
  const shift = c.iv.shiftVp ? ` ${vp(c.iv.shiftVp)} shift` : '';
  return (
    `Model fed ${iv} = DVOL ${(c.iv.dvol * 100).toFixed(2)} (${c.iv.dvolDay} close, ${c.iv.source}) × ` +
    `${r.ivLevel.dvolRatio.toFixed(3)}${shift}, r ${formatPct(c.model.r, 2)}`
  );
}

/** Traded spreads by expiry: means of the real and model figures at f = 1. */
function spreadTable(spreads: readonly CheckedSpread[]): string {
  const t = table([
    'Expiry',
    'DTE',
    'n',
    'Cost real',
    'Cost model',
    'Credit real',
    'Credit model',
    'Cost ≥ real',
  ]);
  const byExpiry = new Map<string, CheckedSpread[]>();
  for (const s of spreads) byExpiry.set(s.expiry, [...(byExpiry.get(s.expiry) ?? []), s]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const [expiry, ss] of byExpiry) {
    t.push([
      expiry,
      ss[0].dte,
      ss.length,
      usd(mean(ss.map((s) => s.real.crossingCost))),
      usd(mean(ss.map((s) => s.model.crossingCost))),
      usd(mean(ss.map((s) => s.real.credit))),
      usd(mean(ss.map((s) => s.model.credit))),
      `${ss.filter((s) => s.crossingCostRatio >= 1).length}/${ss.length}`,
    ]);
  }
  return tableText(t);
}

function chainBlock(c: ChainCheckEntry, r: ChainCheckResult, m: MarketCalendar): string {
  const b = table([
    'DTE',
    'Put',
    'n',
    'Width real',
    'Width model',
    '% mid real',
    '% mid model',
    'Mid bias',
    'IV bias',
  ]);
  for (const row of c.buckets) {
    b.push([
      row.dte,
      row.moneyness,
      row.n,
      usd(row.realWidth),
      usd(row.modelWidth),
      pct(row.realWidthPct),
      pct(row.modelWidthPct),
      usd(row.midBias),
      row.ivBiasVp === null ? '—' : `${vp(row.ivBiasVp)} (${row.nIv})`,
    ]);
  }
  const misses = c.spreads.filter((s) => s.crossingCostRatio < 1);
  const skipped = c.skipped.map((s) => `${s.count} ${s.reason}`).join(', ');
  return [
    `${c.file} — quotes ${m.formatEt(c.quoteTimeMs)}, underlying ${formatMoney(c.underlying)}, ${c.expiries} expiries`,
    ivLine(c, r),
    `ATM 30-day IV: model ${formatPct(c.modelAtmIv30, 2)}, real ${formatPct(c.realAtmIv30, 2)}: bias ${vp(c.summary.ivBiasVp)}`,
    'Puts by DTE and moneyness (wing |Δ| < 0.05, far < 0.2, near < 0.5, itm); widths are ask − bid, biases model − real:',
    tableText(b),
    `Spreads the grid would trade (real credit at f = 1 ≥ the minimum, both legs listed)${skipped ? `; not traded: ${skipped}` : ''}:`,
    spreadTable(c.spreads),
    ratios('Crossing cost (mid − credit at f = 1), model / real', c.summary.crossingCostRatio),
    ratios('Credit at f = 1, model / real', c.summary.creditRatio),
    ...(misses.length
      ? [
          `Narrower than real: ${misses
            .map(
              (s) =>
                `${s.expiry} ${s.shortStrike}/${s.longStrike} ${usd(s.model.crossingCost)} < ${usd(s.real.crossingCost)}`,
            )
            .join('; ')}`,
        ]
      : []),
  ].join('\n');
}

/** `argus chain check`: the fitted IV level, then one block per chain, then the summary over all. */
export function renderChainCheck(r: ChainCheckResult, m: MarketCalendar): string {
  const lv = r.ivLevel;
  const head = [
    `Chain model ${r.chainModel} against ${r.chains.length} real chain${r.chains.length === 1 ? '' : 's'} (grid: ${r.grid})`,
    `IV level: IBIT 30-day ATM IV = DVOL × ${lv.dvolRatio.toFixed(3)} ± ${lv.standardError.toFixed(3)} ` +
      `(standard error; one day's ratio spreads ± ${lv.sd.toFixed(3)}) — fitted on ${lv.n} chains: ${lv.fittedOn.join(', ')}`,
  ];
  const blocks = r.chains.map((c) => chainBlock(c, r, m));
  const tail =
    r.chains.length > 1
      ? [
          `All ${r.chains.length} chains:`,
          ratios('Crossing cost, model / real', r.summary.crossingCostRatio),
          ratios('Credit at f = 1, model / real', r.summary.creditRatio),
          `ATM 30-day IV bias, mean ${vp(r.summary.ivBiasVp)} (${r.chains
            .map((c) => `${m.etDate(c.quoteTimeMs)} ${vp(c.summary.ivBiasVp)}`)
            .join(', ')})`,
        ]
      : [];
  return [...head, '', blocks.join('\n\n'), ...(tail.length ? ['', ...tail] : [])].join('\n');
}
