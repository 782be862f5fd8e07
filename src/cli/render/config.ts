import type { ConfigReport } from '../../core/config/report.js';
import { table, tableText } from './table.js';

/** `argus config show`: the file, the database, then every setting with its origin. */
export function renderConfig(r: ConfigReport): string {
  const t = table(['Setting', 'Value', 'From', 'Env']);
  for (const s of r.settings) t.push([s.setting, JSON.stringify(s.value), s.origin, s.env ?? '']);
  return [
    `Config file: ${r.file}${r.fileExists ? '' : ' (not present: defaults apply)'}`,
    `Database:    ${r.db}`,
    tableText(t),
  ].join('\n');
}
