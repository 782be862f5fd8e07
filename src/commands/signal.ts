import { Flags } from '@oclif/core';
import Table from 'cli-table3';

import { BaseCommand } from '../cli/base-command.js';
import { sourceFlags } from '../cli/flags.js';
import type { SignalConfig, SignalResult } from '../core/conditions/signal.js';
import { farmSettings } from '../core/farm/settings.js';
import { formatMoney, formatPct } from '../core/format.js';
import { describeNotify, type NotifyReport, notifySignal, requireTelegram } from '../services/notify.js';
import { computeSignal } from '../services/signal.js';

export default class Signal extends BaseCommand<typeof Signal> {
  static override description =
    'Conditions now (each warmth component, regime, IV rank, events, gap) and the put spread to sell, filter by filter, at fills you could really get';
  static override examples = [
    '<%= config.bin %> signal --source replay --at 2025-03-10T15:00:00Z',
    '<%= config.bin %> signal --model heston --paths 200000 --json',
  ];
  static override flags = {
    ...sourceFlags,
    model: Flags.option({
      options: ['gbm', 'bs', 'heston', 'merton', 'heston-jump'] as const,
      description: 'PoP model (default from config: heston-jump)',
    })(),
    paths: Flags.integer({
      description: 'Monte Carlo paths for PoP',
      default: 100_000,
      min: 1000,
      max: 10_000_000,
    }),
    seed: Flags.integer({ description: 'Monte Carlo seed', default: 1, min: 0 }),
    engine: Flags.option({
      options: ['auto', 'gpu', 'cpu', 'js'] as const,
      description: 'Monte Carlo engine',
    })(),
    notify: Flags.boolean({
      description: 'send a new recommendation to Telegram (outbox; deduplicated and rate-limited)',
    }),
  };

  async run(): Promise<SignalResult & { notify?: NotifyReport }> {
    const ctx = this.ctx;
    const c = ctx.config.config;
    if (this.flags.notify) requireTelegram(c);
    const atMs = this.flags.at ?? ctx.clock.nowMs();
    const promoted = ctx.promotions.promotedConfigs();
    const configs: SignalConfig[] = promoted.length
      ? promoted
      : [
          {
            label: 'default (config signal.*)',
            dte: c.signal.dte,
            shortDelta: c.signal.shortDelta,
            width: c.signal.width,
            warmthFloor: c.signal.warmthFloor,
            ivRankFloor: c.signal.ivRankFloor,
            minPop: c.signal.minPop,
          },
        ];
    const { fill } = farmSettings(ctx.farmConfig);
    const source = ctx.source(ctx.defaultSource, { atMs });
    try {
      const model = this.flags.model === 'bs' ? 'gbm' : (this.flags.model ?? c.signal.model);
      const r = await computeSignal(source, ctx.calendar, ctx.economic, {
        atMs,
        configs,
        fill,
        feePerContractPerLegUsd: c.farm.feePerContractPerLegUsd,
        riskFreeRate: c.pricing.riskFreeRate,
        model,
        paths: this.flags.paths,
        seed: this.flags.seed,
        engine: this.flags.engine ?? c.farm.engine,
      });
      if (!this.jsonEnabled()) this.render(r);
      if (this.flags.notify) {
        const fmtTime = (ms: number) => ctx.calendar.formatEt(ms);
        const notify = await notifySignal(ctx.store(), r, {
          clock: ctx.clock,
          config: c,
          log: this.logger,
          fmtTime,
        });
        if (!this.jsonEnabled()) this.log(describeNotify(notify));
        return { ...r, notify };
      }
      return r;
    } finally {
      await source.close?.();
    }
  }

  private render(r: SignalResult): void {
    const m = this.ctx.calendar;
    const k = r.conditions;
    this.log(
      `Signal at ${m.formatEt(r.atMs)} — source ${r.source}; NYSE ${k.market.phase} (${k.market.reason})`,
    );
    const w = k.warmth;
    if (w.status === 'ok') {
      this.log(
        `Warmth ${w.display} / 10${w.missing.length ? ` (missing: ${w.missing.map((x) => `${x.name}: ${x.reason}`).join('; ')})` : ''}`,
      );
      const t = new Table({ head: ['Component', 'Raw', 'Score 0–1', 'Weight', 'Points', 'Note'] });
      for (const c of w.components)
        t.push([
          c.name,
          String(typeof c.raw === 'number' ? Number(c.raw.toPrecision(4)) : c.raw),
          c.normalised.toFixed(2),
          c.weight,
          c.contribution.toFixed(2),
          c.note ?? '',
        ]);
      this.log(t.toString());
    } else this.log(`Warmth: ${w.reason}`);
    const r0 = k.ivRank;
    this.log(
      `IV rank ${r0.status === 'ok' ? `${(r0.rank * 100).toFixed(0)}, percentile ${(r0.percentile * 100).toFixed(0)} (${r0.n} days)` : r0.reason}; ` +
        `regime ${k.regime.status === 'ok' ? k.regime.regime : k.regime.reason}; ` +
        `gap ${k.gap.status === 'ok' ? formatPct(k.gap.gapFrac, 2, true) : k.gap.reason}; ` +
        `next event ${'event' in k.nextEvent ? `${k.nextEvent.event.title} ${m.formatEt(k.nextEvent.event.timeMs)} (in ${k.nextEvent.hoursAway.toFixed(0)} h)` : k.nextEvent.reason}`,
    );
    for (const c of r.candidates) {
      this.log(`\n${c.config.label}: ${c.verdict.toUpperCase()}`);
      if (c.status === 'ok') {
        const o = c.outcomes!;
        this.log(
          `  Sell IBIT ${c.expiry} (${c.dte} DTE) ${c.shortStrike}/${c.longStrike} put spread: short ${c.shortQuote!.bid?.toFixed(2)}×${c.shortQuote!.ask?.toFixed(2)}, long ${c.longQuote!.bid?.toFixed(2)}×${c.longQuote!.ask?.toFixed(2)}`,
        );
        this.log(
          `  Credit ${c.creditPerShare!.toFixed(2)}/share at the fill model = ${formatMoney(c.creditPerContractAfterFees!)} per contract after fees; max loss ${formatMoney(c.maxLossPerContract!)}`,
        );
        this.log(
          `  ${c.model} (from ${c.modelVariance}): PoP ${formatPct(o.pop, 1)} ± ${formatPct(o.popSE, 1)}, touch ${formatPct(o.pTouch, 1)}, max loss ${formatPct(o.pMaxLoss, 1)}, EV ${formatMoney(c.expectedValuePerContract!)} ± ${formatMoney(c.expectedValueSE!)} per contract`,
        );
        this.log(
          `  Assignment: ${c.assignment!.reason}; events before expiry: ${c.eventsBeforeExpiry.map((e) => `${e.title} ${e.date}`).join(', ') || 'none'}`,
        );
      } else this.log(`  No candidate: ${c.reason}`);
      const t = new Table({ head: ['Filter', 'Pass', 'Detail'] });
      for (const f of c.filters) t.push([f.filter, f.pass ? 'yes' : 'NO', f.detail]);
      this.log(t.toString());
    }
  }
}
