import Table from 'cli-table3';
import { describeConfig } from '../../adapters/config/load.js';
import { BaseCommand } from '../../cli/base-command.js';

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override description =
    'Print the effective configuration and where each value came from (secrets masked)';
  static override examples = [
    '<%= config.bin %> config show',
    'ARGUS_SOURCE=replay <%= config.bin %> config show --json',
  ];

  async run() {
    const ctx = this.ctx;
    const rows = describeConfig(ctx.config);
    const result = {
      file: ctx.config.file,
      fileExists: ctx.config.fileExists,
      db: ctx.dbPath,
      settings: rows,
    };
    if (!this.jsonEnabled()) {
      this.log(`Config file: ${result.file}${result.fileExists ? '' : ' (not present: defaults apply)'}`);
      this.log(`Database:    ${result.db}`);
      const table = new Table({ head: ['Setting', 'Value', 'From', 'Env'] });
      for (const r of rows) table.push([r.setting, JSON.stringify(r.value), r.origin, r.env ?? '']);
      this.log(table.toString());
    }
    return result;
  }
}
