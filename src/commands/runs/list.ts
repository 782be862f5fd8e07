import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../../cli/base-command.js';
import { formatBytes } from '../../services/prune.js';
import { listRuns, type RunSummary } from '../../services/runs.js';

export default class RunsList extends BaseCommand<typeof RunsList> {
  static override description =
    'List runs (live farm and backtests), newest first, with size, progress and checkpoint disk use';
  static override examples = [
    '<%= config.bin %> runs list',
    '<%= config.bin %> runs list --kind replay --limit 100 --json',
  ];
  static override flags = {
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

  async run(): Promise<{ runs: RunSummary[] }> {
    const ctx = this.ctx;
    const runs = listRuns(ctx.store(), {
      limit: this.flags.limit,
      kind: this.flags.kind,
      status: this.flags.status,
    });
    if (!this.jsonEnabled()) {
      if (runs.length === 0) {
        this.log('No runs.');
        return { runs };
      }
      const m = ctx.calendar;
      const day = (ms: number | null) => (ms === null ? '' : m.etDate(ms));
      const t = new Table({
        head: ['Run', 'Kind', 'Status', 'Created (ET)', 'Window', 'Traders', 'Steps', 'Checkpoints', 'Note'],
      });
      for (const r of runs) {
        const notes = [
          r.live ? 'live' : '',
          r.activePromotions ? `${r.activePromotions} promoted` : '',
        ].filter(Boolean);
        t.push([
          r.id.slice(0, 8),
          r.kind,
          r.status,
          m.formatEt(r.createdMs),
          r.windowFromMs === null ? '' : `${day(r.windowFromMs)} → ${day(r.windowToMs)}`,
          r.traders === null ? '' : r.traders.toLocaleString('en-US'),
          r.stepsDone === null ? '' : r.stepsTotal ? `${r.stepsDone}/${r.stepsTotal}` : String(r.stepsDone),
          r.checkpointBytes ? formatBytes(r.checkpointBytes) : '',
          notes.join(', '),
        ]);
      }
      this.log(t.toString());
      this.log(
        'Remove one with `argus runs rm <run>` (the first 8 characters are enough); old backtests with `argus db prune --before DATE`.',
      );
    }
    return { runs };
  }
}
