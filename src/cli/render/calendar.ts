import type { CalendarResult, CalendarRow } from '../../services/calendar.js';
import { type Column, columnsTable, csvTable, type TableView } from './table.js';

/** `argus calendar`: the entries as a table, ET and local times side by side. */
export function renderCalendar(r: CalendarResult, view: TableView & { csv?: boolean } = {}): string {
  const cols: Column<CalendarRow>[] = [
    { head: 'Date', cell: (e) => e.date, align: 'left', priority: 1 },
    { head: 'Day', cell: (e) => e.weekday, align: 'left', priority: 3 },
    { head: 'Time ET', cell: (e) => e.timeEt ?? '', align: 'left', priority: 1 },
    { head: `Local (${r.localZone})`, cell: (e) => e.timeLocal ?? '', align: 'left', priority: 4 },
    { head: 'Type', cell: (e) => e.type.toUpperCase(), align: 'left', priority: 1 },
    { head: 'Event', cell: (e) => e.title, align: 'left', priority: 1 },
    { head: 'Detail', cell: (e) => e.detail, align: 'left', priority: 5 },
  ];
  if (view.csv) return csvTable(cols, r.entries);
  return [
    `Calendar ${r.fromDate} → ${r.toDate}`,
    r.entries.length
      ? columnsTable(cols, r.entries, view)
      : '(no events, closures or early closes in this period)',
  ].join('\n');
}
