import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { engineFlag, sourceFlags } from '../cli/flags.js';
import { renderSignal } from '../cli/render/signal.js';
import type { SignalResult } from '../core/conditions/signal.js';
import { parseModelName } from '../core/pricing/models.js';
import type { NotifyReport } from '../services/notify.js';
import { signal } from '../services/signal.js';

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
    engine: engineFlag({ description: 'Monte Carlo engine' }),
    notify: Flags.boolean({
      description: 'send a new recommendation to Telegram (outbox; deduplicated and rate-limited)',
    }),
  };

  async run(): Promise<SignalResult & { notify?: NotifyReport }> {
    this.requireAtForReplay(this.flags.source, this.flags.at);
    const f = this.flags;
    const result = await signal(this.ctx, {
      atMs: f.at,
      model: f.model === undefined ? undefined : parseModelName(f.model),
      paths: f.paths,
      seed: f.seed,
      engine: f.engine,
      notify: f.notify,
    });
    if (!this.jsonEnabled()) this.log(renderSignal(result, this.ctx.calendar));
    this.dataMissing(result.missing);
    return result;
  }
}
