import Table from 'cli-table3';
import type { CalendarResult } from '../../services/calendar.js';

/** `argus calendar`: the entries as a table, ET and local times side by side. */
export function renderCalendar(r: CalendarResult): string {
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
  return [
    `Calendar ${r.fromDate} → ${r.toDate}`,
    r.entries.length ? table.toString() : '(no events, closures or early closes in this period)',
  ].join('\n');
}
