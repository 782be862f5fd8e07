#!/usr/bin/env node
// The README's exits-by-year table, from one backtest's step records (farm_steps, exits_json):
//   node scripts/exits-by-year.mjs DB [RUN-ID]   (default: the newest completed farm run)
// Years are the UTC year of the step; realised P&L is summed over every trader.
import Database from 'better-sqlite3';

const [dbPath, runArg] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node scripts/exits-by-year.mjs DB [RUN-ID]');
  process.exit(2);
}
const db = new Database(dbPath, { readonly: true, fileMustExist: true });
const run =
  runArg ??
  db
    .prepare(
      "SELECT r.id FROM runs r JOIN farm_runs f ON f.run_id = r.id WHERE r.status = 'completed' ORDER BY r.created_ms DESC LIMIT 1",
    )
    .pluck()
    .get();
if (!run) {
  console.error(`no completed farm run in ${dbPath}`);
  process.exit(1);
}
const REASONS = ['profit_target', 'stop', 'trailing_stop', 'expiry', 'assignment'];
const years = new Map();
const add = (y, row) => {
  const a = years.get(y) ?? { steps: 0, opened: 0, closed: 0, realized: 0, exits: {} };
  a.steps += 1;
  a.opened += row.opened;
  a.closed += row.closed;
  a.realized += row.realized_cents;
  for (const [k, v] of Object.entries(JSON.parse(row.exits_json ?? '{}'))) a.exits[k] = (a.exits[k] ?? 0) + v;
  years.set(y, a);
};
for (const row of db
  .prepare(
    'SELECT t_ms, opened, closed, realized_cents, exits_json FROM farm_steps WHERE run_id = ? ORDER BY step',
  )
  .iterate(run)) {
  const y = new Date(row.t_ms).getUTCFullYear();
  add(String(y), row);
  add('all', row);
}
const n = (x) => x.toLocaleString('en-US');
const m = (c) =>
  `${c < 0 ? '−' : ''}$${(Math.abs(c) / 1e8).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}M`;
console.log(`run ${run}`);
console.log(
  `| year | steps | opened | closed | ${REASONS.map((r) => r.replace('_', ' ')).join(' | ')} | realised, all traders |`,
);
console.log(`|${'---|'.repeat(5 + REASONS.length)}`);
for (const [y, a] of [...years].sort(([x], [z]) => (x === 'all') - (z === 'all') || x.localeCompare(z))) {
  console.log(
    `| ${y} | ${n(a.steps)} | ${n(a.opened)} | ${n(a.closed)} | ${REASONS.map((r) => n(a.exits[r] ?? 0)).join(' | ')} | ${m(a.realized)} |`,
  );
}
