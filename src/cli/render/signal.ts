import type { SignalResult } from '../../core/conditions/signal.js';
import { formatMoney, formatPct } from '../../core/format.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { NotifyReport } from '../../services/notify.js';
import { MIN_WARMTH_COVERAGE } from '../../services/signal.js';
import { describeNotify } from './notify.js';
import { table, tableText } from './table.js';

/** `argus signal`: conditions, then each configuration's spread and its filters; the notification line last. */
export function renderSignal(r: SignalResult & { notify?: NotifyReport }, m: MarketCalendar): string {
  const out: string[] = [];
  const k = r.conditions;
  out.push(
    `Signal at ${m.formatEt(r.atMs)} — source ${r.source}; NYSE ${k.market.phase} (${k.market.reason})`,
  );
  if (k.ibit.status === 'ok' && k.ibit.derived)
    out.push(`IBIT ${formatMoney(k.ibit.value.price)} DERIVED ${k.ibit.derived}`);
  const w = k.warmth;
  if (w.status === 'ok') {
    const points = w.components.reduce((a, c) => a + c.contribution, 0);
    const low = w.coverage < MIN_WARMTH_COVERAGE;
    out.push(
      `Warmth ${low ? 'unavailable' : `${w.display} / 10`} = 1 + ${points.toFixed(1)} points` +
        (low
          ? ` from ${formatPct(w.coverage, 0)} of the weight (needs ${formatPct(MIN_WARMTH_COVERAGE, 0)})`
          : '') +
        (w.missing.length ? ` (missing: ${w.missing.map((x) => `${x.name}: ${x.reason}`).join('; ')})` : ''),
    );
    const t = table(['Component', 'Raw', 'Score 0–1', 'Weight', 'Points', 'Note']);
    for (const c of w.components)
      t.push([
        c.name,
        String(typeof c.raw === 'number' ? Number(c.raw.toPrecision(4)) : c.raw),
        c.normalised.toFixed(2),
        c.weight,
        c.contribution.toFixed(2),
        c.note ?? '',
      ]);
    t.push([
      'total',
      '',
      '',
      w.components.reduce((a, c) => a + c.weight, 0),
      points.toFixed(2),
      '1 + points = score',
    ]);
    out.push(tableText(t));
  } else out.push(`Warmth: ${w.reason}`);
  const r0 = k.ivRank;
  out.push(
    `IV rank ${r0.status === 'ok' ? `${(r0.rank * 100).toFixed(0)}, percentile ${(r0.percentile * 100).toFixed(0)} (${r0.shortHistory ? `SHORT HISTORY: ${r0.shortHistory}` : `${r0.n} days`})` : r0.reason}; ` +
      `regime ${k.regime.status === 'ok' ? k.regime.regime : k.regime.reason}; ` +
      `gap ${k.gap.status === 'ok' ? formatPct(k.gap.gapFrac, 2, true) : k.gap.reason}; ` +
      `next event ${'event' in k.nextEvent ? `${k.nextEvent.event.title} ${m.formatEt(k.nextEvent.event.timeMs)} (in ${k.nextEvent.hoursAway.toFixed(0)} h)` : k.nextEvent.reason}`,
  );
  for (const c of r.candidates) {
    out.push(`\n${c.config.label}: ${c.verdict.toUpperCase()}`);
    if (c.status === 'ok') {
      const o = c.outcomes!;
      out.push(
        `  Sell IBIT ${c.expiry} (${c.dte} DTE) ${c.shortStrike}/${c.longStrike} put spread: short ${c.shortQuote!.bid?.toFixed(2)}×${c.shortQuote!.ask?.toFixed(2)}, long ${c.longQuote!.bid?.toFixed(2)}×${c.longQuote!.ask?.toFixed(2)}`,
      );
      out.push(
        `  Credit ${c.creditPerShare!.toFixed(2)}/share at the fill model = ${formatMoney(c.creditPerContractAfterFees!)} per contract after fees; max loss ${formatMoney(c.maxLossPerContract!)}`,
      );
      out.push(
        `  ${c.model} (from ${c.modelVariance}): PoP ${formatPct(o.pop, 1)} ± ${formatPct(o.popSE, 1)}, touch ${formatPct(o.pTouch, 1)}, max loss ${formatPct(o.pMaxLoss, 1)}, EV ${formatMoney(c.expectedValuePerContract!)} ± ${formatMoney(c.expectedValueSE!)} per contract`,
      );
      out.push(
        `  Assignment: ${c.assignment!.reason}; events before expiry: ${c.eventsBeforeExpiry.map((e) => `${e.title} ${e.date}`).join(', ') || 'none'}`,
      );
    } else out.push(`  No candidate: ${c.reason}`);
    const t = table(['Filter', 'Pass', 'Detail']);
    for (const f of c.filters) t.push([f.filter, f.pass ? 'yes' : 'NO', f.detail]);
    out.push(tableText(t));
  }
  if (r.notify) out.push(describeNotify(r.notify));
  return out.join('\n');
}
