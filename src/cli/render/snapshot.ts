import { formatAge, formatMoney, formatPct } from '../../core/format.js';
import { isoUtc } from '../../core/time/clock.js';
import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { FieldView, Snapshot } from '../../services/snapshot.js';
import { sparkline } from './chart.js';
import { proseTable } from './table.js';

/** `argus snapshot`: market status, then each field with its provider and age. */
export function renderSnapshot(s: Snapshot, m: MarketCalendar): string {
  const phase =
    s.market.phase === 'open'
      ? `open (${s.market.sessionBucket} session)`
      : `${s.market.phase}: ${s.market.reason}`;
  // The value last: its notes are prose, wrapped inside the cell on a narrow terminal.
  const rows: string[][] = [];
  const row = <T>(label: string, f: FieldView<T>, fmt: (v: T) => string) => {
    if (f.status === 'missing') rows.push([label, f.source, '', '', `missing: ${f.reason}`]);
    else {
      const note = [f.derived ? `DERIVED ${f.derived}` : null, f.note, f.stale ? 'STALE' : null]
        .filter(Boolean)
        .join(', ');
      rows.push([
        label,
        f.source,
        m.formatEt(f.asOfMs!),
        formatAge(f.ageMs!),
        fmt(f.value as T) + (note ? ` (${note})` : ''),
      ]);
    }
  };
  const etf = (v: { price: number; previousClose: number | null }) =>
    `${formatMoney(v.price)} (prev close ${v.previousClose === null ? 'n/a' : formatMoney(v.previousClose)})`;
  row('BTC', s.btc, (v) => `${formatMoney(v.priceUsd)}  ${formatPct(v.change24hFrac, 2, true)} 24h`);
  row('DVOL (BTC 30d IV)', s.dvol, (v) => formatPct(v, 2));
  if (s.ivLevel)
    row(
      'IV level (priced)',
      s.ivLevel,
      (v) =>
        `${formatPct(v.raw, 2)} raw → ${formatPct(v.adjusted, 2)}` +
        (v.fit ? `, BTC ${formatPct(Math.expm1(v.btcMove), 2, true)} since the DVOL close` : ''),
    );
  row(
    'DVOL history',
    s.dvolHistory,
    (v) => `${v.days} daily closes ${v.first} → ${v.last}${v.shortHistory ? ` (${v.shortHistory})` : ''}`,
  );
  row('Funding / 8h', s.funding8h, (v) => formatPct(v, 4, true));
  row('IBIT', s.ibit, etf);
  row('BITO', s.bito, etf);
  const recent = s.dvolHistory.status === 'ok' ? s.dvolHistory.value!.recent.map((p) => p.vol * 100) : [];
  return [
    `Snapshot at ${m.formatEt(s.atMs)} (${isoUtc(s.atMs)}) — source: ${s.source}`,
    `NYSE: ${phase}; next open ${m.formatEt(s.market.nextOpenMs)}, next close ${m.formatEt(s.market.nextCloseMs)}`,
    proseTable(['Field', 'Source', 'As of (ET)', 'Age', 'Value'], rows, {
      align: ['left', 'left', 'left', 'right', 'left'],
    }),
    ...(recent.length >= 2
      ? [
          `DVOL, last ${recent.length} daily closes: ${sparkline(recent)}  ${Math.min(...recent).toFixed(1)}–${Math.max(...recent).toFixed(1)}`,
        ]
      : []),
  ].join('\n');
}
