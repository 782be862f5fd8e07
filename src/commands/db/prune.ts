import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { dateFlag } from '../../cli/flags.js';
import { renderPrune, renderPrunePlan } from '../../cli/render/prune.js';
import { type PruneOutcome, prune } from '../../services/prune.js';

export default class DbPrune extends BaseCommand<typeof DbPrune> {
  static override description =
    'Delete completed and failed backtest runs created before DATE (with their checkpoint files), older gap snapshots and sent notifications, then truncate the WAL and VACUUM. VACUUM needs free disk about the size of the database';
  static override examples = [
    '<%= config.bin %> db prune --before 2026-01-01 --dry-run',
    '<%= config.bin %> db prune --before 2026-01-01 --json',
  ];
  static override flags = {
    before: dateFlag({
      description: 'ET date: what is older than its start goes',
      required: true,
    }),
    'dry-run': Flags.boolean({ description: 'print what would be deleted and change nothing' }),
  };

  async run(): Promise<PruneOutcome> {
    const text = !this.jsonEnabled();
    const result = prune(this.ctx, {
      before: this.flags.before,
      dryRun: this.flags['dry-run'],
      onPlan: text ? (plan) => this.log(renderPrunePlan(plan, this.ctx.calendar)) : undefined,
    });
    if (text) this.log(renderPrune(result));
    return result;
  }
}
