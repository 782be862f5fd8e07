import type { MarketCalendar } from '../../core/time/market-calendar.js';
import type { RemovalPlan, RemoveRunResult, RunOverview } from '../../services/runs.js';
import { type Column, columnsTable, csvTable, type TableView } from './table.js';

/** Bytes for people: 1023 B, 1.5 KB, 10 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The runs table's columns: the id and what the run is first, sizes last. */
function runColumns(m: MarketCalendar): Column<RunOverview>[] {
  const day = (ms: number | null) => (ms === null ? '' : m.etDate(ms));
  return [
    { head: 'Run', cell: (r) => r.id.slice(0, 8), align: 'left', priority: 1, csv: (r) => r.id },
    { head: 'Kind', cell: (r) => r.kind, align: 'left', priority: 1 },
    { head: 'Status', cell: (r) => r.status, align: 'left', priority: 1 },
    { head: 'Created (ET)', cell: (r) => m.formatEt(r.createdMs), align: 'left', priority: 3 },
    {
      head: 'Window',
      cell: (r) => (r.windowFromMs === null ? '' : `${day(r.windowFromMs)} → ${day(r.windowToMs)}`),
      align: 'left',
      priority: 2,
    },
    {
      head: 'Traders',
      cell: (r) => (r.traders === null ? '' : r.traders.toLocaleString('en-US')),
      priority: 2,
      csv: (r) => r.traders,
    },
    {
      head: 'Steps',
      cell: (r) =>
        r.stepsDone === null ? '' : r.stepsTotal ? `${r.stepsDone}/${r.stepsTotal}` : String(r.stepsDone),
      priority: 3,
      csv: (r) => r.stepsDone,
    },
    {
      head: 'Checkpoints',
      cell: (r) => (r.checkpointBytes ? formatBytes(r.checkpointBytes) : ''),
      priority: 4,
      csv: (r) => r.checkpointBytes,
    },
    {
      head: 'Note',
      cell: (r) =>
        [r.live ? 'live' : '', r.activePromotions ? `${r.activePromotions} promoted` : '']
          .filter(Boolean)
          .join(', '),
      align: 'left',
      priority: 2,
    },
  ];
}

/** `argus runs list`: one row per run, and how to remove them. */
export function renderRunsList(
  runs: RunOverview[],
  m: MarketCalendar,
  view: TableView & { csv?: boolean } = {},
): string {
  const cols = runColumns(m);
  if (view.csv) return csvTable(cols, runs);
  if (runs.length === 0) return 'No runs.';
  const text = columnsTable(cols, runs, view);
  return [
    text,
    'Remove one with `argus runs rm <run>` (the first 8 characters are enough); old backtests with `argus db prune --before DATE`.',
  ].join('\n');
}

/** `argus runs rm`, before anything is deleted: the run and what goes with it. */
export function renderRemovalPlan(p: RemovalPlan, m: MarketCalendar): string {
  const r = p.run;
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `Run ${r.id}: ${r.kind}${r.live ? ' (live farm)' : ''}, ${r.status}, created ${m.formatEt(r.createdMs)}${r.traders === null ? '' : `, ${n(r.traders)} traders`}`,
    `Deletes: ${n(p.rows.positions)} positions, ${n(p.rows.traderStats)} trader stats rows, ${n(p.rows.steps)} steps, ${n(p.rows.events)} events, ${n(p.rows.blobs)} result blobs, ${n(p.rows.checkpoints)} checkpoint rows; ${n(p.checkpointFiles.count)} checkpoint files (${formatBytes(p.checkpointFiles.bytes)})`,
  ].join('\n');
}

/** `argus runs rm`, after: what a dry run would refuse, or what was freed. */
/** The question `runs rm` asks on a terminal. */
export function removalQuestion(p: RemovalPlan): string {
  return `Remove run ${p.run.id.slice(0, 8)} (${p.run.kind}, ${p.run.status}) and everything listed above? [y/N] `;
}

export function renderRemoval(r: RemoveRunResult): string {
  if (r.dryRun) {
    return r.blockers.length
      ? `Dry run: nothing deleted. Without --force this would be refused: ${r.blockers.join('; ')}.`
      : 'Dry run: nothing deleted.';
  }
  if (!r.removed) return 'Cancelled: nothing deleted.';
  return [
    `Removed run ${r.run.id}; ${formatBytes(r.freedCheckpointBytes)} of checkpoint files deleted.`,
    'The database file shrinks only after `argus db prune` (it runs VACUUM).',
  ].join('\n');
}
