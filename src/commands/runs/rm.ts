import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { formatBytes } from '../../services/prune.js';
import { planRemoveRun, type RemovalPlan, type RemovalResult, removeRun } from '../../services/runs.js';

export default class RunsRm extends BaseCommand<typeof RunsRm> {
  static override description =
    "Remove a run with all its rows (positions, trader stats, steps, events) and its checkpoint files. The live farm's run and runs marked running need --force";
  static override examples = [
    '<%= config.bin %> runs rm 3f2a9c1e --dry-run',
    '<%= config.bin %> runs rm 3f2a9c1e-0b7d-4c1e-9a51-2f0e8d6b7c44',
  ];
  static override args = {
    id: Args.string({
      description: 'run id, or a unique prefix of it (from `argus runs list`)',
      required: true,
    }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'print what would be deleted and change nothing' }),
    force: Flags.boolean({
      description: 'also remove the live run, a run marked running, or a promoted run',
    }),
  };

  async run(): Promise<(RemovalPlan & { dryRun: true }) | (RemovalResult & { dryRun: false })> {
    const ctx = this.ctx;
    const store = ctx.store();
    const plan = planRemoveRun(store, this.args.id);
    if (!this.jsonEnabled()) this.describe(plan);
    if (this.flags['dry-run']) {
      if (!this.jsonEnabled()) {
        this.log(
          plan.blockers.length
            ? `Dry run: nothing deleted. Without --force this would be refused: ${plan.blockers.join('; ')}.`
            : 'Dry run: nothing deleted.',
        );
      }
      return { ...plan, dryRun: true };
    }
    const r = removeRun(store, plan, { force: this.flags.force });
    if (!this.jsonEnabled()) {
      this.log(
        `Removed run ${r.run.id}; ${formatBytes(r.freedCheckpointBytes)} of checkpoint files deleted.`,
      );
      this.log('The database file shrinks only after `argus db prune` (it runs VACUUM).');
    }
    return { ...r, dryRun: false };
  }

  private describe(p: RemovalPlan): void {
    const m = this.ctx.calendar;
    const r = p.run;
    const n = (x: number) => x.toLocaleString('en-US');
    this.log(
      `Run ${r.id}: ${r.kind}${r.live ? ' (live farm)' : ''}, ${r.status}, created ${m.formatEt(r.createdMs)}${r.traders === null ? '' : `, ${n(r.traders)} traders`}`,
    );
    this.log(
      `Deletes: ${n(p.rows.positions)} positions, ${n(p.rows.traderStats)} trader stats rows, ${n(p.rows.steps)} steps, ${n(p.rows.events)} events, ${n(p.rows.blobs)} result blobs, ${n(p.rows.checkpoints)} checkpoint rows; ${n(p.checkpointFiles.count)} checkpoint files (${formatBytes(p.checkpointFiles.bytes)})`,
    );
  }
}
