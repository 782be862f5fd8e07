import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { engineFlag, numberFlag } from '../cli/flags.js';
import { renderHonestySeed, renderHonestySummary } from '../cli/render/honesty.js';
import { type HonestySummary, runHonesty, type Scenario } from '../services/honesty.js';

export default class Honesty extends BaseCommand<typeof Honesty> {
  static override description =
    'Honesty test of `argus promote` on simulated markets: null (fair market, nothing may be promoted) and power (a real edge)';
  static override examples = [
    '<%= config.bin %> honesty --scenario null --seeds 20',
    '<%= config.bin %> honesty --scenario both --seeds 20 --json',
  ];
  static override flags = {
    scenario: Flags.option({ options: ['null', 'power', 'both'] as const, default: 'both' })(),
    seeds: Flags.integer({ description: 'number of seeds', default: 20, min: 1 }),
    'first-seed': Flags.integer({ description: 'first seed', default: 1, min: 0 }),
    grid: Flags.string({ description: 'grid spec JSON (default: the shipped 432,000-trader grid)' }),
    engine: engineFlag({ default: 'auto' }),
    'work-dir': Flags.string({
      description: 'where the per-seed databases go (default: honesty/ in the data directory)',
    }),
    keep: Flags.boolean({ description: 'keep the per-seed databases' }),
    premium: numberFlag({ description: 'power scenario: implied-vol premium (default 0.2)' }),
  };

  async run(): Promise<HonestySummary[]> {
    const f = this.flags;
    const workDir = f['work-dir'] ?? join(this.config.dataDir, 'honesty');
    const scenarios: Scenario[] = f.scenario === 'both' ? ['null', 'power'] : [f.scenario];
    const seeds = Array.from({ length: f.seeds }, (_, i) => f['first-seed'] + i);
    const json = this.jsonEnabled();
    const out: HonestySummary[] = [];
    for (const scenario of scenarios) {
      const s = await runHonesty(this.ctx, {
        scenario,
        seeds,
        gridFile: f.grid,
        engine: f.engine,
        workDir,
        keep: f.keep,
        premium: f.premium,
        onSeed: json ? undefined : (r) => this.log(renderHonestySeed(r)),
      });
      out.push(s);
      if (!json) this.log(renderHonestySummary(s));
    }
    return out;
  }
}
