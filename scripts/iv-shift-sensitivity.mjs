#!/usr/bin/env node
// How a leaderboard moves with the IV level: replays the default grid over a short window at
// --iv-shift -2, 0 and +2 vol points and prints, for the top configurations at 0, their realised
// P&L and rank at each shift (the table in the README). Needs a build first (npm run build).
// Usage: node scripts/iv-shift-sensitivity.mjs [FROM TO] [0=RUN_ID -2=RUN_ID 2=RUN_ID]
// (run ids of finished runs skip the replays; ARGUS_DB picks the database as usual.)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const args = process.argv.slice(2);
const [from, to] = args
  .filter((a) => /^\d{4}-\d{2}-\d{2}$/.test(a))
  .concat(['2025-03-03', '2025-03-28'])
  .slice(0, 2);
const given = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=')));
const SHIFTS = ['-2', '0', '2'];
const TOP = 10;
const DEPTH = 5000;

const argus = (a) =>
  JSON.parse(execFileSync(bin, [...a, '--json'], { maxBuffer: 1 << 30, encoding: 'utf8' }));

const runs = {};
for (const s of SHIFTS) {
  runs[s] =
    given[s] ??
    argus(['farm', 'run', '--source', 'replay', '--from', from, '--to', to, `--iv-shift=${s}`]).runId;
}
const boards = Object.fromEntries(
  SHIFTS.map((s) => [s, argus(['leaderboard', '--run', runs[s], '--limit', String(DEPTH)]).rows]),
);
const where = (c) =>
  [
    'warmthFloor',
    'ivRankFloor',
    'session',
    'dte',
    'shortDelta',
    'width',
    'profitTargetPct',
    'stopLossX',
    'trailingStopPct',
    'sizePct',
  ]
    .map((k) => `${k}=${c[k]}`)
    .join(',');
const cell = (s, row) => {
  const i = boards[s].findIndex((r) => r.trader === row.trader);
  if (i >= 0) return { rank: String(i + 1), pnl: boards[s][i].realizedUsd };
  const hit = argus(['leaderboard', '--run', runs[s], '--where', where(row.config), '--min-trades', '0'])
    .rows[0];
  return { rank: `> ${DEPTH}`, pnl: hit ? hit.realizedUsd : 0 };
};
const usd = (x) => `${x < 0 ? '−' : ''}$${Math.abs(x).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
console.log(
  `Replay ${from} → ${to}, default grid; runs ${SHIFTS.map((s) => `${s}: ${runs[s]}`).join(', ')}\n`,
);
console.log('| rank at 0 | configuration | P&L −2 vp (rank) | P&L 0 | P&L +2 vp (rank) |');
console.log('|---|---|---|---|---|');
boards['0'].slice(0, TOP).forEach((row, i) => {
  const c = row.config;
  const name = `dte ${c.dte}, Δ ${c.shortDelta}, $${c.width} wide, ${c.session}, warmth ≥ ${c.warmthFloor}, IVR ≥ ${c.ivRankFloor}, PT ${c.profitTargetPct} %, stop ${c.stopLossX}×, trail ${c.trailingStopPct} %, size ${c.sizePct} %`;
  const lo = cell('-2', row);
  const hi = cell('2', row);
  console.log(
    `| ${i + 1} | ${name} | ${usd(lo.pnl)} (${lo.rank}) | ${usd(row.realizedUsd)} | ${usd(hi.pnl)} (${hi.rank}) |`,
  );
});
const overlap = (s) => {
  const top = new Set(boards[s].slice(0, TOP).map((r) => r.trader));
  return boards['0'].slice(0, TOP).filter((r) => top.has(r.trader)).length;
};
console.log(
  `\nTop ${TOP} at 0 still in the top ${TOP}: ${overlap('-2')} at −2 vp, ${overlap('2')} at +2 vp.`,
);
