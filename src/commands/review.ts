import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag, sourceFlags } from '../cli/flags.js';
import { formatMoney, formatPct } from '../core/format.js';
import type { MarketDataSource } from '../core/market/port.js';
import { gapView } from '../services/gap.js';
import {
  deliverPending,
  describeNotify,
  enqueueReview,
  type NotifyReport,
  requireTelegram,
} from '../services/notify.js';
import { type DailyReview, dailyReview, reviewText } from '../services/review.js';

export default class Review extends BaseCommand<typeof Review> {
  static override description =
    "The live farm's day: trades opened and closed, realised P&L (exits and expiries), open positions marked to market, exits by reason, best and worst traders, promotions, upcoming events and gap risk";
  static override examples = [
    '<%= config.bin %> review',
    '<%= config.bin %> review --date 2026-02-10 --json',
    '<%= config.bin %> review --notify',
  ];
  static override flags = {
    date: dateFlag({ description: 'ET date to review (default: today in New York)' }),
    source: sourceFlags.source,
    notify: Flags.boolean({ description: 'also send the review to Telegram (through the outbox)' }),
  };

  async run(): Promise<DailyReview & { notify?: NotifyReport }> {
    const ctx = this.ctx;
    const c = ctx.config.config;
    if (this.flags.notify) requireTelegram(c);
    const date = this.flags.date;
    const store = ctx.store();
    const m = ctx.calendar;
    const opened: MarketDataSource[] = [];
    try {
      const r = await dailyReview(
        {
          store,
          market: m,
          economic: ctx.economic,
          nowMs: ctx.clock.nowMs(),
          feePerContractPerLegUsd: c.farm.feePerContractPerLegUsd,
          gap: async (atMs) => {
            const source = ctx.source(ctx.defaultSource, { atMs });
            opened.push(source);
            return gapView(source, m, store, atMs);
          },
        },
        { date },
      );
      let notify: NotifyReport | undefined;
      if (this.flags.notify) {
        // Queued and sent while the store is open; anything undelivered waits in the outbox.
        const opts = { clock: ctx.clock, config: c };
        const enqueued = [
          enqueueReview(
            store,
            r.date,
            reviewText(r, (ms) => m.formatEt(ms)),
            opts,
          ),
        ];
        notify = { enqueued, delivery: await deliverPending(store, { ...opts, log: this.logger }) };
      }
      if (!this.jsonEnabled()) {
        this.render(r);
        if (notify) this.log(describeNotify(notify));
      }
      return notify ? { ...r, notify } : r;
    } finally {
      for (const s of opened) await s.close?.();
    }
  }

  private render(r: DailyReview): void {
    const m = this.ctx.calendar;
    const fmt = (ms: number) => m.formatEt(ms);
    this.log(
      `Daily review ${r.date} — as of ${fmt(r.asOfMs)}${r.liveRunId ? `, live run ${r.liveRunId}` : ''}`,
    );
    if (r.note) this.log(`Note: ${r.note}`);
    const o = r.opened;
    this.log(
      `Opened: ${o.trades.toLocaleString('en-US')} trades, ${o.contracts.toLocaleString('en-US')} contracts, ${formatMoney(o.creditUsd)} credit, ${o.traders.toLocaleString('en-US')} traders`,
    );
    const c = r.closed;
    this.log(
      `Closed: ${c.trades.toLocaleString('en-US')} trades — realised ${formatMoney(c.realizedUsd)} (exits ${formatMoney(c.closedUsd)}, expiries ${formatMoney(c.expiredUsd)}; fees ${formatMoney(c.feesUsd)}); ${c.wins} wins, ${c.losses} losses${c.winRate === null ? '' : ` (${formatPct(c.winRate, 1)})`}`,
    );
    if (r.exitsByReason.length) {
      const t = new Table({ head: ['Exit reason', 'Trades', 'P&L'] });
      for (const e of r.exitsByReason)
        t.push([e.reason, e.trades.toLocaleString('en-US'), formatMoney(e.pnlUsd)]);
      this.log(t.toString());
    }
    const op = r.open;
    this.log(
      `Open at the end of the day: ${op.positions.toLocaleString('en-US')} positions, ${op.contracts.toLocaleString('en-US')} contracts — unrealised ${formatMoney(op.unrealizedUsd)} marked to market (${op.markedAtMs === null ? 'no mark yet' : `last mark ${fmt(op.markedAtMs)}`}), credit ${formatMoney(op.creditUsd)}, max loss ${formatMoney(op.maxLossUsd)}`,
    );
    if (op.closedSince)
      this.log(
        `  ${op.closedSince.toLocaleString('en-US')} more were open then and have closed since (their mark that day was not kept)`,
      );
    if (op.bySpread.length) {
      const t = new Table({ head: ['Spread', 'Positions', 'Contracts', 'Credit', 'Unrealised'] });
      for (const s of op.bySpread.slice(0, 10)) {
        t.push([
          `${s.symbol} ${s.expiry} ${s.shortStrike}/${s.longStrike}P`,
          s.positions.toLocaleString('en-US'),
          s.contracts.toLocaleString('en-US'),
          formatMoney(s.creditUsd),
          formatMoney(s.unrealizedUsd),
        ]);
      }
      this.log(t.toString());
    }
    for (const [label, list] of [
      ['Best traders', r.traders.best],
      ['Worst traders', r.traders.worst],
    ] as const) {
      if (!list.length) continue;
      const t = new Table({ head: ['Trader', 'Trades', 'Wins', 'Realised', 'Config'] });
      for (const x of list) {
        const cfg = x.config
          ? `${x.config.symbol} ${x.config.dte}d Δ${x.config.shortDelta} $${x.config.width} PT${x.config.profitTargetPct}% ${x.config.stopLossX}× ${x.config.session}`
          : '';
        t.push([x.trader, x.trades, x.wins, formatMoney(x.realizedUsd), cfg]);
      }
      this.log(`${label} of the day:`);
      this.log(t.toString());
    }
    const p = r.promotions;
    if (p.status === 'ok') {
      const day = p.promotedOnDate;
      this.log(
        `Promotions: ${day === null ? '(no times recorded)' : day.length ? day.map((x) => `trader ${x.trader} (run ${x.runId.slice(0, 8)})`).join(', ') : 'none on this day'}; ${p.active.length} active${p.note ? ` — ${p.note}` : ''}`,
      );
    } else this.log(`Promotions: ${p.reason}`);
    if (r.events.entries.length) {
      const t = new Table({ head: ['Upcoming', 'When (ET)', 'Detail'] });
      for (const e of r.events.entries)
        t.push([e.title, e.timeMs === null ? `${e.date} (all day)` : fmt(e.timeMs), e.detail]);
      this.log(t.toString());
    } else this.log('Upcoming: no FOMC, CPI or market closures in the next 7 days');
    for (const w of r.events.warnings) this.log(`  warning: ${w}`);
    const g = r.gap;
    if (g.status === 'ok') {
      this.log(
        `Gap risk: BTC ${formatMoney(g.btcNow, 0)}, ${formatPct(g.btcMoveFrac, 2, true)} since the ${g.sessionDate} close → implied IBIT open ${formatMoney(g.impliedIbitOpen)} (close ${formatMoney(g.ibitClose)}); next open ${fmt(g.nextOpenMs)}`,
      );
    } else this.log(`Gap risk: unknown — ${g.reason}`);
    const n = r.notifications;
    if (n && (n.pending || n.failed)) {
      this.log(
        `Notifications: ${n.pending} waiting, ${n.failed} failed${n.lastFailed.length ? ` (latest: ${n.lastFailed.map((f) => `#${f.id} ${f.kind}: ${f.reason}`).join('; ')})` : ''}`,
      );
    }
  }
}
