import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { columnList, tableFlags } from '../../cli/flags.js';
import { renderRunsList } from '../../cli/render/runs.js';
import { outputWidth } from '../../cli/terminal.js';
import { listRuns, type RunOverview } from '../../services/runs.js';

export default class RunsList extends BaseCommand<typeof RunsList> {
  static override description =
    'List runs (live farm and backtests), newest first, with size, progress and checkpoint disk use';
  static override examples = [
    '<%= config.bin %> runs list',
    '<%= config.bin %> runs list --kind replay --limit 100 --json',
  ];
  static override flags = {
    ...tableFlags,
    limit: Flags.integer({ description: 'at most this many runs', default: 50, min: 1, max: 100_000 }),
    kind: Flags.option({
      options: ['live', 'replay', 'sim'] as const,
      description: 'only runs of this kind',
    })(),
    status: Flags.option({
      options: ['running', 'completed', 'failed', 'interrupted'] as const,
      description: 'only runs with this status',
    })(),
  };

  protected override readsOnly(): boolean {
    return true;
  }

  async run(): Promise<{ runs: RunOverview[] }> {
    const f = this.flags;
    const runs = listRuns(this.ctx, { limit: f.limit, kind: f.kind, status: f.status });
    if (!this.jsonEnabled())
      this.log(
        renderRunsList(runs, this.ctx.calendar, {
          width: outputWidth(),
          pick: columnList(this.flags.columns),
          csv: this.flags.csv,
        }),
      );
    return { runs };
  }
}
