import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { columnList, dateFlag, tableFlags } from '../cli/flags.js';
import { renderCalendar } from '../cli/render/calendar.js';
import { outputWidth } from '../cli/terminal.js';
import { type CalendarResult, calendar } from '../services/calendar.js';

export default class Calendar extends BaseCommand<typeof Calendar> {
  static override description =
    'Upcoming FOMC statements, CPI releases, NYSE closures and early closes, in US/Eastern and local time';

  static override examples = [
    '<%= config.bin %> calendar',
    '<%= config.bin %> calendar --from 2026-11-20 --to 2026-12-31',
    '<%= config.bin %> calendar --days 90 --type fomc --type cpi --json',
  ];

  static override flags = {
    ...tableFlags,
    from: dateFlag({ description: 'first day (US/Eastern); default today' }),
    to: dateFlag({ description: 'last day (inclusive)', exclusive: ['days'] }),
    days: Flags.integer({ description: 'number of days from --from (default 30)', min: 1, max: 3660 }),
    type: Flags.option({
      options: ['fomc', 'cpi', 'market'] as const,
      multiple: true,
      description: 'only these kinds of entry',
    })(),
  };

  async run(): Promise<CalendarResult> {
    const f = this.flags;
    const result = calendar(this.ctx, { from: f.from, to: f.to, days: f.days, types: f.type });
    if (!this.jsonEnabled()) {
      this.log(
        renderCalendar(result, {
          width: outputWidth(),
          pick: columnList(this.flags.columns),
          csv: this.flags.csv,
        }),
      );
      for (const w of result.warnings) this.warn(w);
    }
    return result;
  }
}
