import { formatMoney, formatPct } from '../../core/format.js';
import { formatEt } from '../../core/time/market-calendar.js';
import type { PromoteReviewResult, PromotionReview } from '../../services/promote.js';
import { type Column, columnsTable, type TableView } from './table.js';
import { traderConfigPhrase } from './trader-config.js';

const STATUS: Record<PromotionReview['status'], string> = {
  demote: 'demote',
  keep: 'kept',
  continue: 'following',
  'no evidence': 'no evidence',
  'not followed': 'not followed',
};

const money = (x: number | null) => (x === null ? '—' : formatMoney(x));

const COLUMNS: Column<PromotionReview>[] = [
  { head: 'Rank', cell: (r) => String(r.rank), priority: 1 },
  { head: 'Trader', cell: (r) => String(r.trader), priority: 1 },
  { head: 'Live', cell: (r) => (r.live ? String(r.live.trader) : '—'), priority: 2 },
  { head: 'Promoted', cell: (r) => formatEt(r.promotedMs), priority: 5 },
  { head: 'Trades', cell: (r) => `${r.tradesRead}/${r.forwardTrades}`, priority: 2 },
  { head: 'Forward P&L', cell: (r) => formatMoney(r.forwardPnlUsd), priority: 3 },
  {
    head: 'In sample/trade',
    cell: (r) =>
      r.isTradeMeanUsd === null || r.isTradeSdUsd === null || r.isTradeT === null
        ? '—'
        : `${formatMoney(r.isTradeMeanUsd)} ± ${formatMoney(r.isTradeSdUsd)} (t ${r.isTradeT.toFixed(2)})`,
    priority: 4,
  },
  { head: 'Tested', cell: (r) => money(r.shrunkMeanUsd), priority: 2 },
  { head: 'Log LR', cell: (r) => (r.llr === null ? '—' : r.llr.toFixed(3)), priority: 3 },
  {
    // What the review can see: the trades it reads on average before demoting a configuration with no edge.
    head: 'Needs',
    cell: (r) => (r.tradesNeeded ? `≈${Math.round(r.tradesNeeded.noEdge).toLocaleString('en-US')}` : '—'),
    priority: 3,
  },
  {
    head: 'Status',
    cell: (r) => (r.status === 'demote' && !r.demoted ? 'would demote' : STATUS[r.status]),
    priority: 1,
    align: 'left',
  },
  { head: 'Why', cell: (r) => r.reason, priority: 1, align: 'left', wrap: true },
];

/** `argus promote --review`: the test and its rates, one row per active promotion, the configurations, the verdict. */
export function renderPromoteReview(r: PromoteReviewResult, view: TableView = {}): string {
  const lines = [
    `Review of the active promotions at ${formatEt(r.atMs)}${r.dryRun ? ' (dry run: nothing recorded)' : ''}: each one's forward trades on the live farm${r.liveRunId ? ` (run ${r.liveRunId.slice(0, 8)}…)` : ''}, closed after its promotion, tested with Wald's SPRT against its in-sample mean per trade shrunk by its t, mean · max(0, 1 − 1/t²).`,
    `α ${formatPct(r.alpha)}, β ${formatPct(r.beta)}: demote at log LR ≥ ${r.demoteAt.toFixed(3)} (a configuration with that edge is demoted with probability ≤ ${formatPct(r.falseDemotionMax, 2)}), keep at ≤ ${r.keepAt.toFixed(3)} (one with no edge is kept with probability ≤ ${formatPct(r.missedDemotionMax, 2)}).`,
  ];
  if (!r.reviews.length) {
    lines.push(`${r.message.charAt(0).toUpperCase()}${r.message.slice(1)}`);
    return lines.join('\n');
  }
  lines.push(
    '',
    columnsTable(COLUMNS, r.reviews, view),
    "Needs: the forward trades the test reads on average before demoting a configuration with no edge (Wald's approximation).",
    '',
  );
  for (const x of r.reviews) lines.push(`  ${x.rank}. trader ${x.trader}: ${traderConfigPhrase(x.config)}`);
  lines.push('', `${r.message.charAt(0).toUpperCase()}${r.message.slice(1)}.`);
  if (r.demoted) lines.push('The recommendation (`argus signal`) no longer uses the demoted configurations.');
  return lines.join('\n');
}
