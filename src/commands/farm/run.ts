import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../../cli/base-command.js';
import { dateFlag, numberFlag } from '../../cli/flags.js';
import { renderLiveStep } from '../../cli/render/farm-live.js';
import { progressReporter } from '../../cli/render/farm-progress.js';
import { formatMoney, formatPct } from '../../core/format.js';
import { farmLiveStep } from '../../services/farm-live.js';
import { type BacktestResult, farmBacktest } from '../../services/farm-run.js';

export default class FarmRun extends BaseCommand<typeof FarmRun> {
  static override description =
    'Run the paper-trader farm: one live step, or a backtest over replayed history (--source replay) or the seeded simulator (--source sim)';
  static override examples = [
    '<%= config.bin %> farm run --source replay',
    '<%= config.bin %> farm run --source replay --from 2025-03-03 --to 2025-04-30 --grid my-grid.json',
    '<%= config.bin %> farm run --source sim --model gbm --premium 0 --fair --fill-f 0 --fee 0 --seed 7',
    '<%= config.bin %> farm run --resume <run-id>',
  ];
  static override flags = {
    source: Flags.option({
      options: ['live', 'replay', 'sim'] as const,
      description: 'market data (default from config: live)',
    })(),
    from: dateFlag({ description: 'first day (replay default 2025-01-02)' }),
    to: dateFlag({ description: 'last day (replay default 2025-11-11)' }),
    grid: Flags.string({ description: 'grid spec JSON (default: the shipped 432,000-trader grid)' }),
    engine: Flags.option({
      options: ['auto', 'gpu', 'cpu', 'js'] as const,
      description: 'kernel engine (default auto)',
    })(),
    seed: Flags.integer({
      description: 'seed for the simulator and the daily-P&L sample',
      default: 1,
      min: 0,
    }),
    resume: Flags.string({ description: 'resume an interrupted backtest from its last checkpoint (run id)' }),
    model: Flags.option({
      options: ['gbm', 'heston', 'heston-jump'] as const,
      description: 'sim: BTC model (default heston)',
    })(),
    premium: numberFlag({ description: 'sim: implied-vol premium over the model vol (default 0.1)' }),
    fair: Flags.boolean({ description: 'sim: exactly fair market (needs --model gbm --premium 0)' }),
    'fill-f': numberFlag({
      description: 'fill model f: 1 = bid/ask (default), 0.32 ≈ ORATS, 0 = mid',
      min: 0,
      max: 1,
    }),
    fee: numberFlag({ description: 'commission per contract per leg, USD (default 0.65)', min: 0 }),
    'stop-after': Flags.integer({ hidden: true, description: 'stop after N steps (resume tests)' }),
  };

  async run(): Promise<BacktestResult> {
    const f = this.flags;
    const ctx = this.ctx;
    const kind = f.resume ? 'replay' : (f.source ?? ctx.config.config.source);
    if (kind === 'live') {
      const r = await farmLiveStep(ctx, {
        mode: 'full',
        engine: f.engine ?? ctx.config.config.farm.engine,
        gridFile: f.grid,
      });
      if (!this.jsonEnabled()) this.log(renderLiveStep(r, (ms) => ctx.calendar.formatEt(ms)));
      return r as never;
    }
    const resumeSource = f.resume
      ? ((ctx.store().getRun(f.resume)?.kind as 'replay' | 'sim' | undefined) ?? 'replay')
      : kind;
    const m = ctx.calendar;
    const result = await farmBacktest(ctx, {
      source: resumeSource === 'sim' ? 'sim' : 'replay',
      from: f.from,
      to: f.to,
      gridFile: f.grid,
      engine: f.engine ?? ctx.config.config.farm.engine,
      seed: f.seed,
      resumeRunId: f.resume,
      sim:
        kind === 'sim'
          ? { model: f.model ?? 'heston', premium: f.premium, fair: f.fair, seed: f.seed }
          : undefined,
      stopAfterSteps: f['stop-after'],
      onProgress: this.jsonEnabled() ? undefined : progressReporter(process.stderr, (ms) => m.formatEt(ms)),
    });
    if (!this.jsonEnabled()) this.render(result);
    return result;
  }

  private render(r: BacktestResult): void {
    const s = r.summary;
    this.log(
      `\nRun ${r.runId} — ${r.status} — ${r.source} ${r.window.from} → ${r.window.to}, ${r.steps} steps, ${r.traders.toLocaleString('en-US')} traders, engine ${r.engine}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    this.log(`Data: ${r.label}`);
    this.log(
      `Trades: ${s.opened.toLocaleString('en-US')} opened, ${s.closed.toLocaleString('en-US')} closed; ${s.openPositionsAtEnd.toLocaleString('en-US')} still open (marked to market, not realised)`,
    );
    this.log(
      `Exits by reason: ${
        Object.entries(s.exitsByReason)
          .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
          .join(', ') || 'none'
      }${s.exitsBlocked ? `; ${s.exitsBlocked} exits waited for a quote` : ''}`,
    );
    const p = s.realizedPnlUsd;
    this.log(
      `Realised P&L per trader: min ${formatMoney(p.min)}, p10 ${formatMoney(p.p10)}, median ${formatMoney(p.p50)}, p90 ${formatMoney(p.p90)}, max ${formatMoney(p.max)}, mean ${formatMoney(p.mean)}; ${s.tradersWithTrades.toLocaleString('en-US')} traders traded`,
    );
    const skips = Object.entries(s.skipsByReason).sort((a, b) => b[1] - a[1]);
    this.log(
      `Entries skipped (trader-steps in market hours): ${skips.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || 'none'}`,
    );
    const t = new Table({
      head: [
        'Trader',
        'DTE',
        'Δ',
        'Width',
        'PT',
        'Stop',
        'Trail',
        'Size',
        'Warmth≥',
        'IVR≥',
        'Session',
        'Trades',
        'Win',
        'Realised',
      ],
    });
    for (const x of r.top) {
      const c = x.config;
      t.push([
        x.trader,
        c.dte,
        c.shortDelta,
        `$${c.width}`,
        `${c.profitTargetPct}%`,
        `${c.stopLossX}×`,
        c.trailingStopPct ? `${c.trailingStopPct}` : 'off',
        `${c.sizePct}%`,
        c.warmthFloor,
        c.ivRankFloor,
        c.session,
        x.trades,
        x.winRate === null ? '—' : formatPct(x.winRate, 0),
        formatMoney(x.realizedUsd),
      ]);
    }
    this.log('Top 10 traders by realised P&L:');
    this.log(t.toString());
  }
}
