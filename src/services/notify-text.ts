import type { Candidate, SignalResult } from '../core/conditions/signal.js';
import { formatMoney, formatPct } from '../core/format.js';
import type { DailyReview, TraderDay } from '../core/review.js';

/** Plain text (no parse_mode): nothing in a message can break Telegram's entity parser. */

export function recommendationKey(c: Candidate): string {
  return `rec:${c.symbol}:${c.expiry}:${c.shortStrike}/${c.longStrike}`;
}

export function recommendationText(r: SignalResult, c: Candidate, fmtTime: (ms: number) => string): string {
  const k = r.conditions;
  const lines = [`Argus — new recommendation (${fmtTime(r.atMs)}, source ${r.source})`];
  lines.push(`Sell ${c.symbol} ${c.expiry} ${c.shortStrike}/${c.longStrike} put spread (${c.dte} DTE)`);
  if (c.creditPerShare !== null && c.creditPerContractAfterFees !== null && c.maxLossPerContract !== null) {
    lines.push(
      `Credit ${c.creditPerShare.toFixed(2)}/share at the fill model = ${formatMoney(c.creditPerContractAfterFees)} per contract after fees; max loss ${formatMoney(c.maxLossPerContract)}`,
    );
  }
  if (c.outcomes) {
    const ev =
      c.expectedValuePerContract !== null
        ? `, EV ${formatMoney(c.expectedValuePerContract)} per contract`
        : '';
    lines.push(`PoP ${formatPct(c.outcomes.pop, 1)} ± ${formatPct(c.outcomes.popSE, 1)} (${c.model})${ev}`);
  }
  const w = k.warmth.status === 'ok' ? `warmth ${k.warmth.display}/10` : 'warmth n/a';
  const ivr = k.ivRank.status === 'ok' ? `IV rank ${(k.ivRank.rank * 100).toFixed(0)}` : 'IV rank n/a';
  const regime = k.regime.status === 'ok' ? `regime ${k.regime.regime}` : 'regime n/a';
  const gap = k.gap.status === 'ok' ? `gap ${formatPct(k.gap.gapFrac, 2, true)}` : 'gap n/a';
  lines.push(`${w}, ${ivr}, ${regime}, ${gap}`);
  if (c.eventsBeforeExpiry.length) {
    lines.push(`Events before expiry: ${c.eventsBeforeExpiry.map((e) => `${e.title} ${e.date}`).join(', ')}`);
  }
  lines.push(`Config: ${c.config.label}`);
  return lines.join('\n');
}

export interface PromotionNotice {
  traderId: number;
  runId: string;
  rank?: number | null;
  /** The trader's configuration (grid dimensions), shown as key=value. */
  config?: Record<string, unknown> | null;
  realizedUsd?: number | null;
  trades?: number | null;
  winRate?: number | null;
  sharpe?: number | null;
  note?: string | null;
}

export function promotionKey(p: PromotionNotice): string {
  return `promotion:${p.runId}:${p.traderId}`;
}

export function promotionText(p: PromotionNotice): string {
  const rank = p.rank !== undefined && p.rank !== null ? ` (rank ${p.rank})` : '';
  const lines = [`Argus — promoted trader ${p.traderId}${rank} from run ${p.runId.slice(0, 8)}`];
  if (p.config) {
    const parts = Object.entries(p.config)
      .filter(([k, v]) => k !== 'id' && v !== null && typeof v !== 'object')
      .map(([k, v]) => `${k}=${String(v)}`);
    if (parts.length) lines.push(`Config: ${parts.join(', ')}`);
  }
  const perf: string[] = [];
  if (typeof p.realizedUsd === 'number' && Number.isFinite(p.realizedUsd))
    perf.push(`realised ${formatMoney(p.realizedUsd)}`);
  if (typeof p.trades === 'number') perf.push(`${p.trades} trades`);
  if (typeof p.winRate === 'number') perf.push(`win rate ${formatPct(p.winRate, 0)}`);
  if (typeof p.sharpe === 'number' && Number.isFinite(p.sharpe)) perf.push(`Sharpe ${p.sharpe.toFixed(2)}`);
  if (perf.length) lines.push(perf.join(', '));
  if (p.note) lines.push(p.note);
  return lines.join('\n');
}

/** Compact plain text of the review, for Telegram (no tables: chat fonts are proportional). */
export function reviewText(r: DailyReview, fmtTime: (ms: number) => string): string {
  const lines = [`Argus — daily review ${r.date} (as of ${fmtTime(r.asOfMs)})`];
  if (r.note) lines.push(`Note: ${r.note}`);
  const c = r.closed;
  lines.push(
    `Opened ${r.opened.trades} (${r.opened.contracts} contracts, ${formatMoney(r.opened.creditUsd)} credit, ${r.opened.traders} traders)`,
  );
  lines.push(
    `Closed ${c.trades}: realised ${formatMoney(c.realizedUsd)} (exits ${formatMoney(c.closedUsd)}, expiries ${formatMoney(c.expiredUsd)}); wins ${c.wins}, losses ${c.losses}${c.winRate === null ? '' : ` (${formatPct(c.winRate, 0)})`}`,
  );
  if (r.exitsByReason.length) {
    lines.push(
      `Exits: ${r.exitsByReason.map((e) => `${e.reason} ${e.trades} (${formatMoney(e.pnlUsd)})`).join(', ')}`,
    );
  }
  const op = r.open;
  lines.push(
    `Open ${op.positions} (${op.contracts} contracts): unrealised ${formatMoney(op.unrealizedUsd)} marked ${op.markedAtMs === null ? 'never' : fmtTime(op.markedAtMs)}; credit ${formatMoney(op.creditUsd)}, max loss ${formatMoney(op.maxLossUsd)}${op.closedSince ? `; ${op.closedSince} more closed since` : ''}`,
  );
  const trader = (t: TraderDay) => `#${t.trader} ${formatMoney(t.realizedUsd)} (${t.trades})`;
  if (r.traders.best.length) lines.push(`Best: ${r.traders.best.slice(0, 3).map(trader).join(', ')}`);
  if (r.traders.worst.length) lines.push(`Worst: ${r.traders.worst.slice(0, 3).map(trader).join(', ')}`);
  const p = r.promotions;
  if (p.status === 'ok') {
    const today = p.promotedOnDate ?? [];
    lines.push(
      `Promotions: ${today.length ? today.map((x) => `#${x.trader}`).join(', ') : 'none today'}; ${p.active.length} active`,
    );
  }
  if (r.events.entries.length) {
    lines.push(
      `Upcoming: ${r.events.entries
        .slice(0, 6)
        .map((e) => `${e.title} ${e.timeMs === null ? e.date : fmtTime(e.timeMs)}`)
        .join('; ')}`,
    );
  } else lines.push('Upcoming: no FOMC, CPI or market closures in the next 7 days');
  const g = r.gap;
  if (g.status === 'ok') {
    lines.push(
      `Gap: BTC ${formatPct(g.btcMoveFrac, 2, true)} since the ${g.sessionDate} close; implied IBIT open ${formatMoney(g.impliedIbitOpen)} vs close ${formatMoney(g.ibitClose)}`,
    );
  } else lines.push(`Gap: unknown (${g.reason})`);
  const n = r.notifications;
  if (n?.failed) {
    lines.push(
      `Notifications failed: ${n.failed}; latest ${n.lastFailed.map((f) => `#${f.id} ${f.kind}: ${f.reason}`).join('; ')}`,
    );
  }
  return lines.join('\n');
}
