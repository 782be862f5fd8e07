import Table from 'cli-table3';
import { BaseCommand } from '../cli/base-command.js';
import { sourceFlags } from '../cli/flags.js';
import { formatAge, formatMoney, formatPct } from '../core/format.js';
import { isoUtc } from '../core/time/clock.js';
import { type FieldView, type Snapshot, takeSnapshot } from '../services/snapshot.js';

export default class SnapshotCommand extends BaseCommand<typeof SnapshotCommand> {
  static override description =
    "One normalised market snapshot: BTC, DVOL, funding, IBIT/BITO and market status, with each value's provider and age";
  static override examples = [
    '<%= config.bin %> snapshot --source replay --at 2025-03-10T15:00:00Z',
    '<%= config.bin %> snapshot --source sim --json',
  ];
  static override flags = { ...sourceFlags };

  async run(): Promise<Snapshot> {
    const ctx = this.ctx;
    const atMs = this.flags.at ?? ctx.clock.nowMs();
    const source = ctx.source(ctx.defaultSource, { atMs });
    try {
      const snap = await takeSnapshot(source, ctx.calendar, atMs);
      if (!this.jsonEnabled()) this.render(snap);
      return snap;
    } finally {
      await source.close?.();
    }
  }

  private render(s: Snapshot): void {
    const m = this.ctx.calendar;
    this.log(`Snapshot at ${m.formatEt(s.atMs)} (${isoUtc(s.atMs)}) — source: ${s.source}`);
    const phase =
      s.market.phase === 'open'
        ? `open (${s.market.sessionBucket} session)`
        : `${s.market.phase}: ${s.market.reason}`;
    this.log(
      `NYSE: ${phase}; next open ${m.formatEt(s.market.nextOpenMs)}, next close ${m.formatEt(s.market.nextCloseMs)}`,
    );
    const t = new Table({ head: ['Field', 'Value', 'Source', 'As of (ET)', 'Age'] });
    const row = <T>(label: string, f: FieldView<T>, fmt: (v: T) => string) => {
      if (f.status === 'missing') t.push([label, `missing: ${f.reason}`, f.source, '', '']);
      else {
        const note = [f.note, f.stale ? 'STALE' : null].filter(Boolean).join(', ');
        t.push([
          label,
          fmt(f.value as T) + (note ? ` (${note})` : ''),
          f.source,
          m.formatEt(f.asOfMs!),
          formatAge(f.ageMs!),
        ]);
      }
    };
    row('BTC', s.btc, (v) => `${formatMoney(v.priceUsd, 0)}  ${formatPct(v.change24hFrac, 2, true)} 24h`);
    row('DVOL (BTC 30d IV)', s.dvol, (v) => formatPct(v, 1));
    row('DVOL history', s.dvolHistory, (v) => `${v.days} daily closes ${v.first} → ${v.last}`);
    row('Funding / 8h', s.funding8h, (v) => formatPct(v, 4, true));
    row(
      'IBIT',
      s.ibit,
      (v) =>
        `${formatMoney(v.price)} (prev close ${v.previousClose === null ? 'n/a' : formatMoney(v.previousClose)})`,
    );
    row(
      'BITO',
      s.bito,
      (v) =>
        `${formatMoney(v.price)} (prev close ${v.previousClose === null ? 'n/a' : formatMoney(v.previousClose)})`,
    );
    this.log(t.toString());
  }
}
