import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag, sourceFlags } from '../cli/flags.js';
import { renderBacktestDay, renderReview } from '../cli/render/review.js';
import type { BacktestDayReview, DailyReview } from '../core/review.js';
import type { NotifyReport } from '../services/notify.js';
import { backtestDay, review } from '../services/review.js';

export default class Review extends BaseCommand<typeof Review> {
  static override description =
    "The live farm's day: trades opened and closed, realised P&L (exits and expiries), open positions marked to market, exits by reason, best and worst traders, promotions, upcoming events and gap risk";
  static override examples = [
    '<%= config.bin %> review',
    '<%= config.bin %> review --date 2026-02-10 --json',
    '<%= config.bin %> review --notify',
    '<%= config.bin %> review --run latest --date 2025-03-12',
  ];
  static override flags = {
    date: dateFlag({ description: 'ET date to review (default: today in New York)' }),
    source: sourceFlags.source,
    notify: Flags.boolean({ description: 'also send the review to Telegram (through the outbox)' }),
    run: Flags.string({
      description:
        "review a backtest's day instead (run id, prefix or latest): its stored steps and daily sample; --date defaults to its last day",
      exclusive: ['notify', 'source'],
    }),
  };

  async run(): Promise<(DailyReview & { notify?: NotifyReport }) | BacktestDayReview> {
    if (this.flags.run !== undefined) {
      const day = backtestDay(this.ctx, { run: this.flags.run, date: this.flags.date });
      if (!this.jsonEnabled()) this.log(renderBacktestDay(day));
      return day;
    }
    const result = await review(this.ctx, { date: this.flags.date, notify: this.flags.notify });
    if (!this.jsonEnabled()) this.log(renderReview(result, this.ctx.calendar));
    return result;
  }
}
