import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { confirm, interactive } from '../../cli/confirm.js';
import { removalQuestion, renderRemoval, renderRemovalPlan } from '../../cli/render/runs.js';
import { UsageError } from '../../core/errors.js';
import { type RemoveRunResult, removeRun } from '../../services/runs.js';

export default class RunsRm extends BaseCommand<typeof RunsRm> {
  static override description =
    "Remove a run with all its rows (positions, trader stats, steps, events) and its checkpoint files. The live farm's run and runs marked running need --force";
  static override examples = [
    '<%= config.bin %> runs rm <run-id> --dry-run',
    '<%= config.bin %> runs rm <run-id> --yes',
  ];
  static override args = {
    id: Args.string({
      description: 'run id, or a unique prefix of it (from `argus runs list`)',
      required: true,
    }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'print what would be deleted and change nothing' }),
    yes: Flags.boolean({
      char: 'y',
      description: 'remove without asking (scripts; required off a terminal)',
    }),
    force: Flags.boolean({
      description: 'also remove the live run, a run marked running, or a promoted run',
    }),
  };

  async run(): Promise<RemoveRunResult> {
    const text = !this.jsonEnabled();
    const ask = !this.flags.yes && !this.flags['dry-run'];
    const result = await removeRun(this.ctx, {
      run: this.args.id,
      dryRun: this.flags['dry-run'],
      force: this.flags.force,
      // The plan is shown before a refusal too.
      onPlan: text ? (plan) => this.log(renderRemovalPlan(plan, this.ctx.calendar)) : undefined,
      confirm: ask
        ? async (plan) => {
            if (!interactive())
              throw new UsageError(
                'runs rm asks before it deletes, and there is no terminal to ask on',
                'pass --yes to remove without asking (or --dry-run to see what would go)',
              );
            return confirm(removalQuestion(plan));
          }
        : undefined,
    });
    if (text) this.log(renderRemoval(result));
    return result;
  }
}
