import { BaseCommand } from '../../cli/base-command.js';
import { sourceFlags } from '../../cli/flags.js';
import { formatMoney, formatPct } from '../../core/format.js';
import { type GapView, gapView } from '../../services/gap.js';

export default class Gap extends BaseCommand<typeof Gap> {
  static override description =
    "BTC's move since the last IBIT close and the opening gap it implies (weekends and holidays included)";
  static override examples = [
    '<%= config.bin %> gap',
    '<%= config.bin %> gap --source replay --at 2025-03-10T12:00:00Z --json',
  ];
  static override flags = { ...sourceFlags };

  async run(): Promise<GapView> {
    const ctx = this.ctx;
    const atMs = this.flags.at ?? ctx.clock.nowMs();
    const source = ctx.source(ctx.defaultSource, { atMs });
    try {
      const g = await gapView(source, ctx.calendar, ctx.store(), atMs);
      if (!this.jsonEnabled()) {
        const m = ctx.calendar;
        if (g.status === 'missing') this.log(`Gap at ${m.formatEt(atMs)}: missing — ${g.reason}`);
        else {
          this.log(
            `Last close: ${g.sessionDate} (${m.formatEt(g.closeMs)}) — IBIT ${formatMoney(g.ibitClose)}, BTC ${formatMoney(g.btcAtClose, 0)} [${g.from}]`,
          );
          this.log(
            `Now (${m.formatEt(atMs)}): BTC ${formatMoney(g.btcNow, 0)}, ${formatPct(g.btcMoveFrac, 2, true)} since the close`,
          );
          this.log(
            `Implied IBIT open: ${formatMoney(g.impliedIbitOpen)} (${formatPct(g.btcMoveFrac, 2, true)}); market ${g.marketPhase}, next open ${m.formatEt(g.nextOpenMs)}`,
          );
        }
      }
      return g;
    } finally {
      await source.close?.();
    }
  }
}
