import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { dateFlag, engineFlag, numberFlag, shardFlag } from '../../cli/flags.js';
import { interruptedLine, progressReporter, renderFarmRun } from '../../cli/render/farm.js';
import type { LiveStepResult } from '../../services/farm-live.js';
import { type BacktestResult, farmRun } from '../../services/farm-run.js';

export default class FarmRun extends BaseCommand<typeof FarmRun> {
  static override description =
    'Run the paper-trader farm: one live step, or a backtest over replayed history (--source replay) or the seeded simulator (--source sim)';
  static override examples = [
    '<%= config.bin %> farm run --source replay',
    '<%= config.bin %> farm run --source replay --from 2025-03-03 --to 2025-04-30 --grid <grid.json>',
    '<%= config.bin %> farm run --source sim --model gbm --premium 0 --fair --fill-f 0 --fee 0 --seed 7',
    '<%= config.bin %> farm run --resume <interrupted-run-id>',
    '<%= config.bin %> farm run --source replay --shard 2/4 --db shard-2.db',
  ];
  static override flags = {
    source: Flags.option({
      options: ['live', 'replay', 'sim'] as const,
      description: 'market data (default from config: live)',
    })(),
    from: dateFlag({ description: 'first day (replay default 2022-01-03)' }),
    to: dateFlag({ description: 'last day (replay default 2026-02-12)' }),
    grid: Flags.string({ description: 'grid spec JSON (default: the shipped 432,000-trader grid)' }),
    engine: engineFlag({ description: 'kernel engine (default auto)' }),
    seed: Flags.integer({
      description: 'seed for the simulator and the daily-P&L sample',
      default: 1,
      min: 0,
    }),
    resume: Flags.string({
      description:
        'resume an interrupted backtest from its last checkpoint (run id, its first characters, or latest)',
    }),
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
    'iv-shift': numberFlag({
      description:
        'replay: vol points added to the fitted IV level of the synthetic chains (e.g. -2; default 0)',
      min: -30,
      max: 30,
    }),
    workers: Flags.integer({
      description:
        'threads to step the traders on (default: one per core; 1: this thread only); results do not depend on it',
      min: 0,
      max: 64,
    }),
    shard: shardFlag({
      description:
        'run only shard I of N of the grid (contiguous traders; same market and seed) into --db; combine the N with `farm merge`',
    }),
    'stop-after': Flags.integer({ hidden: true, description: 'stop after N steps (resume tests)' }),
  };

  async run(): Promise<BacktestResult | LiveStepResult> {
    const f = this.flags;
    const fmtTime = (ms: number) => this.ctx.calendar.formatEt(ms);
    // Ctrl-C and SIGTERM finish the step in flight, mark the run interrupted and say how to resume.
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // --fill-f, --fee, --iv-shift and --workers reach the farm through the config (flag > environment > file).
    const r = await farmRun(this.ctx, {
      source: f.source,
      from: f.from,
      to: f.to,
      gridFile: f.grid,
      engine: f.engine,
      seed: f.seed,
      resumeRunId: f.resume,
      model: f.model,
      premium: f.premium,
      fair: f.fair,
      stopAfterSteps: f['stop-after'],
      shard: f.shard,
      onProgress: this.jsonEnabled() ? undefined : progressReporter(process.stderr, fmtTime),
      signal: stop.signal,
    }).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    if (!this.jsonEnabled()) this.log(renderFarmRun(r, fmtTime));
    if ('status' in r && r.status === 'interrupted') {
      process.stderr.write(`${interruptedLine(r)}\n`);
      process.exitCode = 130;
    }
    return r;
  }
}
