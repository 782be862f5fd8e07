import { BaseCommand } from '../cli/base-command.js';
import { dateFlag } from '../cli/flags.js';
import { renderLiveStep } from '../cli/render/farm-live.js';
import { UsageError } from '../core/errors.js';
import { farmLiveStep, type LiveStepResult } from '../services/farm-live.js';

export default class Expire extends BaseCommand<typeof Expire> {
  static override description =
    "Settle the live farm's expired positions at intrinsic value from the official close recorded by `argus gap snapshot`; idempotent";
  static override examples = ['<%= config.bin %> expire', '<%= config.bin %> expire --date 2026-11-27'];
  static override flags = {
    date: dateFlag({
      description: 'settle expiries up to this date (default: every expiry already past)',
    }),
  };

  async run(): Promise<LiveStepResult> {
    const ctx = this.ctx;
    if (this.flags.date) {
      const date = this.flags.date;
      const day = ctx.calendar.tradingDay(date);
      if (day && day.closeMs > ctx.clock.nowMs()) {
        throw new UsageError(
          `${date}'s session has not closed yet (${ctx.calendar.formatEt(day.closeMs)})`,
          'run expire after the close',
        );
      }
    }
    const r = await farmLiveStep(ctx, { mode: 'expire', engine: 'js' });
    if (!this.jsonEnabled()) this.log(renderLiveStep(r, (ms) => ctx.calendar.formatEt(ms)));
    return r;
  }
}
