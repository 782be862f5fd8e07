import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag } from '../cli/flags.js';
import { type CalendarResult, calendarQuery } from '../services/calendar.js';

export default class Calendar extends BaseCommand<typeof Calendar> {
  static override description =
    'Upcoming FOMC statements, CPI releases, NYSE closures and early closes, in US/Eastern and local time';

  static override examples = [
    '<%= config.bin %> calendar',
    '<%= config.bin %> calendar --from 2026-11-20 --to 2026-12-31',
    '<%= config.bin %> calendar --days 90 --type fomc --type cpi --json',
  ];

  static override flags = {
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
    const ctx = this.ctx;
    const result = calendarQuery(
      {
        from: this.flags.from,
        to: this.flags.to,
        days: this.flags.days,
        types: this.flags.type,
        nowMs: ctx.clock.nowMs(),
      },
      { market: ctx.calendar, economic: ctx.economic },
    );
    if (!this.jsonEnabled()) this.render(result);
    return result;
  }

  private render(r: CalendarResult): void {
    const table = new Table({
      head: ['Date', 'Day', 'Time ET', `Local (${r.localZone})`, 'Type', 'Event', 'Detail'],
    });
    for (const e of r.entries) {
      table.push([
        e.date,
        e.weekday,
        e.timeEt ?? '',
        e.timeLocal ?? '',
        e.type.toUpperCase(),
        e.title,
        e.detail,
      ]);
    }
    this.log(`Calendar ${r.fromDate} → ${r.toDate}`);
    this.log(r.entries.length ? table.toString() : '(no events, closures or early closes in this period)');
    for (const w of r.warnings) this.warn(w);
  }
}
