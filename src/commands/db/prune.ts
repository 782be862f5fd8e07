import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { dateFlag } from '../../cli/flags.js';
import { formatBytes, type PrunePlan, type PruneResult, planPrune, prune } from '../../services/prune.js';

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

  async run(): Promise<(PrunePlan & { dryRun: true }) | (PruneResult & { dryRun: false })> {
    const ctx = this.ctx;
    const store = ctx.store();
    const before = this.flags.before;
    const dedupMs = ctx.config.config.notifications.recommendations.dedupMinutes * 60_000;
    const plan = planPrune(store, {
      before,
      nowMs: ctx.clock.nowMs(),
      market: ctx.calendar,
      keepOutboxMs: Math.max(7 * 86_400_000, dedupMs),
    });
    if (!this.jsonEnabled()) this.describe(plan);
    if (this.flags['dry-run']) {
      if (!this.jsonEnabled()) this.log('Dry run: nothing deleted.');
      return { ...plan, dryRun: true };
    }
    const r = prune(store, plan);
    if (!this.jsonEnabled()) {
      this.log(
        `Deleted ${r.deleted.runs} runs, ${r.deleted.gapSnapshots} gap snapshots, ${r.deleted.outbox} notifications, ${r.deleted.checkpointFiles} checkpoint files.`,
      );
      if (r.vacuum.ok) {
        this.log(
          `Database ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)} (with WAL); freed ${formatBytes(r.freedBytes)} in all, checkpoint files included.`,
        );
        if (r.checkpoint?.busy)
          this.log('Note: another connection kept the WAL from being truncated completely.');
      } else {
        this.log(
          `Rows deleted, but VACUUM failed: ${r.vacuum.error}. Space is reused by SQLite; run prune again later to shrink the file.`,
        );
      }
    }
    return { ...r, dryRun: false };
  }

  private describe(p: PrunePlan): void {
    const m = this.ctx.calendar;
    this.log(`Before ${p.before} (${m.formatEt(p.beforeMs)}):`);
    this.log(`  ${p.runs.length} completed/failed backtest runs`);
    for (const r of p.runs.slice(0, 20)) {
      this.log(
        `    ${r.id.slice(0, 8)} ${r.kind} ${r.status}, created ${m.etDate(r.createdMs)}${r.traders === null ? '' : `, ${r.traders.toLocaleString('en-US')} traders`}`,
      );
    }
    if (p.runs.length > 20) this.log(`    … and ${p.runs.length - 20} more`);
    for (const s of p.skippedRuns) this.log(`  kept ${s.id.slice(0, 8)}: ${s.reason}`);
    const g = p.gapSnapshots;
    this.log(
      `  ${g.count} gap snapshots${g.count ? ` (${g.first} … ${g.last})` : ''}${g.keptReason ? `; ${g.keptReason}` : ''}`,
    );
    this.log(
      `  ${p.outbox.count} sent or suppressed notifications created before ${m.formatEt(p.outbox.cutoffMs)}`,
    );
    const f = p.checkpointFiles;
    this.log(
      `  ${f.count} checkpoint files (${formatBytes(f.bytes)})${f.orphanRuns.length ? `, including files of ${f.orphanRuns.length} runs no longer in the database` : ''}`,
    );
  }
}
