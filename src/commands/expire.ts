import { BaseCommand } from '../cli/base-command.js';
import { dateFlag } from '../cli/flags.js';
import { renderLiveStep } from '../cli/render/farm.js';
import { expire, type LiveStepResult } from '../services/farm-live.js';

export default class Expire extends BaseCommand<typeof Expire> {
  static override description =
    "Settle the live farm's expired positions at intrinsic value from the official close recorded by `argus gap snapshot`; idempotent";
  static override examples = ['<%= config.bin %> expire', '<%= config.bin %> expire --date 2026-02-10'];
  static override flags = {
    date: dateFlag({
      description: 'settle expiries up to this date (default: every expiry already past)',
    }),
  };

  async run(): Promise<LiveStepResult> {
    const r = await expire(this.ctx, { date: this.flags.date });
    if (!this.jsonEnabled()) this.log(renderLiveStep(r, (ms) => this.ctx.calendar.formatEt(ms)));
    return r;
  }
}
