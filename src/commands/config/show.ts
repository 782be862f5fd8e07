import { BaseCommand } from '../../cli/base-command.js';
import { renderConfig } from '../../cli/render/config.js';
import type { ConfigReport } from '../../core/config/report.js';
import { configShow } from '../../services/config.js';

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override description =
    'Print the effective configuration and where each value came from (secrets masked)';
  static override examples = [
    '<%= config.bin %> config show',
    'ARGUS_SOURCE=replay <%= config.bin %> config show --json',
  ];

  async run(): Promise<ConfigReport> {
    const result = configShow(this.ctx);
    if (!this.jsonEnabled()) this.log(renderConfig(result));
    return result;
  }
}
