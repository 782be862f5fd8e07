import { BaseCommand } from '../../cli/base-command.js';
import { sourceFlags } from '../../cli/flags.js';
import { formatMoney } from '../../core/format.js';
import { type SnapshotResult, snapshotGap } from '../../services/gap.js';

export default class GapSnapshot extends BaseCommand<typeof GapSnapshot> {
  static override description =
    'Record the official close of the last completed NYSE session (IBIT, BITO and BTC at the bell); idempotent per session — run it from cron any evening';
  static override examples = ['<%= config.bin %> gap snapshot', '<%= config.bin %> gap snapshot --json'];
  static override flags = { ...sourceFlags };

  async run(): Promise<SnapshotResult> {
    const ctx = this.ctx;
    const atMs = this.flags.at ?? ctx.clock.nowMs();
    const source = ctx.source(ctx.defaultSource, { atMs });
    try {
      const r = await snapshotGap(source, ctx.calendar, ctx.store(), atMs);
      if (r.status === 'unavailable') {
        process.exitCode = 3;
        if (!this.jsonEnabled()) this.logToStderr(`Could not record the ${r.sessionDate} close: ${r.reason}`);
      } else if (!this.jsonEnabled()) {
        const s = r.snapshot;
        this.log(
          `${r.status === 'recorded' ? 'Recorded' : 'Already recorded'} ${s.sessionDate} close (${ctx.calendar.formatEt(s.closeMs)}): ` +
            `IBIT ${formatMoney(s.ibitClose)}${s.bitoClose === null ? '' : `, BITO ${formatMoney(s.bitoClose)}`}, BTC ${formatMoney(s.btcAtClose, 0)}`,
        );
      }
      return r;
    } finally {
      await source.close?.();
    }
  }
}
