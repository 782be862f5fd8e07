import { BaseCommand } from '../../cli/base-command.js';
import { sourceFlags } from '../../cli/flags.js';
import { renderGapSnapshot } from '../../cli/render/gap.js';
import { gapSnapshot, type SnapshotResult } from '../../services/gap.js';

export default class GapSnapshot extends BaseCommand<typeof GapSnapshot> {
  static override description =
    'Record the official close of the last completed NYSE session (IBIT, BITO and BTC at the bell); idempotent per session — run it from cron any evening';
  static override examples = ['<%= config.bin %> gap snapshot', '<%= config.bin %> gap snapshot --json'];
  static override flags = { ...sourceFlags };

  async run(): Promise<SnapshotResult> {
    const result = await gapSnapshot(this.ctx, { atMs: this.flags.at });
    // Exit 3 tells cron the close is not recorded yet.
    if (result.status === 'unavailable') process.exitCode = 3;
    if (!this.jsonEnabled()) {
      const text = renderGapSnapshot(result, this.ctx.calendar);
      if (result.status === 'unavailable') this.logToStderr(text);
      else this.log(text);
    }
    return result;
  }
}
