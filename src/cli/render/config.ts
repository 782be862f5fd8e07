import Table from 'cli-table3';
import type { ConfigReport } from '../../core/config/report.js';

/** `argus config show`: the file, the database, then every setting with its origin. */
export function renderConfig(r: ConfigReport): string {
  const table = new Table({ head: ['Setting', 'Value', 'From', 'Env'] });
  for (const s of r.settings) table.push([s.setting, JSON.stringify(s.value), s.origin, s.env ?? '']);
  return [
    `Config file: ${r.file}${r.fileExists ? '' : ' (not present: defaults apply)'}`,
    `Database:    ${r.db}`,
    table.toString(),
  ].join('\n');
}
