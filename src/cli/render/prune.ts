import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { PruneOutcome, PrunePlan } from '../../services/prune.js';
import { formatBytes } from './runs.js';

/** `argus db prune`, before anything is deleted: what goes and what is kept. */
export function renderPrunePlan(p: PrunePlan, m: MarketCalendar): string {
  const out = [
    `Before ${p.before} (${m.formatEt(p.beforeMs)}):`,
    `  ${p.runs.length} completed/failed backtest runs`,
  ];
  for (const r of p.runs.slice(0, 20)) {
    out.push(
      `    ${r.id.slice(0, 8)} ${r.kind} ${r.status}, created ${m.etDate(r.createdMs)}${r.traders === null ? '' : `, ${r.traders.toLocaleString('en-US')} traders`}`,
    );
  }
  if (p.runs.length > 20) out.push(`    … and ${p.runs.length - 20} more`);
  for (const s of p.skippedRuns) out.push(`  kept ${s.id.slice(0, 8)}: ${s.reason}`);
  const g = p.gapSnapshots;
  out.push(
    `  ${g.count} gap snapshots${g.count ? ` (${g.first} … ${g.last})` : ''}${g.keptReason ? `; ${g.keptReason}` : ''}`,
  );
  out.push(
    `  ${p.outbox.count} sent or suppressed notifications created before ${m.formatEt(p.outbox.cutoffMs)}`,
  );
  const f = p.checkpointFiles;
  out.push(
    `  ${f.count} checkpoint files (${formatBytes(f.bytes)})${f.orphanRuns.length ? `, including files of ${f.orphanRuns.length} runs no longer in the database` : ''}`,
  );
  return out.join('\n');
}

/** `argus db prune`, after: what was deleted and the space it gave back. */
export function renderPrune(r: PruneOutcome): string {
  if (r.dryRun) return 'Dry run: nothing deleted.';
  const out = [
    `Deleted ${r.deleted.runs} runs, ${r.deleted.gapSnapshots} gap snapshots, ${r.deleted.outbox} notifications, ${r.deleted.checkpointFiles} checkpoint files.`,
  ];
  if (r.vacuum.ok) {
    out.push(
      `Database ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)} (with WAL); freed ${formatBytes(r.freedBytes)} in all, checkpoint files included.`,
    );
    if (r.checkpoint?.busy)
      out.push('Note: another connection kept the WAL from being truncated completely.');
  } else {
    out.push(
      `Rows deleted, but VACUUM failed: ${r.vacuum.error}. Space is reused by SQLite; run prune again later to shrink the file.`,
    );
  }
  return out.join('\n');
}
