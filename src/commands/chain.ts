import { Args, Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag, sourceFlags } from '../cli/flags.js';
import { formatMoney, formatPct } from '../core/format.js';
import { isoUtc } from '../core/time/clock.js';
import { type ChainViewResult, chainView } from '../services/chain.js';

export default class ChainCommand extends BaseCommand<typeof ChainCommand> {
  static override description =
    'The option chain around the money for one expiry: strike, bid, ask, mid, IV, delta, OI, volume';
  static override examples = [
    '<%= config.bin %> chain IBIT --source replay --at 2025-03-10T15:00:00Z --dte 14',
    '<%= config.bin %> chain IBIT --expiry 2025-03-21 --right both --json',
  ];
  static override args = {
    symbol: Args.string({ options: ['IBIT', 'BITO'], required: true, description: 'ETF symbol' }),
  };
  static override flags = {
    ...sourceFlags,
    expiry: dateFlag({ description: 'expiry date', exclusive: ['dte'] }),
    dte: Flags.integer({
      description: 'the listed expiry nearest this many days (default 14)',
      min: 0,
      max: 1000,
    }),
    strikes: Flags.integer({ description: 'strikes each side of the money', default: 10, min: 1, max: 200 }),
    right: Flags.option({ options: ['put', 'call', 'both'] as const, default: 'put' })(),
  };

  async run(): Promise<ChainViewResult> {
    const ctx = this.ctx;
    const atMs = this.flags.at ?? ctx.clock.nowMs();
    const source = ctx.source(ctx.defaultSource, { atMs });
    try {
      const result = await chainView(source, ctx.calendar, {
        symbol: this.args.symbol as 'IBIT' | 'BITO',
        atMs,
        expiry: this.flags.expiry,
        dte: this.flags.dte,
        strikes: this.flags.strikes,
        rights: this.flags.right === 'both' ? ['put', 'call'] : [this.flags.right],
        riskFreeRate: ctx.config.config.pricing.riskFreeRate,
      });
      if (!this.jsonEnabled()) this.render(result);
      return result;
    } finally {
      await source.close?.();
    }
  }

  private render(r: ChainViewResult): void {
    const m = this.ctx.calendar;
    if (r.status === 'missing') {
      this.log(`${r.symbol} chain at ${m.formatEt(r.atMs)}: missing (${r.source}): ${r.reason}`);
      return;
    }
    const note = [r.note, r.stale ? 'STALE' : null].filter(Boolean).join(', ');
    this.log(
      `${r.symbol} ${r.expiry} (${r.dte} DTE) — underlying ${formatMoney(r.underlyingPrice)} — quotes ${m.formatEt(r.quoteTimeMs)} (${isoUtc(r.quoteTimeMs)}) from ${r.source}${note ? ` [${note}]` : ''}`,
    );
    const money = (x: number | null) => (x === null ? '—' : x.toFixed(2));
    const t = new Table({ head: ['Strike', 'Right', 'Bid', 'Ask', 'Mid', 'IV', 'Delta', 'OI', 'Volume'] });
    for (const row of r.rows) {
      t.push([
        row.strike.toFixed(2),
        row.right,
        money(row.bid),
        money(row.ask),
        row.mid === null ? '—' : row.mid.toFixed(3),
        row.iv === null ? '—' : formatPct(row.iv, 1),
        row.delta === null ? '—' : row.delta.toFixed(3),
        row.openInterest ?? '—',
        row.volume ?? '—',
      ]);
    }
    this.log(t.toString());
    this.log(`Listed expiries: ${r.expiries.join(' ')}`);
  }
}
