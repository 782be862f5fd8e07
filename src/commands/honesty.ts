import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dateFlag, engineFlag, numberFlag } from '../cli/flags.js';
import { renderHonestyMarkdown, renderHonestySeed, renderHonestySummary } from '../cli/render/honesty.js';
import { GROUP_BOOKS } from '../core/judge/group-book.js';
import { GROUP_TESTS } from '../core/judge/group-gate.js';
import { DEFAULT_PARAMS } from '../core/judge/walk-forward.js';
import { type HonestySummary, runHonesty, type Scenario } from '../services/honesty.js';

export default class Honesty extends BaseCommand<typeof Honesty> {
  static override description =
    'Honesty test of `argus promote` on simulated markets: null (fair market, nothing may be promoted) and power (a real edge)';
  static override examples = [
    '<%= config.bin %> honesty --scenario null --seeds 20',
    '<%= config.bin %> honesty --scenario both --seeds 20 --json',
    '<%= config.bin %> honesty --scenario null --scenario null-heston --scenario power --premium 0.4 --markdown',
  ];
  static override flags = {
    scenario: Flags.option({
      options: ['null', 'null-heston', 'power', 'both'] as const,
      multiple: true,
      default: ['both'],
      description:
        'null: fair GBM; null-heston: fair Heston; power: an edge; both: null and power (repeat the flag for several)',
    })(),
    markdown: Flags.boolean({
      description: "print the scenarios as one Markdown table (the README's honesty table) after the run",
      exclusive: ['json'],
    }),
    seeds: Flags.integer({ description: 'number of seeds', default: 20, min: 1 }),
    'first-seed': Flags.integer({ description: 'first seed', default: 1, min: 0 }),
    grid: Flags.string({ description: 'grid spec JSON (default: the shipped 432,000-trader grid)' }),
    engine: engineFlag({ default: 'auto' }),
    'work-dir': Flags.string({
      description: 'where the per-seed databases go (default: honesty/ in the data directory)',
    }),
    keep: Flags.boolean({
      description:
        'keep the per-seed databases; a later study of the same market (seed, window, grid, fills, fees) in the same --work-dir promotes them again instead of farming',
    }),
    'group-book': Flags.option({
      description: "what the promotion's group gate tests per group (`argus promote --group-book`)",
      options: GROUP_BOOKS,
      default: DEFAULT_PARAMS.groupBook,
    })(),
    'group-test': Flags.option({
      description: "the group gate's step-down across groups (`argus promote --group-test`)",
      options: GROUP_TESTS,
      default: DEFAULT_PARAMS.groupTest,
    })(),
    premium: numberFlag({ description: 'power scenario: implied-vol premium (default 0.2)' }),
    curve: Flags.boolean({
      description: 'power scenario at premiums 0, 0.2, 0.4 and 0.6 (the power curve)',
      exclusive: ['premium'],
    }),
    from: dateFlag({ description: 'first day of the simulated history (default: the sim window)' }),
    to: dateFlag({ description: 'last day of the simulated history' }),
    'no-cache': Flags.boolean({
      description: "recompute every seed (default: reuse each seed's cached result when the settings match)",
    }),
  };

  async run(): Promise<HonestySummary[]> {
    const f = this.flags;
    const workDir = f['work-dir'] ?? join(this.config.dataDir, 'honesty');
    const scenarios = [
      ...new Set(f.scenario.flatMap((x): Scenario[] => (x === 'both' ? ['null', 'power'] : [x]))),
    ];
    const seeds = Array.from({ length: f.seeds }, (_, i) => f['first-seed'] + i);
    const json = this.jsonEnabled();
    if ((f.from === undefined) !== (f.to === undefined))
      this.error('--from and --to go together', { exit: 2 });
    const window = f.from && f.to ? { from: f.from, to: f.to } : undefined;
    const runs: { scenario: Scenario; premium?: number }[] = scenarios.flatMap((scenario) =>
      scenario === 'power' && f.curve
        ? [0, 0.2, 0.4, 0.6].map((premium) => ({ scenario, premium }))
        : [{ scenario, premium: f.premium }],
    );
    const out: HonestySummary[] = [];
    for (const { scenario, premium } of runs) {
      const s = await runHonesty(this.ctx, {
        scenario,
        seeds,
        gridFile: f.grid,
        engine: f.engine,
        workDir,
        keep: f.keep,
        params: { groupBook: f['group-book'], groupTest: f['group-test'] },
        premium,
        window,
        cache: !f['no-cache'],
        onSeed: json ? undefined : (r) => this.log(renderHonestySeed(r)),
      });
      out.push(s);
      if (!json) this.log(renderHonestySummary(s));
    }
    if (f.markdown) this.log(`\n${renderHonestyMarkdown(out)}`);
    return out;
  }
}
