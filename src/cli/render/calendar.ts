import type { CalendarResult } from '../../services/calendar.js';
import { table, tableText } from './table.js';

/** `argus calendar`: the entries as a table, ET and local times side by side. */
export function renderCalendar(r: CalendarResult): string {
  const t = table(['Date', 'Day', 'Time ET', `Local (${r.localZone})`, 'Type', 'Event', 'Detail']);
  for (const e of r.entries) {
    t.push([e.date, e.weekday, e.timeEt ?? '', e.timeLocal ?? '', e.type.toUpperCase(), e.title, e.detail]);
  }
  return [
    `Calendar ${r.fromDate} → ${r.toDate}`,
    r.entries.length ? tableText(t) : '(no events, closures or early closes in this period)',
  ].join('\n');
}
