import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag, sourceFlags } from '../cli/flags.js';
import { renderReview } from '../cli/render/review.js';
import type { DailyReview } from '../core/review.js';
import type { NotifyReport } from '../services/notify.js';
import { review } from '../services/review.js';

export default class Review extends BaseCommand<typeof Review> {
  static override description =
    "The live farm's day: trades opened and closed, realised P&L (exits and expiries), open positions marked to market, exits by reason, best and worst traders, promotions, upcoming events and gap risk";
  static override examples = [
    '<%= config.bin %> review',
    '<%= config.bin %> review --date 2026-02-10 --json',
    '<%= config.bin %> review --notify',
  ];
  static override flags = {
    date: dateFlag({ description: 'ET date to review (default: today in New York)' }),
    source: sourceFlags.source,
    notify: Flags.boolean({ description: 'also send the review to Telegram (through the outbox)' }),
  };

  async run(): Promise<DailyReview & { notify?: NotifyReport }> {
    const result = await review(this.ctx, { date: this.flags.date, notify: this.flags.notify });
    if (!this.jsonEnabled()) this.log(renderReview(result, this.ctx.calendar));
    return result;
  }
}
